/**
 * The hardening of electron/main, seen from inside the running Electron app with Playwright's
 * `_electron`: the page comes from app://scaledeck/, has no Node, the app:// handler refuses paths
 * out of the renderer folder and sends the one CSP, and window.open creates no window. The pure
 * parts are unit-tested in electron/main/*.test.ts; this runs where an Electron runtime is
 * installed and skips with the reason otherwise (here: ELECTRON_SKIP_BINARY_DOWNLOAD).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/core/csp.ts';
import { findElectron } from '../../electron/launch.ts';
import { ROOT } from './support/browser-mode.ts';
import { dockerMissing } from './support/setup.ts';

const run = promisify(execFile);
const runtime = findElectron();
const skipReason =
  'missing' in runtime ? `Electron runtime not installed: ${runtime.missing}` : await dockerMissing();
if (skipReason) console.warn(`[e2e/app] Electron security checks skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('the Electron app, hardened', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
    for (const mode of [[], ['--mode', 'main'], ['--mode', 'preload']])
      await run(process.execPath, [vite, 'build', '--logLevel', 'warn', ...mode], { cwd: ROOT });
    app = await _electron.launch({
      executablePath: (runtime as { path: string }).path,
      args: [path.join(ROOT, 'dist/electron/main.mjs')],
      // A stack name nothing else uses: nothing is deployed, the dashboard only has to load.
      env: { ...process.env, SCALEDECK_STACK: `uisec-${randomBytes(3).toString('hex')}` },
    });
    page = await app.firstWindow();
    await page.getByRole('button', { name: 'Deploy', exact: true }).waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('loads the dashboard from app://scaledeck/', () => {
    expect(page.url()).toBe('app://scaledeck/index.html');
  });

  it('gives the page no Node, only the named bridge', async () => {
    const seen = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((window as unknown as { scaledeck: object }).scaledeck),
    }));
    expect(seen.require).toBe('undefined');
    expect(seen.process).toBe('undefined');
    expect(seen.bridge).toContain('stackDeploy');
    expect(seen.bridge).not.toContain('invoke');
  });

  it('serves app files with the CSP header and refuses paths out of the renderer folder', async () => {
    const answers = await page.evaluate(async () => {
      const get = async (url: string) => {
        const response = await fetch(url);
        return { status: response.status, csp: response.headers.get('content-security-policy') };
      };
      return {
        index: await get('app://scaledeck/index.html'),
        encodedClimb: await get('app://scaledeck/..%2f..%2fpackage.json'),
        backslashClimb: await get('app://scaledeck/..%5c..%5cpackage.json'),
        notShipped: await get('app://scaledeck/preload.cjs'),
      };
    });
    expect(answers.index).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY });
    expect(answers.encodedClimb.status).toBe(403);
    expect(answers.backslashClimb.status).toBe(403);
    expect(answers.notShipped.status).toBe(404);
  });

  it('opens no window for window.open', async () => {
    const opened = await page.evaluate(() => window.open('https://example.com/') === null);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });
});
