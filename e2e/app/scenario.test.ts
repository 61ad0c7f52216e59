/**
 * The one-click demo end to end in Debian's Chromium against a real Docker stack (offline images),
 * in browser mode: a bad scenario file is refused naming its step and field before anything
 * starts; from the empty dashboard one click deploys the stack and plays "Autoscaling in 90
 * seconds"; its captions show in the Scenarios panel and, big, in presentation mode; its steps mark
 * the charts; the autoscaler scales out with its reason on the timeline and the scenario's
 * expectation is met; Stop ends the scenario and leaves the stack running. Skips with a message
 * without Chromium or a Docker engine. Screenshots go to artifacts/e2e/scenario-*.png.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardPage } from './pages/dashboard-page.ts';
import { chromiumMissing, launchChromium } from './support/browser.ts';
import { ROOT, startBrowserMode, type BrowserMode } from './support/browser-mode.ts';
import { buildRenderer, dockerMissing, offlineSettings } from './support/setup.ts';
import { removeLeftoverContainers } from './support/stack-cleanup.ts';

const ARTIFACTS = path.join(ROOT, 'artifacts/e2e');
const STACK = `scn-ui-${randomBytes(3).toString('hex')}`;
const skipReason = chromiumMissing() ?? (await dockerMissing());
if (skipReason) console.warn(`[e2e/app] scenario skipped: ${skipReason}`);

/** A file like the built-in demo whose second step ramps over 0 s: refused, naming that field. */
const BAD_FILE = `name: broken-ramp
title: Broken ramp
description: A ramp over no time at all.
steps:
  - for: 10
    caption: Warm up
    load: { rate: 0.5x }
  - for: 10
    caption: Ramp
    load: { ramp: { to: 2x, over: 0 } }
`;

/** The Scenarios panel in user terms, found by accessible names like the rest of the e2e. */
class ScenariosPanel {
  readonly page: Page;
  readonly region: Locator;
  constructor(page: Page) {
    this.page = page;
    this.region = page.getByRole('region', { name: 'Scenarios' });
  }

  state(): Promise<string | null> {
    return this.region.locator('.panel-header [role="status"]').textContent();
  }

  caption(): Locator {
    return this.region.getByTestId('scenario-caption');
  }

  step(): Locator {
    return this.region.getByTestId('scenario-step');
  }

  expectation(text: RegExp): Locator {
    return this.region.getByRole('list', { name: 'Expectations' }).locator('li').filter({ hasText: text });
  }
}

