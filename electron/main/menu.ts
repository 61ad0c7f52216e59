import { app, Menu } from 'electron';
import { menuTemplate } from './menu-template.ts';

export function installMenu(): void {
  const template = menuTemplate({ packaged: app.isPackaged, platform: process.platform });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
