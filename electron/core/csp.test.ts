/**
 * One CSP source (csp.ts) for its three enforcers: the meta tag of the built renderer (a real vite
 * build through the project's own plugin), the Electron app:// responses (app-scheme.test.ts), and
 * browser mode's responses, read here over real HTTP from web.ts with a real session.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Plugin, type PluginOption } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import viteConfig, { cspMetaPlugin } from '../../vite.config.ts';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from './csp.ts';
import { Session } from './session.ts';
import { parseSettings } from './settings.ts';
import { startWebServer, type WebServer } from './web.ts';

/** The Content-Security-Policy meta tags' contents in an HTML document. */
function metaPolicies(html: string): string[] {
  return [...html.matchAll(/<meta\s[^>]*http-equiv="Content-Security-Policy"[^>]*>/gi)].map((tag) =>
    decodeAttribute(/content="([^"]*)"/.exec(tag[0])?.[1] ?? ''),
  );
}

/** What an HTML parser makes of an attribute value (vite writes ' as &#39;). */
function decodeAttribute(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('the policy', () => {
  it('allows nothing remote and no inline or eval scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*/);
  });

  it('meta variant: the same directives less the ones a meta tag cannot carry', () => {
    expect(META_CONTENT_SECURITY_POLICY).not.toContain('frame-ancestors');
    expect(CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors'))).toEqual(
      META_CONTENT_SECURITY_POLICY.split('; '),
    );
  });
});

describe('the renderer meta tag, written at build time', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'scaledeck-csp-build-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renderer/index.html carries no hand-written policy (a second source would drift)', async () => {
    const html = await readFile(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    expect(metaPolicies(html)).toEqual([]);
  });

  it("the renderer build runs the plugin (vite.config.ts's renderer config)", async () => {
    const config = await (viteConfig as (env: object) => { plugins?: PluginOption[] })({
      command: 'build',
      mode: 'production',
      isSsrBuild: false,
      isPreview: false,
    });
    const names = (config.plugins ?? []).flat(3).map((p) => (p as Plugin | null)?.name);
    expect(names).toContain('scaledeck:csp-meta');
  });

  it('a vite build writes exactly one meta tag equal to the policy', async () => {
    const root = path.join(dir, 'page');
    await mkdir(root);
    await writeFile(
      path.join(root, 'index.html'),
      '<!doctype html><html><head><meta charset="UTF-8" /><title>t</title></head><body></body></html>',
    );
    await build({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [cspMetaPlugin()],
      build: { outDir: path.join(dir, 'out'), emptyOutDir: true },
    });
    const built = await readFile(path.join(dir, 'out', 'index.html'), 'utf8');
    expect(metaPolicies(built)).toEqual([META_CONTENT_SECURITY_POLICY]);
    // Before anything that loads: the policy is the first element of <head>.
    expect(built.indexOf('Content-Security-Policy')).toBeLessThan(built.indexOf('<title>'));
  });

  it('the build refuses an index.html that brings its own policy', async () => {
    const root = path.join(dir, 'own-policy');
    await mkdir(root);
    await writeFile(
      path.join(root, 'index.html'),
      `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src *" /></head></html>`,
    );
    await expect(
      build({
        root,
        configFile: false,
        logLevel: 'silent',
        plugins: [cspMetaPlugin()],
        build: { outDir: path.join(dir, 'out2'), emptyOutDir: true },
      }),
    ).rejects.toThrow(/remove its Content-Security-Policy meta tag.*electron\/core\/csp\.ts/);
  });
});

describe('browser mode sends the policy as a header', () => {
  let session: Session;
  let server: WebServer;
  let rendererDir: string;

  beforeAll(async () => {
    rendererDir = await mkdtemp(path.join(tmpdir(), 'scaledeck-csp-web-'));
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Scaledeck</title>');
    session = await new Session({
      settings: parseSettings({}),
      stack: `csp-${randomBytes(3).toString('hex')}`,
    }).open();
    server = await startWebServer({ session, rendererDir });
  });

  afterAll(async () => {
    await server?.close();
    await session?.dispose();
    if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
  });

  it.each([
    ['the dashboard page', 'GET', ''],
    ['a client-side route', 'GET', 'charts'],
    ['a missing asset', 'GET', 'assets/missing.js'],
    ['an unknown API path', 'GET', 'api/nope'],
    ['an API call', 'POST', 'api/invoke/stack:status'],
  ])('%s', async (_name, method, route) => {
    const response = await fetch(`${server.url}${route}`, {
      method,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
    });
    await response.arrayBuffer();
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });
});
