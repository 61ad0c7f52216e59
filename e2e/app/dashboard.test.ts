/**
 * The dashboard end to end in Debian's Chromium against a real Docker stack, in browser mode
 * (`node electron/serve.ts`, the server `npm start -- --browser` runs). The flow is in
 * support/flow.ts; screenshots and exported files go to artifacts/e2e/. Skips with a message
 * when Chromium or the Docker engine is missing.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { DashboardPage } from './pages/dashboard-page.ts';
import { chromiumMissing, launchChromium } from './support/browser.ts';
import { ROOT, startBrowserMode, type BrowserMode } from './support/browser-mode.ts';
import { dashboardFlow } from './support/flow.ts';
import { buildRenderer, dockerMissing, offlineSettings } from './support/setup.ts';
import { removeLeftoverContainers } from './support/stack-cleanup.ts';

const ARTIFACTS = path.join(ROOT, 'artifacts/e2e');
const STACK = `ui-${randomBytes(3).toString('hex')}`;
const skipReason = chromiumMissing() ?? (await dockerMissing());
if (skipReason) console.warn(`[e2e/app] browser mode skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('dashboard in Chromium against a real Docker stack', () => {
  let server: BrowserMode;
  let browser: Browser;
  let page: Page;
  let tmp: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    tmp = await mkdtemp(path.join(tmpdir(), 'scaledeck-e2e-'));
    await buildRenderer();
    // Offline images, cheap password hashing (the flow checks plumbing, not scrypt) and short drains.
    const settingsFile = path.join(tmp, 'settings.json');
    await writeFile(
      settingsFile,
      JSON.stringify({ ...(await offlineSettings()), scryptCost: 1024, drainSeconds: 3 }, null, 2),
    );
    server = await startBrowserMode({ stack: STACK, settingsFile });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1600, height: 1000 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    page.on('requestfailed', (request) => {
      // EventSource closing at the end is expected; a failed command is not.
      if (!request.url().endsWith('/api/events'))
        console.error(
          `[request failed] ${request.method()} ${request.url()}: ${request.failure()?.errorText}`,
        );
    });
    await new DashboardPage(page).open(server.url);
  });

  afterAll(async () => {
    await page
      ?.screenshot({ path: path.join(ARTIFACTS, 'final.png'), fullPage: true })
      .catch(() => undefined);
    await browser?.close();
    if (server) {
      await server.invoke('load:stop').catch(() => undefined);
      await server
        .invoke('stack:teardown', { deleteVolumes: true })
        .catch((e: Error) => console.error(e.message));
      await server.stop();
      // The server's own log, for when a step failed on its side.
      await writeFile(path.join(ARTIFACTS, 'server.log'), server.log());
    }
    await removeLeftoverContainers(STACK);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  dashboardFlow(() => ({
    page,
    artifacts: ARTIFACTS,
    readmeScreenshot: true,
    async exportFile(dash, kind) {
      const download = await dash.export(kind);
      const file = path.join(ARTIFACTS, `export.${kind.toLowerCase()}`);
      await download.saveAs(file);
      return readFile(file);
    },
  }));
});
