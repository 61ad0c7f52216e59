// The Electron security checklist as data and pure decisions, so each item is unit-tested without
// Electron (security.test.ts). main.ts applies them; nothing here imports 'electron'.
// https://www.electronjs.org/docs/latest/tutorial/security

/** BrowserWindow webPreferences; each flag with why. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    // 1. The page and the preload live in separate JS worlds: page scripts cannot reach Electron or Node.
    contextIsolation: true,
    // 2. The renderer is an OS-sandboxed Chromium process; the preload gets only a small API.
    sandbox: true,
    // 3. No require/process in the page: an injected script gains nothing.
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // 4. No <webview>: it could load remote content with its own preferences.
    webviewTag: false,
    // 5. Same-origin policy stays on.
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    // 6. No spellchecker: it would download dictionaries (no remote content).
    spellcheck: false,
    navigateOnDragDrop: false,
  } as const;
}

/**
 * 7. The app's own pages are the only ones it shows: the packaged renderer under `appUrl`
 * (a file:// URL of dist/renderer/index.html) or the Vite dev server on loopback.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') {
    const dir = app.pathname.slice(0, app.pathname.lastIndexOf('/') + 1);
    return (
      u.protocol === 'file:' && u.host === '' && u.pathname.startsWith(dir) && !u.pathname.includes('/../')
    );
  }
  return u.origin === app.origin && (app.hostname === '127.0.0.1' || app.hostname === 'localhost');
}

/** 8. In-window navigation: only within the app (a reload, a hash change). */
export function allowNavigation(url: string, appUrl: string): boolean {
  return isAppUrl(url, appUrl);
}

/**
 * 9. window.open and target=_blank never create windows. Plain https links (docs) go to the
 * user's browser; anything else is dropped.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  let external: boolean;
  try {
    external = new URL(url).protocol === 'https:';
  } catch {
    external = false;
  }
  return { action: 'deny', openExternally: external };
}

/**
 * 10. Permission requests (camera, microphone, geolocation, notifications, ...): denied. The
 * dashboard needs only clipboard writes for "Copy PromQL", and only from its own pages.
 */
export function allowPermission(permission: string, requestingUrl: string, appUrl: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl, appUrl);
}

/** 11. IPC: a call is served only when it comes from the app's own top frame. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, appUrl: string): boolean {
  return frameUrl !== undefined && isMainFrame && isAppUrl(frameUrl, appUrl);
}

// 12. CSP: renderer/index.html carries a Content-Security-Policy meta tag (self only, no inline
//     scripts, no remote connections); window.ts also sets it as a header on HTTP responses.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

// 13. No remote content: the window loads only the packaged renderer (loadFile), never a URL from
//     the network; isAppUrl() above refuses every other origin for navigation and IPC.
