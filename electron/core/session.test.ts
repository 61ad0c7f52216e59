/**
 * Live numbers on a real stack: the session (load generator, Prometheus metrics, timeline, chaos)
 * against the real engine with the offline images and a real Prometheus. One stack for the whole
 * file, reused by every check in order; afterAll tears it down whatever happened.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SequencedEvent, StackStatus } from './contract.ts';
import { LoadGenerator, type LoadReport, type RequestResult } from './loadgen.ts';
import { SCRAPE_INTERVAL_SECONDS } from './live-metrics.ts';
import { Session } from './session.ts';
import { loadSettings, type Settings } from './settings.ts';
import { offlineSettingsFile } from '../../scripts/lib/offline-images.ts';
import { waitUntil } from '../test-support/wait.ts';

const STACK = `live-${randomBytes(3).toString('hex')}`;
const RATE_WINDOW_MS = 4 * SCRAPE_INTERVAL_SECONDS * 1000;
let settings: Settings;
let session: Session;
let status: StackStatus;
const events: SequencedEvent[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Values of one series with from <= t <= to (gaps left out). */
function seriesValues(chart: string, name: string, from: number, to = Infinity): number[] {
  const series = session.metrics.snapshot().find((s) => s.chart === chart && s.name === name);
  return (series?.points ?? []).filter((p) => p.t >= from && p.t <= to && p.v !== null).map((p) => p.v!);
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function runLoadToEnd(
  input: Parameters<Session['invoke']>[1] & object,
): Promise<{ report: LoadReport; startedAt: number }> {
  await session.invoke('load:start', input as never);
  const startedAt = Date.now();
  const report = await waitUntil('the load to finish', 120_000, async () => {
    const current = await session.invoke('load:status', {});
    return current?.state === 'finished' ? current : null;
  });
  return { report, startedAt };
}

async function redisKeyspaceHits(): Promise<number> {
  const text = (await session.target.redisInfo('stats')) ?? '';
  return Number(/keyspace_hits:(\d+)/.exec(text)?.[1] ?? NaN);
}

/** Sign-ups so GET /users/:id has a key space where skew matters (the generator reads up to 1000 ids). */
async function seedUsers(lb: string, count: number): Promise<void> {
  const password = randomBytes(12).toString('base64url');
  const run = randomBytes(3).toString('hex');
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const response = await fetch(`${lb}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `Seed ${n}`,
          email: `seed-${run}-${n}@loadgen.scaledeck.test`,
          password,
        }),
      });
      if (response.status !== 201) throw new Error(`seeding user ${n}: HTTP ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

beforeAll(async () => {
  settings = await loadSettings(await offlineSettingsFile());
  if (process.env.SCALEDECK_TEST_API_IMAGE)
    settings = { ...settings, images: { ...settings.images, api: process.env.SCALEDECK_TEST_API_IMAGE } };
  // Cheap password hashing and a whole CPU per replica: these checks measure the plumbing, not scrypt.
  settings = { ...settings, drainSeconds: 5, scryptCost: 1024, replicaCpus: 1 };
  session = new Session({ settings, stack: STACK, metricsStepMs: 1000, backfillMs: 60_000 });
  session.subscribe((event) => events.push(event));
  await session.open();
  status = await session.invoke('stack:deploy', { replicas: 2 });
  await seedUsers(status.endpoints.loadBalancer!, 1000);
  // Prometheus has scraped both replicas at least twice, so rates exist.
  await waitUntil(
    'the request rate series',
    60_000,
    async () => seriesValues('requestRate', 'requests', 0).length > 2,
  );
});

afterAll(async () => {
  await session
    ?.invoke('stack:teardown', { deleteVolumes: true })
    .catch((error: unknown) => console.error(error));
  await session?.dispose();
});

describe('live numbers on a real stack', () => {
  it('200 req/s for 20 s: the rate series shows it within 5 %, p99 plausible, skewed keys hit the cache', async () => {
    expect(status.phase).toBe('running');
    // Health checks and scrapes are requests too: the background rate is measured, then subtracted.
    // It is measured once the seeding traffic has left the rate window.
    const baseline = await waitUntil('the rate series back to the background', 60_000, async () => {
      const recent = seriesValues('requestRate', 'requests', Date.now() - 3000);
      return recent.length >= 2 && recent.every((v) => v < 10) ? mean(recent) : null;
    });
    const keyspaceBefore = await redisKeyspaceHits();
    const { report, startedAt } = await runLoadToEnd({
      rps: 200,
      durationSeconds: 20,
      concurrency: 64,
      mix: { getUser: 85, listUsers: 15, signUp: 0, token: 0 },
      zipfExponent: 1.2,
    });
    await sleep(2 * SCRAPE_INTERVAL_SECONDS * 1000 + 500);
    await session.metrics.tick();

    // The steady part: windows that lie wholly inside the run (first window full, last scrape in).
    const steady = seriesValues(
      'requestRate',
      'requests',
      startedAt + RATE_WINDOW_MS + 2000,
      startedAt + 20_000,
    );
    const shown = mean(steady) - baseline;
    console.log(
      `rate series ${mean(steady).toFixed(1)} req/s - background ${baseline.toFixed(1)} = ${shown.toFixed(1)} ` +
        `(${steady.length} points); generator achieved ${report.achievedRate.toFixed(1)} req/s, ` +
        `p99 ${report.latencyMs.p99.toFixed(1)} ms, errors ${report.errors.total}`,
    );
    expect(steady.length).toBeGreaterThanOrEqual(3);
    expect(Math.abs(shown - 200) / 200).toBeLessThan(0.05);
    expect(report.errors.total).toBe(0);
    expect(Math.abs(report.achievedRate - 200) / 200).toBeLessThan(0.02);

    // The generator's own chart and the live report on the metrics events.
    const target = seriesValues('loadgen', 'target', startedAt + 1000, startedAt + 19_000);
    const achieved = seriesValues('loadgen', 'achieved', startedAt + 2000, startedAt + 19_000);
    expect(target.length).toBeGreaterThan(5);
    expect(target.every((v) => v === 200)).toBe(true);
    expect(Math.abs(mean(achieved) - 200) / 200).toBeLessThan(0.05);
    const live = events.filter(
      (e) => e.type === 'metrics' && e.at > startedAt + 2000 && e.at < startedAt + 19_000,
    );
    expect(live.length).toBeGreaterThan(5);
    expect(
      live.every((e) => e.type === 'metrics' && e.load?.state === 'running' && e.load.rate === 200),
    ).toBe(true);

    const p50 = seriesValues('latency', 'p50', startedAt + RATE_WINDOW_MS, startedAt + 20_000);
    const p99 = seriesValues('latency', 'p99', startedAt + RATE_WINDOW_MS, startedAt + 20_000);
    expect(p99.length).toBeGreaterThan(0);
    // Server-side p99 (interpolated inside histogram buckets, so not bounded by the client's max):
    // above zero, at least the median, well under a second for cached reads.
    console.log(`server p50 ${(mean(p50) * 1000).toFixed(1)} ms, p99 ${(mean(p99) * 1000).toFixed(1)} ms`);
    expect(Math.min(...p99)).toBeGreaterThan(0);
    expect(Math.max(...p99)).toBeLessThan(1);
    expect(mean(p99)).toBeGreaterThanOrEqual(mean(p50));

    // Skewed keys over a key space of 1000 users: most reads still come from the cache (a few hot
    // users), yet many distinct keys missed once; and Redis saw those hits.
    expect(report.keySpace).toBeGreaterThanOrEqual(1000);
    expect(report.cache.misses).toBeGreaterThan(50);
    const hitRatio = seriesValues(
      'cacheHitRatio',
      'api cache',
      startedAt + RATE_WINDOW_MS,
      startedAt + 20_000,
    );
    console.log(
      `cache hit ratio series ${hitRatio.map((v) => v.toFixed(2)).join(' ')}; client saw ${report.cache.hitRatio?.toFixed(3)}`,
    );
    expect(mean(hitRatio)).toBeGreaterThan(0.5);
    expect(report.cache.hitRatio!).toBeGreaterThan(0.5);
    const keyspaceAfter = await redisKeyspaceHits();
    expect(keyspaceAfter - keyspaceBefore).toBeGreaterThan(report.cache.hits * 0.9);
    const redisRatio = seriesValues('redisHitRatio', 'redis keyspace', startedAt, startedAt + 20_000);
    expect(Math.max(...redisRatio)).toBeGreaterThan(0.5);
  });

  it('the load generator never exceeds its rate, concurrency or duration (real stack)', async () => {
    const results: RequestResult[] = [];
    // Token requests are the slow path: 4 in flight cannot keep up with 300/s, so requests get dropped.
    const generator = new LoadGenerator(
      {
        baseUrl: status.endpoints.loadBalancer!,
        rate: 300,
        durationSeconds: 4,
        concurrency: 4,
        mix: { getUser: 50, listUsers: 0, signUp: 0, token: 50 },
      },
      { onResult: (result) => results.push(result) },
    );
    await generator.start();
    const report = await generator.done();
    const first = Math.min(...results.map((r) => r.intendedAt));
    // No request was due after the duration, none went out before its slot, and the last ones
    // left right after the end (late only by the event loop of a busy machine).
    expect(Math.max(...results.map((r) => r.intendedAt)) - first).toBeLessThan(4000);
    expect(Math.max(...results.map((r) => r.sentAt)) - first).toBeLessThan(4000 + 250);
    expect(results.every((r) => r.sentAt >= r.intendedAt - 1)).toBe(true);
    // Rate: in any one-second window no more than 300 (+1 for the edge) were due.
    const due = results.map((r) => r.intendedAt).sort((a, b) => a - b);
    let maxPerSecond = 0;
    for (let i = 0, j = 0; i < due.length; i++) {
      while (due[i]! - due[j]! >= 1000) j++;
      maxPerSecond = Math.max(maxPerSecond, i - j + 1);
    }
    // Concurrency: the most requests whose [sent, finished] intervals overlap.
    const edges = results
      .flatMap(
        (r) =>
          [
            [r.sentAt, 1],
            [r.finishedAt, -1],
          ] as const,
      )
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let inFlight = 0;
    let maxInFlight = 0;
    for (const [, delta] of edges) maxInFlight = Math.max(maxInFlight, (inFlight += delta));
    console.log(
      `bounds: scheduled ${report.scheduled}, sent ${report.sent}, dropped ${report.dropped}, max due/s ${maxPerSecond}, ` +
        `max in flight ${maxInFlight} (reported ${report.maxInFlight}), elapsed ${report.elapsedSeconds} s`,
    );
    expect(maxPerSecond).toBeLessThanOrEqual(301);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(report.maxInFlight).toBeLessThanOrEqual(4);
    expect(report.dropped).toBeGreaterThan(0);
    expect(report.scheduled).toBeLessThanOrEqual(300 * 4 + 1);
    expect(report.elapsedSeconds).toBeLessThanOrEqual(4);
  });

  it('killing Redis under load: the hit ratio drops and recovers, reads keep succeeding', async () => {
    await session.invoke('load:start', {
      rps: 100,
      durationSeconds: 45,
      concurrency: 64,
      mix: { getUser: 100, listUsers: 0, signUp: 0, token: 0 },
      zipfExponent: 1.2,
    });
    const startedAt = Date.now();
    await sleep(RATE_WINDOW_MS + 3000);
    const before = seriesValues('cacheHitRatio', 'api cache', startedAt + RATE_WINDOW_MS);
    const { killed } = await session.invoke('chaos:kill', { what: 'redis' });
    const killedAt = Date.now();
    expect(killed).toMatch(/redis$/);
    await sleep(RATE_WINDOW_MS + 4000);
    // Deliberately down: neither the engine nor the reconcile loop brought it back.
    expect((await session.invoke('stack:status', {})).components.redis).toBe('stopped');
    const during = seriesValues('cacheHitRatio', 'api cache', killedAt + RATE_WINDOW_MS + 2000);
    const duringReport = (await session.invoke('load:status', {}))!;
    const { restored } = await session.invoke('chaos:restore', { what: 'redis' });
    const restoredAt = Date.now();
    expect(restored).toBe(killed);
    await sleep(RATE_WINDOW_MS + 6000);
    const after = seriesValues('cacheHitRatio', 'api cache', restoredAt + RATE_WINDOW_MS + 2000);
    const report = await session.invoke('load:stop', {});
    console.log(
      `hit ratio before ${before.map((v) => v.toFixed(2)).join(' ')} | Redis down ${during.map((v) => v.toFixed(2)).join(' ')} | ` +
        `restored ${after.map((v) => v.toFixed(2)).join(' ')}; reads ${report.completed}, failed ${report.errors.total} ` +
        `(${duringReport.errors.total} by the end of the outage) ${JSON.stringify(report.errors.byStatus)}`,
    );
    expect(mean(before)).toBeGreaterThan(0.5);
    expect(during.length).toBeGreaterThan(0);
    expect(Math.max(...during)).toBeLessThan(0.1);
    expect(Math.max(...after)).toBeGreaterThan(0.5);
    // Reads keep succeeding: the API falls back to PostgreSQL while Redis is away.
    expect(report.completed).toBeGreaterThan(100 * 20);
    expect(report.errors.total / report.completed).toBeLessThan(0.005);
  });

  it('killing PostgreSQL: writes fail with 503 meanwhile; every acknowledged write is there afterwards', async () => {
    const lb = status.endpoints.loadBalancer!;
    const run = randomBytes(3).toString('hex');
    const password = randomBytes(12).toString('base64url');
    const acknowledged: string[] = [];
    const failures = new Map<number | string, number>();
    let seq = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const n = ++seq;
        try {
          const response = await fetch(`${lb}/users`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              name: `Chaos ${n}`,
              email: `chaos-${run}-${n}@loadgen.scaledeck.test`,
              password,
            }),
            signal: AbortSignal.timeout(10_000),
          });
          const body = (await response.json()) as { id?: string };
          if (response.status === 201 && body.id) acknowledged.push(body.id);
          else failures.set(response.status, (failures.get(response.status) ?? 0) + 1);
        } catch (error) {
          const kind = (error as Error).name;
          failures.set(kind, (failures.get(kind) ?? 0) + 1);
        }
        await sleep(40);
      }
    })();
    await sleep(2000);
    const beforeKill = acknowledged.length;
    await session.invoke('chaos:kill', { what: 'postgres' });
    await sleep(5000);
    expect((await session.invoke('stack:status', {})).components.postgres).toBe('stopped');
    const duringOutage = acknowledged.length;
    await session.invoke('chaos:restore', { what: 'postgres' });
    const restoredAt = acknowledged.length;
    await waitUntil('writes succeeding again', 60_000, async () => acknowledged.length > restoredAt + 20);
    writing = false;
    await writer;

    // Read every acknowledged user back, as a user of its own (a token from the API).
    const email = `chaos-${run}-reader@loadgen.scaledeck.test`;
    await fetch(`${lb}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Reader', email, password }),
    });
    const { token } = (await (
      await fetch(`${lb}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      })
    ).json()) as { token: string };
    let present = 0;
    for (const id of acknowledged) {
      const response = await fetch(`${lb}/users/${id}`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status === 200) present++;
    }
    console.log(
      `writes: ${seq} sent, ${acknowledged.length} acknowledged (${beforeKill} before the kill, ${duringOutage - beforeKill} while it died), ` +
        `failures ${JSON.stringify(Object.fromEntries(failures))}; present after restore: ${present}/${acknowledged.length}`,
    );
    expect(failures.get(503) ?? 0).toBeGreaterThan(10);
    expect([...failures.keys()].filter((status) => status !== 503)).toEqual([]);
    expect(present).toBe(acknowledged.length);
  });

  it('manual scale, autoscaler decisions and a killed replica land on the timeline in order, with their inputs', async () => {
    await session.invoke('stack:scale', { replicas: 3 });
    await waitUntil(
      '3 ready replicas',
      90_000,
      async () => (await session.invoke('stack:status', {})).readyReplicas === 3,
    );
    const { killed } = await session.invoke('chaos:kill', { what: 'replica' });
    await session.invoke('autoscaler:set', {
      enabled: true,
      minReplicas: 2,
      maxReplicas: 3,
      targetCpuUtilizationPercent: 80,
      profile: 'demo',
    });
    await waitUntil('an autoscaler decision', 30_000, async () =>
      events.some((e) => e.type === 'autoscaler'),
    );
    await session.invoke('autoscaler:set', { enabled: false });

    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const timeline = await session.invoke('timeline:list', {});
    expect(timeline.map((e) => e.seq)).toEqual(
      events.filter((e) => e.type !== 'metrics' && e.type !== 'progress').map((e) => e.seq),
    );

    const marks = timeline.flatMap((e) => {
      if (e.type === 'deploy' && (e.status === 'started' || e.status === 'done'))
        return [`${e.step} ${e.status}`];
      if (e.type === 'load' && e.kind !== 'changed') return [`load ${e.kind} ${e.report.rate}`];
      if (e.type === 'chaos') return [`${e.action} ${e.what}`];
      if (e.type === 'scale' && e.source === 'manual') return [`scale ${e.from}->${e.to}`];
      return [];
    });
    expect(marks).toEqual([
      'deploy started',
      'deploy done',
      'load started 200',
      'load stopped 200',
      'load started 100',
      'kill redis',
      'restore redis',
      'load stopped 100',
      'kill postgres',
      'restore postgres',
      'scale 2->3',
      'kill replica',
    ]);
    const started = timeline.find((e) => e.type === 'load' && e.kind === 'started');
    expect(started?.type === 'load' && started.report.mix).toEqual({
      getUser: 85,
      listUsers: 15,
      signUp: 0,
      token: 0,
    });
    const kill = timeline.find((e) => e.type === 'chaos' && e.what === 'replica');
    expect(kill?.type === 'chaos' && kill.target).toBe(killed);
    expect(timeline.some((e) => e.type === 'replica' && e.kind === 'created')).toBe(true);
    expect(timeline.some((e) => e.type === 'replica' && e.kind === 'ready')).toBe(true);
    const decision = timeline.find((e) => e.type === 'autoscaler');
    expect(decision?.type === 'autoscaler' && decision.decision.inputs.pods.length).toBeGreaterThanOrEqual(2);
    expect(decision?.type === 'autoscaler' && decision.decision.targetUtilizationPercent).toBe(80);
  });
});
