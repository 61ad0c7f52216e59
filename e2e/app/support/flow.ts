// The dashboard flow of issue 5, item 4, shared by the browser-mode spec and the Electron spec:
// deploy; Replicas slider 1 -> 3 and three ready rows; "about N fit" and the warning past N; load and a rising rate chart; an
// autoscaler decision on the timeline; a killed replica replaced; PNG and CSV exports.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { DashboardPage } from '../pages/dashboard-page.ts';
import { ROOT } from './browser-mode.ts';
import { pngSize } from './png.ts';

export interface FlowContext {
  page: Page;
  /** Clicks "Export <kind>" and returns the saved file's bytes. */
  exportFile(dash: DashboardPage, kind: 'PNG' | 'CSV'): Promise<Buffer>;
  /** Where screenshots go (artifacts/e2e/<name>). */
  artifacts: string;
  /** Only the browser-mode run refreshes the README's screenshot. */
  readmeScreenshot: boolean;
}

export function dashboardFlow(context: () => FlowContext): void {
  const dash = () => new DashboardPage(context().page);
  const shot = async (name: string) => {
    await mkdir(context().artifacts, { recursive: true });
    await context().page.screenshot({ path: path.join(context().artifacts, `${name}.png`), fullPage: true });
  };

  it('deploys from the Deploy button and shows the progress', { timeout: 600_000 }, async () => {
    await dash().deploy(540_000);
    await expect.poll(() => dash().readyReplicas(), { timeout: 120_000 }).toBeGreaterThan(0);
    await shot('01-deployed');
  });

  it('moves the Replicas slider 1 -> 3 and shows three ready replicas', { timeout: 240_000 }, async () => {
    const d = dash();
    await d.setReplicasNumber(1);
    await expect.poll(() => d.replicaIds('ready'), { timeout: 90_000 }).toHaveLength(1);
    await expect.poll(() => d.replicaRows().count(), { timeout: 60_000 }).toBe(1);
    await d.moveReplicasSliderTo(3);
    expect(await d.replicasSlider().inputValue()).toBe('3');
    await expect.poll(() => d.replicaIds('ready'), { timeout: 150_000 }).toHaveLength(3);
    expect(await d.readyReplicas()).toBe(3);
    await shot('02-three-replicas');
  });

  it(
    'shows how many replicas fit beside the slider, and a warning once the slider goes past it',
    { timeout: 180_000 },
    async () => {
      const d = dash();
      await expect.poll(() => d.replicasThatFit(), { timeout: 30_000 }).not.toBeNull();
      const fit = (await d.replicasThatFit()) ?? 0;
      expect(fit).toBeGreaterThan(0);
      expect(await d.replicasWarning().count()).toBe(3 > fit ? 1 : 0);
      const sliderMax = Number(await d.replicasSlider().getAttribute('max'));
      if (fit + 1 > sliderMax) return; // nothing past the estimate on this slider
      await d.moveReplicasSliderTo(fit + 1);
      await expect
        .poll(() => d.replicasWarning().textContent(), { timeout: 10_000 })
        .toMatch(
          /^About \d+ fit: (past that, replicas share the CPU, so each gets less than its limit|the rest will stay Pending until a node has CPU for them)\.$/,
        );
      expect(await d.replicasWarning().textContent()).toContain(`About ${fit} fit:`);
      // The autoscaler form's Max warns the same way (read only: the next steps use its values).
      const autoscaler = context().page.getByRole('region', { name: 'Autoscaler' });
      const max = Number(await autoscaler.getByRole('spinbutton', { name: 'Max replicas' }).inputValue());
      expect(await autoscaler.getByText(`About ${fit} fit:`).count()).toBe(max > fit ? 1 : 0);
      await shot('02b-past-the-estimate');
      // Back to three, which the next steps expect.
      await d.setReplicasNumber(3);
      await expect.poll(() => d.replicasWarning().count(), { timeout: 10_000 }).toBe(3 > fit ? 1 : 0);
      await expect.poll(() => d.replicaIds('ready'), { timeout: 150_000 }).toHaveLength(3);
      await expect.poll(() => d.replicaRows().count(), { timeout: 90_000 }).toBe(3);
    },
  );

  it('starts load and the request rate chart rises', { timeout: 180_000 }, async () => {
    const d = dash();
    await d.startLoad(80);
    await expect
      .poll(() => d.latestValue('Request rate', 'requests'), { timeout: 120_000, interval: 1000 })
      .toBeGreaterThan(20);
    await shot('03-load');
  });

  it('turns the autoscaler on and a decision lands on the timeline', { timeout: 180_000 }, async () => {
    const d = dash();
    await d.setAutoscaler(true);
    await expect.poll(() => d.timelineItems('autoscaler').count(), { timeout: 150_000 }).toBeGreaterThan(0);
    await expect(context().page.getByTestId('last-decision').textContent()).resolves.toMatch(/→/);
    // The slider says who owns the count, and does not fight it.
    expect(await d.replicasSlider().isDisabled()).toBe(true);
    await shot('04-autoscaler');
    await d.setAutoscaler(false);
  });

  it(
    'edits the scale-down window in Behavior: a bad value is refused beside the field, a good one applied',
    { timeout: 60_000 },
    async () => {
      const d = dash();
      await d.setAutoscaler(true);
      await d.openBehavior();
      const downWindow = d.behaviorWindow('Scale-down');
      const before = await d.behaviorSummary();
      expect(before).toMatch(/scale-down window \d+ s/);
      // Out of the autoscaling/v2 range: the core's error appears under the field it names.
      await downWindow.fill('4000');
      await expect
        .poll(() => d.errorOf(downWindow), { timeout: 15_000 })
        .toMatch(/behavior\.scaleDown\.stabilizationWindowSeconds: must be between 0 and 3600/);
      expect(await downWindow.getAttribute('aria-invalid')).toBe('true');
      expect(await d.behaviorSummary()).toBe(before);
      await downWindow.fill('45');
      await expect.poll(() => d.behaviorSummary(), { timeout: 15_000 }).toMatch(/scale-down window 45 s/);
      expect(await d.errorOf(downWindow)).toBeNull();
      await shot('04b-behavior');
      await d.setAutoscaler(false);
    },
  );

  it('kills a replica and the table shows it replaced', { timeout: 240_000 }, async () => {
    const d = dash();
    // The autoscaler left one replica: kill one of three, as in a demo, so the others carry the load.
    await expect.poll(() => d.replicasSlider().isDisabled(), { timeout: 30_000 }).toBe(false);
    await d.moveReplicasSliderTo(3);
    // The autoscaler was just switched off and may have left a replica starting or draining: wait
    // until none is in transit and the ready count matches the desired one, so "replaced" compares
    // like with like.
    await expect
      .poll(
        async () => {
          const [starting, draining, ready, desired] = await Promise.all([
            d.replicaIds('starting'),
            d.replicaIds('draining'),
            d.replicaIds('ready'),
            d.desiredReplicas(),
          ]);
          return starting.length + draining.length === 0 && ready.length === 3 && desired === 3;
        },
        { timeout: 150_000, interval: 500 },
      )
      .toBe(true);
    const before = await d.replicaIds('ready');
    await d.killReplica();
    await expect.poll(() => d.timelineItems('chaos').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect
      .poll(
        async () => {
          const ready = await d.replicaIds('ready');
          return ready.length === before.length && ready.some((id) => !before.includes(id));
        },
        { timeout: 180_000, interval: 500 },
      )
      .toBe(true);
    await shot('05-replaced');
  });

  it('exports a PNG of the dashboard and a CSV of its series and events', { timeout: 120_000 }, async () => {
    const d = dash();
    await d.stopLoad();
    const png = await context().exportFile(d, 'PNG');
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThanOrEqual(1200);
    expect(height).toBeGreaterThanOrEqual(800);
    expect(png.length).toBeGreaterThan(60_000);

    const lines = (await context().exportFile(d, 'CSV')).toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('kind,time,epoch_ms,chart,series,unit,value,event');
    const ratePoints = lines.filter((l) => l.startsWith('point,') && l.includes(',requestRate,'));
    // One point per feed tick (2 s) since the stack came up; the load made some of them non-zero.
    expect(ratePoints.length).toBeGreaterThanOrEqual(5);
    expect(ratePoints.some((l) => Number(l.split(',')[6]) > 0)).toBe(true);
    expect(lines.some((l) => l.startsWith('event,') && l.includes(',chaos,'))).toBe(true);

    // The README's picture: the last minute (this run is short) in the dark theme.
    const page = context().page;
    await page.getByRole('button', { name: 'Last 1 min' }).click();
    await page.getByRole('switch', { name: 'Dark theme' }).check();
    await page.waitForTimeout(500);
    await shot('dashboard');
    // Refreshed on request only, so ordinary runs leave the tree clean.
    if (context().readmeScreenshot && process.env.SCALEDECK_UPDATE_SCREENSHOT === '1')
      await copyFile(
        path.join(context().artifacts, 'dashboard.png'),
        path.join(ROOT, 'renderer/docs/screenshot.png'),
      );
  });
}
