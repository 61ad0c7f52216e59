import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  allowNavigation,
  allowPermission,
  isAppUrl,
  isTrustedSender,
  secureWebPreferences,
  windowOpenDecision,
} from './security.ts';

const APP = 'file:///opt/Scaledeck/resources/app.asar/dist/renderer/index.html';

describe('Electron security checklist', () => {
  it('isolates the page: context isolation, sandbox, no Node, no webview', () => {
    const prefs = secureWebPreferences('/x/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(prefs.preload).toBe('/x/preload.cjs');
  });

  it('treats only the packaged renderer directory as the app', () => {
    expect(isAppUrl(APP, APP)).toBe(true);
    expect(isAppUrl(`${APP}#charts`, APP)).toBe(true);
    expect(isAppUrl('file:///opt/Scaledeck/resources/app.asar/dist/renderer/assets/x.js', APP)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', APP)).toBe(false);
    // URL parsing resolves dot segments first, so an escape lands outside the directory.
    expect(isAppUrl('file:///opt/Scaledeck/resources/app.asar/dist/renderer/../secret.html', APP)).toBe(
      false,
    );
    expect(isAppUrl('https://example.com/', APP)).toBe(false);
    expect(isAppUrl('not a url', APP)).toBe(false);
  });

  it('accepts a loopback dev server only on its own origin', () => {
    const dev = 'http://127.0.0.1:5173/';
    expect(isAppUrl('http://127.0.0.1:5173/index.html', dev)).toBe(true);
    expect(isAppUrl('http://127.0.0.1:5174/', dev)).toBe(false);
    expect(isAppUrl('http://evil.test:5173/', dev)).toBe(false);
    expect(isAppUrl('http://10.0.0.5:5173/', 'http://10.0.0.5:5173/')).toBe(false);
  });

  it('blocks navigation away from the app', () => {
    expect(allowNavigation(APP, APP)).toBe(true);
    expect(allowNavigation('https://example.com/', APP)).toBe(false);
    expect(allowNavigation('file:///home/user/evil.html', APP)).toBe(false);
  });

  it('never opens windows; https links go to the system browser, nothing else does', () => {
    expect(windowOpenDecision('https://prometheus.io/docs/')).toEqual({
      action: 'deny',
      openExternally: true,
    });
    expect(windowOpenDecision('http://example.com/')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: false });
  });

  it('denies permission requests except clipboard writes from the app', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'midi', 'pointerLock'])
      expect(allowPermission(p, APP, APP)).toBe(false);
    expect(allowPermission('clipboard-sanitized-write', APP, APP)).toBe(true);
    expect(allowPermission('clipboard-sanitized-write', 'https://example.com/', APP)).toBe(false);
  });

  it('serves IPC only to the app in the top frame', () => {
    expect(isTrustedSender(APP, true, APP)).toBe(true);
    expect(isTrustedSender(APP, false, APP)).toBe(false);
    expect(isTrustedSender('https://example.com/', true, APP)).toBe(false);
    expect(isTrustedSender(undefined, true, APP)).toBe(false);
  });

  it('has a CSP without inline or remote scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });

  it('keeps the renderer CSP meta tag in index.html', async () => {
    const { readFile } = await import('node:fs/promises');
    const html = await readFile(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    expect(html).toMatch(/http-equiv="Content-Security-Policy"[\s\S]*script-src 'self'/);
  });
});
