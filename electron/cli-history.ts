/**
 * Where `explain` and `export` find a session's history: the controller attached in this process
 * (`watch`), else a running `scaledeck serve` of the same stack, found by its runtime file. When
 * neither runs, the error says how to start one.
 */
import type { Controller } from './core/controller.ts';
import { ScaledeckError, ValidationError } from './core/errors.ts';
import { validateStackName } from './core/targets/kit/stack-name.ts';
import { liveAnnouncement, liveAnnouncements } from './serve-announce.ts';
import { ServeClient } from './serve-client.ts';

export type History = { kind: 'controller'; controller: Controller } | { kind: 'serve'; client: ServeClient };

export interface HistoryQuery {
  stack: string;
  /** The --target the user gave; undefined when it is only the default (any target will do). */
  target: string | undefined;
  runtimeDir: string;
  /** The way out besides a serve, e.g. "give --recording FILE". */
  otherwise: string;
}

export async function findHistory(attached: Controller | null, query: HistoryQuery): Promise<History> {
  if (attached !== null && attached.recording().syncs.length > 0)
    return { kind: 'controller', controller: attached };
  let stack: string;
  try {
    stack = validateStackName(query.stack);
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError('--stack', error.message.replace(/^stack: /, ''));
    throw error;
  }
  const serve = await liveAnnouncement(query.runtimeDir, stack);
  if (serve === null) throw await nothingRunning(stack, query);
  if (query.target !== undefined && serve.target.kind !== query.target)
    throw new ValidationError(
      '--target',
      `the scaledeck serve of stack "${stack}" (pid ${serve.pid}) runs on ${serve.target.kind}, not ${query.target}: ` +
        `give --target ${serve.target.kind} or leave --target out to read it, or name another stack with --stack`,
    );
  return { kind: 'serve', client: new ServeClient(serve) };
}

async function nothingRunning(stack: string, query: HistoryQuery): Promise<ScaledeckError> {
  const others = (await liveAnnouncements(query.runtimeDir)).map((serve) => serve.stack);
  const hint =
    others.length === 0
      ? ''
      : `; a serve runs for ${others.map((other) => `stack "${other}"`).join(', ')}: add --stack ${others[0]}`;
  return new ScaledeckError(
    'NO_SESSION',
    `nothing is recording stack "${stack}": no \`scaledeck serve\` of it is running ` +
      `(none announced in ${query.runtimeDir}${hint}). Start one in another terminal with ` +
      `\`scaledeck serve${stack === 'default' ? '' : ` --stack ${stack}`}\` and keep it running ` +
      `(its autoscaler records while it is attached), or ${query.otherwise}`,
  );
}
