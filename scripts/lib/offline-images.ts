// The settings file that selects the offline images: SCALEDECK_TEST_SETTINGS when the test command
// already built them, else `scripts/offline-images.sh` now (cached by recipe: seconds when warm,
// a few minutes cold), whose last stdout line is the file's path.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '../..');

export async function offlineSettingsFile(): Promise<string> {
  const prepared = process.env.SCALEDECK_TEST_SETTINGS;
  if (prepared) return prepared;
  const { stdout } = await promisify(execFile)('bash', [path.join(ROOT, 'scripts/offline-images.sh')], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const file = stdout.trim().split('\n').at(-1);
  if (!file) throw new Error('scripts/offline-images.sh printed no settings path');
  return file;
}
