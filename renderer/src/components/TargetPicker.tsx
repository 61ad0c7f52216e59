import { useApp } from '../store/store.ts';

/** Docker and the Kubernetes contexts, with why a target is unavailable and how to fix it. */
export function TargetPicker() {
  const targets = useApp((s) => s.targets);
  const targetId = useApp((s) => s.targetId);
  const selectTarget = useApp((s) => s.selectTarget);
  const selected = targets.find((t) => t.id === targetId);
  return (
    <div className="target-picker">
      <label htmlFor="target-select">Target</label>
      <select
        id="target-select"
        aria-label="Target"
        value={targetId ?? ''}
        onChange={(e) => selectTarget(e.target.value)}
        aria-describedby={selected && !selected.available ? 'target-why' : undefined}
      >
        {targets.length === 0 && <option value="">Looking for targets…</option>}
        {targets.map((t) => (
          <option key={t.id} value={t.id}>
            {t.kind === 'docker' ? 'Docker' : 'Kubernetes'} · {t.label}
            {t.available ? '' : ' (unavailable)'}
          </option>
        ))}
      </select>
      {targets.some((t) => !t.available && t.id !== selected?.id) && (
        <details className="unavailable">
          <summary>
            {targets.filter((t) => !t.available && t.id !== selected?.id).length} unavailable: why and how to
            fix
          </summary>
          <ul>
            {targets
              .filter((t) => !t.available && t.id !== selected?.id)
              .map((t) => (
                <li key={t.id}>
                  <strong>{t.label}</strong>: {t.reason}
                  {t.fix && <span className="fix">Fix: {t.fix}</span>}
                </li>
              ))}
          </ul>
        </details>
      )}
      {selected && !selected.available && (
        <div id="target-why" className="callout warn" role="note">
          <strong>{selected.label} is unavailable.</strong> {selected.reason}
          {selected.fix && (
            <>
              {' '}
              <span className="fix">Fix: {selected.fix}</span>
            </>
          )}
        </div>
      )}
    </div>
  );
}
