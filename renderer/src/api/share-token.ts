// The command token of a shared dashboard, kept in sessionStorage: it lasts while this tab is
// open (a reload keeps it) and is gone with the tab, never written where another site or a
// later visitor of this browser profile could read it.
const KEY = 'scaledeck.shareToken';

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    // Storage can be switched off; then the token lasts only until a reload.
    return null;
  }
}

let inMemory: string | null = null;

export function savedToken(): string | null {
  return storage()?.getItem(KEY) ?? inMemory;
}

export function saveToken(token: string | null): void {
  inMemory = token;
  const store = storage();
  if (token === null) store?.removeItem(KEY);
  else store?.setItem(KEY, token);
}
