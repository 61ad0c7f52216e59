// Electron main: wires modules only (paths, app:// protocol, guards, session, window, menu, IPC,
// lifecycle). The control plane is electron/core, shared with the CLI and browser mode.
// First: sets the core's environment (the User API's build context) before any core module loads.
import { appPaths as paths } from './app-env.ts';
import { app, ipcMain, shell } from 'electron';
import { EVENT_CHANNEL } from '../preload/bridge.ts';
import { openSession } from '../core/session.ts';
import { loadSettings } from '../core/settings.ts';
import { APP_INDEX_URL } from './app-scheme.ts';
import { parseAppArgs } from './args.ts';
import { guardWebContents } from './guards.ts';
import { registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { registerAppScheme, serveAppScheme } from './protocol.ts';
import { createMainWindow, hardenSession } from './window.ts';
import { saveDownloadsTo } from './downloads.ts';

// Every renderer sandboxed, whatever a window's options say (checklist item 4).
app.enableSandbox();
registerAppScheme();
// Every webContents, not only the dashboard's: no navigation out, no new windows, no webviews.
app.on('web-contents-created', (_event, contents) =>
  guardWebContents(contents, { appUrl: APP_INDEX_URL, openExternal: (url) => void shell.openExternal(url) }),
);

async function start(): Promise<void> {
  const args = parseAppArgs(process.argv);
  const settings = await loadSettings(args.settings);
  const session = await openSession({ settings, stack: args.stack ?? 'default' });
  serveAppScheme(paths.rendererDir);
  hardenSession(APP_INDEX_URL);
  // Tests (and kiosk setups) save exports to a fixed folder; people get the save dialog.
  if (process.env.SCALEDECK_DOWNLOADS_DIR) saveDownloadsTo(process.env.SCALEDECK_DOWNLOADS_DIR);
  installMenu();
  const stopIpc = registerIpc(ipcMain, session, () => APP_INDEX_URL);
  const win = createMainWindow({ preload: paths.preload, appUrl: APP_INDEX_URL, packaged: app.isPackaged });
  const stopEvents = session.subscribe((event) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  });
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  // The stack keeps running; only this process's loops and pollers stop.
  app.once('before-quit', () => {
    stopEvents();
    stopIpc();
    void session.dispose();
  });
}

// One instance owns the stack's loops; a second launch focuses the first window and exits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error(`scaledeck: ${(error as Error).message}`);
      app.exit(1);
    });
}
