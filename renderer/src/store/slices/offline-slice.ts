import { RingBuffer } from '../../../../electron/core/metrics/ring-buffer.ts';
import type { ChartInfo, TimelineEvent } from '../../api/channels.ts';
import { parseExport, type SavedExport } from '../../export/open-export.ts';
import { seriesKey, type SeriesEntry } from './metrics-slice.ts';
import type { Slice } from '../types.ts';

/** A saved export on screen instead of the live session (view.ts reads it). */
export interface OfflineView {
  /** Each opened file has its own, so panels keyed on it start fresh even for the same name. */
  id: string;
  fileName: string;
  recordedAt: number;
  window: { from: number; to: number };
  charts: ChartInfo[];
  series: Map<string, SeriesEntry>;
  events: TimelineEvent[];
  recording: SavedExport['recording'];
}

export interface OfflineSlice {
  /** null: the live view. */
  offline: OfflineView | null;
  /**
   * Shows a saved export; a file that does not check out leaves the view as it was and says which
   * field is wrong. Resolves to whether it opened.
   */
  openExport(file: { name: string; text(): Promise<string> }): Promise<boolean>;
  /** Back to live: the live slices kept following the session all along. */
  closeOffline(): void;
}

let opened = 0;

export function offlineViewOf(saved: SavedExport): OfflineView {
  const series = new Map<string, SeriesEntry>();
  for (const s of saved.series) {
    const points = [...s.points].sort((a, b) => a.t - b.t);
    const buffer = new RingBuffer(Math.max(1, points.length));
    for (const p of points) buffer.push(p.t, p.v);
    series.set(seriesKey(s.chart, s.name), { chart: s.chart, name: s.name, query: s.query, buffer });
  }
  return {
    id: `file-${++opened}`,
    fileName: saved.fileName,
    recordedAt: saved.recordedAt,
    window: saved.window,
    charts: saved.charts,
    series,
    events: [...saved.events].sort((a, b) => a.at - b.at),
    recording: saved.recording,
  };
}

export const createOfflineSlice: Slice<OfflineSlice> = () => (set, get) => ({
  offline: null,
  async openExport(file) {
    try {
      const saved = parseExport(await file.text(), file.name);
      // The live replay's answer must not show as the file's while the file's is on its way.
      get().resetWhatIf();
      set({ offline: offlineViewOf(saved) });
      return true;
    } catch (error) {
      get().reportError('Open export', error);
      return false;
    }
  },
  closeOffline() {
    if (get().offline === null) return;
    get().resetWhatIf();
    set({ offline: null });
  },
});

/** Controls that act on a stack have nothing to act on while a saved export is shown. */
export const isOffline = (s: { offline: OfflineView | null }): boolean => s.offline !== null;
