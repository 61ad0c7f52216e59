import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, APP_ORIGIN } from './app-scheme.ts';
import {
  CONTENT_SECURITY_POLICY,
  EXTERNAL_LINK_HOSTS,
  allowNavigation,
  allowOpenExternal,
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

  it('has no DevTools when packaged (and by default), keeps them in development', () => {
    expect(secureWebPreferences('/x/preload.cjs', { packaged: true }).devTools).toBe(false);
    expect(secureWebPreferences('/x/preload.cjs').devTools).toBe(false);
    expect(secureWebPreferences('/x/preload.cjs', { packaged: false }).devTools).toBe(true);
  });

  it('treats the app:// origin as the app, and nothing that only looks like it', () => {
    expect(isAppUrl(APP_INDEX_URL, APP_INDEX_URL)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/assets/index.js`, APP_INDEX_URL)).toBe(true);
    expect(isAppUrl(`${APP_INDEX_URL}#charts`, APP_INDEX_URL)).toBe(true);
    expect(isAppUrl('APP://SCALEDECK/index.html', APP_INDEX_URL)).toBe(true);
    for (const url of [
      'app://other/index.html',
      'app://scaledeck.evil.test/index.html',
      'app://scaledeck@evil.test/index.html',
      'app://user:pw@scaledeck/index.html',
      'file:///opt/Scaledeck/resources/app.asar/dist/renderer/index.html',
      'http://scaledeck/index.html',
      'https://example.com/',
    ])
      expect(isAppUrl(url, APP_INDEX_URL), url).toBe(false);
    expect(allowNavigation('https://example.com/', APP_INDEX_URL)).toBe(false);
    expect(isTrustedSender(APP_INDEX_URL, true, APP_INDEX_URL)).toBe(true);
    expect(isTrustedSender('app://other/index.html', true, APP_INDEX_URL)).toBe(false);
    expect(allowPermission('clipboard-sanitized-write', APP_INDEX_URL, APP_INDEX_URL)).toBe(true);
  });

  it('opens externally only https links to the allow-listed docs hosts', () => {
    for (const host of EXTERNAL_LINK_HOSTS)
      expect(allowOpenExternal(`https://${host}/docs/`), host).toBe(true);
    for (const url of [
      'https://example.com/',
      'https://prometheus.io.evil.test/',
      'https://evil.test/?https://prometheus.io/',
      'https://user@prometheus.io/',
      'https://prometheus.io:8443/',
      'http://prometheus.io/',
      'file:///etc/passwd',
      'smb://prometheus.io/share',
      'ms-settings:',
      'javascript:alert(1)',
      'not a url',
    ])
      expect(allowOpenExternal(url), url).toBe(false);
    expect(windowOpenDecision('https://example.com/')).toEqual({ action: 'deny', openExternally: false });
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
    // The tag is written at build time from electron/core/csp.ts (vite.config.ts), so this reads
    // what the build makes of renderer/index.html; csp.test.ts runs a real build through the plugin.
    const { readFile } = await import('node:fs/promises');
    const { cspMetaPlugin } = await import('../../vite.config.ts');
    const source = await readFile(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const transform = cspMetaPlugin().transformIndexHtml as (html: string) => {
      html: string;
      tags: { tag: string; attrs: Record<string, string> }[];
    };
    const { tags } = transform(source);
    const html = tags
      .map((t) => `<${t.tag} http-equiv="${t.attrs['http-equiv']}" content="${t.attrs.content}">`)
      .join('');
    expect(html).toMatch(/http-equiv="Content-Security-Policy"[\s\S]*script-src 'self'/);
  });
});
