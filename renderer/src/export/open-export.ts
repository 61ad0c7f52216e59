// Reads a saved export (the dashboard's "Export JSON" or `scaledeck export --out`) back for the
// offline view. Pure, so every refusal is unit-tested. The renderer carries no schema library, so
// this checks by hand exactly the fields the offline view reads, and names the first bad one; the
// full recording format stays recording.ts's schema (the CLI's explain/whatif read it there).
import type { Recording } from '../../../electron/core/decisions/recording.ts';
import type { ChartInfo, TimelineEvent } from '../api/channels.ts';
import type { Point } from '../../../electron/core/metrics/ring-buffer.ts';

export interface SavedSeries {
  chart: string;
  title: string;
  unit: string;
  name: string;
  query: string;
  points: Point[];
}

/** A saved export, checked, ready for the offline view. */
export interface SavedExport {
  fileName: string;
  /** When it was recorded: the export's time, or the recording's last sync (epoch ms). */
  recordedAt: number;
  window: { from: number; to: number };
  charts: ChartInfo[];
  series: SavedSeries[];
  events: TimelineEvent[];
  recording: Recording | null;
}

/** A file the offline view cannot show; `field` is where in the JSON it went wrong. */
export class ExportFileError extends Error {
  readonly code = 'BAD_EXPORT';
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'ExportFileError';
    this.field = field;
  }
}

const FIX = 'open a file written by "Export JSON" or `scaledeck export --out`';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(field: string, what: string): never {
  throw new ExportFileError(field, `${field} ${what}; ${FIX}`);
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'must be a number');
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, 'must be a string');
  return value;
}

function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(field, 'must be a list');
  return value;
}

function seriesOf(value: unknown, i: number): SavedSeries {
  const field = `series.${i}`;
  if (!isObject(value)) fail(field, 'must be an object');
  const points = list(value.points, `${field}.points`).map((p, j) => {
    const at = `${field}.points.${j}`;
    if (!isObject(p)) fail(at, 'must be { t, v }');
    return { t: finite(p.t, `${at}.t`), v: p.v === null ? null : finite(p.v, `${at}.v`) };
  });
  return {
    chart: text(value.chart, `${field}.chart`),
    title: text(value.title, `${field}.title`),
    unit: text(value.unit, `${field}.unit`),
    name: text(value.name, `${field}.name`),
    query: typeof value.query === 'string' ? value.query : '',
    points,
  };
}

function eventOf(value: unknown, i: number): TimelineEvent {
  const field = `events.${i}`;
  if (!isObject(value)) fail(field, 'must be an object');
  text(value.type, `${field}.type`);
  finite(value.at, `${field}.at`);
  if (value.type === 'autoscaler') {
    const decision = value.decision;
    if (!isObject(decision)) fail(`${field}.decision`, 'must be an object');
    finite(decision.desiredReplicas, `${field}.decision.desiredReplicas`);
    finite(decision.currentReplicas, `${field}.decision.currentReplicas`);
    text(decision.reason, `${field}.decision.reason`);
  }
  return { ...value, seq: typeof value.seq === 'number' ? value.seq : i } as unknown as TimelineEvent;
}

function recordingOf(value: unknown): Recording {
  if (!isObject(value)) fail('recording', 'must be an object');
  if (value.version !== 1) fail('recording.version', 'must be 1 (the only recording format so far)');
  text(value.target, 'recording.target');
  let last = -Infinity;
  list(value.syncs, 'recording.syncs').forEach((sync, i) => {
    const field = `recording.syncs.${i}`;
    if (!isObject(sync)) fail(field, 'must be an object');
    const at = finite(sync.at, `${field}.at`);
    if (at <= last)
      fail(`${field}.at`, 'must be later than the sync before (one entry per sync, in time order)');
    last = at;
    finite(sync.currentReplicas, `${field}.currentReplicas`);
    finite(sync.desiredReplicas, `${field}.desiredReplicas`);
    list(sync.pods, `${field}.pods`);
    if (!isObject(sync.spec)) fail(`${field}.spec`, 'must be an object');
  });
  return value as unknown as Recording;
}

/** The charts the saved series belong to, in the order they were saved. */
function chartsOf(series: SavedSeries[]): ChartInfo[] {
  const charts = new Map<string, ChartInfo>();
  for (const s of series) {
    const chart = charts.get(s.chart) ?? { id: s.chart, title: s.title, unit: s.unit, series: [] };
    chart.series.push({ name: s.name, query: s.query });
    charts.set(s.chart, chart);
  }
  return [...charts.values()];
}

/** A recording without series (the CLI's file): its replica counts are the one chart it can draw. */
function recordedReplicas(recording: Recording): SavedSeries[] {
  const series = (name: string, pick: (sync: Recording['syncs'][number]) => number): SavedSeries => ({
    chart: 'recorded-replicas',
    title: 'Replicas (recorded syncs)',
    unit: 'replicas',
    name,
    query: 'the recording: each autoscaler sync',
    points: recording.syncs.map((sync) => ({ t: sync.at, v: pick(sync) })),
  });
  return [series('current', (s) => s.currentReplicas), series('desired', (s) => s.desiredReplicas)];
}

/** A recording without a timeline: each explained decision becomes an autoscaler line, as it was live. */
function decisionEvents(decisions: unknown): TimelineEvent[] {
  if (decisions === undefined) return [];
  return list(decisions, 'decisions').map((decision, i) =>
    eventOf(
      { type: 'autoscaler', at: isObject(decision) ? decision.at : undefined, decision, seq: i + 1 },
      i,
    ),
  );
}

export function parseExport(content: string, fileName: string): SavedExport {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new ExportFileError('file', `${fileName} is not JSON (${(error as Error).message}); ${FIX}`);
  }
  if (!isObject(json)) fail('file', 'must be a JSON object');
  const recording = json.recording === undefined ? null : recordingOf(json.recording);
  const hasSeries = json.series !== undefined;
  if (!hasSeries && recording === null) fail('series', 'is missing, and so is recording: nothing to show');
  const series = hasSeries ? list(json.series, 'series').map(seriesOf) : recordedReplicas(recording!);
  const events =
    json.events !== undefined
      ? list(json.events, 'events').map(eventOf)
      : decisionEvents((json as { decisions?: unknown }).decisions);

  let window: { from: number; to: number };
  if (json.window !== undefined) {
    if (!isObject(json.window)) fail('window', 'must be { from, to }');
    window = { from: finite(json.window.from, 'window.from'), to: finite(json.window.to, 'window.to') };
    if (window.to <= window.from) fail('window.to', 'must be after window.from');
  } else {
    const times = [...series.flatMap((s) => s.points.map((p) => p.t)), ...events.map((e) => e.at)];
    if (times.length === 0) fail('recording.syncs', 'is empty: the recording holds no sync to show');
    const from = Math.min(...times);
    // A little room on both sides so the first and the last sync are not on the frame.
    const to = Math.max(...times);
    const pad = Math.max(5_000, (to - from) * 0.02);
    window = { from: from - pad, to: to + pad };
  }
  const exportedAt = typeof json.exportedAt === 'string' ? Date.parse(json.exportedAt) : NaN;
  const recordedAt = Number.isFinite(exportedAt) ? exportedAt : (recording?.syncs.at(-1)?.at ?? window.to);
  return {
    fileName,
    recordedAt,
    window,
    charts: chartsOf(series),
    series,
    events,
    recording,
  };
}
