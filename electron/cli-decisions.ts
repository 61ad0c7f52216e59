/**
 * The decision commands: `explain` (each autoscaler decision written out as arithmetic), `whatif`
 * (a recording replayed through other settings) and `export` (the session's recording as a file).
 * explain and export read the controller attached in this process, else a running `scaledeck serve`
 * of the stack (cli-history.ts). The work is in core/decisions; this module reads flags and files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AutoscalerInputError, validateAutoscalerSpec, type ScaleDecision } from './core/autoscaler.ts';
import type { Controller } from './core/controller.ts';
import {
  explainDecision,
  explanationLines,
  markMismatch,
  type DecisionExplanation,
} from './core/decisions/explain.ts';
import { parseRecording, type Recording } from './core/decisions/recording.ts';
import { applySpec, replay, type SpecOverrides } from './core/decisions/replay.ts';
import { ScaledeckError, ValidationError } from './core/errors.ts';
import { behaviorFromFlags, type BehaviorFlags } from './cli-behavior.ts';
import { exportJson, readServe } from './cli-export.ts';
import { findHistory, type History } from './cli-history.ts';
import { defaultRuntimeDir } from './runtime-dir.ts';
import { liveAnnouncement } from './serve-announce.ts';

export interface DecisionCommandHooks {
  /** The controller attached in this process (e.g. by `watch`), if any. */
  attached: () => Controller | null;
  /** Attaches a controller to the stack the global flags name, for the time of `work`. */
  withController: <T>(command: Command, work: (controller: Controller) => Promise<T>) => Promise<T>;
}

const AUTOSCALER_OFF =
  'it records once the autoscaler is on (`scaledeck autoscale --min N --max N --cpu PERCENT`, or the dashboard)';

// A spec field as the flag that sets it, so an error names what the user typed.
const FLAG_OF_FIELD: Record<string, string> = {
  minReplicas: '--min',
  maxReplicas: '--max',
  targetCpuUtilizationPercent: '--cpu',
  profile: '--profile',
};

function wholeNumber(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`${flag} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

function atLeastOne(flag: string) {
  const whole = wholeNumber(flag);
  return (value: string): number => {
    const n = whole(value);
    if (n < 1) throw new InvalidArgumentError(`${flag} must be at least 1, got ${value}`);
    return n;
  };
}

async function readRecording(file: string): Promise<Recording> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationError('--recording', `cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('--recording', `${file} is not JSON (${(error as Error).message})`);
  }
  try {
    return parseRecording(json);
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError('--recording', `${file}: ${error.message}`);
    throw error;
  }
}

/** The session explain and export read; `otherwise` is the way out when none runs. */
function historyFor(hooks: DecisionCommandHooks, command: Command, otherwise: string): Promise<History> {
  const globals = command.optsWithGlobals<{ stack: string; target: string }>();
  const targetGiven = command.getOptionValueSourceWithGlobals('target') !== 'default';
  return findHistory(hooks.attached(), {
    stack: globals.stack,
    target: targetGiven ? globals.target : undefined,
    runtimeDir: defaultRuntimeDir(),
    otherwise,
  });
}

async function writeOut(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new ValidationError(
      '--out',
      `cannot write ${file}: ${(error as Error).message}; give a path in a folder you can write to`,
    );
  }
}

interface WhatIfFlags extends BehaviorFlags {
  recording: string;
  min?: number;
  max?: number;
  cpu?: number;
  profile?: 'kubernetes' | 'demo';
  json?: boolean;
}

