/**
 * Browser mode: `node electron/serve.ts [--stack NAME] [--settings FILE] [--port N] [--host H] [--share]
 * [--target docker|kubernetes] [--context NAME] [--namespace NAME]` (the flags of `scaledeck serve`,
 * defined once in args.ts). Attaches a session to the stack (reconcile, autoscaler, metrics while
 * it runs) and serves the dashboard and the contract over HTTP/SSE. Prints the URL on a line of its
 * own; in share mode the command token is shown once, on this terminal only. SIGINT/SIGTERM stop it
 * cleanly; the stack keeps running.
 */
import { CommanderError } from 'commander';
import { parseServeArgs, targetChoiceOf, type ServeOptions } from './args.ts';
import { ValidationError, toErrorData } from './core/errors.ts';
import { openSession } from './core/session.ts';
import { loadSettings } from './core/settings.ts';
import type { TargetChoice } from './core/targets/target.ts';
import { startWebServer } from './core/web.ts';

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
  console.log(web.url);
  if (web.token !== null) {
    process.stderr.write(
      `Shared read-only on ${options.host === undefined ? 'every interface' : options.host}. Commands need: Authorization: Bearer ${web.token}\n` +
        '(shown once; restart to get a new one)\n',
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await web.close();
  await session.dispose();
  return 0;
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
