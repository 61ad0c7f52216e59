/**
 * The dashboard's JSON export, written from a terminal: the same series, events, recording and
 * decisions, read from a running `scaledeck serve` instead of the page's store, and turned into
 * text by the dashboard's own toJson (renderer/src/export/tabular.ts, pure), so the two files
 * cannot drift.
 */
import { toJson, type ExportData } from '../renderer/src/export/tabular.ts';
import type { ChartInfo, RecordingSnapshot, TimelineEvent } from './core/contract.ts';
import { parseRecording } from './core/decisions/recording.ts';
import type { SeriesSnapshot } from './core/metrics/feed.ts';
import type { ServeClient } from './serve-client.ts';

/** What a serve answers on the read channels the dashboard fills its export from. */
export interface ServeAnswers {
  charts: ChartInfo[];
  series: SeriesSnapshot[];
  events: TimelineEvent[];
  snapshot: RecordingSnapshot;
}

/** The dashboard's default time window, for a session that holds no data yet. */
const EMPTY_WINDOW_MS = 5 * 60_000;

export async function readServe(client: ServeClient): Promise<ServeAnswers> {
  const [charts, series, events, snapshot] = await Promise.all([
    client.invoke('metrics:charts', {}),
    client.invoke('metrics:snapshot', {}),
    client.invoke('timeline:list', {}),
    client.invoke('decisions:recording', {}),
  ]);
  // From another process: checked like any recording file before it is written out as one.
  return { charts, series, events, snapshot: { ...snapshot, recording: parseRecording(snapshot.recording) } };
}

/**
 * The page exports what its time window shows; a terminal has no window, so it takes everything
 * the session still holds (its series and timeline are bounded), up to `now`.
 */
export function exportDataOf(answers: ServeAnswers, now: number): ExportData {
  const series = answers.charts.flatMap((chart) =>
    answers.series
      .filter((s) => s.chart === chart.id)
      .map((s) => ({
        chart: chart.id,
        title: chart.title,
        unit: chart.unit,
        name: s.name,
        query: s.query,
        points: s.points.filter((p) => p.t <= now),
      })),
  );
  // A loop, not Math.min(...): a long session holds more points than a call takes arguments.
  let from = Number.POSITIVE_INFINITY;
  const earliest = (t: number) => {
    if (t < from) from = t;
  };
  for (const s of series) for (const p of s.points) earliest(p.t);
  for (const e of answers.events) earliest(e.at);
  for (const sync of answers.snapshot.recording.syncs) earliest(sync.at);
  if (!(from < now)) from = now - EMPTY_WINDOW_MS;
  return {
    window: { from, to: now },
    series,
    events: answers.events,
    recording: answers.snapshot.recording,
    decisions: answers.snapshot.decisions,
  };
}

export function exportJson(answers: ServeAnswers, now = Date.now()): string {
  return `${toJson(exportDataOf(answers, now))}\n`;
}
