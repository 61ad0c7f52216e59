/**
 * The charts of one stack: PromQL against its Prometheus (chartQueries) plus the values that do
 * not come from Prometheus (desired/ready replicas from the target, Redis keyspace hit ratio from
 * Redis INFO), assembled into one MetricsFeed.
 */
import type { ChartInfo, MetricPoint, StackStatus } from './contract.ts';
import type { LoadReport } from './loadgen.ts';
import { MetricsFeed, type Sampler } from './metrics/feed.ts';
import { PrometheusClient } from './metrics/prometheus.ts';
import { chartQueries, type ChartQuery } from './metrics/queries.ts';
import {
  keyspaceCounters,
  keyspaceHitRatio,
  parseRedisInfo,
  type KeyspaceCounters,
} from './metrics/redis-info.ts';
import { SCRAPE_INTERVAL_MS, SCRAPE_INTERVAL_SECONDS } from './targets/kit/scrape.ts';

/** Prometheus' scrape interval on every target (targets/kit/scrape.ts). */
export { SCRAPE_INTERVAL_SECONDS };

export interface LiveMetricsSource {
  status(): Promise<StackStatus>;
  /** Redis INFO text of the stack's Redis, or null when it is not running. */
  redisInfo(section?: string): Promise<string | null>;
}

export interface LiveMetricsOptions {
  cpuLimitCores: number;
  /** The session's load generator, if any: its target and achieved rate become a chart. */
  load?: () => LoadReport | null;
  stepMs?: number;
  capacity?: number;
}

interface LoadRates {
  target: number;
  achieved: number | null;
  errors: number | null;
}

interface SamplerChart {
  id: string;
  title: string;
  unit: string;
  samplers: Sampler[];
}

export class LiveMetrics {
  readonly queries: ChartQuery[];
  private readonly samplerCharts: SamplerChart[];
  private readonly source: LiveMetricsSource;
  private readonly options: LiveMetricsOptions;
  private feed: MetricsFeed | null = null;
  private feedUrl: string | null = null;
  private statusAt = 0;
  private statusPromise: Promise<StackStatus> | null = null;
  private lastRedis: KeyspaceCounters | null = null;
  private lastLoad: { at: number; completed: number; errors: number } | null = null;
  private lastLoadRates: { at: number; rates: LoadRates } | null = null;

  constructor(source: LiveMetricsSource, options: LiveMetricsOptions) {
    this.source = source;
    this.options = options;
    this.queries = chartQueries({
      scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS,
      cpuLimitCores: options.cpuLimitCores,
    });
    this.samplerCharts = [
      {
        id: 'replicas',
        title: 'Desired vs ready replicas',
        unit: 'replicas',
        samplers: [
          {
            chart: 'replicas',
            name: 'desired',
            source: 'desired replicas, from the target (the stack’s desired state on the engine)',
            sample: async () => (await this.status()).desiredReplicas,
          },
          {
            chart: 'replicas',
            name: 'ready',
            source: 'ready replicas, from the target (passed readiness, behind the load balancer)',
            sample: async () => (await this.status()).readyReplicas,
          },
        ],
      },
      {
        id: 'redisHitRatio',
        title: 'Redis keyspace hit ratio',
        unit: 'ratio',
        samplers: [
          {
            chart: 'redisHitRatio',
            name: 'redis keyspace',
            source: 'Redis INFO stats: Δkeyspace_hits / Δ(keyspace_hits + keyspace_misses) between ticks',
            sample: () => this.redisHitRatio(),
          },
        ],
      },
      {
        id: 'loadgen',
        title: 'Load generator (client side)',
        unit: 'req/s',
        samplers: [
          {
            chart: 'loadgen',
            name: 'target',
            source: 'the load generator’s target rate (0 when no load runs)',
            sample: async () => this.loadRates().target,
          },
          {
            chart: 'loadgen',
            name: 'achieved',
            source: 'responses completed per second at the load generator, between ticks',
            sample: async () => this.loadRates().achieved,
          },
          {
            chart: 'loadgen',
            name: 'errors',
            source:
              'failed requests (non-2xx, timeouts, refused) per second at the load generator, between ticks',
            sample: async () => this.loadRates().errors,
          },
        ],
      },
    ];
  }

