/**
 * What target:select refuses or leaves alone, on a real Docker stack: a switch is refused while a
 * deploy runs (it does not queue), and a switch that fails (an unreachable cluster) changes
 * nothing: the load keeps running, the metrics feed keeps feeding. With the local cluster (root),
 * a switch that succeeds stops the load (it aims at the old stack) and switching back re-attaches
 * to the running stack, metrics and all. Run under the cluster lock with SCALEDECK_KEEP_CLUSTER=1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SequencedEvent, StackStatus } from './contract.ts';
import { ScaledeckError } from './errors.ts';
import { Session } from './session.ts';
import { loadSettings } from './settings.ts';
import { localClusterDownUnlessKept, localClusterUp } from '../test-support/local-cluster.ts';
import { waitUntil } from '../test-support/wait.ts';
import { offlineSettingsFile } from '../../scripts/lib/offline-images.ts';

const STACK = `swg-${randomBytes(3).toString('hex')}`;
const isRoot = process.getuid?.() === 0;
let tmp = '';
let cluster: string | null = null;
let session: Session;
let deployed: StackStatus;
let busy: ScaledeckError | null = null;
const events: SequencedEvent[] = [];

async function refusal(work: Promise<unknown>): Promise<ScaledeckError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ScaledeckError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'scaledeck-switch-guards-'));
  const gone = path.join(tmp, 'gone.yaml');
  await writeFile(
    gone,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- { name: gone, cluster: { server: "https://127.0.0.1:${await closedPort()}" } }`,
      'users:',
      '- { name: gone, user: { token: not-a-token } }',
      'contexts:',
      '- { name: scaledeck-gone, context: { cluster: gone, user: gone } }',
      '',
    ].join('\n'),
  );
  if (isRoot) cluster = await localClusterUp().catch(() => null);
  if (cluster === null)
    console.warn('[session-switch-guards] no local cluster (needs root): its part is skipped');
  let settings = await loadSettings(await offlineSettingsFile());
  settings = { ...settings, drainSeconds: 2, scryptCost: 1024 };
  session = new Session({
    settings,
    stack: STACK,
    metricsStepMs: 1000,
    backfillMs: 60_000,
    kubeconfig: [cluster, gone].filter((f) => f !== null).join(path.delimiter),
  });
  session.subscribe((event) => events.push(event));
  await session.open();
  const deploying = session.invoke('stack:deploy', { replicas: 1 });
  // The deploy is in flight from its first synchronous step: the switch is refused, not queued.
  busy = await refusal(session.invoke('target:select', { kind: 'docker' }));
  deployed = await deploying;
}, 600_000);

afterAll(async () => {
  await session?.invoke('load:stop', {}).catch(() => undefined);
  if (session?.currentTarget.kind !== 'docker')
    await session?.invoke('target:select', { kind: 'docker' }).catch(() => undefined);
  await session
    ?.invoke('stack:teardown', { deleteVolumes: true })
    .catch((error: unknown) => console.error(error));
  await session?.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  if (cluster !== null) await localClusterDownUnlessKept();
}, 300_000);

describe('target:select guards on a running Docker stack', () => {
  it('is refused while a deploy runs, saying so and that it does not queue', () => {
    expect(deployed.phase).toBe('running');
    expect(busy?.code).toBe('BUSY');
    expect(busy?.message).toMatch(/a deploy is running on Local Docker engine; .*does not queue/);
  });

  it('an unreachable cluster changes nothing: the load runs on, the feed keeps feeding', async () => {
    await session.invoke('load:start', { rps: 20, durationSeconds: 300 });
    const error = await refusal(
      session.invoke('target:select', { kind: 'kubernetes', context: 'scaledeck-gone' }),
    );
    expect(error.code).toBe('TARGET_UNAVAILABLE');
    expect(session.currentTarget.id).toBe('docker');
    expect((await session.invoke('load:status', {}))?.state).toBe('running');
    expect(session.metrics.running).toBe(true);
    const seen = events.length;
    await waitUntil('a metrics tick after the failed switch', 30_000, async () =>
      events.slice(seen).some((e) => e.type === 'metrics'),
    );
  });

  it('a switch that succeeds stops the load; switching back re-attaches to the running stack', async (ctx) => {
    if (cluster === null) ctx.skip();
    const current = await session.invoke('target:select', { kind: 'kubernetes', context: 'scaledeck-local' });
    expect(current.id).toBe('kubernetes:scaledeck-local');
    expect(await session.invoke('load:status', {})).toBeNull();
    await waitUntil('the load stopped event', 30_000, async () =>
      events.some((e) => e.type === 'load' && e.kind === 'stopped'),
    );
    expect(session.metrics.running).toBe(false);

    await session.invoke('target:select', { kind: 'docker' });
    const status = await session.invoke('stack:status', {});
    expect(status).toMatchObject({ target: 'docker', phase: 'running', desiredReplicas: 1 });
    expect(session.metrics.running).toBe(true);
    expect(session.metrics.prometheusUrl).toBe(deployed.endpoints.prometheus);
  });
});
