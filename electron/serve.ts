/**
 * Browser mode: `node electron/serve.ts [--stack NAME] [--settings FILE] [--port N] [--host H] [--share]
 * [--target docker|kubernetes] [--context NAME] [--namespace NAME]`.
 * Attaches a session to the stack (reconcile, autoscaler, metrics while it runs) and serves the
 * dashboard and the contract over HTTP/SSE. Prints the URL on a line of its own; in share mode
 * the command token is shown once, on this terminal only. SIGINT/SIGTERM stop it cleanly; the
 * stack keeps running.
 */
import { parseArgs } from 'node:util';
import { ValidationError, toErrorData } from './core/errors.ts';
import { openSession, type TargetChoice } from './core/session.ts';
import { loadSettings } from './core/settings.ts';
import { bindAddress, startWebServer } from './core/web.ts';

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535)
    throw new ValidationError('port', `must be 0..65535 (0 = any free port), got "${raw}"`);
  return port;
}

/** --target/--context/--namespace -> the session's target; the kube flags need --target kubernetes. */
export function targetChoice(values: {
  target?: string;
  context?: string;
  namespace?: string;
}): TargetChoice {
  const kind = values.target ?? 'docker';
  if (kind === 'kubernetes') return { kind, context: values.context, namespace: values.namespace };
  if (kind !== 'docker') throw new ValidationError('target', `must be docker or kubernetes, got "${kind}"`);
  for (const field of ['context', 'namespace'] as const) {
    if (values[field] !== undefined)
      throw new ValidationError(field, `--${field} only goes with --target kubernetes`);
  }
  return { kind };
}

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: 'string', default: 'default' },
      settings: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string' },
      share: { type: 'boolean', default: false },
      browser: { type: 'boolean', default: false },
      target: { type: 'string', default: 'docker' },
      context: { type: 'string' },
      namespace: { type: 'string' },
    },
    strict: true,
  });
  const target = targetChoice(values);
  bindAddress(values.host, values.share); // --host off loopback without --share: refused before any session opens
  const settings = await loadSettings(values.settings ?? process.env.SCALEDECK_SETTINGS);
  const session = await openSession({ settings, stack: values.stack, target });
  const web = await startWebServer({
    session,
    port: parsePort(values.port),
    share: values.share,
    ...(values.host === undefined ? {} : { host: values.host }),
  });
  console.log(web.url);
  if (web.token !== null) {
    process.stderr.write(
      `Shared read-only on every interface. Commands need: Authorization: Bearer ${web.token}\n` +
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

if (import.meta.main) {
  try {
    process.exitCode = await serve(process.argv.slice(2));
  } catch (error) {
    console.error(`scaledeck serve: ${toErrorData(error).message}`);
    process.exitCode =
      error instanceof ValidationError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
        ? 2
        : 1;
  }
  // Dockerode keeps sockets alive; the server is done once it closed.
  process.exit();
}
