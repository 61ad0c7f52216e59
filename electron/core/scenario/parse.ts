/**
 * Reads a scenario file (YAML, or JSON, which YAML reads too) into a checked ScenarioFile. Every
 * error names where it is: the line and column of a syntax error, or the step and field of a bad
 * value (`steps[2].load.ramp.over: must be more than 0`), before anything starts.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ValidationError } from '../errors.ts';
import {
  scenarioSchema,
  type LoadAction,
  type LoadSetting,
  type ScenarioFile,
  type ScenarioLimits,
} from './schema.ts';

/** "steps[2].load.ramp.over" from ['steps', 2, 'load', 'ramp', 'over']. */
export function fieldPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path;
}

type Issue = z.core.$ZodIssue;

/**
 * A union's own message ("must be "stop" or an object ...") hides what was wrong inside the branch
 * the file meant; the branch whose issue reaches deepest is the one it meant.
 */
function mostSpecific(issue: Issue): { path: PropertyKey[]; message: string } {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let best: { path: PropertyKey[]; message: string } | null = null;
    for (const branch of issue.errors) {
      const first = branch[0];
      if (first === undefined) continue;
      const shallowMismatch =
        first.path.length === 0 && (first.code === 'invalid_type' || first.code === 'invalid_value');
      if (shallowMismatch) continue;
      const inner = mostSpecific(first);
      if (best === null || inner.path.length > best.path.length) best = inner;
    }
    if (best !== null) return { path: [...issue.path, ...best.path], message: best.message };
  }
  const path = [...issue.path];
  // An unknown key is reported on its parent object; name the key itself.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
    path.push(issue.keys[0]);
    return { path, message: `is not a field here (${issue.message})` };
  }
  return { path, message: issue.message };
}

function fromZod(error: z.ZodError): ValidationError {
  const issue = error.issues[0];
  if (issue === undefined) return new ValidationError('scenario', 'invalid scenario');
  const { path, message } = mostSpecific(issue);
  return new ValidationError(path.length === 0 ? 'scenario' : fieldPath(path), message);
}

/** The text as data; a syntax error says its line and column. */
export function readScenarioText(text: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const error = document.errors[0];
  if (error !== undefined) {
    const at = lineCounter.linePos(error.pos[0]);
    const where = `line ${at.line}, column ${at.col}: `;
    const firstLine = error.message.split('\n')[0] ?? error.message;
    throw new ValidationError('source', `${where}${firstLine} (the file is not valid YAML or JSON)`);
  }
  return document.toJS({ maxAliasCount: 100 }) as unknown;
}

/** Checks that need the whole file: ramps fit their step, deadlines fit the scenario. */
function crossCheck(file: ScenarioFile): void {
  const total = file.steps.reduce((sum, step) => sum + step.for, 0);
  let startsAt = 0;
  file.steps.forEach((step, index) => {
    const here = `steps[${index}]`;
    if (typeof step.load === 'object' && step.load.ramp !== undefined && step.load.ramp.over > step.for)
      throw new ValidationError(
        `${here}.load.ramp.over`,
        `must be at most the step’s ${step.for} s (its "for"); split a longer ramp over several steps`,
      );
    const deadlines = ['scalesOut', 'scalesIn', 'replicas', 'healthy'] as const;
    if (step.endsWhenMet === true && !deadlines.some((kind) => step.expect?.[kind] !== undefined))
      throw new ValidationError(
        `${here}.endsWhenMet`,
        'needs an expectation with a deadline in this step (scalesOut, scalesIn, replicas or healthy)',
      );
    const left = total - startsAt;
    const expect = step.expect ?? {};
    for (const [name, value] of Object.entries(expect)) {
      const deadline = (value as { within?: unknown }).within;
      if (typeof deadline === 'number' && deadline > left)
        throw new ValidationError(
          `${here}.expect.${name}.within`,
          `must be at most ${left} s: the scenario ends ${left} s after this step starts (lengthen the later steps)`,
        );
    }
    startsAt += step.for;
  });
  if (!file.steps.some((step) => step.load !== undefined && step.load !== 'stop')) {
    const firstFailures = file.steps.findIndex(
      (step) =>
        step.expect?.noFailedRequests !== undefined ||
        step.expect?.failedRequests !== undefined ||
        step.expect?.cacheHitRatio !== undefined,
    );
    if (firstFailures >= 0)
      throw new ValidationError(
        `steps[${firstFailures}].expect`,
        'request expectations need a load: no step starts one',
      );
  }
}

/** Parses and checks a scenario file's text against the session's limits. */
export function parseScenario(text: string, limits: ScenarioLimits): ScenarioFile {
  const data = readScenarioText(text);
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ValidationError('source', 'must be a scenario: a mapping with name, title and steps');
  const result = scenarioSchema(limits).safeParse(data);
  if (!result.success) throw fromZod(result.error);
  crossCheck(result.data);
  return result.data;
}

/** A load setting sized from the calibration ("2x") at its start or its ramp's end. */
export function isRelativeLoad(load: LoadAction | undefined): load is LoadSetting {
  return typeof load === 'object' && (load.rate?.kind === 'relative' || load.ramp?.to.kind === 'relative');
}

/** True when a step sizes its load from the calibration ("2x"): only then does the player calibrate. */
export function usesRelativeRates(file: ScenarioFile): boolean {
  return file.steps.some((step) => isRelativeLoad(step.load));
}
