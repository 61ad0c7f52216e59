/**
 * The dashboard end to end, in Debian's Chromium against a real Docker stack in browser mode
 * (`node electron/serve.ts`, the same server `npm start -- --browser` runs): deploy; Replicas
 * slider 1 -> 3 and three ready rows; load and a rising rate chart; autoscaler decision on the
 * timeline; a killed replica replaced; PNG and CSV exports. Screenshots go to artifacts/e2e/.
 * Skips with a message when Chromium or the Docker engine is missing.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardPage } from './pages/dashboard-page.ts';
import { chromiumMissing, launchChromium } from './support/browser.ts';
import { ROOT, startBrowserMode, type BrowserMode } from './support/browser-mode.ts';
import { buildRenderer, dockerMissing, offlineSettings } from './support/setup.ts';
import { pngSize } from './support/png.ts';

const run = promisify(execFile);
const ARTIFACTS = path.join(ROOT, 'artifacts/e2e');
const STACK = `ui-${randomBytes(3).toString('hex')}`;
const skipReason = chromiumMissing() ?? (await dockerMissing());
if (skipReason) console.warn(`[e2e/app] skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('dashboard in Chromium against a real Docker stack', () => {
  let server: BrowserMode;
  let browser: Browser;
  let page: Page;
  let dash: DashboardPage;
  let tmp: string;

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

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
    dash = new DashboardPage(page);
    await dash.open(server.url);
  });

  afterAll(async () => {
    if (page) await shot('final').catch(() => undefined);
    await browser?.close();
    if (server) {
      await server.invoke('load:stop').catch(() => undefined);
      await server
        .invoke('stack:teardown', { deleteVolumes: true })
        .catch((e: Error) => console.error(e.message));
      await server.stop();
    }
    // A stack left behind by a crashed run: remove its containers by label, not by name pattern.
    await run('docker', ['ps', '-aq', '--filter', `label=scaledeck.stack=${STACK}`]).then(
      async ({ stdout }) => {
        const ids = stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await run('docker', ['rm', '-f', ...ids]);
      },
    );
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('deploys from the Deploy button and shows the progress', { timeout: 600_000 }, async () => {
    await dash.deploy(540_000);
    await expect.poll(() => dash.readyReplicas(), { timeout: 120_000 }).toBeGreaterThan(0);
    await shot('01-deployed');
  });

  it('moves the Replicas slider 1 -> 3 and shows three ready replicas', { timeout: 240_000 }, async () => {
    await dash.setReplicasNumber(1);
    await expect.poll(() => dash.replicaIds('ready'), { timeout: 90_000 }).toHaveLength(1);
    await expect.poll(() => dash.replicaRows().count(), { timeout: 60_000 }).toBe(1);
    await dash.moveReplicasSliderTo(3);
    expect(await dash.replicasSlider().inputValue()).toBe('3');
    await expect.poll(() => dash.replicaIds('ready'), { timeout: 150_000 }).toHaveLength(3);
    expect(await dash.readyReplicas()).toBe(3);
    await shot('02-three-replicas');
  });

  it('starts load and the request rate chart rises', { timeout: 180_000 }, async () => {
    await dash.startLoad(80);
    await expect
      .poll(() => dash.latestValue('Request rate', 'requests'), { timeout: 120_000, interval: 1000 })
      .toBeGreaterThan(20);
    await shot('03-load');
  });

  it('turns the autoscaler on and a decision lands on the timeline', { timeout: 180_000 }, async () => {
    await dash.setAutoscaler(true);
    await expect
      .poll(() => dash.timelineItems('autoscaler').count(), { timeout: 150_000 })
      .toBeGreaterThan(0);
    await expect(page.getByTestId('last-decision').textContent()).resolves.toMatch(/→/);
    // The slider says who owns the count, and does not fight it.
    expect(await dash.replicasSlider().isDisabled()).toBe(true);
    await shot('04-autoscaler');
    await dash.setAutoscaler(false);
  });

  it('kills a replica and the table shows it replaced', { timeout: 240_000 }, async () => {
    await expect.poll(() => dash.replicaIds('ready'), { timeout: 150_000 }).not.toHaveLength(0);
    const before = await dash.replicaIds('ready');
    await dash.killReplica();
    await expect.poll(() => dash.timelineItems('chaos').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect
      .poll(
        async () => {
          const ready = await dash.replicaIds('ready');
          return ready.length === before.length && ready.some((id) => !before.includes(id));
        },
        { timeout: 180_000, interval: 500 },
      )
      .toBe(true);
    await shot('05-replaced');
  });

  it('exports a PNG of the dashboard and a CSV of its series and events', { timeout: 120_000 }, async () => {
    await dash.stopLoad();
    const png = await dash.export('PNG');
    const pngPath = path.join(ARTIFACTS, 'export.png');
    await png.saveAs(pngPath);
    const bytes = await readFile(pngPath);
    const { width, height } = pngSize(bytes);
    expect(width).toBeGreaterThanOrEqual(1200);
    expect(height).toBeGreaterThanOrEqual(800);
    expect(bytes.length).toBeGreaterThan(60_000);

    const csv = await dash.export('CSV');
    const csvPath = path.join(ARTIFACTS, 'export.csv');
    await csv.saveAs(csvPath);
    const lines = (await readFile(csvPath, 'utf8')).trim().split(/\r?\n/);
    expect(lines[0]).toBe('kind,time,epoch_ms,chart,series,unit,value,event');
    const ratePoints = lines.filter((l) => l.startsWith('point,') && l.includes(',requestRate,'));
    // One point per feed tick (2 s) since the stack came up; the load made some of them non-zero.
    expect(ratePoints.length).toBeGreaterThanOrEqual(5);
    expect(ratePoints.some((l) => Number(l.split(',')[6]) > 0)).toBe(true);
    expect(lines.some((l) => l.startsWith('event,') && l.includes(',chaos,'))).toBe(true);

    // The README's picture: the last minute (this run is short) in the dark theme.
    await page.getByRole('button', { name: 'Last 1 min' }).click();
    await page.getByRole('switch', { name: 'Dark theme' }).check();
    await page.waitForTimeout(500);
    await shot('dashboard');
    // The README's screenshot is refreshed on request, so ordinary runs leave the tree clean.
    if (process.env.SCALEDECK_UPDATE_SCREENSHOT === '1')
      await copyFile(path.join(ARTIFACTS, 'dashboard.png'), path.join(ROOT, 'renderer/docs/screenshot.png'));
  });
});
