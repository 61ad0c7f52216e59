import { useEffect, useRef, useState } from 'react';

/**
 * A value the user is editing over a live one: the control shows the draft while it moves and
 * commits it once it has rested for `delayMs` (dragging a slider from 1 to 8 sends one request,
 * not seven); then the live value takes over again.
 */
export function useDraft<T>(live: T, commit: (value: T) => void, delayMs = 450): [T, (value: T) => void] {
  const [draft, setDraft] = useState<{ value: T } | null>(null);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => {
    if (draft === null) return;
    const timer = setTimeout(() => {
      commitRef.current(draft.value);
      setDraft(null);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [draft, delayMs]);
  return [draft === null ? live : draft.value, (value: T) => setDraft({ value })];
}
