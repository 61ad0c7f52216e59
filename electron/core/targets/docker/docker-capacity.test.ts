/**
 * The capacity estimate against the real Docker engine: NCPU is read here with the docker CLI,
 * not through the target's client, and nothing is deployed (the estimate does not need a stack).
 * Skips with a message when no engine answers.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { offlineSettingsFile } from '../../../../scripts/lib/offline-images.ts';
import { loadSettings, parseSettings } from '../../settings.ts';
import { DockerTarget } from './docker-target.ts';

const run = promisify(execFile);
const engineCpus = await run('docker', ['info', '--format', '{{.NCPU}}']).then(
  ({ stdout }) => Number(stdout.trim()),
  () => null,
);
if (engineCpus === null) console.warn('[docker-capacity] skipped: `docker info` does not answer');

describe.skipIf(engineCpus === null)('Docker target: how many replicas fit', () => {
  it('status().capacity is floor(NCPU / replicaCpus) of the real engine, for two replica sizes', async () => {
    const base = await loadSettings(await offlineSettingsFile());
    const cpus = engineCpus ?? 0;
    for (const replicaCpus of [base.replicaCpus, 0.3]) {
      const settings = parseSettings({ ...base, replicaCpus });
      const target = new DockerTarget(new Dockerode(), settings, {
        stack: `c-${randomBytes(3).toString('hex')}`,
      });
      try {
        const status = await target.status();
        expect(status.phase).toBe('absent');
        expect(status.capacity).toEqual({
          replicas: Math.floor(cpus / replicaCpus),
          basis: `${cpus} CPU${cpus === 1 ? '' : 's'} on the Docker engine, a ${replicaCpus} CPU limit per replica`,
        });
      } finally {
        await target.dispose();
      }
    }
  });

  it('the CLI status prints the estimate', async () => {
    const settingsFile = await offlineSettingsFile();
    const settings = await loadSettings(settingsFile);
    const cli = path.resolve(import.meta.dirname, '../../../cli.ts');
    const { stdout } = await run(process.execPath, [
      cli,
      '--settings',
      settingsFile,
      '--stack',
      `c-${randomBytes(3).toString('hex')}`,
      'status',
    ]);
    expect(stdout).toContain(
      `capacity: about ${Math.floor((engineCpus ?? 0) / settings.replicaCpus)} replicas fit (`,
    );
  });
});
