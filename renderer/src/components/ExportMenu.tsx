import { useState } from 'react';
import { useApp, useAppStore } from '../store/store.ts';
import { collectExport } from '../export/collect.ts';
import { download, stampedName } from '../export/download.ts';
import { renderPng } from '../export/png.ts';
import { toCsv, toJson } from '../export/tabular.ts';
import type { Api } from '../api/api.ts';

/** PNG of the whole dashboard; CSV and JSON of the visible series and events. */
export function ExportMenu({ api, dashboard }: { api: Api; dashboard: () => HTMLElement | null }) {
  const store = useAppStore();
  const reportError = useApp((s) => s.reportError);
  const [busy, setBusy] = useState(false);

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
  const data = (kind: 'csv' | 'json') => {
    const content = collectExport(store.getState());
    const text = kind === 'csv' ? toCsv(content) : toJson(content);
    download(
      new Blob([text], { type: kind === 'csv' ? 'text/csv;charset=utf-8' : 'application/json' }),
      stampedName('scaledeck', kind),
    );
  };
  return (
    <div className="export-menu" role="group" aria-label="Export">
      <button type="button" className="ghost" disabled={busy} onClick={() => void png()}>
        Export PNG
      </button>
      <button type="button" className="ghost" onClick={() => data('csv')}>
        Export CSV
      </button>
      <button type="button" className="ghost" onClick={() => data('json')}>
        Export JSON
      </button>
    </div>
  );
}
