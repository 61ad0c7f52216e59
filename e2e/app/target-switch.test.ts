/**
 * The target picker in Chromium against the real browser-mode server: it lists Docker and every
 * kube context of KUBECONFIG with its reachability; choosing an unreachable context shows why and
 * snaps back to the session's target. As root, the local cluster's context is on the list too:
 * switching to it moves every open tab (the server's event), and switching back re-attaches.
 * That part holds the cluster for seconds; run the file under the cluster lock with
 * SCALEDECK_KEEP_CLUSTER=1 (README). Skips with a message without Chromium or a Docker engine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardPage } from './pages/dashboard-page.ts';
import { TargetPickerPage } from './pages/target-picker.ts';
import { chromiumMissing, launchChromium } from './support/browser.ts';
import { startBrowserMode, type BrowserMode } from './support/browser-mode.ts';
import { buildRenderer, dockerMissing, offlineSettings } from './support/setup.ts';
import { localClusterDownUnlessKept, localClusterUp } from '../../electron/test-support/local-cluster.ts';

const skipReason = chromiumMissing() ?? (await dockerMissing());
if (skipReason) console.warn(`[e2e/app] target switch skipped: ${skipReason}`);
const isRoot = process.getuid?.() === 0;

/** A port nothing listens on any more: an apiserver there refuses at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(skipReason !== null)('target picker (browser mode)', () => {
  let server: BrowserMode;
  let browser: Browser;
  let tmp: string;
  let first: Page;
  let second: Page;
  let cluster: string | null = null;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'scaledeck-target-'));
    await buildRenderer();
    const settingsFile = path.join(tmp, 'settings.json');
    await writeFile(settingsFile, JSON.stringify(await offlineSettings()));
    const gone = path.join(tmp, 'gone.yaml');
    await writeFile(
      gone,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: scaledeck-gone',
        'clusters:',
        `- { name: gone, cluster: { server: "https://127.0.0.1:${await closedPort()}" } }`,
        'users:',
        '- { name: gone, user: { token: not-a-token } }',
        'contexts:',
        '- { name: scaledeck-gone, context: { cluster: gone, user: gone } }',
        '',
      ].join('\n'),
    );
    if (isRoot) {
      try {
        cluster = await localClusterUp();
      } catch (error) {
        console.warn(
          `[e2e/app] target switch: no local cluster, its part is skipped (${(error as Error).message})`,
        );
      }
    } else console.warn('[e2e/app] target switch: the local cluster needs root, its part is skipped');
    const kubeconfig = [cluster, gone].filter((f) => f !== null).join(path.delimiter);
    // A stack of its own that is never deployed, on Docker and on the cluster alike.
    server = await startBrowserMode({
      stack: `uit-${randomBytes(3).toString('hex')}`,
      settingsFile,
      env: { KUBECONFIG: kubeconfig },
    });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    first = await context.newPage();
    second = await context.newPage();
    await new DashboardPage(first).open(server.url);
    await new DashboardPage(second).open(server.url);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
    if (cluster !== null) await localClusterDownUnlessKept();
  }, 120_000);

  it('lists Docker and every kube context with its reachability, on the session’s target', async () => {
    const picker = new TargetPickerPage(first);
    await picker.waitForTarget('kubernetes:scaledeck-gone');
    await picker.waitForCurrent('docker');
    expect(await picker.optionText('docker')).toBe('Docker · Local Docker engine');
    expect(await picker.optionText('kubernetes:scaledeck-gone')).toBe(
      'Kubernetes · Kubernetes: scaledeck-gone (unavailable)',
    );
    if (cluster !== null)
      expect(await picker.optionText('kubernetes:scaledeck-local')).toBe(
        'Kubernetes · Kubernetes: scaledeck-local',
      );
    await first.getByText('unavailable: why and how to fix').click();
    await first.getByText('Fix: start that cluster or refresh its credentials, then refresh').waitFor();
  });

  it('an unreachable context: the reason and the fix, and the picker snaps back to Docker', async () => {
    const picker = new TargetPickerPage(first);
    await picker.choose('kubernetes:scaledeck-gone');
    await picker.error().waitFor();
    const message = (await picker.error().textContent()) ?? '';
    expect(message).toMatch(/Kubernetes: scaledeck-gone is unavailable: .*scaledeck-gone/);
    expect(message).toMatch(/Fix: start that cluster or refresh its credentials/);
    expect(message).toMatch(/Still on Local Docker engine\./);
    await picker.waitForCurrent('docker');
    await picker
      .timelineEntry('Switch to Kubernetes: scaledeck-gone failed, still on Local Docker engine')
      .first()
      .waitFor();
    // The other tab never left Docker either.
    await new TargetPickerPage(second).waitForCurrent('docker');
  });

  it('switches to the local cluster and back; every open tab follows', async (ctx) => {
    if (cluster === null) ctx.skip();
    const picker = new TargetPickerPage(first);
    const other = new TargetPickerPage(second);
    await picker.waitForTarget('kubernetes:scaledeck-local');
    await picker.choose('kubernetes:scaledeck-local');
    await picker.waitForCurrent('kubernetes:scaledeck-local');
    await other.waitForCurrent('kubernetes:scaledeck-local');
    expect(await picker.error().count()).toBe(0);
    expect(await server.invoke<{ target: string }>('stack:status')).toMatchObject({ target: 'kubernetes' });
    await picker
      .timelineEntry('Switched target: Local Docker engine → Kubernetes: scaledeck-local')
      .first()
      .waitFor();
    await first.getByRole('status', { name: 'Stack Not deployed' }).waitFor();

    // Back from the other tab: the session re-attaches to Docker and the first tab follows.
    await other.choose('docker');
    await other.waitForCurrent('docker');
    await picker.waitForCurrent('docker');
    expect(await server.invoke<{ target: string }>('stack:status')).toMatchObject({ target: 'docker' });
    await other
      .timelineEntry('Switched target: Kubernetes: scaledeck-local → Local Docker engine')
      .first()
      .waitFor();
  });
});
