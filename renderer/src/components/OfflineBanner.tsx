import { formatClock } from '../charts/format.ts';
import { useApp } from '../store/store.ts';
import './offline.css';

/** While a saved export is shown: which file, when it was recorded, and the way back to live. */
export function OfflineBanner() {
  const offline = useApp((s) => s.offline);
  const closeOffline = useApp((s) => s.closeOffline);
  if (offline === null) return null;
  const recorded = new Date(offline.recordedAt);
  return (
    <section className="offline-banner" aria-label="Saved export">
      <p id="offline-banner-text" role="status">
        Viewing <strong>{offline.fileName}</strong> recorded{' '}
        <time dateTime={recorded.toISOString()}>
          {recorded.toLocaleDateString()} {formatClock(offline.recordedAt)}
        </time>{' '}
        — live view paused ·{' '}
        <button type="button" className="small primary" onClick={closeOffline}>
          Back to live
        </button>
      </p>
    </section>
  );
}
