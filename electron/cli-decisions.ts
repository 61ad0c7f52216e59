/**
 * The decision commands: `explain` (each autoscaler decision written out as arithmetic), `whatif`
 * (a recording replayed through other settings) and `export` (the recording of a controller
 * attached in this process). The work is in core/decisions; this module reads flags and files.
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

export interface DecisionCommandHooks {
  /** The controller attached in this process (e.g. by `watch`), if any. */
  attached: () => Controller | null;
  /** Attaches a controller to the stack the global flags name, for the time of `work`. */
  withController: <T>(command: Command, work: (controller: Controller) => Promise<T>) => Promise<T>;
}

const NO_HISTORY =
  'no controller with autoscaler history is attached in this process; ' +
  'give --recording FILE, or record one with `scaledeck export --out FILE --attach SECONDS`';

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

function historyOf(hooks: DecisionCommandHooks): Controller {
  const controller = hooks.attached();
  if (controller === null || controller.recording().syncs.length === 0)
    throw new ScaledeckError('NO_HISTORY', NO_HISTORY);
  return controller;
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
    .description('each autoscaler decision written out: inputs, formula, tolerance, windows, policies, clamp')
    .option('--last <n>', 'the latest N decisions', wholeNumber('--last'), 5)
    .option('--recording <file>', 'explain the decisions of a recording file (from `scaledeck export`)')
    .option('--json', 'machine-readable')
    .action(async (flags: { last: number; recording?: string; json?: boolean }) => {
      let decisions: { decision: ScaleDecision; recorded?: number }[];
      if (flags.recording !== undefined) {
        const recording = await readRecording(flags.recording);
        decisions = replay(recording).decisions.flatMap((decision, i) =>
          decision === null ? [] : [{ decision, recorded: recording.syncs[i]?.desiredReplicas }],
        );
      } else {
        decisions = historyOf(hooks)
          .decisions()
          .map((decision) => ({ decision }));
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
      'write the recording (per-sync inputs, settings, decisions) of the autoscaler loop to a JSON file',
    )
    .requiredOption('--out <file>', 'where to write it')
    .option(
      '--attach <seconds>',
      'attach a controller to the stack for this long first, running its loops like `watch`, and record',
      wholeNumber('--attach'),
    )
    .action(async (flags: { out: string; attach?: number }, command: Command) => {
      let recording: Recording;
      if (flags.attach !== undefined) {
        const seconds = flags.attach;
        recording = await hooks.withController(command, async (controller) => {
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
      } else {
        recording = historyOf(hooks).recording();
      }
      await writeFile(flags.out, `${JSON.stringify({ recording }, null, 2)}\n`);
      console.log(`${recording.syncs.length} syncs written to ${flags.out}`);
    });
}
