import { useState, type FormEvent } from 'react';
import { useApp } from '../store/store.ts';
import './share.css';

/**
 * On a dashboard shared with `--share`: says it is read-only and whose it is, and takes the
 * command token printed on the sharing terminal. Renders nothing on the operator's own window.
 */
export function ShareBanner() {
  const share = useApp((s) => s.share);
  const tokenError = useApp((s) => s.tokenError);
  const checking = useApp((s) => s.checkingToken);
  const enterToken = useApp((s) => s.enterToken);
  const lockCommands = useApp((s) => s.lockCommands);
  const [draft, setDraft] = useState('');
  if (share === null || !share.share) return null;
  const host = share.sharedBy ?? 'another machine';

  if (share.canCommand)
    return (
      <section className="share-banner unlocked" aria-label="Sharing">
        <p id="share-banner-text" role="status">
          <strong>Shared by {host}</strong> · commands unlocked in this tab.
        </p>
        <button type="button" className="small ghost" onClick={lockCommands}>
          Lock commands
        </button>
      </section>
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void enterToken(draft).then((unlocked) => unlocked && setDraft(''));
  };
  return (
    <section className="share-banner" aria-label="Sharing">
      <p id="share-banner-text" role="status">
        <strong>Read-only view — shared by {host}</strong>. You can watch; the controls need the command token
        printed on {host}&apos;s terminal.
      </p>
      <form className="share-token" onSubmit={submit}>
        <label htmlFor="share-token">Command token</label>
        <input
          id="share-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          aria-invalid={tokenError !== null}
          aria-describedby={tokenError === null ? undefined : 'share-token-error'}
        />
        <button type="submit" className="small primary" disabled={checking} aria-busy={checking}>
          Unlock commands
        </button>
      </form>
      {tokenError !== null && (
        <p id="share-token-error" className="callout error" role="alert">
          {tokenError}
        </p>
      )}
    </section>
  );
}
