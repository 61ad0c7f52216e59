/**
 * The same dashboard flow through the Electron app with Playwright's `_electron`, against a real
 * Docker stack. Runs when an Electron runtime is installed; otherwise skipped with the reason
 * (here the npm package is installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, so it is skipped).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { findElectron } from '../../electron/launch.ts';
import { DashboardPage } from './pages/dashboard-page.ts';
import { ROOT } from './support/browser-mode.ts';
import { dashboardFlow } from './support/flow.ts';
import { dockerMissing, offlineSettings } from './support/setup.ts';
import { removeLeftoverContainers } from './support/stack-cleanup.ts';

const run = promisify(execFile);
const ARTIFACTS = path.join(ROOT, 'artifacts/e2e-electron');
const STACK = `uie-${randomBytes(3).toString('hex')}`;
const runtime = findElectron();
const skipReason =
  'missing' in runtime ? `Electron runtime not installed: ${runtime.missing}` : await dockerMissing();
if (skipReason) console.warn(`[e2e/app] Electron flow skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('dashboard in the Electron app against a real Docker stack', () => {
  let app: ElectronApplication;
  let page: Page;
  let tmp: string;
  let downloads: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    tmp = await mkdtemp(path.join(tmpdir(), 'scaledeck-e2e-electron-'));
    downloads = path.join(tmp, 'downloads');
    await mkdir(downloads);
    const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
    for (const mode of [[], ['--mode', 'main'], ['--mode', 'preload']])
      await run(process.execPath, [vite, 'build', '--logLevel', 'warn', ...mode], { cwd: ROOT });
    const settingsFile = path.join(tmp, 'settings.json');
    await writeFile(
      settingsFile,
      JSON.stringify({ ...(await offlineSettings()), scryptCost: 1024, drainSeconds: 3 }, null, 2),
    );
    app = await _electron.launch({
      executablePath: (runtime as { path: string }).path,
      args: [path.join(ROOT, 'dist/electron/main.mjs'), `--settings=${settingsFile}`],
      env: { ...process.env, SCALEDECK_STACK: STACK, SCALEDECK_DOWNLOADS_DIR: downloads },
    });
    page = await app.firstWindow();
    await page.setViewportSize({ width: 1600, height: 1000 });
    await new DashboardPage(page).open(page.url());
  });

  afterAll(async () => {
    if (page)
      await page
        .evaluate(() =>
          (
            window as unknown as { scaledeck: { stackTeardown(i: unknown): Promise<unknown> } }
          ).scaledeck.stackTeardown({
            deleteVolumes: true,
          }),
        )
        .catch(() => undefined);
    await app?.close();
    await removeLeftoverContainers(STACK);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  dashboardFlow(() => ({
    page,
    artifacts: ARTIFACTS,
    readmeScreenshot: false,
    async exportFile(dash, kind) {
      // Electron saves downloads straight into SCALEDECK_DOWNLOADS_DIR (no dialog).
      const extension = kind.toLowerCase();
      const before = new Set(await readdir(downloads));
      await dash.page.getByRole('button', { name: `Export ${kind}` }).click();
      let file: string | undefined;
      await dash.waitFor(
        async () => {
          file = (await readdir(downloads)).find((f) => f.endsWith(`.${extension}`) && !before.has(f));
          return file !== undefined;
        },
        60_000,
        `${kind} export saved`,
      );
      return readFile(path.join(downloads, file!));
    },
  }));
});