async function overridesOf(flags: WhatIfFlags, recording: Recording): Promise<SpecOverrides> {
  const behavior = await behaviorFromFlags(flags);
  const overrides: SpecOverrides = {
    ...(flags.min === undefined ? {} : { minReplicas: flags.min }),
    ...(flags.max === undefined ? {} : { maxReplicas: flags.max }),
    ...(flags.cpu === undefined ? {} : { targetCpuUtilizationPercent: flags.cpu }),
    ...(flags.profile === undefined ? {} : { profile: flags.profile }),
    ...(behavior === undefined ? {} : { behavior }),
  };
  // Checked against every recorded spec before anything runs: e.g. --min above a recorded max.
  for (const sync of recording.syncs) {
    try {
      validateAutoscalerSpec(applySpec(sync.spec, overrides));
    } catch (error) {
      if (!(error instanceof AutoscalerInputError)) throw error;
      let flag =
        FLAG_OF_FIELD[error.field] ?? (error.field.startsWith('behavior') ? '--behavior' : error.field);
      // "max below min" is reported on maxReplicas; name the flag the user gave when it was --min.
      if (flag === '--max' && flags.max === undefined && flags.min !== undefined) flag = '--min';
      throw new ValidationError(flag, error.message.replace(`${error.field}: `, `${error.field} `));
    }
  }
  return overrides;
}

function printExplanations(explanations: DecisionExplanation[], json: boolean | undefined): void {
  if (json) {
    console.log(JSON.stringify(explanations, null, 2));
    return;
  }
  for (const explanation of explanations) console.log(explanationLines(explanation).join('\n'));
}

