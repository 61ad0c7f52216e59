/**
 * The main command's launcher (plain Node, not Electron): opens the desktop app when an Electron
 * runtime is installed, otherwise says so and serves browser mode. `--browser` goes straight to
 * browser mode. Other arguments (--settings, --stack, --port, --share) pass through.
 *
 *   node electron/main/launch.ts [--browser] [--settings FILE] [--stack NAME]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { electronBinary } from './runtime.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);

function run(command: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const child = spawn(command, argv, { cwd: ROOT, stdio: 'inherit', env });
  // Ctrl-C reaches the child through the terminal's process group; forward SIGTERM ourselves.
  process.once('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

/** Vite builds from the current sources (seconds); SCALEDECK_SKIP_BUILD=1 reuses dist/ when present. */
async function build(files: string[], modes: string[]): Promise<void> {
  if (process.env.SCALEDECK_SKIP_BUILD === '1' && files.every((f) => existsSync(path.join(ROOT, f)))) return;
  for (const mode of modes) {
    const code = await run(process.execPath, [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--logLevel',
      'warn',
      ...(mode === 'renderer' ? [] : ['--mode', mode]),
    ]);
    if (code !== 0) process.exit(code);
  }
}

const browserOnly = args.includes('--browser');
const runtime = electronBinary();
await build(['dist/renderer/index.html'], ['renderer']);
if (!browserOnly && 'path' in runtime) {
  await build(['dist/electron/main.mjs', 'dist/electron/preload.cjs'], ['main', 'preload']);
  const passThrough = args.flatMap((a, i) =>
    a === '--settings' && args[i + 1]
      ? [`--settings=${args[i + 1]}`]
      : a.startsWith('--settings=')
        ? [a]
        : [],
  );
  const stack = args[args.indexOf('--stack') + 1];
  const env = args.includes('--stack') && stack ? { ...process.env, SCALEDECK_STACK: stack } : process.env;
  process.exitCode = await run(
    runtime.path,
    [path.join(ROOT, 'dist/electron/main.mjs'), ...passThrough],
    env,
  );
} else {
  if (!browserOnly)
    console.error(
      `scaledeck: the Electron runtime is not installed (${'missing' in runtime ? runtime.missing : ''}); ` +
        'serving the dashboard in browser mode instead. Open the URL below in a browser.',
    );
  process.exitCode = await run(process.execPath, [
    path.join(ROOT, 'electron/serve.ts'),
    ...args.filter((a) => a !== '--browser'),
  ]);
}
