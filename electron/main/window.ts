import { BrowserWindow, session } from 'electron';
import { CONTENT_SECURITY_POLICY, allowPermission, secureWebPreferences } from './security.ts';

/**
 * The one dashboard window, loading the renderer from app://scaledeck/. Its navigation, window-open
 * and webview guards come from main.ts's web-contents-created hook, like every other webContents.
 */
export function createMainWindow(options: {
  preload: string;
  appUrl: string;
  packaged: boolean;
}): BrowserWindow {
  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    minWidth: 960,
    minHeight: 640,
    title: 'Scaledeck',
    backgroundColor: '#0d1117',
    show: false,
    webPreferences: secureWebPreferences(options.preload, { packaged: options.packaged }),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.appUrl);
  return win;
}

/**
 * Applied once per session: permission requests denied. The CSP header is on every app:// response
 * already (app-scheme.ts); this adds it to HTTP responses too, should a page ever come from a
 * development server.
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
