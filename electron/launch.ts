/**
 * What the main command runs: the Electron app when its runtime is installed, otherwise (or with
 * --browser) browser mode, which serves the same dashboard and contract over HTTP on 127.0.0.1.
 * Stays thin: the app itself is electron/main, browser mode is electron/serve.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary, or why there is none (npm installs it in a postinstall step that may be skipped). */
export function findElectron(): { path: string } | { missing: string } {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (npm ci)' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      missing:
        'the Electron runtime was not downloaded (installed with ELECTRON_SKIP_BINARY_DOWNLOAD, or install scripts ' +
        'were blocked); install it with `node node_modules/electron/install.js` where its download host is reachable',
    };
  }
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `the Electron binary ${binary} is missing` };
}

/**
 * Opens the app, or browser mode with --browser or without a runtime. `whyNoElectron` is the main
 * command's reason when it could not install the runtime (it tried, or was told not to).
 */
export async function main(argv: string[], whyNoElectron: string | null = null): Promise<void> {
  const browser = argv.includes('--browser');
  const electron = findElectron();
  if (!browser && 'path' in electron) {
    const child = spawn(electron.path, [join(root, 'dist/electron/main.mjs'), ...argv], { stdio: 'inherit' });
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    return;
  }
  if (!browser && 'missing' in electron) {
    console.error(`scaledeck: no Electron runtime: ${whyNoElectron ?? electron.missing}.`);
    console.error('scaledeck: serving the dashboard in browser mode instead (open the URL below).');
  }
  const { serve } = await import('./serve.ts');
  process.exitCode = await serve(argv.filter((a) => a !== '--browser'));
  process.exit();
}

if (import.meta.main) await main(process.argv.slice(2));
