import type { ReactNode } from 'react';
import { isOffline } from '../store/slices/offline-slice.ts';
import { isReadOnly } from '../store/slices/share-slice.ts';
import { useApp } from '../store/store.ts';

/**
 * Wraps the controls: on a read-only shared dashboard every button, slider and field inside is
 * disabled at once (a disabled fieldset), and its title, which every control inside inherits as
 * its tooltip, says why. The server refuses those commands anyway; this keeps the page honest.
 * The same while a saved export is shown: there is no stack behind it to act on.
 */
export function CommandGuard({ children }: { children: ReactNode }) {
  const shared = useApp(isReadOnly);
  const offline = useApp(isOffline);
  const readOnly = shared || offline;
  const host = useApp((s) => s.share?.sharedBy ?? 'another machine');
  return (
    <fieldset
      className="command-guard"
      disabled={readOnly}
      title={
        offline
          ? 'A saved export is shown: Back to live to use the controls'
          : readOnly
            ? `Read-only view shared by ${host}: enter the command token above to use the controls`
            : undefined
      }
      aria-describedby={offline ? 'offline-banner-text' : readOnly ? 'share-banner-text' : undefined}
    >
      {children}
    </fieldset>
  );
}
