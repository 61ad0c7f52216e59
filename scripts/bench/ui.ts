/**
 * bench:ui — the dashboard in Chromium with eight charts holding 15 minutes at 1 s resolution
 * (13 series, 900 points each), fed one update per simulated second. For each update it times
 * the main-thread work from the store's frame flush through React's render and commit to a
 * forced style and layout (paint excluded), and reports p50/p95/max against the 16 ms goal, the
 * same measurement on a frame with no update as the baseline (the measuring floor), the machine's
 * load (other work on a small machine inflates the tail) and the JS heap after GC.
 *
 *   node scripts/bench/ui.ts [--updates 300] [--width 1600] [--height 1000]
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../../e2e/app/support/browser.ts';
import { startDemoServer, valuesAt } from '../../e2e/app/support/demo-server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOAL_MS = 16;
const POINTS = 900;

const { values } = parseArgs({
  options: {
    updates: { type: 'string', default: '300' },
    width: { type: 'string', default: '1600' },
    height: { type: 'string', default: '1000' },
    'no-build': { type: 'boolean', default: false },
  },
});
const updates = Number(values.updates);

const missing = chromiumMissing();
if (missing) {
  console.error(`bench:ui: ${missing}`);
  process.exit(2);
}
if (!values['no-build'])
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1]!,
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

/** One frame: a marker callback, then (optionally) the store's flush and React's commit, then layout. */
function timeFrame(page: Page, points: unknown[] | null): Promise<number> {
  return page.evaluate((batch) => {
    const store = (
      window as unknown as { __scaledeckStore: { getState(): { queuePoints(p: unknown[]): void } } }
    ).__scaledeckStore;
    return new Promise<number>((resolve) => {
      let t0 = 0;
      // rAF callbacks run in registration order: marker, the store's flush (React renders in the
      // microtask checkpoint right after it), then the measuring callback.
      requestAnimationFrame(() => {
        t0 = performance.now();
      });
      if (batch) store.getState().queuePoints(batch);
      requestAnimationFrame(() => {
        void document.body.getBoundingClientRect().height;
        resolve(performance.now() - t0);
      });
    });
  }, points);
}

const demo = await startDemoServer({ points: POINTS, stepMs: 1000, live: false });
const browser = await launchChromium();
try {
  const page = await browser.newPage({
    viewport: { width: Number(values.width), height: Number(values.height) },
  });
  await page.goto(`${demo.url}?bench`);
  await page.getByRole('button', { name: 'Last 15 min' }).click();
  await page.waitForFunction(
    () => document.querySelectorAll('figure.chart .series-paths path[d^="M"]').length >= 13,
    undefined,
    { timeout: 30_000 },
  );
  const charts = await page.locator('figure.chart').count();
  const series = await page.locator('figure.chart .series-paths path').count();

  // Warm-up (JIT, first layouts), then the measured runs.
  let t = Math.floor(Date.now() / 1000) * 1000;
  const batchAt = (time: number) => valuesAt(time).map((p) => ({ ...p, t: time }));
  for (let i = 0; i < 20; i++) await timeFrame(page, batchAt((t += 1000)));
  const baseline: number[] = [];
  const measured: number[] = [];
  for (let i = 0; i < updates; i++) {
    measured.push(await timeFrame(page, batchAt((t += 1000))));
    if (i % 5 === 0) baseline.push(await timeFrame(page, null));
  }

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);

  const u = summary(measured);
  const b = summary(baseline);
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  console.log(`bench:ui  Chromium ${browser.version()}, viewport ${values.width}x${values.height}`);
  console.log(
    `  charts ${charts}, series ${series}, ${POINTS} points per series (15 min at 1 s), window 15 min`,
  );
  console.log(
    `  updates measured: ${measured.length} (one point per series each), baseline frames: ${baseline.length}`,
  );
  console.log(`  time per update  p50 ${ms(u.p50)}  p95 ${ms(u.p95)}  max ${ms(u.max)}  mean ${ms(u.mean)}`);
  console.log(
    `  empty frame      p50 ${ms(b.p50)}  p95 ${ms(b.p95)}  (baseline: the same frame with no update)`,
  );
  console.log(
    `  p95 / goal: ${(u.p95 / GOAL_MS).toFixed(2)}x of ${GOAL_MS} ms; machine load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs`,
  );
  console.log(
    `  JS heap after GC: ${mb(heap.usedSize)} used of ${mb(heap.totalSize)}; DOM nodes ${domNodes}`,
  );
  console.log(
    `  goal: p95 <= ${GOAL_MS} ms per update -> ${u.p95 <= GOAL_MS ? 'met' : 'NOT met'} (${ms(u.p95)})`,
  );
} finally {
  await browser.close();
  await demo.close();
}
