import { BrowserWindow, session, shell } from 'electron';
import {
  CONTENT_SECURITY_POLICY,
  allowNavigation,
  allowPermission,
  secureWebPreferences,
  windowOpenDecision,
} from './security.ts';

/** The one dashboard window, with the navigation, window-open and permission guards applied. */
export function createMainWindow(options: {
  preload: string;
  indexHtml: string;
  appUrl: string;
}): BrowserWindow {
  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    minWidth: 960,
    minHeight: 640,
    title: 'Scaledeck',
    backgroundColor: '#0d1117',
    show: false,
    webPreferences: secureWebPreferences(options.preload),
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url, options.appUrl)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!allowNavigation(url, options.appUrl)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });
  void win.loadFile(options.indexHtml);
  return win;
}

/**
 * Applied once per session: permission requests denied; the CSP also as a header on every HTTP
 * response (the dev server), file:// pages carry it in index.html's meta tag.
 */
export function hardenSession(appUrl: string): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((contents, permission, callback) =>
    callback(allowPermission(permission, contents.getURL(), appUrl)),
  );
  s.setPermissionCheckHandler((contents, permission) =>
    allowPermission(permission, contents?.getURL() ?? '', appUrl),
  );
  s.webRequest.onHeadersReceived((details, callback) =>
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    }),
  );
}
