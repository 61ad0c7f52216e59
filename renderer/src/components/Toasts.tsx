import { useApp } from '../store/store.ts';

/** Errors say what failed, why, and which field when the input was wrong. */
export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const dismiss = useApp((s) => s.dismissToast);
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((t) => (
        <div key={t.id} className="toast" role="alert">
          <div>
            <strong>{t.action} failed.</strong> {t.error.message}
            {t.error.field && <span className="muted"> (field: {t.error.field})</span>}
          </div>
          <button type="button" className="ghost small" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
