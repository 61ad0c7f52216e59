// CSV and JSON of what the dashboard shows: the series inside the visible time window and the
// timeline events in it. Pure, so the exact bytes are unit-tested.
import type { Point } from '../../../electron/core/metrics/ring-buffer.ts';
import type { Recording } from '../../../electron/core/decisions/recording.ts';
import type { ScaleDecision, TimelineEvent } from '../api/channels.ts';
import { describeEvent } from '../store/describe-event.ts';

export interface VisibleSeries {
  chart: string;
  title: string;
  unit: string;
  name: string;
  query: string;
  points: Point[];
}

export interface ExportData {
  window: { from: number; to: number };
  series: VisibleSeries[];
  events: TimelineEvent[];
  /**
   * The controller's recording (JSON only), whole rather than cut to the window: a replay needs the
   * autoscaler's history from its start. Its latest decisions, explained, go beside it.
   */
  recording?: Recording;
  decisions?: ScaleDecision[];
}

/**
 * Text a spreadsheet would run as a formula when the file is opened (OWASP's CSV injection list:
 * = + - @, and a leading tab, carriage return or line feed that can hide one). Series names and
 * event text come from the cluster (replica names, scheduler messages, build steps).
 */
const FORMULA_START = /^[=+\-@\t\r\n]/;

function quoted(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  // A number is written by us and read back as a number, a negative one included.
  if (typeof value === 'number') return String(value);
  // A leading quote makes the cell text in Excel, LibreOffice and Google Sheets, which hide it.
  if (FORMULA_START.test(value)) return quoted(`'${value}`);
  return /[",\n\r]/.test(value) ? quoted(value) : value;
}

/** Long format: one row per point or event, so any spreadsheet can pivot it. */
export function toCsv(data: ExportData): string {
  const rows: (string | number | null)[][] = [
    ['kind', 'time', 'epoch_ms', 'chart', 'series', 'unit', 'value', 'event'],
  ];
  for (const s of data.series)
    for (const p of s.points) {
      if (p.t < data.window.from || p.t > data.window.to) continue;
      rows.push(['point', new Date(p.t).toISOString(), p.t, s.chart, s.name, s.unit, p.v, null]);
    }
  for (const e of data.events) {
    if (e.at < data.window.from || e.at > data.window.to) continue;
    rows.push(['event', new Date(e.at).toISOString(), e.at, null, e.type, null, null, describeEvent(e)]);
  }
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function toJson(data: ExportData): string {
  const inWindow = (t: number) => t >= data.window.from && t <= data.window.to;
  return JSON.stringify(
    {
      exportedAt: new Date().toISOString(),
      window: data.window,
      series: data.series.map((s) => ({ ...s, points: s.points.filter((p) => inWindow(p.t)) })),
      events: data.events.filter((e) => inWindow(e.at)),
      // Where parseRecording (and the offline view) look for it: `.recording` of the export.
      ...(data.recording === undefined ? {} : { recording: data.recording }),
      ...(data.decisions === undefined ? {} : { decisions: data.decisions }),
    },
    null,
    2,
  );
}
