// The application menu as data, so what the packaged app offers is unit-tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';

/**
 * The standard roles only; the dashboard's own controls live in the page. DevTools (the menu item
 * and its Ctrl+Shift+I / Cmd+Alt+I accelerator, which comes with it) only when not packaged: in the
 * packaged app a console would run code with the preload's API (webPreferences.devTools is off too).
 */
export function menuTemplate(options: {
  packaged: boolean;
  platform: NodeJS.Platform;
}): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    ...(options.packaged ? [] : [{ role: 'toggleDevTools' } as const]),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(options.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
