// The PromQL behind every chart, in one place, so the UI can show (and copy) exactly what it plots.
// rate() windows are at least 4x the scrape interval: with fewer samples per window a single late
// scrape makes the rate jump or vanish.

export type ChartId =
  | 'requestRate'
  | 'requestRatePerReplica'
  | 'latency'
  | 'errorRatio'
  | 'cpuPerReplica'
  | 'replicasUp'
  | 'cacheHitRatio';

export type Unit = 'req/s' | 'seconds' | 'ratio' | 'percent' | 'replicas';

export interface SeriesQuery {
  /** Fixed name of the series, or the label whose value names each series the query returns. */
  name: string | { fromLabel: string };
  promql: string;
}

export interface ChartQuery {
  id: ChartId;
  title: string;
  unit: Unit;
  series: SeriesQuery[];
}

export interface QueryOptions {
  scrapeIntervalSeconds: number;
  /** Prometheus job that scrapes the API replicas. */
  job?: string;
  /** Each replica's CPU limit in cores, so CPU reads as % of what a replica may use (as the HPA sees it). */
  cpuLimitCores: number;
}

export function rateWindow(scrapeIntervalSeconds: number): string {
  if (!(scrapeIntervalSeconds > 0)) throw new RangeError('scrapeIntervalSeconds must be positive');
  return `${Math.ceil(Math.max(4 * scrapeIntervalSeconds, 4))}s`;
}

export function chartQueries(options: QueryOptions): ChartQuery[] {
  const w = rateWindow(options.scrapeIntervalSeconds);
  const sel = `job="${options.job ?? 'api'}"`;
  const total = `sum(rate(http_requests_total{${sel}}[${w}]))`;
  const quantile = (q: number) =>
    `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[${w}])))`;
  return [
    {
      id: 'requestRate',
      title: 'Request rate',
      unit: 'req/s',
      series: [{ name: 'requests', promql: total }],
    },
    {
      id: 'requestRatePerReplica',
      title: 'Request rate per replica',
      unit: 'req/s',
      series: [
        {
          name: { fromLabel: 'replica' },
          promql: `sum by (replica) (rate(http_requests_total{${sel}}[${w}]))`,
        },
      ],
    },
    {
      id: 'latency',
      title: 'Latency',
      unit: 'seconds',
      series: [
        { name: 'p50', promql: quantile(0.5) },
        { name: 'p95', promql: quantile(0.95) },
        { name: 'p99', promql: quantile(0.99) },
      ],
    },
    {
      id: 'errorRatio',
      title: 'Error ratio (5xx)',
      unit: 'ratio',
      series: [
        {
          name: '5xx',
          // No traffic is "no errors", not "unknown": the or-branch yields 0 while the API is up.
          promql: `(sum(rate(http_requests_total{${sel},status=~"5.."}[${w}])) / ${total}) or (${total} * 0)`,
        },
      ],
    },
    {
      id: 'cpuPerReplica',
      title: 'CPU per replica (% of limit)',
      unit: 'percent',
      series: [
        {
          name: { fromLabel: 'replica' },
          promql: `sum by (replica) (rate(process_cpu_seconds_total{${sel}}[${w}])) * 100 / ${options.cpuLimitCores}`,
        },
      ],
    },
    {
      id: 'replicasUp',
      title: 'Replicas scraped up',
      unit: 'replicas',
      series: [{ name: 'up', promql: `sum(up{${sel}})` }],
    },
    {
      id: 'cacheHitRatio',
      title: 'Cache hit ratio',
      unit: 'ratio',
      series: [
        {
          name: 'api cache',
          promql: `sum(rate(cache_requests_total{${sel},result="hit"}[${w}])) / sum(rate(cache_requests_total{${sel}}[${w}]))`,
        },
      ],
    },
  ];
}