export function registerDecisionCommands(program: Command, hooks: DecisionCommandHooks): void {
  program
    .command('explain')
    .description(
      'each autoscaler decision written out: inputs, formula, tolerance, windows, policies, clamp (from a running `scaledeck serve` of the stack, or --recording)',
    )
    .option('--last <n>', 'the latest N decisions', atLeastOne('--last'), 5)
    .option('--recording <file>', 'explain the decisions of a recording file (from `scaledeck export`)')
    .option('--json', 'machine-readable')
    .action(async (flags: { last: number; recording?: string; json?: boolean }, command: Command) => {
      let decisions: { decision: ScaleDecision; recorded?: number }[];
      if (flags.recording !== undefined) {
        const recording = await readRecording(flags.recording);
        decisions = replay(recording).decisions.flatMap((decision, i) =>
          decision === null ? [] : [{ decision, recorded: recording.syncs[i]?.desiredReplicas }],
        );
      } else {
        const history = await historyFor(hooks, command, 'give --recording FILE (from `scaledeck export`)');
        const own =
          history.kind === 'controller'
            ? history.controller.decisions()
            : (await history.client.invoke('decisions:recording', {})).decisions;
        if (own.length === 0 && history.kind === 'serve')
          process.stderr.write(
            `no autoscaler decision yet in the ${history.client.label}: ${AUTOSCALER_OFF}\n`,
          );
        decisions = own.map((decision) => ({ decision }));
      }
      const explanations = decisions
        .slice(Math.max(0, decisions.length - flags.last))
        .flatMap(({ decision, recorded }) => {
          const explanation = decision.explanation ?? explainDecision(decision);
          if (explanation === null) return [];
          // Never papers over a reconstruction that differs from what was recorded.
          return [recorded === undefined ? explanation : markMismatch(explanation, recorded)];
        });
      printExplanations(explanations, flags.json);
    });

  program
    .command('whatif')
    .description(
      'replay a recording through other autoscaler settings: the actual and the hypothetical replica count per sync',
    )
    .requiredOption('--recording <file>', 'a recording file (from `scaledeck export`)')
    .option('--min <n>', 'minimum replicas', wholeNumber('--min'))
    .option('--max <n>', 'maximum replicas', wholeNumber('--max'))
    .option('--cpu <percent>', 'target CPU utilization %', wholeNumber('--cpu'))
    .addOption(
      new Option('--profile <profile>', 'kubernetes defaults, or demo (faster)').choices([
        'kubernetes',
        'demo',
      ]),
    )
    .option(
      '--scale-up-window <s>',
      'scale-up stabilization window, 0..3600 s',
      wholeNumber('--scale-up-window'),
    )
    .option(
      '--scale-down-window <s>',
      'scale-down stabilization window, 0..3600 s',
      wholeNumber('--scale-down-window'),
    )
    .option('--behavior <json>', 'HPA behavior as JSON, any part of {"scaleUp":{...},"scaleDown":{...}}')
    .option('--behavior-file <path>', 'the same JSON, from a file')
    .option('--json', 'machine-readable: { actual, whatIf, summary, loadModel, ... }')
    .action(async (flags: WhatIfFlags) => {
      const recording = await readRecording(flags.recording);
      const overrides = await overridesOf(flags, recording);
      const result = replay(recording, overrides);
      if (flags.json) {
        const { decisions: _decisions, ...rest } = result;
        console.log(JSON.stringify({ overrides, ...rest }, null, 2));
        return;
      }
      console.log(
        `load model: ${result.loadModel} (start-up ${Math.round(result.replicaStartupMs / 1000)} s${result.replicaStartupMeasured ? '' : ', a default: no replica started during the recording'})`,
      );
      const start = result.actual[0]?.at ?? 0;
      result.actual.forEach((point, i) => {
        const hypothetical = result.whatIf[i]?.replicas ?? point.replicas;
        const mark = hypothetical === point.replicas ? '' : '  *';
        console.log(
          `  +${Math.round((point.at - start) / 1000)} s  actual ${point.replicas}  what-if ${hypothetical}${mark}`,
        );
      });
      console.log(result.summary.text);
    });

  program
    .command('export')
    .description(
      'write the dashboard’s JSON export (series, timeline, the recording of per-sync inputs, settings and decisions) from a running `scaledeck serve` of the stack, or record here with --attach',
    )
    .requiredOption('--out <file>', 'where to write it')
    .option(
      '--attach <seconds>',
      'attach a controller to the stack for this long first, running its loops like `watch`, and record',
      wholeNumber('--attach'),
    )
    .action(async (flags: { out: string; attach?: number }, command: Command) => {
      if (flags.attach !== undefined) {
        const seconds = flags.attach;
        const serving = await liveAnnouncement(
          defaultRuntimeDir(),
          command.optsWithGlobals<{ stack: string }>().stack,
        ).catch(() => null);
        // A second controller on the stack reconciles and autoscales beside the serve's.
        if (serving !== null)
          process.stderr.write(
            `warning: a scaledeck serve (pid ${serving.pid}) is attached to this stack; ` +
              'without --attach, export writes what it recorded\n',
          );
        const recording = await hooks.withController(command, async (controller) => {
          controller.start();
          console.error(`recording for ${seconds} s…`);
          await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
          return controller.recording();
        });
        if (recording.syncs.length === 0)
          throw new ScaledeckError(
            'NO_HISTORY',
            `no autoscaler sync in ${seconds} s: is the autoscaler on (\`scaledeck autoscale\`) on a Docker stack?`,
          );
        await writeRecording(flags.out, recording);
        return;
      }
      const history = await historyFor(
        hooks,
        command,
        'record from this terminal with `scaledeck export --out FILE --attach SECONDS` (it runs the loops as `scaledeck watch` does)',
      );
      if (history.kind === 'controller') {
        await writeRecording(flags.out, history.controller.recording());
        return;
      }
      const answers = await readServe(history.client);
      await writeOut(flags.out, exportJson(answers));
      const { recording, decisions } = answers.snapshot;
      console.log(
        `${recording.syncs.length} syncs, ${decisions.length} decisions, ${answers.events.length} events and ` +
          `${answers.series.length} series written to ${flags.out} (from the ${history.client.label})`,
      );
      if (recording.syncs.length === 0)
        process.stderr.write(`the recording holds no autoscaler sync yet: ${AUTOSCALER_OFF}\n`);
    });
}

/** The recording alone, as `export --attach` has always written it (parseExport reads both forms). */
async function writeRecording(file: string, recording: Recording): Promise<void> {
  await writeOut(file, `${JSON.stringify({ recording }, null, 2)}\n`);
  console.log(`${recording.syncs.length} syncs written to ${file}`);
}
