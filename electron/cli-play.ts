/**
 * `scaledeck play FILE|NAME [--json] [--deploy]`: plays a scenario headless through an in-process
 * session (the player, the reconcile loop and the autoscaler run here while it plays) and prints
 * each step and each expectation's outcome as it happens. A missed expectation fails the command,
 * which makes a scenario a repeatable check of the stack.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  ExpectationResult,
  ScenarioStatus,
  ScenarioSummary,
  SequencedEvent,
  UiEvent,
} from './core/contract.ts';
import { ScaledeckError, ValidationError, toErrorData } from './core/errors.ts';
import { openSession, type Session } from './core/session.ts';
import type { Settings } from './core/settings.ts';
import type { TargetChoice } from './core/targets/target.ts';

export interface PlayOptions {
  json?: boolean;
  deploy?: boolean;
}

export interface PlayContext {
  settings: Settings;
  stack: string;
  target: TargetChoice;
}

type Printer = (line: string) => void;

/** The states a scenario does not leave. */
const ENDED = new Set<ScenarioStatus['state']>(['finished', 'stopped', 'failed']);

/** Events worth a line: the scenario's own and what it makes the stack do. */
const SHOWN = new Set<UiEvent['type']>([
  'scenario',
  'scale',
  'autoscaler',
  'chaos',
  'load',
  'deploy',
  'error',
]);

/** What `play` was given: a built-in's name, or a file's text (a path that is not a built-in). */
export type ScenarioRequest = { name: string } | { source: string; file: string };

