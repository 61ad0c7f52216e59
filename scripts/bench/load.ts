/**
 * bench:load — the built-in load generator against a real stack's load balancer, next to
 * autocannon at the same settings in the same run (scripts/bench/lib/loadgen-bench.ts does the
 * measuring), after runs per client model (many short-lived clients, the default, against few
 * long-lived ones, the old behaviour) and rate: the rate accuracy, the generator's CPU per request
 * (measured in a process of its own, scripts/bench/lib/loadgen-clients.ts), the connections it
 * opened, and the per-replica spread the stack's Prometheus counted. This script brings up a stack
 * on the local engine with the offline images, scales it, notes the machine's load, runs the
 * comparisons, and tears the stack down.
 *
 *   node scripts/bench/load.ts [--replicas 4] [--rates 1000,5000] [--duration 10] [--connections 512]
 *                              [--client-rates 150,1000] [--settings FILE] [--stack NAME] [--keep]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLIENT_MODELS } from '../../electron/core/loadgen.ts';
import { Session } from '../../electron/core/session.ts';
import { loadSettings } from '../../electron/core/settings.ts';
import { describeShares, measureReplicaShares } from '../../electron/test-support/replica-shares.ts';
import { offlineSettingsFile } from '../lib/offline-images.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '4' },
    rates: { type: 'string', default: '1000,5000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '512' },
    'client-rates': { type: 'string', default: '150,1000' },
    settings: { type: 'string' },
    stack: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});
const replicas = Number(values.replicas);
if (!Number.isInteger(replicas) || replicas < 1) throw new Error('--replicas: must be a whole number >= 1');
const clientRates = values['client-rates'].split(',').map(Number);
if (clientRates.some((r) => !(r > 0))) throw new Error('--client-rates: numbers above 0, comma-separated');

interface ClientRun {
  clients: string;
  rate: number;
  achieved: number;
  errors: number;
  dropped: number;
  p50: number;
  p99: number;
  connectionsOpened: number;
  cpuMicrosPerRequest: number | null;
}

/** One generator run in its own process (its CPU time is then its own); its JSON line back. */
async function clientRun(lb: string, clients: string, rate: number): Promise<ClientRun> {
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'scripts/bench/lib/loadgen-clients.ts'),
      ...['--url', lb, '--rate', String(rate), '--duration', values.duration],
      ...['--clients', clients, '--connections', values.connections],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`loadgen-clients.ts exited ${code} (clients ${clients}, ${rate} req/s)`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as ClientRun;
}

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
  // Client models first: autocannon's unthrottled run leaves replicas with a backlog that would
  // count in the next spread.
  console.log(
    `client models: GET /users/:id, ${values.duration} s per run; spread = each replica's share of the run's reads (Prometheus)`,
  );
  const names = (await session.invoke('stack:status', {})).replicas.map((r) => r.name);
  const cpuOf: Record<string, Record<number, number | null>> = {};
  for (const rate of clientRates) {
    for (const clients of CLIENT_MODELS) {
      const { result, spread } = await measureReplicaShares(status.endpoints.prometheus!, names, () =>
        clientRun(lb, clients, rate),
      );
      (cpuOf[clients] ??= {})[rate] = result.cpuMicrosPerRequest;
      console.log(
        `clients ${clients.padEnd(4)} target ${rate} req/s | achieved ${result.achieved.toFixed(1)} req/s ` +
          `(${((result.achieved / rate) * 100).toFixed(1)} % of target, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
          `errors+dropped ${result.errors + result.dropped}) | ${result.connectionsOpened} connections | ` +
          `generator CPU ${result.cpuMicrosPerRequest?.toFixed(1) ?? '-'} µs/request | spread ${describeShares(spread)}`,
      );
    }
    const many = cpuOf['many']?.[rate];
    const few = cpuOf['few']?.[rate];
    if (many && few)
      console.log(
        `  at ${rate} req/s the many-clients model costs ${(many / few).toFixed(2)}x the CPU per request of few (old) clients`,
      );
  }

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
