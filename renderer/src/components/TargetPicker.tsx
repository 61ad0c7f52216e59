import { useApp } from '../store/store.ts';

/**
 * Docker and the Kubernetes contexts, with why a target is unavailable and how to fix it.
 * Choosing one asks the session to switch (target:select); the picker always shows the
 * session's target, so a refused or failed switch snaps back to it with the reason.
 */
export function TargetPicker() {
  const targets = useApp((s) => s.targets);
  const targetId = useApp((s) => s.targetId);
  const current = useApp((s) => s.currentTarget);
  const switching = useApp((s) => s.switching);
  const switchError = useApp((s) => s.switchError);
  const selectTarget = useApp((s) => s.selectTarget);
  const selected = targets.find((t) => t.id === targetId);
  // The session may sit on a target the list does not name (yet): it is still shown.
  const options =
    current !== null && !targets.some((t) => t.id === current.id)
      ? [{ kind: current.kind, id: current.id, label: current.label, available: true }, ...targets]
      : targets;
  const describedBy = [
    selected && !selected.available ? 'target-why' : null,
    switching ? 'target-switching' : null,
    switchError ? 'target-error' : null,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="target-picker">
      <label htmlFor="target-select">Target</label>
      <select
        id="target-select"
        aria-label="Target"
        value={switching?.id ?? targetId ?? ''}
        disabled={switching !== null}
        aria-busy={switching !== null}
        onChange={(e) => void selectTarget(e.target.value)}
        aria-describedby={describedBy || undefined}
      >
        {options.length === 0 && <option value="">Looking for targets…</option>}
        {options.map((t) => (
          <option key={t.id} value={t.id}>
            {t.kind === 'docker' ? 'Docker' : 'Kubernetes'} · {t.label}
            {t.available ? '' : ' (unavailable)'}
          </option>
        ))}
      </select>
      {switching && (
        <p id="target-switching" className="switching" role="status">
          <span className="spinner" aria-hidden="true" /> Switching to {switching.label}…
        </p>
      )}
      {switchError && !switching && (
        <div id="target-error" className="callout error" role="alert">
          <strong>Could not switch target.</strong> {switchError.message}
          {current && <> Still on {current.label}.</>}
        </div>
      )}
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
