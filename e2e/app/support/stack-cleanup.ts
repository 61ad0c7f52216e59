import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A stack left behind by a crashed run: its containers found by label, never by name pattern. */
export async function removeLeftoverContainers(stack: string): Promise<void> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=scaledeck.stack=${stack}`]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await run('docker', ['rm', '-f', ...ids]);
}