export async function resolveScenario(
  argument: string,
  builtIns: readonly ScenarioSummary[],
): Promise<ScenarioRequest> {
  if (builtIns.some((scenario) => scenario.name === argument)) return { name: argument };
  const file = path.resolve(argument);
  try {
    return { source: await readFile(file, 'utf8'), file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const names = builtIns.map((scenario) => scenario.name).join(', ') || 'none';
    if (code === 'ENOENT')
      throw new ValidationError(
        'FILE|NAME',
        `no scenario file at ${file}, and "${argument}" is not a built-in scenario (built-ins: ${names})`,
      );
    throw new ValidationError('FILE|NAME', `cannot read ${file}: ${(error as Error).message}`);
  }
}

/** "steps[1].load.rate: ..." says which step in the words of the file: step 2, field load.rate. */
export function explainFileError(error: ValidationError, file: string): ValidationError {
  const match = /^steps\[(\d+)\]\.?(.*)$/.exec(error.field ?? '');
  const detail = error.message.startsWith(`${error.field}: `)
    ? error.message.slice(`${error.field}: `.length)
    : error.message;
  const where =
    match === null
      ? error.field
      : `step ${Number(match[1]) + 1}${match[2] ? `, field ${match[2]}` : ''} (${error.field})`;
  return new ValidationError(error.field ?? 'source', `${path.basename(file)}: ${where}: ${detail}`);
}

const clock = (ms: number) => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

function expectationLine(result: ExpectationResult): string {
  const mark = result.state === 'met' ? 'met' : result.state === 'missed' ? 'MISSED' : 'pending';
  return `${mark}: ${result.text} (step ${result.step + 1})${result.detail ? `: ${result.detail}` : ''}`;
}

/** The human lines for one event, given the scenario's status (its steps) as last seen. */
export function describePlayEvent(
  event: UiEvent,
  status: ScenarioStatus | null,
  startedAt: number,
): string[] {
  const at = clock(event.at - startedAt).padStart(5);
  switch (event.type) {
    case 'scenario': {
      if (event.status === 'step' && event.step !== undefined) {
        const step = status?.steps[event.step];
        const total = status?.steps.length ?? '?';
        const lines = [
          `${at}  step ${event.step + 1}/${total}${step ? ` (${step.seconds} s)` : ''}` +
            ((event.caption ?? step?.caption) ? `  “${event.caption ?? step?.caption}”` : ''),
        ];
        for (const action of step?.actions ?? []) lines.push(`         ${action}`);
        for (const expectation of step?.expects ?? []) lines.push(`         expects: ${expectation}`);
        return lines;
      }
      if (event.status === 'expectation' && event.expectation !== undefined)
        return [`${at}  ${expectationLine(event.expectation)}`];
      if (event.status === 'started') {
        const calibration = status?.calibration;
        return [
          `${at}  playing “${event.title}” (${event.name})${event.detail ? `: ${event.detail}` : ''}`,
          ...(calibration
            ? [
                `         calibrated: ${calibration.perReplicaRps.toFixed(1)} req/s per replica (${calibration.basis})`,
              ]
            : []),
        ];
      }
      return [`${at}  scenario ${event.status}${event.detail ? `: ${event.detail}` : ''}`];
    }
    case 'scale':
      return [`${at}  replicas ${event.from} → ${event.to} (${event.source})`];
    case 'autoscaler':
      // Only the decisions that change something: the rest repeat every sync period.
      return event.decision.desiredReplicas === event.decision.currentReplicas
        ? []
        : [`${at}  autoscaler: ${event.decision.reason}`];
    case 'chaos':
      return [`${at}  chaos: ${event.action} ${event.what} (${event.target})`];
    case 'load':
      return event.kind === 'changed' ? [] : [`${at}  load ${event.kind} at ${event.report.rate} req/s`];
    case 'deploy':
      return event.status === 'step'
        ? []
        : [`${at}  deploy ${event.status}${event.detail ? `: ${event.detail}` : ''}`];
    case 'error':
      return [`${at}  error ${event.error.code}: ${event.error.message}`];
    default:
      return [];
  }
}

export interface PlaySummary {
  type: 'summary';
  name: string | null;
  title: string | null;
  state: ScenarioStatus['state'] | 'refused' | 'interrupted';
  /** The exit code the command ends with. */
  exitCode: number;
  seconds: number;
  expectations: ExpectationResult[];
  missed: string[];
  calibration: ScenarioStatus['calibration'];
  detail?: string;
  error?: ReturnType<typeof toErrorData>;
}

export const PLAY_EXIT = { ok: 0, missed: 1, usage: 2, noEngine: 3, interrupted: 130 } as const;

function summaryOf(status: ScenarioStatus, startedAt: number, interrupted: boolean): PlaySummary {
  const missed = status.expectations.filter((result) => result.state !== 'met');
  const ok = status.state === 'finished' && missed.length === 0 && !interrupted;
  return {
    type: 'summary',
    name: status.name,
    title: status.title,
    state: interrupted ? 'interrupted' : status.state,
    exitCode: ok ? PLAY_EXIT.ok : interrupted ? PLAY_EXIT.interrupted : PLAY_EXIT.missed,
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    expectations: status.expectations,
    missed: missed.map((result) => `${result.text} (step ${result.step + 1})`),
    calibration: status.calibration,
    ...(status.detail === undefined ? {} : { detail: status.detail }),
  };
}

/** The error the command ends with when the scenario did not do what it said. */
function failureOf(summary: PlaySummary): ScaledeckError | null {
  if (summary.exitCode === PLAY_EXIT.ok) return null;
  if (summary.state === 'interrupted')
    return new ScaledeckError(
      'INTERRUPTED',
      'interrupted: the scenario was stopped (its load stopped, the stack stays)',
    );
  if (summary.state === 'failed' || summary.state === 'stopped')
    return new ScaledeckError(
      'SCENARIO_FAILED',
      `scenario ${summary.name} ${summary.state}${summary.detail ? `: ${summary.detail}` : ''}`,
    );
  const first = summary.expectations.find((result) => result.state !== 'met');
  return new ScaledeckError(
    'EXPECTATION_MISSED',
    `expectation missed: ${summary.missed.join('; ')}${first?.detail ? ` (${first.detail})` : ''}`,
  );
}

/** Resolves with the scenario's last status once it ended (finished, stopped, failed). */
function untilEnded(
  session: Session,
  onEvent: (event: SequencedEvent) => void,
): {
  ended: Promise<ScenarioStatus>;
  cancel: () => void;
} {
  let unsubscribe = () => {};
  let poll: NodeJS.Timeout | undefined;
  const ended = new Promise<ScenarioStatus>((resolve, reject) => {
    const check = () =>
      session.invoke('scenario:status', {}).then((status) => {
        if (status !== null && ENDED.has(status.state)) resolve(status);
      }, reject);
    unsubscribe = session.subscribe((event) => {
      onEvent(event);
      if (event.type === 'scenario' && ['finished', 'stopped', 'failed'].includes(event.status)) void check();
    });
    // Events carry the story; the poll is the backstop should the end come between two of them.
    poll = setInterval(check, 2000);
  });
  // Awaited only once the play was accepted; a refused play must not leave it unhandled.
  ended.catch(() => {});
  return {
    ended,
    cancel: () => {
      unsubscribe();
      clearInterval(poll);
    },
  };
}

/**
 * Plays the scenario and returns its summary; throws the error the CLI exits with (usage 2, no
 * engine 3, a missed expectation or a failed scenario 1, Ctrl-C 130).
 */
export async function runPlay(
  argument: string,
  options: PlayOptions,
  context: PlayContext,
  print: Printer = (line) => console.log(line),
): Promise<PlaySummary> {
  const startedAt = Date.now();
  const session = await openSession({
    settings: context.settings,
    stack: context.stack,
    target: context.target,
  });
  let status: ScenarioStatus | null = null;
  try {
    const request = await resolveScenario(argument, await session.invoke('scenarios:list', {}));
    // Nothing answers: exit 3 before anything is played.
    const stack = await session.invoke('stack:status', {});
    if (stack.phase === 'absent' && !options.deploy)
      throw new ValidationError(
        '--deploy',
        `stack ${stack.stack} is not deployed: pass --deploy to deploy it first (or run scaledeck deploy)`,
      );
    const listener = (event: SequencedEvent) => {
      if (!SHOWN.has(event.type)) return;
      if (options.json) print(JSON.stringify(event));
      else for (const line of describePlayEvent(event, status, startedAt)) print(line);
      if (event.type === 'scenario')
        void session.invoke('scenario:status', {}).then(
          (next) => (status = next ?? status),
          () => {},
        );
    };
    const watch = untilEnded(session, listener);
    let interrupted = false;
    const interrupt = () => {
      if (interrupted) process.exit(PLAY_EXIT.interrupted); // a second Ctrl-C does not wait
      interrupted = true;
      process.stderr.write(
        '\nstopping the scenario: its load stops, the stack stays as it is (Ctrl-C again to quit now)\n',
      );
      void session.invoke('scenario:stop', {}).catch(() => {});
    };
    process.on('SIGINT', interrupt);
    process.on('SIGTERM', interrupt);
    try {
      const input = 'name' in request ? { name: request.name } : { source: request.source };
      try {
        status = await session.invoke('scenario:play', {
          ...input,
          ...(options.deploy ? { deploy: true } : {}),
        });
      } catch (error) {
        if (error instanceof ValidationError && 'file' in request)
          throw explainFileError(error, request.file);
        throw error;
      }
      status = await watch.ended;
    } finally {
      watch.cancel();
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
    const summary = summaryOf(status, startedAt, interrupted);
    if (options.json) print(JSON.stringify(summary));
    else print(summaryLine(summary));
    const failure = failureOf(summary);
    if (failure !== null) throw failure;
    return summary;
  } catch (error) {
    if (options.json && !(error instanceof ScaledeckError && PLAYED_CODES.has(error.code)))
      print(JSON.stringify(refusedSummary(error, status, startedAt)));
    throw error;
  } finally {
    await session.dispose();
  }
}

/** Errors thrown after the summary was printed. */
const PLAYED_CODES = new Set(['INTERRUPTED', 'SCENARIO_FAILED', 'EXPECTATION_MISSED']);

function refusedSummary(error: unknown, status: ScenarioStatus | null, startedAt: number): PlaySummary {
  return {
    type: 'summary',
    name: status?.name ?? null,
    title: status?.title ?? null,
    state: 'refused',
    exitCode: exitCodeOfPlayError(error),
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    expectations: status?.expectations ?? [],
    missed: [],
    calibration: status?.calibration ?? null,
    error: toErrorData(error),
  };
}

/** As the rest of the CLI: bad input 2, nothing answers 3, the rest 1. */
export function exitCodeOfPlayError(error: unknown): number {
  if (error instanceof ValidationError) return PLAY_EXIT.usage;
  if (error instanceof ScaledeckError) {
    if (error.code === 'ENGINE_UNAVAILABLE' || error.code === 'CLUSTER_UNREACHABLE')
      return PLAY_EXIT.noEngine;
    if (error.code === 'SETTINGS_UNREADABLE') return PLAY_EXIT.usage;
    if (error.code === 'INTERRUPTED') return PLAY_EXIT.interrupted;
  }
  return PLAY_EXIT.missed;
}

function summaryLine(summary: PlaySummary): string {
  const met = summary.expectations.filter((result) => result.state === 'met').length;
  const counted = `${met} of ${summary.expectations.length} expectation${summary.expectations.length === 1 ? '' : 's'} met`;
  return `${summary.state} after ${summary.seconds.toFixed(0)} s: ${counted}${summary.missed.length > 0 ? `; missed: ${summary.missed.join('; ')}` : ''}`;
}
