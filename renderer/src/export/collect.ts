import type { RecordingSnapshot } from '../api/channels.ts';
import type { AppState } from '../store/store.ts';
import type { ExportData } from './tabular.ts';

/**
 * What is on screen: every series of every chart inside the current time window, and the events;
 * with the controller's recording and decisions (decisions:recording) when the JSON export asked for them.
 */
export function collectExport(state: AppState, snapshot?: RecordingSnapshot): ExportData {
  const to = state.now;
  const from = to - state.windowMinutes * 60_000;
  const series = state.charts.flatMap((chart) =>
    state.seriesOf(chart.id).map((e) => ({
      chart: chart.id,
      title: chart.title,
      unit: chart.unit,
      name: e.name,
      query: e.query,
      points: e.buffer.toArray(from).filter((p) => p.t <= to),
    })),
  );
  return {
    window: { from, to },
    series,
    events: state.events.filter((e) => e.at >= from && e.at <= to),
    ...(snapshot === undefined ? {} : { recording: snapshot.recording, decisions: snapshot.decisions }),
  };
}
