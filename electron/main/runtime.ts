// Whether an Electron runtime is installed. Read the way the `electron` package does (path.txt
// names the binary under dist/), but without requiring the package: since Electron 45 that tries
// to download the binary on the spot, which must not happen offline or in a test.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export function electronBinary(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron npm package is not installed (npm ci installs it)' };
  }
  const pathFile = path.join(dir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const candidate = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable ?? 'electron')
    : executable
      ? path.join(dir, 'dist', executable)
      : null;
  if (candidate && existsSync(candidate)) return { path: candidate };
  return {
    missing:
      'no Electron binary under node_modules/electron/dist (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 ' +
      'or without network); `npx install-electron` fetches it where the network allows',
  };
}
