/**
 * A saved demo replayed with no stack running (issue 14), in Chromium against the real
 * browser-mode server with nothing deployed: Open export… shows the file's charts, timeline and
 * decisions behind the offline banner with the stack's controls disabled; a timeline decision
 * opens into its arithmetic; What if… replays the file's recording (the core's own controller has
 * none here, so only the file can answer) through another target CPU and a shorter scale-down
 * window; Back to live returns to the empty live session. Takes the README's two pictures.
 *
 * The file is made by the product's own code (support/demo-export.ts): the real Controller's HPA
 * loop over a stand-in stack, written by the renderer's toJson, as "Export JSON" writes it.
 * Skips with a message without Chromium or a Docker engine (the session's target).
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardPage } from './pages/dashboard-page.ts';
import { chromiumMissing, launchChromium } from './support/browser.ts';
import { ROOT, startBrowserMode, type BrowserMode } from './support/browser-mode.ts';
import { buildDemoExport, SYNCS } from './support/demo-export.ts';
import { buildRenderer, dockerMissing, offlineSettings } from './support/setup.ts';

const skipReason = chromiumMissing() ?? (await dockerMissing());
if (skipReason) console.warn(`[e2e/app] offline what-if skipped: ${skipReason}`);

const ARTIFACTS = path.join(ROOT, 'artifacts/e2e');
const FILE_NAME = 'autoscaling-demo.json';

describe.skipIf(skipReason !== null)('a saved export, offline, and what if (browser mode)', () => {
  let server: BrowserMode;
  let browser: Browser;
  let page: Page;
  let dash: DashboardPage;
  let tmp: string;
  let file: string;
  let decided: number[];
  /** What the page asked decisions:whatif, so a test can tell the file's recording was sent. */
  const whatIfBodies: { recording?: { syncs: unknown[] }; targetCpuUtilizationPercent?: number }[] = [];

  const shot = async (name: string, target: { screenshot(o: { path: string }): Promise<unknown> }) => {
    await mkdir(ARTIFACTS, { recursive: true });
    const out = path.join(ARTIFACTS, `${name}.png`);
    await target.screenshot({ path: out });
    // The README's pictures, refreshed on request only so ordinary runs leave the tree clean.
    if (process.env.SCALEDECK_UPDATE_SCREENSHOT === '1')
      await copyFile(out, path.join(ROOT, `renderer/docs/${name}.png`));
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'scaledeck-offline-'));
    const built = await buildDemoExport();
    decided = built.decided;
    file = path.join(tmp, FILE_NAME);
    await writeFile(file, built.json);
    await buildRenderer();
    const settingsFile = path.join(tmp, 'settings.json');
    await writeFile(settingsFile, JSON.stringify(await offlineSettings()));
    // A stack name of its own that is never deployed: no stack runs behind the file.
    server = await startBrowserMode({ stack: `off-${randomBytes(3).toString('hex')}`, settingsFile });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    page = await context.newPage();
    page.on('request', (request) => {
      if (request.url().endsWith('/api/invoke/decisions:whatif'))
        whatIfBodies.push(JSON.parse(request.postData() ?? '{}') as (typeof whatIfBodies)[number]);
    });
    dash = new DashboardPage(page);
    await dash.open(server.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('live with nothing deployed, the what-if has no recording to replay', async () => {
    await expect.poll(() => dash.whatIf().textContent()).toMatch(/No recording yet/);
    expect(await dash.timelineItems('autoscaler').count()).toBe(0);
  });

  it('Open export… shows the file’s charts, timeline and decisions, the banner, and disables the controls', async () => {
    await dash.openExport(file);
    const banner = dash.offlineBanner();
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(
      new RegExp(`Viewing ${FILE_NAME.replace('.', '\\.')} recorded .* live view paused`),
    );
    // The saved series, drawn: the replicas chart holds the recorded climb to 6.
    const replicas = dash.chart('Desired vs ready replicas');
    await replicas.waitFor();
    expect(await replicas.locator('svg path').count()).toBeGreaterThan(0);
    expect(await dash.chart('CPU per replica (% of limit)').isVisible()).toBe(true);
    // One timeline line per recorded decision, each an explained one.
    await expect.poll(() => dash.timelineItems('autoscaler').count()).toBe(SYNCS);
    expect(await dash.timelineItems('autoscaler').first().locator('details').count()).toBe(1);
    expect(Math.max(...decided)).toBe(6);
    // Nothing to act on: the stack's controls are off, and say why.
    for (const control of [
      page.getByRole('button', { name: 'Deploy', exact: true }),
      dash.replicasSlider(),
      page.getByRole('switch', { name: 'Autoscaler' }),
      page.getByRole('button', { name: 'Start load' }),
      page.getByRole('button', { name: 'Export JSON' }),
    ])
      expect(await control.isDisabled()).toBe(true);
    expect(await page.locator('fieldset.command-guard').getAttribute('title')).toMatch(/Back to live/);
  });

  it('a decision on the timeline opens into its arithmetic', async () => {
    // The scale-out: 1 → 5, the rate policy holding it below the formula's 6.
    const line = dash.timelineItems('autoscaler').filter({ hasText: /1 → 5/ }).first();
    await line.locator('summary').click();
    const card = line.getByLabel('Decision explanation');
    await card.waitFor();
    const step = (kind: string) => card.locator(`[data-step="${kind}"] dd`).textContent();
    expect(await step('formula')).toContain('ceil(1 × 300 % / 50 %) = ceil(6) = 6');
    expect(await step('tolerance')).toContain('|300/50 − 1| = 5 > 0.1');
    expect(await step('rate')).toMatch(/max\(\+100 % of 1 = 2, \+4 pods = 5\) per 5 s → at most 5/);
    expect(await step('result')).toMatch(/1 → 5/);
    expect(await card.getByRole('list', { name: 'Replicas' }).textContent()).toMatch(/api-1/);
    // The README's picture: the timeline with this line at the top of its list, the card open.
    await line.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.mouse.move(0, 0);
    await shot('explained-decision', page.getByRole('region', { name: 'Timeline' }));
  });

  it('What if… replays the file’s recording: the same run first, then another target CPU', async () => {
    const whatIf = dash.whatIf();
    await whatIf.scrollIntoViewIfNeeded();
    // Replayed with its own settings, the recording gives back its own decisions.
    await expect
      .poll(() => dash.whatIfSummary().textContent(), { timeout: 15_000 })
      .toMatch(/the same replica-seconds/);
    expect(await dash.whatIfBox('target CPU').inputValue()).toBe('50');
    const sent = whatIfBodies.at(-1);
    expect(sent?.recording?.syncs).toHaveLength(SYNCS);

    await dash.whatIfBox('target CPU').fill('80');
    await expect
      .poll(() => dash.whatIfSummary().textContent(), { timeout: 15_000 })
      .toMatch(/^What if: would never have reached 6 replicas \(at most 4\); \d+ % fewer replica-seconds$/);
    expect(whatIfBodies.at(-1)?.targetCpuUtilizationPercent).toBe(80);
    expect(await whatIf.getByText(`${SYNCS} syncs over`).count()).toBe(1);
    expect(await whatIf.getByTestId('whatif-model').textContent()).toMatch(/Load model: total CPU demand/);
    // Both charts, each with both lines drawn.
    for (const name of ['Replicas: actual and what if', 'CPU per replica: actual and what if']) {
      const chart = whatIf.locator(`svg[aria-label="${name}"], [aria-label="${name}"] svg`).first();
      await chart.waitFor();
      expect(await chart.locator('.recharts-line path.recharts-curve').count(), name).toBeGreaterThanOrEqual(
        2,
      );
    }
    // No tooltip or focus ring in the picture.
    await dash.whatIfBox('target CPU').blur();
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await shot('whatif', whatIf);
  });

  it('the what-if’s behavior form: no scale-down window lets the replay scale down sooner', async () => {
    await dash.whatIfBox('target CPU').fill('50');
    await expect.poll(() => dash.whatIfSummary().textContent()).toMatch(/the same replica-seconds/);
    await dash.openWhatIfBehavior();
    const window = dash.whatIfBox('scale-down stabilization window');
    expect(await window.inputValue()).toBe('30');
    await window.fill('0');
    await expect
      .poll(() => dash.whatIfSummary().textContent(), { timeout: 15_000 })
      .toMatch(/reached 6 replicas at the same time; \d+ % fewer replica-seconds/);
    // A window past the HPA's one hour is refused by the core, named, under the box.
    await window.fill('7200');
    await expect
      .poll(() => dash.errorOf(window), { timeout: 15_000 })
      .toMatch(/^behavior\.scaleDown\.stabilizationWindowSeconds: /);
    await window.fill('30');
    await expect.poll(() => dash.errorOf(window), { timeout: 15_000 }).toBeNull();
  });

  it('Back to live leaves the file: banner gone, controls back, the empty live session again', async () => {
    await dash.backToLive();
    expect(await dash.offlineBanner().count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Deploy', exact: true }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Export JSON' }).isEnabled()).toBe(true);
    await expect.poll(() => dash.timelineItems('autoscaler').count()).toBe(0);
    await expect.poll(() => dash.whatIf().textContent()).toMatch(/No recording yet/);
  });
});
