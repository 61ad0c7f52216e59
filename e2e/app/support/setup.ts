import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './browser-mode.ts';
import { offlineSettingsFile } from '../../../scripts/lib/offline-images.ts';

const run = promisify(execFile);

/** dist/renderer from the current sources (a couple of seconds), so the e2e never sees a stale build. */
export async function buildRenderer(): Promise<void> {
  await run(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

/** The offline images' settings (SCALEDECK_TEST_SETTINGS from scripts/test.sh, else built now). */
export async function offlineSettings(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(await offlineSettingsFile(), 'utf8')) as Record<string, unknown>;
}

export async function dockerMissing(): Promise<string | null> {
  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 10_000 });
    return null;
  } catch (error) {
    return `no Docker engine answers (${(error as Error).message.split('\n')[0]}): start dockerd (scripts/test.sh does)`;
  }
}
