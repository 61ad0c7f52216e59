/**
 * The load generator's client model on the real local cluster, where the Service (kube-proxy)
 * balances connections, not requests. A session on the Kubernetes target deploys 3 API pods and
 * turns the real HPA on at once (min = max = 3, so the count holds), then drives 150 req/s of reads
 * for 40 s: with the default client model every pod's share of the reads (counted by the stack's
 * own Prometheus) is within ±25 % of even; with few long-lived clients it is not — the lesson is
 * real. The first HPA line after deploy says the HPA has no metrics yet, and no line shows "→ 0".
 * One stack for the file; afterAll removes it and brings the cluster down (SCALEDECK_KEEP_CLUSTER=1
 * keeps it up). Needs root (the cluster harness does).
 */
import { randomBytes } from 'node:crypto';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SequencedEvent, StackStatus } from '../../electron/core/contract.ts';
import type { ClientModel } from '../../electron/core/loadgen.ts';
import { openSession, type Session } from '../../electron/core/session.ts';
import { loadSettings, type Settings } from '../../electron/core/settings.ts';
import { localClusterUp, removeStackThenCluster } from '../../electron/test-support/local-cluster.ts';
import { waitUntil } from '../../electron/test-support/wait.ts';
import { describeShares, measureReplicaShares } from '../../electron/test-support/replica-shares.ts';
import { describeEvent } from '../../renderer/src/store/describe-event.ts';
import { offlineSettingsFile } from '../../scripts/lib/offline-images.ts';

const STACK = `spread-${randomBytes(3).toString('hex')}`;
const isRoot = process.getuid?.() === 0;
let kubeconfig = '';
let settings: Settings;
let session: Session | undefined;
let status: StackStatus;
const events: SequencedEvent[] = [];

const autoscalerLines = () =>
  events.filter((e) => e.type === 'autoscaler').map((e) => ({ event: e, line: describeEvent(e) }));

async function spreadOf(clients: ClientModel | undefined) {
  const s = session!;
  const current = await s.invoke('stack:status', {});
  const pods = current.replicas.filter((r) => r.state === 'ready').map((r) => r.name);
  expect(pods).toHaveLength(3);
  const { result: report, spread } = await measureReplicaShares(
    current.endpoints.prometheus!,
    pods,
    async () => {
      await s.invoke('load:start', {
        rps: 150,
        durationSeconds: 40,
        mix: { getUser: 100, listUsers: 0, signUp: 0, token: 0 },
        ...(clients === undefined ? {} : { clients }),
      });
      return waitUntil('the load to finish', 180_000, async () => {
        const load = await s.invoke('load:status', {});
        return load?.state === 'finished' ? load : null;
      });
    },
  );
  console.log(
    `Kubernetes (kube-proxy), 3 pods, 150 req/s of reads for 40 s, clients ${report.clients} ` +
      `(${report.connectionsOpened} connections, achieved ${report.achievedRate.toFixed(1)} req/s): ${describeShares(spread)}`,
  );
  // Prometheus counted this run's reads and nothing else (within what one late scrape could miss).
  expect(spread.total).toBeGreaterThan(report.ok * 0.95);
  expect(spread.total).toBeLessThan(report.ok * 1.05 + 10);
  return { report, spread };
}

describe.skipIf(!isRoot)('load spread on the local cluster (kube-proxy balances connections)', () => {
  beforeAll(async () => {
    settings = await loadSettings(await offlineSettingsFile());
    // 3 pods must fit next to PostgreSQL, Redis and Prometheus on the one node; reads are cheap.
    settings = { ...settings, drainSeconds: 5, replicaCpus: 0.4, scryptCost: 1024 };
    kubeconfig = await localClusterUp();
    session = await openSession({
      settings,
      stack: STACK,
      target: { kind: 'kubernetes', kubeconfig },
      docker: new Dockerode(),
      metricsStepMs: 1000,
      backfillMs: 60_000,
    });
    session.subscribe((event) => events.push(event));
    status = await session.invoke('stack:deploy', { replicas: 3 });
    // Right after deploy, before metrics-server has samples of the new pods.
    await session.invoke('autoscaler:set', {
      enabled: true,
      minReplicas: 3,
      maxReplicas: 3,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
    });
  }, 45 * 60_000);

  afterAll(async () => {
    await session?.dispose();
    await removeStackThenCluster(settings, STACK, kubeconfig, undefined);
  }, 300_000);

  it('the first HPA line after deploy says it has no metrics yet; no line shows "→ 0"', async () => {
    expect(status.readyReplicas).toBe(3);
    const [first] = await waitUntil('the first HPA line', 120_000, async () => {
      const lines = autoscalerLines();
      return lines.length > 0 ? lines : null;
    });
    console.log(`first HPA line: ${first!.line}`);
    expect(first!.line).toMatch(/no (CPU )?metrics yet/);
    // Later lines, once the HPA computes, keep 3 (min = max = 3) and say so.
    const computed = await waitUntil('a line from a computed HPA status', 180_000, async () =>
      autoscalerLines().find((l) => /CPU \d+ % of request/.test(l.line)),
    );
    console.log(`first computed HPA line: ${computed.line}`);
    expect(computed.line).toMatch(/→ keeps 3/);
    for (const { line } of autoscalerLines()) expect(line).not.toMatch(/→ 0|-> 0/);
  });

  it('the default client model (many short-lived clients): every pod within ±25 % of even', async () => {
    const { report, spread } = await spreadOf(undefined);
    expect(report.clients).toBe('many');
    expect(report.errors.total, JSON.stringify(report.errors)).toBe(0);
    expect(spread.worstDeviation).toBeLessThan(0.25);
  });

  it('few long-lived clients: one pod gets far more than its share (the lesson kube-proxy teaches)', async () => {
    const { report, spread } = await spreadOf('few');
    expect(report.clients).toBe('few');
    expect(report.errors.total, JSON.stringify(report.errors)).toBe(0);
    expect(spread.worstDeviation).toBeGreaterThan(0.25);
  });
});