  /**
   * Rates from the generator's cumulative counters between two ticks. The three samplers of one
   * tick run together, so a result younger than 300 ms is reused rather than read again.
   */
  private loadRates(): LoadRates {
    const now = Date.now();
    if (this.lastLoadRates !== null && now - this.lastLoadRates.at < 300) return this.lastLoadRates.rates;
    const report = this.options.load?.() ?? null;
    let rates: LoadRates;
    if (report === null || report.state !== 'running') {
      this.lastLoad = null;
      rates =
        report === null ? { target: 0, achieved: null, errors: null } : { target: 0, achieved: 0, errors: 0 };
    } else {
      const previous = this.lastLoad;
      const seconds = previous === null ? 0 : (now - previous.at) / 1000;
      rates =
        previous === null || seconds <= 0
          ? { target: report.rate, achieved: null, errors: null }
          : {
              target: report.rate,
              achieved: (report.completed - previous.completed) / seconds,
              errors: (report.errors.total - previous.errors) / seconds,
            };
      this.lastLoad = { at: now, completed: report.completed, errors: report.errors.total };
    }
    this.lastLoadRates = { at: now, rates };
    return rates;
  }

  charts(): ChartInfo[] {
    const prometheus = this.queries.map((chart) => ({
      id: chart.id,
      title: chart.title,
      unit: chart.unit,
      series: chart.series.map((series) => ({
        name: typeof series.name === 'string' ? series.name : `by ${series.name.fromLabel}`,
        query: series.promql,
      })),
    }));
    const sampled = this.samplerCharts.map((chart) => ({
      id: chart.id,
      title: chart.title,
      unit: chart.unit,
      series: chart.samplers.map((sampler) => ({ name: sampler.name, query: sampler.source })),
    }));
    return [...prometheus, ...sampled];
  }

  get running(): boolean {
    return this.feed !== null;
  }

  /** The Prometheus the feed polls (null when stopped): a redeploy may publish it on another port. */
  get prometheusUrl(): string | null {
    return this.feedUrl;
  }

  /** Starts polling the stack's Prometheus (backfilled over backfillMs); onTick gets each tick's points. */
  async start(
    prometheusUrl: string,
    backfillMs: number,
    onTick: (at: number, points: MetricPoint[]) => void,
    onError: (message: string, query: string) => void,
  ): Promise<void> {
    this.stop();
    const feed = new MetricsFeed({
      client: new PrometheusClient(prometheusUrl),
      charts: this.queries,
      samplers: this.samplerCharts.flatMap((chart) => chart.samplers),
      stepMs: this.options.stepMs ?? SCRAPE_INTERVAL_MS,
      capacity: this.options.capacity ?? 3600,
    });
    this.feed = feed;
    this.feedUrl = prometheusUrl;
    feed.onUpdate((at) => {
      const points = feed
        .snapshot(at)
        .flatMap((series) =>
          series.points.map((p) => ({ chart: series.chart, name: series.name, t: p.t, v: p.v })),
        );
      onTick(at, points);
    });
    feed.onError((error) => onError(error.message, error.query));
    await feed.start(backfillMs);
  }

  snapshot(since?: number) {
    return this.feed?.snapshot(since) ?? [];
  }

  /** Runs one poll now and resolves when it is stored (tests, "refresh"). */
  async tick(): Promise<void> {
    await this.feed?.tick();
  }

  stop(): void {
    this.feed?.cancel();
    this.feed = null;
    this.feedUrl = null;
    this.lastRedis = null;
  }

  /** One status read serves both replica samplers of a tick. */
  private status(): Promise<StackStatus> {
    const now = Date.now();
    if (this.statusPromise === null || now - this.statusAt > 500) {
      this.statusAt = now;
      this.statusPromise = this.source.status();
    }
    return this.statusPromise;
  }

  private async redisHitRatio(): Promise<number | null> {
    const text = await this.source.redisInfo('stats');
    if (text === null) {
      this.lastRedis = null;
      return null;
    }
    const counters = keyspaceCounters(parseRedisInfo(text));
    const ratio = this.lastRedis === null ? null : keyspaceHitRatio(this.lastRedis, counters);
    this.lastRedis = counters;
    return ratio;
  }
}
