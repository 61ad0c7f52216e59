import { RingBuffer } from '../../../../electron/core/metrics/ring-buffer.ts';
import type { ChartInfo, MetricPoint, SeriesSnapshot } from '../../api/channels.ts';
import type { Slice } from '../types.ts';

/** 15 minutes at 1 s plus slack; memory stays bounded however long the dashboard stays open. */
export const SERIES_CAPACITY = 1000;

export interface SeriesEntry {
  chart: string;
  name: string;
  query: string;
  buffer: RingBuffer;
}

export interface MetricsSlice {
  charts: ChartInfo[];
  /** Mutable ring buffers keyed by chart and series; `metricsVersion` says when they changed. */
  series: Map<string, SeriesEntry>;
  metricsVersion: number;
  /** Right edge of the shared time axis: the newest data, or the clock when data is late. */
  now: number;
  loadCharts(): Promise<void>;
  backfill(): Promise<void>;
  /** Queues points; they are applied together on the next animation frame. */
  queuePoints(points: MetricPoint[]): void;
  seriesOf(chart: string): SeriesEntry[];
  /** Drops every series (another target's data), then refills from the session's feed. */
  resetSeries(): void;
}

export const seriesKey = (chart: string, name: string) => `${chart}\u0000${name}`;

export const createMetricsSlice: Slice<MetricsSlice> =
  ({ api, scheduleFrame }) =>
  (set, get) => {
    let pending: MetricPoint[] = [];
    let scheduled = false;

    const entry = (chart: string, name: string, query: string): SeriesEntry => {
      const series = get().series;
      const key = seriesKey(chart, name);
      let e = series.get(key);
      if (!e) {
        const declared = get()
          .charts.find((c) => c.id === chart)
          ?.series.find((s) => s.name === name);
        // Series named from a label (one per replica) share the chart's single query.
        const fallback = get().charts.find((c) => c.id === chart)?.series[0]?.query ?? '';
        e = {
          chart,
          name,
          query: query || declared?.query || fallback,
          buffer: new RingBuffer(SERIES_CAPACITY),
        };
        series.set(key, e);
      }
      return e;
    };

    const flush = () => {
      scheduled = false;
      const batch = pending;
      pending = [];
      let newest = get().now;
      for (const p of batch) {
        entry(p.chart, p.name, '').buffer.push(p.t, p.v);
        if (p.t > newest) newest = p.t;
      }
      set((s) => ({ metricsVersion: s.metricsVersion + 1, now: Math.max(newest, Date.now() - 2000) }));
    };

    const load = (snapshots: SeriesSnapshot[]) => {
      let newest = get().now;
      for (const s of snapshots) {
        const e = entry(s.chart, s.name, s.query);
        // Live points may have arrived before the backfill answered: the history goes in front.
        const live = e.buffer.toArray();
        const firstLive = live[0]?.t ?? Number.POSITIVE_INFINITY;
        e.buffer = new RingBuffer(SERIES_CAPACITY);
        for (const p of s.points) if (p.t < firstLive) e.buffer.push(p.t, p.v);
        for (const p of live) e.buffer.push(p.t, p.v);
        const last = e.buffer.last;
        if (last && last.t > newest) newest = last.t;
      }
      set((s) => ({ metricsVersion: s.metricsVersion + 1, now: newest }));
    };

    return {
      charts: [],
      series: new Map(),
      metricsVersion: 0,
      now: Date.now(),
      async loadCharts() {
        try {
          set({ charts: await api.invoke('metrics:charts', {}) });
        } catch (error) {
          get().reportError('Charts', error);
        }
      },
      async backfill() {
        try {
          load(await api.invoke('metrics:snapshot', {}));
        } catch (error) {
          get().reportError('Metrics', error);
        }
      },
      queuePoints(points) {
        pending.push(...points);
        if (!scheduled) {
          scheduled = true;
          scheduleFrame(flush);
        }
      },
      seriesOf(chart) {
        return [...get().series.values()].filter((s) => s.chart === chart);
      },
      resetSeries() {
        pending = [];
        set((s) => ({ series: new Map(), metricsVersion: s.metricsVersion + 1, now: Date.now() }));
        void get().backfill();
      },
    };
  };
