import type { Api } from '../api/api.ts';
import { useApp } from '../store/store.ts';
import type { WindowMinutes } from '../store/slices/ui-slice.ts';
import { ExportMenu } from './ExportMenu.tsx';

const WINDOWS: WindowMinutes[] = [1, 5, 15];

export function Header({ api, dashboard }: { api: Api; dashboard: () => HTMLElement | null }) {
  const theme = useApp((s) => s.theme);
  const presentation = useApp((s) => s.presentation);
  const windowMinutes = useApp((s) => s.windowMinutes);
  // A saved export shows its own window.
  const offline = useApp((s) => s.offline !== null);
  const connection = useApp((s) => s.connection);
  const setTheme = useApp((s) => s.setTheme);
  const setPresentation = useApp((s) => s.setPresentation);
  const setWindowMinutes = useApp((s) => s.setWindowMinutes);
  const stack = useApp((s) => s.status);
  return (
    <header className="app-header">
      <div className="brand">
        <svg className="logo" viewBox="0 0 32 32" aria-hidden="true">
          <rect x="3" y="18" width="6" height="10" rx="1.5" />
          <rect x="13" y="11" width="6" height="17" rx="1.5" />
          <rect x="23" y="4" width="6" height="24" rx="1.5" />
        </svg>
        <span className="brand-name">Scaledeck</span>
        {stack && stack.phase !== 'absent' && (
          <span className="muted brand-sub">
            {stack.stack} on {stack.target}
          </span>
        )}
      </div>
      <div className="header-controls">
        <span className={`conn conn-${connection}`} role="status" aria-label={`Connection ${connection}`}>
          {connection === 'open' ? 'live' : connection === 'connecting' ? 'connecting…' : 'disconnected'}
        </span>
        <div className="segmented" role="group" aria-label="Time window">
          {WINDOWS.map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={!offline && windowMinutes === m}
              disabled={offline}
              aria-label={`Last ${m} min`}
              onClick={() => setWindowMinutes(m)}
            >
              {m} min
            </button>
          ))}
        </div>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            aria-label="Dark theme"
            checked={theme === 'dark'}
            onChange={(e) => setTheme(e.target.checked ? 'dark' : 'light')}
          />
          <span aria-hidden="true">Dark</span>
        </label>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            aria-label="Presentation mode"
            checked={presentation}
            onChange={(e) => setPresentation(e.target.checked)}
          />
          <span aria-hidden="true">Presentation</span>
        </label>
        <ExportMenu api={api} dashboard={dashboard} />
      </div>
    </header>
  );
}
