import { useMemo } from 'react';
import { useApp, type AppState } from '../store/store.ts';
import type { SeriesEntry } from '../store/slices/metrics-slice.ts';
import type { ChartInfo } from '../api/channels.ts';
import { viewNow, viewSeriesOf, viewWindowMs } from '../store/view.ts';

/** The chart's series in a stable order: declared ones first, then label-named ones (replicas) by name. */
export function orderedSeries(state: AppState, chart: ChartInfo): SeriesEntry[] {
  const entries = viewSeriesOf(state, chart.id);
  const order = (n: string) => {
    const i = chart.series.findIndex((s) => s.name === n);
    return i === -1 ? chart.series.length : i;
  };
  return entries.sort((a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name));
}

/** The highest value any series of the chart shows in the window (0 when none). */
export function visibleMax(state: AppState, chartId: string): number {
  const from = viewNow(state) - viewWindowMs(state);
  let max = 0;
  for (const e of viewSeriesOf(state, chartId)) {
    const b = e.buffer;
    for (let i = b.lowerBound(from); i < b.length; i++) {
      const v = b.value(i);
      if (v > max) max = v;
    }
  }
  return max;
}

/** Names of the chart's series, as one string so the selector result compares by value. */
export function useSeriesNames(chart: ChartInfo): string[] {
  const joined = useApp((s) =>
    orderedSeries(s, chart)
      .map((e) => e.name)
      .join('\u0000'),
  );
  return useMemo(() => (joined === '' ? [] : joined.split('\u0000')), [joined]);
}

/** Whether any series of the chart has a value in the window. */
export function hasVisibleValue(state: AppState, chartId: string): boolean {
  const from = viewNow(state) - viewWindowMs(state);
  for (const e of viewSeriesOf(state, chartId)) {
    const b = e.buffer;
    for (let i = b.lowerBound(from); i < b.length; i++) if (!Number.isNaN(b.value(i))) return true;
  }
  return false;
}
