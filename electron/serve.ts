/**
 * Browser mode: `node electron/serve.ts [--stack NAME] [--settings FILE] [--port N] [--host H] [--share]
 * [--target docker|kubernetes] [--context NAME] [--namespace NAME]` (the flags of `scaledeck serve`,
 * defined once in args.ts). Attaches a session to the stack (reconcile, autoscaler, metrics while
 * it runs) and serves the dashboard and the contract over HTTP/SSE. Prints the URL on a line of its
 * own; in share mode the command token is shown once, on this terminal only. While it runs, a
 * runtime file (serve-announce.ts) tells `scaledeck export` and `explain` in other terminals where
 * it is. SIGINT/SIGTERM stop it cleanly and remove the file; the stack keeps running.
 */
import { CommanderError } from 'commander';
import { parseServeArgs, targetChoiceOf, type ServeOptions } from './args.ts';
import { ValidationError, toErrorData } from './core/errors.ts';
import { openSession } from './core/session.ts';
import { loadSettings } from './core/settings.ts';
import type { TargetChoice } from './core/targets/target.ts';
import { startWebServer } from './core/web.ts';
import { defaultRuntimeDir } from './runtime-dir.ts';
import { announce, type Announced } from './serve-announce.ts';

/** --target and its kind's flags -> the session's target; a kind's flags need its --target. */
export function targetChoice(values: Readonly<Record<string, string | undefined>>): TargetChoice {
  return targetChoiceOf(values);
}

/** Serves until SIGINT/SIGTERM; the options come from either command line (args.ts). */
export async function serveWith(options: ServeOptions): Promise<number> {
  const target = targetChoiceOf(options);
  const settings = await loadSettings(options.settings ?? process.env.SCALEDECK_SETTINGS);
  const session = await openSession({ settings, stack: options.stack, target });
  const web = await startWebServer({
    session,
    port: options.port,
    share: options.share,
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  // Listening before the file is written: a signal while it is written still removes it.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // Announced before the URL is printed: whoever saw the URL can count on `scaledeck export` finding it.
  const announced = await announceOrWarn(options, target, web.url);
  console.log(web.url);
  if (web.token !== null) {
    process.stderr.write(
      `Shared read-only on ${options.host === undefined ? 'every interface' : options.host}. Commands need: Authorization: Bearer ${web.token}\n` +
        '(shown once; restart to get a new one)\n',
    );
  }
  await stopped;
  // First, so no terminal finds a server that is closing.
  await announced?.remove().catch((error: Error) => {
    process.stderr.write(`could not remove the runtime file ${announced.file}: ${error.message}\n`);
  });
  await web.close();
  await session.dispose();
  return 0;
}

/** Best effort: a serve that cannot write its runtime file still serves; other terminals just cannot find it. */
async function announceOrWarn(
  options: ServeOptions,
  target: TargetChoice,
  url: string,
): Promise<Announced | null> {
  const dir = defaultRuntimeDir();
  try {
    const announced = await announce(dir, {
      url,
      stack: options.stack,
      target,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      share: options.share,
    });
    if (announced.other !== null)
      process.stderr.write(
        `warning: another scaledeck serve (pid ${announced.other.pid}, ${announced.other.url}) already serves ` +
          `stack "${options.stack}"; two controllers on one stack both reconcile and autoscale it. ` +
          '`scaledeck export` and `explain` read that one\n',
      );
    return announced;
  } catch (error) {
    process.stderr.write(
      `warning: could not write the runtime file in ${dir} (${(error as Error).message}); ` +
        '`scaledeck export` and `explain` in another terminal will not find this serve\n',
    );
    return null;
  }
}

export async function serve(argv: string[]): Promise<number> {
  const options = parseServeArgs(argv);
  return options === null ? 0 : serveWith(options);
}

/** Usage errors exit 2 (commander printed its own message already), the rest 1. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return 2;
  if (error instanceof ValidationError) return 2;
  return 1;
}

if (import.meta.main) {
  try {
    process.exitCode = await serve(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CommanderError)) console.error(`scaledeck serve: ${toErrorData(error).message}`);
    process.exitCode = exitCodeOf(error);
  }
  // Dockerode keeps sockets alive; the server is done once it closed.
  process.exit();
}
