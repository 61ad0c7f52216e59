// The navigation guards, applied to every webContents the app ever creates (main.ts calls this from
// app.on('web-contents-created')), not only to the dashboard window: a frame, a devtools host or a
// window some bug lets through gets the same rules. Only a type import from 'electron', so the
// guards are unit-tested with a stand-in webContents (guards.test.ts).
import type { WebContents } from 'electron';
import { allowNavigation, windowOpenDecision } from './security.ts';

export interface GuardOptions {
  /** The app's own page (APP_INDEX_URL): navigation stays within its origin. */
  appUrl: string;
  /** shell.openExternal; called only for allow-listed https links (security.ts). */
  openExternal(url: string): void;
}

export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const stayInApp = (event: { preventDefault(): void }, url: string): void => {
    if (!allowNavigation(url, options.appUrl)) event.preventDefault();
  };
  // 8. Checklist item 13: no navigation away from the app, by link, script, redirect, or in a frame.
  contents.on('will-navigate', (event) => stayInApp(event, event.url));
  contents.on('will-frame-navigate', (event) => stayInApp(event, event.url));
  contents.on('will-redirect', (event) => stayInApp(event, event.url));
  // 4. Checklist item 12: no <webview>, whatever a page asks (webviewTag is off as well).
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // 9. Checklist item 14: no new windows; allow-listed docs links open in the user's browser.
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) options.openExternal(url);
    return { action: decision.action };
  });
}
