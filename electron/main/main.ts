// Electron main: wires modules only (session, window, menu, IPC, lifecycle). The control plane is
// electron/core, shared with the CLI and browser mode.
import { app, ipcMain } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EVENT_CHANNEL } from '../preload/bridge.ts';
import { openSession } from '../core/session.ts';
import { loadSettings } from '../core/settings.ts';
import { parseAppArgs } from './args.ts';
import { registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { createMainWindow, hardenSession } from './window.ts';
import { saveDownloadsTo } from './downloads.ts';

// This file runs as dist/electron/main.mjs (inside app.asar when packaged): the renderer and the
// preload sit beside it; service/ and k8s/ are resources (electron-builder.yml extraResources).
const here = import.meta.dirname;
const indexHtml = join(here, '../renderer/index.html');
const appUrl = pathToFileURL(indexHtml).href;
const preload = join(here, 'preload.cjs');
// The User API's build context: a resource when packaged, the repository's service/ in development.
process.env.SCALEDECK_SERVICE_DIR ??= app.isPackaged
  ? join(process.resourcesPath, 'service')
  : join(here, '../../service');

// Every renderer sandboxed, whatever a window's options say (checklist item 2).
app.enableSandbox();

async function start(): Promise<void> {
  const args = parseAppArgs(process.argv);
  const settings = await loadSettings(args.settings);
  const session = await openSession({ settings, stack: args.stack ?? 'default' });
  hardenSession(appUrl);
  // Tests (and kiosk setups) save exports to a fixed folder; people get the save dialog.
  if (process.env.SCALEDECK_DOWNLOADS_DIR) saveDownloadsTo(process.env.SCALEDECK_DOWNLOADS_DIR);
  installMenu();
  const stopIpc = registerIpc(ipcMain, session, () => appUrl);
  const win = createMainWindow({ preload, indexHtml, appUrl });
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

app.on('web-contents-created', (_event, contents) => {
  // No window other than ours: guards for any webContents that might still appear.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});
