import type { ReactNode } from 'react';
import { isReadOnly } from '../store/slices/share-slice.ts';
import { useApp } from '../store/store.ts';

/**
 * Wraps the controls: on a read-only shared dashboard every button, slider and field inside is
 * disabled at once (a disabled fieldset), and its title, which every control inside inherits as
 * its tooltip, says why. The server refuses those commands anyway; this keeps the page honest.
 */
export function CommandGuard({ children }: { children: ReactNode }) {
  const readOnly = useApp(isReadOnly);
  const host = useApp((s) => s.share?.sharedBy ?? 'another machine');
  return (
    <fieldset
      className="command-guard"
      disabled={readOnly}
      title={
        readOnly
          ? `Read-only view shared by ${host}: enter the command token above to use the controls`
          : undefined
      }
      aria-describedby={readOnly ? 'share-banner-text' : undefined}
    >
      {children}
    </fieldset>
  );
}
