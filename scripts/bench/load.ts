/**
 * bench:load — the built-in load generator against a real stack's load balancer, next to
 * autocannon at the same settings in the same run (scripts/bench/lib/loadgen-bench.ts does the
 * measuring). This script brings up a stack on the local engine with the offline images, scales
 * it, notes the machine's load, runs the comparison, and tears the stack down.
 *
 *   node scripts/bench/load.ts [--replicas 4] [--rates 1000,5000] [--duration 10] [--connections 512]
 *                              [--settings FILE] [--stack NAME] [--keep]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Session } from '../../electron/core/session.ts';
import { loadSettings } from '../../electron/core/settings.ts';
import { offlineSettingsFile } from '../lib/offline-images.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '4' },
    rates: { type: 'string', default: '1000,5000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '512' },
    settings: { type: 'string' },
    stack: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});
const replicas = Number(values.replicas);
if (!Number.isInteger(replicas) || replicas < 1) throw new Error('--replicas: must be a whole number >= 1');

const settingsFile = values.settings ?? process.env.SCALEDECK_SETTINGS ?? (await offlineSettingsFile());
// One whole CPU per replica (the limit is a ceiling, not a reservation) and cheap hashing for the sign-up.
const settings = { ...(await loadSettings(settingsFile)), replicaCpus: 1, scryptCost: 1024, drainSeconds: 5 };
const stack = values.stack ?? `bench-${randomBytes(3).toString('hex')}`;
const session = new Session({ settings, stack });
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

try {
  await session.open();
  console.log(
    `deploying stack ${stack} with ${replicas} replicas (${cpus().length} CPUs, load avg ${load()})`,
  );
  const status = await session.invoke('stack:deploy', { replicas });
  const lb = status.endpoints.loadBalancer!;
  console.log(`stack ready: ${status.readyReplicas} replicas behind ${lb}; load avg ${load()}`);
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'scripts/bench/lib/loadgen-bench.ts'),
      '--url',
      lb,
      '--rates',
      values.rates,
      '--duration',
      values.duration,
      '--connections',
      values.connections,
    ],
    { stdio: 'inherit' },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  console.log(`load avg after the runs: ${load()} (the machine is shared; figures are for this moment)`);
  process.exitCode = code ?? 1;
} finally {
  if (!values.keep) await session.invoke('stack:teardown', { deleteVolumes: true }).catch(() => undefined);
  await session.dispose();
}
process.exit();
