/**
 * The app:// handler's path checks: only files under the renderer folder are served, and every way
 * of climbing out (dot segments, encoded or not, absolute paths, backslashes, NUL, drive letters) is
 * refused before the disk is touched. The handler tests read a real folder on disk, with a secret
 * file beside it that no request may reach.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../core/csp.ts';
import { APP_INDEX_URL, APP_ORIGIN, resolveAppPath, respondToAppRequest } from './app-scheme.ts';

const ROOT = '/opt/Scaledeck/resources/app.asar/dist/renderer';

describe('resolveAppPath', () => {
  it('maps app://scaledeck/<path> into the renderer folder', () => {
    expect(resolveAppPath(APP_INDEX_URL, ROOT)).toEqual({
      ok: true,
      file: `${ROOT}/index.html`,
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppPath(`${APP_ORIGIN}/assets/index-B3hg.js`, ROOT)).toMatchObject({
      ok: true,
      file: `${ROOT}/assets/index-B3hg.js`,
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppPath(`${APP_ORIGIN}/assets/index.css?v=2#x`, ROOT)).toMatchObject({
      ok: true,
      file: `${ROOT}/assets/index.css`,
    });
    // Percent-encoding that decodes to an ordinary name is fine.
    expect(resolveAppPath(`${APP_ORIGIN}/assets/a%20b.svg`, ROOT)).toMatchObject({
      ok: true,
      file: `${ROOT}/assets/a b.svg`,
    });
  });

  it('serves index.html for the origin and for a folder', () => {
    for (const url of [APP_ORIGIN, `${APP_ORIGIN}/`, `${APP_ORIGIN}/?x=1`, 'APP://SCALEDECK/'])
      expect(resolveAppPath(url, ROOT)).toMatchObject({ ok: true, file: `${ROOT}/index.html` });
    expect(resolveAppPath(`${APP_ORIGIN}/assets/`, ROOT)).toMatchObject({
      ok: true,
      file: `${ROOT}/assets/index.html`,
    });
  });

  it.each([
    ['..', `${APP_ORIGIN}/../../etc/passwd.txt`],
    ['.. inside', `${APP_ORIGIN}/assets/../../secret.json`],
    ['.', `${APP_ORIGIN}/./index.html`],
    ['%2e%2e', `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd.txt`],
    ['%2E%2E', `${APP_ORIGIN}/%2E%2E/secret.json`],
    ['.%2e', `${APP_ORIGIN}/.%2e/secret.json`],
    ['encoded slash', `${APP_ORIGIN}/..%2f..%2fetc%2fpasswd.txt`],
    ['encoded slash in a name', `${APP_ORIGIN}/assets%2f..%2f..%2fsecret.json`],
    ['backslash', `${APP_ORIGIN}/..\\..\\secret.json`],
    ['encoded backslash', `${APP_ORIGIN}/..%5c..%5csecret.json`],
    ['absolute path (double slash)', `${APP_ORIGIN}//etc/passwd.txt`],
    ['absolute path (encoded)', `${APP_ORIGIN}/%2fetc%2fpasswd.txt`],
    ['Windows drive', `${APP_ORIGIN}/C:/Windows/win.ini.txt`],
    ['Windows drive (encoded)', `${APP_ORIGIN}/C%3a%5cWindows%5cwin.ini.txt`],
    ['NUL byte', `${APP_ORIGIN}/index.html%00.png`],
    ['control character', `${APP_ORIGIN}/index%0a.html`],
  ])('refuses %s with 403', (_name, url) => {
    expect(resolveAppPath(url, ROOT)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses malformed percent-encoding with 400', () => {
    expect(resolveAppPath(`${APP_ORIGIN}/%E0%A4%A.js`, ROOT)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppPath(`${APP_ORIGIN}/%zz.js`, ROOT)).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses other origins and schemes with 404', () => {
    for (const url of [
      'app://other/index.html',
      'app://scaledeck.evil.test/index.html',
      'app://scaledeck@evil.test/index.html',
      'file:///etc/passwd',
      'https://scaledeck/index.html',
      '/etc/passwd',
      '',
    ])
      expect(resolveAppPath(url, ROOT), url).toMatchObject({ ok: false, status: 404 });
  });

  it('refuses file types the renderer does not ship', () => {
    for (const name of ['main.mjs.map', 'preload.cjs', 'package', 'x.sh', 'x.ts'])
      expect(resolveAppPath(`${APP_ORIGIN}/${name}`, ROOT), name).toMatchObject({ ok: false, status: 404 });
  });
});

describe('respondToAppRequest (over a real folder)', () => {
  let base: string;
  let renderer: string;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'scaledeck-app-scheme-'));
    renderer = path.join(base, 'renderer');
    await mkdir(path.join(renderer, 'assets'), { recursive: true });
    await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Scaledeck</title>');
    await writeFile(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
    await mkdir(path.join(renderer, 'folder.js'));
    // Beside the renderer folder, as app.asar's other files are: never served.
    await writeFile(path.join(base, 'secret.json'), '{"token":"s3cret"}');
  });

  afterAll(async () => {
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('serves a file with its type, the CSP header and nosniff', async () => {
    const response = await respondToAppRequest('GET', `${APP_ORIGIN}/assets/app.js`, renderer);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1)');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves index.html at the origin; HEAD has no body', async () => {
    const get = await respondToAppRequest('GET', `${APP_ORIGIN}/`, renderer);
    expect(await get.text()).toContain('<title>Scaledeck</title>');
    const head = await respondToAppRequest('HEAD', APP_INDEX_URL, renderer);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('never reaches the file beside the renderer folder', async () => {
    for (const url of [
      `${APP_ORIGIN}/../secret.json`,
      `${APP_ORIGIN}/%2e%2e/secret.json`,
      `${APP_ORIGIN}/assets/..%2f..%2fsecret.json`,
      `${APP_ORIGIN}/..%5csecret.json`,
    ]) {
      const response = await respondToAppRequest('GET', url, renderer);
      expect(response.status, url).toBe(403);
      expect(await response.text()).not.toContain('s3cret');
    }
  });

  it('answers 404 for a missing file or a folder, 405 for other methods', async () => {
    expect((await respondToAppRequest('GET', `${APP_ORIGIN}/missing.js`, renderer)).status).toBe(404);
    expect((await respondToAppRequest('GET', `${APP_ORIGIN}/folder.js`, renderer)).status).toBe(404);
    const post = await respondToAppRequest('POST', APP_INDEX_URL, renderer);
    expect(post.status).toBe(405);
    expect(await post.text()).toContain('POST');
  });
});
