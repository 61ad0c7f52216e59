/**
 * A dashboard shared with `--share`, end to end in Debian's Chromium, on 127.0.0.1 only: the page
 * says it is a read-only view and whose, its controls are disabled with a tooltip saying why, a
 * wrong token is refused in words, the right one (kept for the tab) unlocks the controls, and a
 * page reached by a foreign name (DNS rebinding, simulated with Chromium's host resolver rules)
 * gets nothing. The session is real (the Docker engine, a stack that is not deployed); the
 * renderer is built into a temporary folder so a parallel build of dist/renderer cannot race it.
 * Also runs the real `electron/serve.ts` to see `--host` off loopback refused without `--share`.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../electron/core/session.ts';
import { parseSettings } from '../../electron/core/settings.ts';
import { startWebServer, type WebServer } from '../../electron/core/web.ts';
import { CHROMIUM, chromiumMissing, launchChromium } from './support/browser.ts';
import { ROOT } from './support/browser-mode.ts';
import { dockerMissing } from './support/setup.ts';

const run = promisify(execFile);
const ARTIFACTS = path.join(ROOT, 'artifacts/e2e');
const skipReason = chromiumMissing() ?? (await dockerMissing());
if (skipReason) console.warn(`[e2e/app] share mode skipped: ${skipReason}`);

const READ_ONLY_TOOLTIP = `Read-only view shared by ${hostname()}: enter the command token above to use the controls`;

describe.skipIf(skipReason !== null)('a shared dashboard in Chromium', () => {
  let rendererDir: string;
  let session: Session;
  let shared: WebServer;
  let local: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    rendererDir = await mkdtemp(path.join(tmpdir(), 'scaledeck-share-renderer-'));
    await run(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--outDir',
        rendererDir,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    session = await new Session({
      settings: parseSettings({}),
      stack: `share-${randomBytes(3).toString('hex')}`,
    }).open();
    // Shared on loopback: the page is what a LAN viewer gets, the traffic stays on this machine.
    shared = await startWebServer({ session, share: true, host: '127.0.0.1', rendererDir });
    local = await startWebServer({ session, rendererDir });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await shared?.close();
    await local?.close();
    await session?.dispose();
    if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
  });

  /** A fresh tab (its own sessionStorage) that records every API answer. */
  async function openTab(url: string) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const answers: { path: string; status: number; authorization: string | undefined }[] = [];
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    page.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (pathname.startsWith('/api/invoke/'))
        answers.push({
          path: pathname,
          status: response.status(),
          authorization: response.request().headers()['authorization'],
        });
    });
    await page.goto(url);
    await page.getByRole('button', { name: 'Deploy', exact: true }).waitFor();
    return { page, answers, close: () => context.close() };
  }

  const banner = (page: Page) => page.getByRole('region', { name: 'Sharing' });
  const deploy = (page: Page) => page.getByRole('button', { name: 'Deploy', exact: true });
  const tooltipOf = (page: Page, name: string) =>
    page
      .getByRole('button', { name, exact: true })
      .evaluate((el) => el.closest('[title]')?.getAttribute('title') ?? null);

  it("the operator's own window on loopback has no banner and live controls", async () => {
    const tab = await openTab(local.url);
    try {
      await tab.page.getByRole('combobox', { name: 'Target' }).waitFor();
      expect(await banner(tab.page).count()).toBe(0);
      expect(await deploy(tab.page).isEnabled()).toBe(true);
      expect(await tooltipOf(tab.page, 'Deploy')).toBeNull();
    } finally {
      await tab.close();
    }
  });

  it('read-only: a banner names the sharing host, the controls are disabled with a tooltip saying why', async () => {
    const tab = await openTab(shared.url);
    try {
      const { page } = tab;
      await expect
        .poll(() => banner(page).getByRole('status').textContent())
        .toContain(`Read-only view — shared by ${hostname()}`);
      expect(await deploy(page).isDisabled()).toBe(true);
      expect(await page.getByRole('combobox', { name: 'Target' }).isDisabled()).toBe(true);
      expect(await page.getByRole('slider', { name: 'Replicas', exact: true }).isDisabled()).toBe(true);
      expect(await tooltipOf(page, 'Deploy')).toBe(READ_ONLY_TOOLTIP);
      // The page did not ask for what needs the token, so no refusal and no error toast.
      expect(tab.answers.filter((a) => a.status === 401)).toEqual([]);
      expect(tab.answers.some((a) => a.path.endsWith('/targets:list'))).toBe(false);
      expect(await page.getByRole('alert').count()).toBe(0);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'share-read-only.png') });
    } finally {
      await tab.close();
    }
  });

  it('a wrong token says so; the right one unlocks the controls, is sent as Bearer and survives a reload', async () => {
    const tab = await openTab(shared.url);
    try {
      const { page } = tab;
      const tokenBox = page.getByLabel('Command token');
      await tokenBox.waitFor();
      await tokenBox.fill('not-the-token');
      await page.getByRole('button', { name: 'Unlock commands' }).click();
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toContain(`That token is not accepted: use the one printed on ${hostname()}'s terminal`);
      expect(await deploy(page).isDisabled()).toBe(true);
      expect(await page.evaluate(() => sessionStorage.getItem('scaledeck.shareToken'))).toBeNull();

      await tokenBox.fill(shared.token!);
      const targets = page.waitForResponse((r) => r.url().endsWith('/api/invoke/targets:list'));
      await page.getByRole('button', { name: 'Unlock commands' }).click();
      // targets:list needs the token in share mode: it now answers.
      expect((await targets).status()).toBe(200);
      await expect
        .poll(() => banner(page).getByRole('status').textContent())
        .toContain('commands unlocked in this tab');
      expect(await deploy(page).isEnabled()).toBe(true);
      expect(await tooltipOf(page, 'Deploy')).toBeNull();
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(await page.evaluate(() => sessionStorage.getItem('scaledeck.shareToken'))).toBe(shared.token);
      // Every request after the unlock carries the token.
      const poll = page.waitForResponse((r) => r.url().endsWith('/api/invoke/stack:status'));
      expect((await poll).request().headers()['authorization']).toBe(`Bearer ${shared.token}`);

      await page.reload();
      await deploy(page).waitFor();
      await expect.poll(() => deploy(page).isEnabled()).toBe(true);
      expect(await banner(page).getByRole('status').textContent()).toContain('commands unlocked');

      await page.getByRole('button', { name: 'Lock commands' }).click();
      await expect.poll(() => deploy(page).isDisabled()).toBe(true);
      expect(await page.evaluate(() => sessionStorage.getItem('scaledeck.shareToken'))).toBeNull();
      expect(tab.answers.filter((a) => a.status === 401)).toEqual([]);
    } finally {
      await tab.close();
    }
  });

  it('a page reached by a foreign name that resolves here gets a refusal, not the dashboard', async () => {
    // DNS rebinding without DNS: Chromium maps evil.example to 127.0.0.1 itself.
    const rebinding = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--host-resolver-rules=MAP evil.example 127.0.0.1',
      ],
    });
    try {
      const page = await rebinding.newPage();
      for (const server of [local, shared]) {
        const { port } = new URL(server.url);
        const response = await page.goto(`http://evil.example:${port}/`);
        expect(response?.status()).toBe(403);
        expect(await page.textContent('body')).toMatch(
          /Host \\?"evil\.example:\d+\\?" is not a name of this machine/,
        );
        const api = await page.goto(`http://evil.example:${port}/api/session`);
        expect(api?.status()).toBe(403);
      }
    } finally {
      await rebinding.close();
    }
  });

  it('`electron/serve.ts --host` off loopback without --share is refused, naming --host and the fix', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'electron/serve.ts'), '--host', '0.0.0.0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGTERM'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/--host 0\.0\.0\.0 is not a loopback address/);
    expect(stderr).toContain('Add --share');
    expect(stderr).toContain('--host 127.0.0.1');
  });
});
