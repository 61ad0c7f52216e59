// Live series for the dashboard: backfilled with query_range when a view opens, then one instant
// query per series and tick. Each series keeps its PromQL (or its source) so the UI can show it.
import type { PrometheusClient, LabeledSeries } from './prometheus.ts';
import type { ChartQuery } from './queries.ts';
import { RingBuffer, type Point } from './ring-buffer.ts';

/** A value that does not come from Prometheus (desired/ready replicas from the target, Redis INFO). */
export interface Sampler {
  chart: string;
  name: string;
  /** What the number is, shown where PromQL would be. */
  source: string;
  sample(): Promise<number | null>;
}

export interface SeriesSnapshot {
  chart: string;
  name: string;
  /** PromQL for Prometheus series, otherwise a description of the source. */
  query: string;
  source: 'prometheus' | 'sampler';
  points: Point[];
}

export interface FeedError {
  chart: string;
  query: string;
  message: string;
}

export interface MetricsFeedOptions {
  client: PrometheusClient;
  charts: ChartQuery[];
  samplers?: Sampler[];
  stepMs: number;
  /** Points kept per series (15 min at 1 s = 900). */
  capacity?: number;
  now?: () => number;
}

interface Entry {
  chart: string;
  name: string;
  query: string;
  source: SeriesSnapshot['source'];
  buffer: RingBuffer;
}

export class MetricsFeed {
  private readonly series = new Map<string, Entry>();
  private readonly listeners = new Set<(at: number) => void>();
  private readonly errorListeners = new Set<(error: FeedError) => void>();
  private readonly now: () => number;
  private readonly capacity: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking: Promise<void> = Promise.resolve();

  private readonly options: MetricsFeedOptions;

  constructor(options: MetricsFeedOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.capacity = options.capacity ?? 3600;
  }

  /** Backfills the last `backfillMs` from Prometheus, then polls every stepMs until cancel(). */
  async start(backfillMs: number): Promise<void> {
    const end = this.now();
    await Promise.all(
      this.prometheusQueries().map(async ({ chart, series }) => {
        try {
          const result = await this.options.client.queryRange(
            series.promql,
            end - backfillMs,
            end,
            this.options.stepMs,
          );
          this.store(chart, series, result);
        } catch (err) {
          this.fail(chart, series.promql, err);
        }
      }),
    );
    this.schedule();
  }

  /** Runs one poll now (tests and "refresh" use it); resolves when every series has its point. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.poll());
    return this.ticking;
  }

  snapshot(since?: number): SeriesSnapshot[] {
    return [...this.series.values()].map((e) => ({
      chart: e.chart,
      name: e.name,
      query: e.query,
      source: e.source,
      points: e.buffer.toArray(since),
    }));
  }

  onUpdate(listener: (at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onError(listener: (error: FeedError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  cancel(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.listeners.clear();
    this.errorListeners.clear();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.options.stepMs);
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    const at = this.now();
    const prom = this.prometheusQueries().map(async ({ chart, series }) => {
      try {
        this.store(chart, series, await this.options.client.query(series.promql, at), at);
      } catch (err) {
        this.fail(chart, series.promql, err);
      }
    });
    const sampled = (this.options.samplers ?? []).map(async (s) => {
      try {
        this.entry(s.chart, s.name, s.source, 'sampler').buffer.push(at, await s.sample());
      } catch (err) {
        this.fail(s.chart, s.source, err);
      }
    });
    await Promise.all([...prom, ...sampled]);
    if (!this.stopped) for (const listener of this.listeners) listener(at);
  }

  private prometheusQueries() {
    return this.options.charts.flatMap((chart) =>
      chart.series.map((series) => ({ chart: chart.id, series })),
    );
  }

  private store(
    chart: string,
    series: ChartQuery['series'][number],
    result: LabeledSeries[],
    at?: number,
  ): void {
    if (typeof series.name === 'string') {
      const entry = this.entry(chart, series.name, series.promql, 'prometheus');
      const points = result[0]?.points ?? [];
      // An empty instant result is a gap at that time, not a missing tick.
      if (points.length === 0 && at !== undefined) entry.buffer.push(at, null);
      for (const p of points) entry.buffer.push(p.t, p.v);
      return;
    }
    for (const r of result) {
      const name = r.labels[series.name.fromLabel] ?? '(unlabelled)';
      const entry = this.entry(chart, name, series.promql, 'prometheus');
      for (const p of r.points) entry.buffer.push(p.t, p.v);
    }
  }

  private entry(chart: string, name: string, query: string, source: Entry['source']): Entry {
    const key = `${chart}\u0000${name}`;
    let entry = this.series.get(key);
    if (!entry) {
      entry = { chart, name, query, source, buffer: new RingBuffer(this.capacity) };
      this.series.set(key, entry);
    }
    return entry;
  }

  private fail(chart: string, query: string, err: unknown): void {
    const error = { chart, query, message: err instanceof Error ? err.message : String(err) };
    for (const listener of this.errorListeners) listener(error);
  }
}
