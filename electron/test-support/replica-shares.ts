/**
 * How a load spread over the API replicas, counted by the stack's own Prometheus: the increase of
 * each replica's GET /users/:id counter across a run. Used by the spread tests (Docker and the
 * local cluster) and bench:load.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SCRAPE_INTERVAL_MS } from '../core/targets/kit/scrape.ts';
import { PrometheusClient } from '../core/metrics/prometheus.ts';

const READS = 'sum by (replica) (http_requests_total{job="api",method="GET",route="/users/:id"})';

export interface ReplicaShares {
  /** Reads each replica served during the run, by replica id (0 for one that served none). */
  counts: Record<string, number>;
  total: number;
  /** counts / total, by replica id. */
  shares: Record<string, number>;
  /** Highest over lowest count (Infinity when one served none). */
  maxOverMin: number;
  /** The largest |share - 1/n| / (1/n): 0 is perfectly even, 0.25 is the tests' bound. */
  worstDeviation: number;
  /** False when the counters never stopped moving around the run: other traffic counted too. */
  settled: boolean;
}

async function readCounters(prometheus: PrometheusClient): Promise<Map<string, number>> {
  const series = await prometheus.query(READS);
  return new Map(series.map((s) => [s.labels['replica'] ?? '', s.points[0]?.v ?? 0]));
}

/**
 * Waits until two reads a scrape apart agree (the last scrape after the run is in, and a backlog
 * of earlier traffic has drained), at most 20 scrapes; `settled` false says it never did.
 */
async function settledCounters(
  prometheus: PrometheusClient,
): Promise<{ counters: Map<string, number>; settled: boolean }> {
  let last = await readCounters(prometheus);
  for (let i = 0; i < 20; i++) {
    await sleep(SCRAPE_INTERVAL_MS + 500);
    const next = await readCounters(prometheus);
    const same = next.size === last.size && [...next].every(([k, v]) => last.get(k) === v);
    if (same) return { counters: next, settled: true };
    last = next;
  }
  return { counters: last, settled: false };
}

/**
 * Runs `run` and returns how the reads it caused spread over `replicaIds` (the ready replicas'
 * X-Replica ids). Other traffic to GET /users/:id during the run would count too: run nothing else.
 */
export async function measureReplicaShares<T>(
  prometheusUrl: string,
  replicaIds: string[],
  run: () => Promise<T>,
): Promise<{ result: T; spread: ReplicaShares }> {
  const prometheus = new PrometheusClient(prometheusUrl);
  const before = await settledCounters(prometheus);
  const result = await run();
  const after = await settledCounters(prometheus);
  const spread = sharesOf(replicaIds, before.counters, after.counters);
  return { result, spread: { ...spread, settled: before.settled && after.settled } };
}

export function sharesOf(
  replicaIds: string[],
  before: Map<string, number>,
  after: Map<string, number>,
): Omit<ReplicaShares, 'settled'> {
  const counts: Record<string, number> = {};
  // A replica Prometheus saw serving counts even if the caller's list missed it (one not ready
  // when the list was read): leaving it out would hide part of the spread.
  const served = [...after.keys()].filter((id) => (after.get(id) ?? 0) > (before.get(id) ?? 0));
  for (const id of new Set([...replicaIds, ...served]))
    counts[id] = Math.max(0, (after.get(id) ?? 0) - (before.get(id) ?? 0));
  const values = Object.values(counts);
  const total = values.reduce((a, b) => a + b, 0);
  const shares: Record<string, number> = {};
  for (const [id, n] of Object.entries(counts)) shares[id] = total > 0 ? n / total : 0;
  const min = Math.min(...values);
  const even = 1 / values.length;
  return {
    counts,
    total,
    shares,
    maxOverMin: min > 0 ? Math.max(...values) / min : Infinity,
    worstDeviation: Math.max(...Object.values(shares).map((s) => Math.abs(s - even) / even)),
  };
}

/** "a1b2 41.0 % (2460), c3d4 30.1 % (1806), ...; max/min 1.36" for logs and the bench. */
export function describeShares(spread: ReplicaShares): string {
  const parts = Object.entries(spread.counts).map(
    ([id, n]) => `${id} ${((spread.shares[id] ?? 0) * 100).toFixed(1)} % (${n})`,
  );
  const ratio = spread.maxOverMin === Infinity ? '∞' : spread.maxOverMin.toFixed(2);
  const unsettled = spread.settled ? '' : ' (counters still moving: other traffic counted too)';
  return `${parts.join(', ')}; max/min ${ratio}, worst ${(spread.worstDeviation * 100).toFixed(0)} % off even${unsettled}`;
}
