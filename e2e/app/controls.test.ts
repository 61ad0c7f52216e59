/**
 * The dashboard's controls in Chromium against the real browser-mode server, before anything is
 * deployed (seconds, no stack): every control has an accessible name, the ones the issue names
 * exist under exactly those names, each chart's PromQL can be shown and copied, and the themes
 * and presentation mode apply. Skips with a message without Chromium or a Docker engine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardPage } from './pages/dashboard-page.ts';
import { chromiumMissing, launchChromium } from './support/browser.ts';
import { startBrowserMode, type BrowserMode } from './support/browser-mode.ts';
import { buildRenderer, dockerMissing, offlineSettings } from './support/setup.ts';

const skipReason = chromiumMissing() ?? (await dockerMissing());
if (skipReason) console.warn(`[e2e/app] controls skipped: ${skipReason}`);

const NAMED: [role: Parameters<Page['getByRole']>[0], name: string][] = [
  ['combobox', 'Target'],
  ['button', 'Deploy'],
  ['button', 'Tear down'],
  ['slider', 'Replicas'],
  ['spinbutton', 'Replicas'],
  ['button', 'Increase Replicas'],
  ['button', 'Decrease Replicas'],
  ['switch', 'Autoscaler'],
  ['slider', 'Min replicas'],
  ['slider', 'Max replicas'],
  ['slider', 'Target CPU'],
  ['combobox', 'Profile'],
  ['slider', 'What-if min replicas'],
  ['slider', 'What-if max replicas'],
  ['slider', 'What-if target CPU'],
  ['combobox', 'What-if profile'],
  ['button', 'Replay again'],
  ['slider', 'Request rate'],
  ['slider', 'Reads'],
  ['slider', 'Key skew'],
  ['button', 'Start load'],
  ['button', 'Stop load'],
  ['button', 'Kill a replica'],
  ['button', 'Kill Redis'],
  ['button', 'Kill PostgreSQL'],
  ['button', 'Export PNG'],
  ['button', 'Export CSV'],
  ['button', 'Export JSON'],
  ['switch', 'Dark theme'],
  ['switch', 'Presentation mode'],
  ['button', 'Last 1 min'],
  ['button', 'Last 5 min'],
  ['button', 'Last 15 min'],
];

describe.skipIf(skipReason !== null)('dashboard controls (browser mode, nothing deployed)', () => {
  let server: BrowserMode;
  let browser: Browser;
  let page: Page;
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'scaledeck-controls-'));
    await buildRenderer();
    const settingsFile = path.join(tmp, 'settings.json');
    await writeFile(settingsFile, JSON.stringify(await offlineSettings()));
    // A stack name of its own that is never deployed: the session only answers reads.
    server = await startBrowserMode({ stack: `uic-${randomBytes(3).toString('hex')}`, settingsFile });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(server.url).origin,
    });
    page = await context.newPage();
    await new DashboardPage(page).open(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('names every control as the issue does', async () => {
    for (const [role, name] of NAMED) {
      const count = await page.getByRole(role, { name, exact: true }).count();
      expect(count, `${role} "${name}"`).toBe(1);
    }
  });

  it('gives every interactive element an accessible name', async () => {
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { role?: { value: string }; name?: { value: string }; ignored: boolean }[];
    };
    const interactive = new Set(['button', 'slider', 'spinbutton', 'switch', 'combobox', 'checkbox', 'link']);
    const unnamed = nodes.filter(
      (n) => !n.ignored && interactive.has(n.role?.value ?? '') && !n.name?.value?.trim(),
    );
    expect(unnamed.map((n) => n.role?.value)).toEqual([]);
    expect(nodes.filter((n) => n.role?.value === 'slider').length).toBeGreaterThanOrEqual(7);
  });

  it('disables stack controls with an explanation while nothing is deployed', async () => {
    const dash = new DashboardPage(page);
    expect(await dash.replicasSlider().isDisabled()).toBe(true);
    // The slider's accessible description: every element aria-describedby names, in order.
    const ids = ((await dash.replicasSlider().getAttribute('aria-describedby')) ?? '').split(/\s+/);
    const description = await Promise.all(
      ids.filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    expect(description.join(' ')).toMatch(/Deploy the stack/);
    expect(await page.getByRole('button', { name: 'Start load' }).isDisabled()).toBe(true);
  });

  it('shows and copies the PromQL of each chart', async () => {
    const charts = page.getByRole('figure');
    await expect.poll(() => charts.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(8);
    const rate = new DashboardPage(page).chart('Request rate');
    await rate.getByRole('button', { name: 'PromQL' }).click();
    const dialog = page.getByRole('dialog', { name: 'PromQL of Request rate' });
    await expect(dialog.locator('pre').textContent()).resolves.toMatch(/rate\(http_requests_total/);
    await dialog.getByRole('button', { name: 'Copy PromQL' }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toMatch(/http_requests_total/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await dialog.count()).toBe(0);
  });

  it('shows the HPA behavior collapsed, with the profile defaults marked, and follows the profile', async () => {
    const dash = new DashboardPage(page);
    const downWindow = dash.behaviorWindow('Scale-down');
    expect(await downWindow.isVisible()).toBe(false);
    await dash.openBehavior();
    const profile = page.getByRole('combobox', { name: 'Profile', exact: true });
    await profile.selectOption('demo');
    expect(await downWindow.inputValue()).toBe('30');
    expect(await dash.behaviorWindow('Scale-up').inputValue()).toBe('0');
    const rules = page.locator('fieldset.behavior-rules');
    await expect(rules.nth(1).locator('.default-tag').count()).resolves.toBe(3);
    expect(await page.getByRole('combobox', { name: 'Scale-down select policy' }).inputValue()).toBe('Max');
    expect(await page.getByTestId('scaleUp-policy').count()).toBe(2);
    await profile.selectOption('kubernetes');
    expect(await downWindow.inputValue()).toBe('300');
    // An edited value is no longer the default and stays across a profile change.
    await downWindow.fill('45');
    await expect(rules.nth(1).locator('.default-tag').count()).resolves.toBe(2);
    await profile.selectOption('demo');
    expect(await downWindow.inputValue()).toBe('45');
    await page.getByRole('button', { name: 'Add scale-down policy' }).click();
    expect(await page.getByTestId('scaleDown-policy').count()).toBe(2);
    expect(await page.getByRole('spinbutton', { name: 'Scale-down policy 2 period' }).inputValue()).toBe(
      '60',
    );
    await page.getByRole('button', { name: 'Remove scale-down policy 2' }).click();
    expect(await page.getByTestId('scaleDown-policy').count()).toBe(1);
    await page.getByRole('button', { name: 'Reset behavior to the profile’s defaults' }).click();
    expect(await downWindow.inputValue()).toBe('30');
    expect(await dash.behaviorSummary()).toMatch(/scale-down window 30 s \(applies when on\)/);
    // Every control of the opened section has an accessible name too.
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { role?: { value: string }; name?: { value: string }; ignored: boolean }[];
    };
    const unnamed = nodes.filter(
      (n) =>
        !n.ignored &&
        ['button', 'spinbutton', 'combobox'].includes(n.role?.value ?? '') &&
        !n.name?.value?.trim(),
    );
    expect(unnamed.map((n) => n.role?.value)).toEqual([]);
  });

  it('names the what-if’s behavior form apart from the autoscaler’s, both open at once', async () => {
    const dash = new DashboardPage(page);
    await dash.openBehavior();
    await dash.openWhatIfBehavior();
    for (const [role, name] of [
      ['spinbutton', 'Scale-down stabilization window'],
      ['spinbutton', 'What-if scale-down stabilization window'],
      ['spinbutton', 'Scale-up stabilization window'],
      ['spinbutton', 'What-if scale-up stabilization window'],
      ['combobox', 'What-if scale-down select policy'],
      ['spinbutton', 'What-if scale-up policy 1 value'],
      ['button', 'What-if add scale-down policy'],
      ['button', 'Add scale-down policy'],
      ['button', 'What-if reset behavior to the profile’s defaults'],
    ] as const) {
      const count = await page.getByRole(role, { name, exact: true }).count();
      expect(count, `${role} "${name}"`).toBe(1);
    }
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { role?: { value: string }; name?: { value: string }; ignored: boolean }[];
    };
    const named = nodes.filter(
      (n) => !n.ignored && ['button', 'spinbutton', 'combobox'].includes(n.role?.value ?? ''),
    );
    expect(named.filter((n) => !n.name?.value?.trim()).map((n) => n.role?.value)).toEqual([]);
    // No two controls of the same role share a name, but each chart's own PromQL button (one per
    // figure, found through its figure's name).
    const keys = named
      .map((n) => `${n.role?.value} ${n.name?.value}`)
      .filter((key) => key !== 'button PromQL');
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it('switches theme and presentation mode', async () => {
    const app = page.locator('.app');
    await page.getByRole('switch', { name: 'Dark theme' }).uncheck();
    expect(await app.getAttribute('data-theme')).toBe('light');
    const size = () => app.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const normal = await size();
    await page.getByRole('switch', { name: 'Presentation mode' }).check();
    expect(await size()).toBeGreaterThan(normal * 1.2);
    await page.getByRole('switch', { name: 'Presentation mode' }).uncheck();
    await page.getByRole('switch', { name: 'Dark theme' }).check();
    expect(await app.getAttribute('data-theme')).toBe('dark');
  });
});
