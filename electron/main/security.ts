// The Electron security checklist as data and pure decisions, so each item is unit-tested without
// Electron (security.test.ts). main.ts applies them; nothing here imports 'electron'.
// https://www.electronjs.org/docs/latest/tutorial/security
import { APP_SCHEME } from './app-scheme.ts';

export { CONTENT_SECURITY_POLICY } from '../core/csp.ts';

/**
 * BrowserWindow webPreferences; each flag with why. `packaged` (app.isPackaged) defaults to true so
 * a caller that forgets it gets the stricter window.
 */
export function secureWebPreferences(preload: string, options: { packaged?: boolean } = {}) {
  return {
    preload,
    // 0. No DevTools in the packaged app: its console runs code in the page, and so can reach the
    //    whole preload API. Development builds keep them.
    devTools: options.packaged === false,
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
 * 7. The app's own pages are the only ones it shows: the renderer under `appUrl`, which is
 * app://scaledeck/index.html (app-scheme.ts), a file:// URL of dist/renderer/index.html (older
 * builds), or the Vite dev server on loopback.
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
  if (app.protocol === `${APP_SCHEME}:`) {
    // The whole app:// origin is the app: the protocol handler serves nothing but the renderer.
    // Hosts of non-special schemes keep their case in WHATWG URLs; Chromium lowercases them.
    return (
      u.protocol === app.protocol &&
      u.host.toLowerCase() === app.host.toLowerCase() &&
      u.username === '' &&
      u.password === ''
    );
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
 * 15. shell.openExternal hands a URL to the operating system, which runs whatever handles its
 * scheme (a file: or custom-scheme URL can start a program). So only https links to the reference
 * docs the dashboard is about open in the user's browser: PromQL (Prometheus), the HPA and
 * Kubernetes objects, Docker. Exact host names, default port, no credentials in the URL.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['prometheus.io', 'kubernetes.io', 'docs.docker.com'];

export function allowOpenExternal(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' &&
    u.port === '' &&
    u.username === '' &&
    u.password === '' &&
    EXTERNAL_LINK_HOSTS.includes(u.hostname)
  );
}

/**
 * 9. window.open and target=_blank never create windows. Allow-listed links (above) go to the
 * user's browser; anything else is dropped.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: allowOpenExternal(url) };
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

// 12. CSP: one policy (electron/core/csp.ts): vite writes it into index.html's meta tag, the app://
//     handler sends it as a header on every response, and so does browser mode.

// 13. No remote content: the window loads only the renderer from app://scaledeck/, never a URL from
//     the network; isAppUrl() above refuses every other origin for navigation and IPC.
