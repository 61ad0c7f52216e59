// What the dashboard shows: the live session, or a saved export opened offline (offline-slice.ts).
// Charts and the timeline read through these, so opening a file never touches the live slices and
// "Back to live" finds them as current as ever.
import type { ChartInfo, TimelineEvent } from '../api/channels.ts';
import type { SeriesEntry } from './slices/metrics-slice.ts';
import type { AppState } from './types.ts';

export const viewCharts = (s: AppState): ChartInfo[] => s.offline?.charts ?? s.charts;

export const viewEvents = (s: AppState): TimelineEvent[] => s.offline?.events ?? s.events;

/** Right edge of the time axis: the saved window's end offline. */
export const viewNow = (s: AppState): number => s.offline?.window.to ?? s.now;

export const viewWindowMs = (s: AppState): number =>
  s.offline ? s.offline.window.to - s.offline.window.from : s.windowMinutes * 60_000;

export const viewSeries = (s: AppState): Map<string, SeriesEntry> => s.offline?.series ?? s.series;

export function viewSeriesOf(s: AppState, chart: string): SeriesEntry[] {
  return s.offline ? [...s.offline.series.values()].filter((e) => e.chart === chart) : s.seriesOf(chart);
}
