import { useRef, useState } from 'react';
import { useApp, useAppStore } from '../store/store.ts';
import { collectExport } from '../export/collect.ts';
import { download, stampedName } from '../export/download.ts';
import { renderPng } from '../export/png.ts';
import { toCsv, toJson } from '../export/tabular.ts';
import type { Api } from '../api/api.ts';
import type { RecordingSnapshot } from '../api/channels.ts';

/**
 * PNG of the whole dashboard; CSV and JSON of the visible series and events (JSON with the
 * controller's recording); and "Open export…", which shows a saved JSON export offline.
 */
export function ExportMenu({ api, dashboard }: { api: Api; dashboard: () => HTMLElement | null }) {
  const store = useAppStore();
  const reportError = useApp((s) => s.reportError);
  const openExport = useApp((s) => s.openExport);
  const offline = useApp((s) => s.offline !== null);
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const png = async () => {
    const el = dashboard();
    if (!el) return;
    setBusy(true);
    try {
      // Electron captures the real window (pixel-exact); a browser renders the DOM itself.
      const blob = (await api.capturePage()) ?? (await renderPng(el));
      download(blob, stampedName('scaledeck', 'png'));
    } catch (error) {
      reportError('Export PNG', error);
    } finally {
      setBusy(false);
    }
  };
  const data = async (kind: 'csv' | 'json') => {
    let snapshot: RecordingSnapshot | undefined;
    if (kind === 'json') {
      setBusy(true);
      try {
        snapshot = await api.invoke('decisions:recording', {});
      } catch (error) {
        // The series and events are still worth saving; the toast says what is missing.
        reportError('Export JSON: the recording is not included', error);
      } finally {
        setBusy(false);
      }
    }
    const content = collectExport(store.getState(), snapshot);
    const text = kind === 'csv' ? toCsv(content) : toJson(content);
    download(
      new Blob([text], { type: kind === 'csv' ? 'text/csv;charset=utf-8' : 'application/json' }),
      stampedName('scaledeck', kind),
    );
  };
  const open = (files: FileList | null) => {
    const file = files?.[0];
    if (file) void openExport(file);
    // The same file chosen again must fire change again.
    if (picker.current) picker.current.value = '';
  };
  return (
    <div className="export-menu" role="group" aria-label="Export">
      <button type="button" className="ghost" disabled={busy} onClick={() => void png()}>
        Export PNG
      </button>
      {/* The live data; a saved export on screen is already a file. */}
      <button type="button" className="ghost" disabled={offline} onClick={() => void data('csv')}>
        Export CSV
      </button>
      <button type="button" className="ghost" disabled={busy || offline} onClick={() => void data('json')}>
        Export JSON
      </button>
      <button type="button" className="ghost" onClick={() => picker.current?.click()}>
        Open export…
      </button>
      <input
        ref={picker}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Open a saved JSON export"
        data-testid="open-export-input"
        onChange={(e) => open(e.target.files)}
      />
    </div>
  );
}
