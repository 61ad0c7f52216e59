import { useRef } from 'react';
import type { Api } from './api/api.ts';
import { useApp } from './store/store.ts';
import { Header } from './components/Header.tsx';
import { StackPanel } from './components/StackPanel.tsx';
import { ReplicasPanel } from './components/ReplicasPanel.tsx';
import { AutoscalerPanel } from './components/AutoscalerPanel.tsx';
import { LoadPanel } from './components/LoadPanel.tsx';
import { ChaosPanel } from './components/ChaosPanel.tsx';
import { ChartsGrid } from './components/ChartsGrid.tsx';
import { ReplicaTable } from './components/ReplicaTable.tsx';
import { TimelinePanel } from './components/TimelinePanel.tsx';
import { Toasts } from './components/Toasts.tsx';
import { ShareBanner } from './components/ShareBanner.tsx';
import { OfflineBanner } from './components/OfflineBanner.tsx';
import { CommandGuard } from './components/CommandGuard.tsx';
import { FirstRunCard } from './components/scenario/FirstRunCard.tsx';
import { PresentationCaption } from './components/scenario/PresentationCaption.tsx';
import { ScenariosPanel } from './components/scenario/ScenariosPanel.tsx';
import { WhatIfPanel } from './components/whatif/WhatIfPanel.tsx';

export function App({ api }: { api: Api }) {
  const theme = useApp((s) => s.theme);
  const presentation = useApp((s) => s.presentation);
  // A saved export has no live replicas and needs no first-run card: only what was recorded shows.
  const file = useApp((s) => s.offline);
  const offline = file !== null;
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div ref={ref} className={`app${presentation ? ' presentation' : ''}`} data-theme={theme}>
      <Header api={api} dashboard={() => ref.current} />
      <ShareBanner />
      <OfflineBanner />
      <main className="layout">
        <aside className="controls" aria-label="Controls">
          <CommandGuard>
            <StackPanel />
            <ScenariosPanel />
            <ReplicasPanel />
            <AutoscalerPanel />
            <LoadPanel />
            <ChaosPanel />
          </CommandGuard>
        </aside>
        <div className="board">
          {!offline && <PresentationCaption />}
          {!offline && <FirstRunCard />}
          <ChartsGrid />
          <div className={offline ? 'below offline' : 'below'}>
            {!offline && <ReplicaTable />}
            <TimelinePanel />
          </div>
          {/* Offline it replays the file's recording, with no stack behind it; a fresh form per file. */}
          <WhatIfPanel key={file?.id ?? 'live'} recording={file ? file.recording : undefined} />
        </div>
      </main>
      <Toasts />
    </div>
  );
}