describe.skipIf(skipReason !== null)('the autoscaling demo from the dashboard (Chromium, Docker)', () => {
  let server: BrowserMode;
  let browser: Browser;
  let page: Page;
  let dash: DashboardPage;
  let scenarios: ScenariosPanel;
  let tmp: string;
  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `scenario-${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    tmp = await mkdtemp(path.join(tmpdir(), 'scaledeck-scenario-e2e-'));
    await buildRenderer();
    // The default password hashing stays: the scenario's load needs real CPU work to scale on.
    const settingsFile = path.join(tmp, 'settings.json');
    await writeFile(settingsFile, JSON.stringify({ ...(await offlineSettings()), drainSeconds: 3 }, null, 2));
    server = await startBrowserMode({ stack: STACK, settingsFile });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    dash = new DashboardPage(page);
    scenarios = new ScenariosPanel(page);
    await dash.open(server.url);
  });

  afterAll(async () => {
    await page
      ?.screenshot({ path: path.join(ARTIFACTS, 'scenario-final.png'), fullPage: true })
      .catch(() => undefined);
    await browser?.close();
    if (server) {
      await server.invoke('scenario:stop').catch(() => undefined);
      await server.invoke('load:stop').catch(() => undefined);
      await server
        .invoke('stack:teardown', { deleteVolumes: true })
        .catch((e: Error) => console.error(e.message));
      await server.stop();
      await writeFile(path.join(ARTIFACTS, 'scenario-server.log'), server.log());
    }
    await removeLeftoverContainers(STACK);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('refuses a bad scenario file naming its step and field, and starts nothing', async () => {
    await scenarios.region
      .getByRole('list', { name: 'Built-in scenarios' })
      .getByRole('listitem')
      .first()
      .waitFor();
    await scenarios.region.getByLabel('Open a scenario file (YAML or JSON)').setInputFiles({
      name: 'broken-ramp.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from(BAD_FILE),
    });
    const toast = page.getByRole('alert').filter({ hasText: 'Play scenario file failed.' });
    await toast.waitFor({ timeout: 15_000 });
    expect(await toast.textContent()).toMatch(/steps\[1\]\.load\.ramp\.over/);
    expect(await scenarios.region.locator('.panel-header [role="status"]').count()).toBe(0);
    expect(await dash.stackPhase().textContent()).toBe('Not deployed');
    await toast.getByRole('button', { name: 'Dismiss' }).click();
  });

  it(
    'plays the demo from the empty dashboard in one click, deploying first',
    { timeout: 600_000 },
    async () => {
      const card = page.getByRole('region', { name: 'Nothing is deployed yet' });
      expect(await card.textContent()).toMatch(/Autoscaling in 90 seconds/);
      // The usual Deploy stays available beside it.
      expect(await page.getByRole('button', { name: 'Deploy', exact: true }).isEnabled()).toBe(true);
      await shot('01-first-run');
      await card.getByRole('button', { name: 'Play the autoscaling demo' }).click();
      await dash.waitFor(
        async () => ['Deploying', 'Calibrating', 'Playing'].includes((await scenarios.state()) ?? ''),
        30_000,
        'the scenario deploying, calibrating or playing',
      );
      expect(await card.count()).toBe(0);
      await dash.waitFor(
        async () => (await dash.stackPhase().textContent()) === 'Running',
        540_000,
        'stack Running',
      );
    },
  );

  it('shows the step caption in the panel and, big, in presentation mode', { timeout: 240_000 }, async () => {
    await dash.waitFor(async () => (await scenarios.state()) === 'Playing', 180_000, 'the scenario playing');
    await scenarios.caption().waitFor({ timeout: 30_000 });
    expect(await scenarios.step().textContent()).toMatch(/^Step [1-4] of 4$/);
    expect(await scenarios.region.getByTestId('scenario-calibration').textContent()).toMatch(
      /Load sized from \d+ req\/s per replica/,
    );
    await page.getByRole('switch', { name: 'Presentation mode' }).check();
    const banner = page.getByRole('region', { name: 'Scenario caption' });
    await banner.waitFor({ timeout: 5_000 });
    // The same words as the panel, at projector size.
    await expect
      .poll(
        async () =>
          (await banner.getByTestId('presentation-caption').textContent()) ===
          (await scenarios.caption().textContent()),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    expect(await banner.getByTestId('presentation-step').textContent()).toMatch(/^Step [1-4]\/4$/);
    expect(await banner.getByTestId('presentation-countdown').textContent()).toMatch(
      /(next step|ends) in \d:\d\d/,
    );
    const fontPx = await banner
      .getByTestId('presentation-caption')
      .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    expect(fontPx).toBeGreaterThanOrEqual(28);
    await shot('02-presentation');
    await page.keyboard.press('Escape');
    await banner.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.getByRole('switch', { name: 'Presentation mode' }).isChecked()).toBe(false);
  });

  it(
    'scales out with the decision explained on the timeline, meets the expectation, marks the steps on the charts',
    { timeout: 300_000 },
    async () => {
      // "Autoscaler 1 → 2: CPU …": a decision that raises the count, with its reason.
      const scaleOut = dash
        .timelineItems('autoscaler')
        .filter({ hasText: /Autoscaler:? .*?(\d+) → (\d+)/ })
        .filter({ hasText: /CPU/ });
      const raisesCount = async () => {
        for (const text of await scaleOut.allTextContents()) {
          const m = /(\d+) → (\d+)/.exec(text);
          if (m && Number(m[2]) > Number(m[1])) return true;
        }
        return false;
      };
      // Until the scale-out shows, or the scenario ends without one (then the timeline says why).
      let seen = false;
      await dash.waitFor(
        async () =>
          (seen = await raisesCount()) || !['Playing', 'Paused'].includes((await scenarios.state()) ?? ''),
        240_000,
        'an autoscaler decision raising the replica count, or the scenario ending',
      );
      if (!seen) {
        const lines = await dash.timelineItems().allTextContents();
        throw new Error(
          `the scenario ended (${await scenarios.state()}) with no autoscaler decision raising the count; the timeline showed:\n${lines.join('\n')}`,
        );
      }
      await dash.waitFor(
        async () => (await scenarios.expectation(/scales out/).getAttribute('data-state')) === 'met',
        60_000,
        'the "scales out" expectation met',
      );
      // The scenario's own lines: steps with their captions, the expectation's outcome.
      expect(
        await dash.timelineItems('scenario').filter({ hasText: 'Step 2: Now the load ramps' }).count(),
      ).toBe(1);
      expect(await page.locator('.timeline li[data-outcome="met"]').count()).toBeGreaterThanOrEqual(1);
      // Each step is a numbered marker on every chart.
      const markers = dash.chart('Request rate').locator('g.marker-tagged');
      expect(await markers.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-marker')))).toEqual(
        expect.arrayContaining(['1', '2']),
      );
      await shot('03-scaled-out');
    },
  );

  it('Stop ends the scenario and its load, and leaves the stack running', { timeout: 120_000 }, async () => {
    // The last step (50 s) is still running right after the scale-out.
    expect(await scenarios.state(), 'the scenario still playing when Stop is pressed').toBe('Playing');
    await scenarios.region.getByRole('button', { name: 'Stop scenario' }).click();
    await dash.waitFor(async () => (await scenarios.state()) === 'Stopped', 30_000, 'the scenario stopped');
    await expect
      .poll(async () => (await server.invoke<{ state: string } | null>('load:status'))?.state, {
        timeout: 30_000,
      })
      .not.toBe('running');
    // The page says so too (the Load panel's state follows the core's load events).
    const loadState = page.getByRole('region', { name: 'Load' }).locator('.panel-header [role="status"]');
    await expect.poll(() => loadState.textContent(), { timeout: 15_000 }).not.toBe('running');
    // As it is: deployed (a replica the scale-out just added may still be starting: Degraded), the
    // autoscaler the scenario turned on still on.
    expect(await dash.stackPhase().textContent()).toMatch(/^(Running|Degraded)$/);
    const core = await server.invoke<{ autoscaler: unknown }>('stack:status');
    expect(core.autoscaler, 'the autoscaler the scenario set, after Stop').not.toBeNull();
    expect(await page.getByRole('switch', { name: 'Autoscaler' }).isChecked()).toBe(true);
    await expect.poll(() => dash.readyReplicas(), { timeout: 60_000 }).toBeGreaterThan(0);
    // Ended: the built-ins are offered again, once the Stop request itself has answered (the
    // 'stopped' event can come first, while the core is still stopping the load).
    await expect
      .poll(
        () => scenarios.region.getByRole('button', { name: 'Play Autoscaling in 90 seconds' }).isEnabled(),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
  });
});
