/**
 * What the autoscaler reads from the stack's Prometheus when it scales on traffic: requests per
 * second of each replica and the API's p95 latency, from the API's own http_requests_total and
 * request-duration histogram (the charts' PromQL, with the same rate() window). Asked only for
 * the metrics in use, so a CPU-only autoscaler sends no query at all.
 */
import type { PodSample } from '../autoscaler.ts';
import type { AutoscalerMetric, ObjectMetrics } from '../autoscaler-metrics.ts';
import { SCRAPE_INTERVAL_SECONDS } from '../targets/kit/scrape.ts';
import { PrometheusClient } from './prometheus.ts';
import { rateWindow } from './queries.ts';

export interface TrafficWanted {
  rpsPerReplica: boolean;
  p95LatencyMs: boolean;
}

export interface TrafficSample {
  /** Requests per second by replica name (the API's `replica` label); a replica absent has no value. */
  rpsByReplica: Map<string, number>;
  /** undefined: not asked for, or Prometheus could not answer. */
  p95LatencyMs?: number;
}

export function trafficQueries(job = 'api'): { rpsPerReplica: string; p95LatencyMs: string } {
  const w = rateWindow(SCRAPE_INTERVAL_SECONDS);
  const sel = `job="${job}"`;
  return {
    rpsPerReplica: `sum by (replica) (rate(http_requests_total{${sel}}[${w}]))`,
    p95LatencyMs: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[${w}]))) * 1000`,
  };
}

/**
 * One reading per sync. A query that fails leaves its metric unread (the HPA then holds any
 * scale-down); a p95 of NaN means no request finished in the window (histogram_quantile over a
 * zero count), which is read as 0 ms: nothing is slow when nothing is served.
 */
export async function readTraffic(client: PrometheusClient, wanted: TrafficWanted): Promise<TrafficSample> {
  const queries = trafficQueries();
  const sample: TrafficSample = { rpsByReplica: new Map() };
  const [rps, p95] = await Promise.allSettled([
    wanted.rpsPerReplica ? client.query(queries.rpsPerReplica) : Promise.resolve([]),
    wanted.p95LatencyMs ? client.query(queries.p95LatencyMs) : Promise.resolve([]),
  ]);
  if (rps.status === 'fulfilled') {
    for (const series of rps.value) {
      const replica = series.labels.replica;
      const value = series.points[0]?.v;
      if (replica !== undefined && value !== null && value !== undefined)
        sample.rpsByReplica.set(replica, value);
    }
  }
  if (wanted.p95LatencyMs && p95.status === 'fulfilled') {
    const series = p95.value[0];
    if (series !== undefined) sample.p95LatencyMs = series.points[0]?.v ?? 0;
  }
  return sample;
}

/**
 * The sync's pod samples with each replica's requests per second, and the API's p95, for the
 * metrics the spec lists; a CPU-only spec (or no Prometheus) returns the samples untouched.
 */
export async function withTraffic(
  pods: PodSample[],
  metrics: AutoscalerMetric[] | undefined,
  prometheusUrl: string | null,
): Promise<{ pods: PodSample[]; objects: ObjectMetrics }> {
  const wanted: TrafficWanted = {
    rpsPerReplica: metrics?.some((m) => m.metric === 'rpsPerReplica') ?? false,
    p95LatencyMs: metrics?.some((m) => m.metric === 'p95LatencyMs') ?? false,
  };
  if ((!wanted.rpsPerReplica && !wanted.p95LatencyMs) || prometheusUrl === null) return { pods, objects: {} };
  const traffic = await readTraffic(new PrometheusClient(prometheusUrl), wanted);
  const sampled = wanted.rpsPerReplica
    ? pods.map((pod) => {
        const rps = traffic.rpsByReplica.get(pod.name);
        return rps === undefined ? pod : { ...pod, requestsPerSecond: rps };
      })
    : pods;
  return {
    pods: sampled,
    objects: traffic.p95LatencyMs === undefined ? {} : { p95LatencyMs: traffic.p95LatencyMs },
  };
}
