/**
 * bench:demo — a first run with warm images, as a new user has it: the main command (browser mode),
 * the dashboard in Chromium, and the time until the autoscaler first scales out, with the clicks it
 * took. The first-run path ("Play the autoscaling demo": deploy + the built-in scenario) is measured
 * against the manual path in the same run: Deploy → Autoscaler on → Start load with the dashboard's
 * default form values, waited for up to --bound seconds. Each path starts with no stack.
 *
 *   node scripts/bench/demo.ts [--bound 150] [--stack bench-demo] [--manual-load RPS,READS] [--demo-only]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs, promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../../e2e/app/support/browser.ts';
import { offlineSettingsFile } from '../lib/offline-images.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOAL = { seconds: 60, clicks: 2 };
const DEMO_BUTTON = 'Play the autoscaling demo';
const DEMO_SCENARIO = 'autoscaling-90s';

const { values } = parseArgs({
  options: {
    bound: { type: 'string', default: '150' },
    stack: { type: 'string', default: 'bench-demo' },
    /**
     * RPS,READS: the manual path sets the load form to these before Start load (e.g. 100,85 to try
     * other defaults through the same clicks); without it the form keeps the dashboard's defaults.
     */
    'manual-load': { type: 'string' },
    /** Only the first-run demo (no baseline): a quick look while working on it. */
    'demo-only': { type: 'boolean', default: false },
  },
});
const boundSeconds = Number(values.bound);
const manualLoad = values['manual-load']?.split(',').map(Number) ?? null;
if (manualLoad !== null && (manualLoad.length !== 2 || manualLoad.some((n) => !Number.isFinite(n)))) {
  console.error(`bench:demo: --manual-load takes RPS,READS (e.g. 100,85), not "${values['manual-load']}"`);
  process.exit(2);
}
const stack = values.stack;

const missing = chromiumMissing();
if (missing) {
  console.error(`bench:demo: ${missing}`);
  process.exit(2);
}
const settings = await offlineSettingsFile();
const run = promisify(execFile);

/** The CLI on the bench's stack (deploy for the warm-up, down between the paths). */
async function cli(...args: string[]): Promise<void> {
  await run(
    process.execPath,
    [path.join(ROOT, 'electron/cli.ts'), '--stack', stack, '--settings', settings, ...args],
    {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

interface Seen {
  deployDone: number | null;
  scaleOut: { at: number; from: number; to: number } | null;
  /** Every replica change and the scenario's story, for the lines that explain a miss. */
  story: { at: number; text: string }[];
  lastDecision: string | null;
}

/** The session's events over SSE from the first one (lastEventId=0), into `seen`. */
async function followEvents(url: string, seen: Seen, signal: AbortSignal): Promise<void> {
  const response = await fetch(new URL('api/events?lastEventId=0', url), { signal });
  if (response.body === null) throw new Error('the event stream has no body');
  // readline reads Node streams; fetch gives a web stream.
  const lines = createInterface({ input: Readable.fromWeb(response.body as WebReadableStream) });
  for await (const line of lines) {
    if (!line.startsWith('data: ')) continue;
    const event = JSON.parse(line.slice(6)) as {
      type: string;
      at: number;
      step?: string;
      status?: string;
      source?: string;
      from?: number;
      to?: number;
      detail?: string;
      error?: { message: string };
      kind?: string;
      report?: { rate: number };
      decision?: { reason: string };
    };
    if (event.type === 'scale')
      seen.story.push({ at: event.at, text: `${event.from}→${event.to} (${event.source})` });
    if (event.type === 'scenario' && event.status !== 'step' && event.status !== 'expectation')
      seen.story.push({
        at: event.at,
        // The start's detail is the description: a paragraph.
        text: `scenario ${event.status}${event.detail && event.status !== 'started' ? `: ${event.detail}` : ''}`,
      });
    if (event.type === 'error') seen.story.push({ at: event.at, text: `error: ${event.error?.message}` });
    if (event.type === 'load' && event.kind !== 'changed')
      seen.story.push({ at: event.at, text: `load ${event.kind} at ${event.report?.rate} req/s` });
    if (event.type === 'autoscaler') seen.lastDecision = event.decision?.reason ?? null;
    if (event.type === 'deploy' && event.step === 'deploy' && event.status === 'done')
      seen.deployDone ??= event.at;
    if (
      event.type === 'scale' &&
      event.source === 'autoscaler' &&
      (event.to ?? 0) > (event.from ?? 0) &&
      seen.scaleOut === null
    )
      seen.scaleOut = { at: event.at, from: event.from ?? 0, to: event.to ?? 0 };
  }
}

/** How the scenario sized its load, when one played. */
async function calibrationOf(url: string): Promise<string[]> {
  const status = (await invoke(url, 'scenario:status', {}).catch(() => null)) as {
    calibration: { perReplicaRps: number; basis: string } | null;
  } | null;
  const calibration = status?.calibration;
  return calibration
    ? [`calibration ${calibration.perReplicaRps.toFixed(1)} req/s per replica (${calibration.basis})`]
    : [];
}

async function invoke(url: string, channel: string, input: object): Promise<unknown> {
  const response = await fetch(new URL(`api/invoke/${channel}`, url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${channel}: ${body.error?.message ?? response.status}`);
  return body.value;
}

/** Starts the main command; resolves with the URL it prints and when it printed it. */
function startMainCommand(): Promise<{ child: ChildProcess; url: string; startedAt: number; urlAt: number }> {
  const startedAt = Date.now();
  const child = spawn(
    process.execPath,
    ['scripts/start.mjs', '--browser', '--stack', stack, '--port', '0', '--settings', settings],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = line.trim();
      if (/^https?:\/\//.test(url)) resolve({ child, url, startedAt, urlAt: Date.now() });
    });
    child.once('exit', (code) =>
      reject(new Error(`the main command exited with ${code} before its URL:\n${stderr}`)),
    );
  });
}

async function stopMainCommand(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => T | null, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== null || Date.now() > deadline) return value;
    await sleep(200);
  }
}

interface PathResult {
  name: string;
  clicks: number;
  how: string;
  dashboardUpS: number;
  deployS: number | null;
  scaleOutS: number | null;
  scaleOut: Seen['scaleOut'];
  story: string[];
}

type Driver = (
  page: Page,
  url: string,
  seen: Seen,
) => Promise<{ clicks: number; how: string; firstClickAt: number }>;

/** Clicks the first-run button; where the dashboard has none yet, the same request over HTTP (one click). */
const firstRunDemo: Driver = async (page, url) => {
  const button = page.getByRole('button', { name: DEMO_BUTTON });
  const shown = await button.waitFor({ timeout: 10_000 }).then(
    () => true,
    () => false,
  );
  const firstClickAt = Date.now();
  if (shown) {
    await button.click();
    return { clicks: 1, how: `the "${DEMO_BUTTON}" button`, firstClickAt };
  }
  await invoke(url, 'scenario:play', { name: DEMO_SCENARIO, deploy: true });
  return {
    clicks: 1,
    how: `scenario:play over HTTP, counted as 1 click (the dashboard shows no "${DEMO_BUTTON}" button yet)`,
    firstClickAt,
  };
};

/** Deploy, Autoscaler on, Start load: each with the values the dashboard's forms start with. */
const manualPath: Driver = async (page, _url, seen) => {
  const firstClickAt = Date.now();
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  if ((await until(() => seen.deployDone, 300_000)) === null) throw new Error('the deploy never finished');
  const toggle = page.getByRole('switch', { name: 'Autoscaler' });
  await toggle.waitFor();
  await page.waitForFunction(
    () =>
      !(document.querySelector('input[role="switch"][aria-label="Autoscaler"]') as HTMLInputElement | null)
        ?.disabled,
  );
  await toggle.click();
  if (manualLoad !== null) {
    await page.getByRole('spinbutton', { name: 'Request rate', exact: true }).fill(String(manualLoad[0]));
    await page.getByRole('spinbutton', { name: 'Reads', exact: true }).fill(String(manualLoad[1]));
  }
  const start = page.getByRole('button', { name: 'Start load' });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('button')].some((b) => b.textContent === 'Start load' && !b.disabled),
  );
  await start.click();
  const form =
    manualLoad === null
      ? 'the dashboard’s default values'
      : `the load form set to ${manualLoad[0]} req/s, ${manualLoad[1]} % reads first`;
  return { clicks: 3, how: `Deploy, Autoscaler on, Start load (${form})`, firstClickAt };
};

async function measure(browser: Browser, name: string, drive: Driver): Promise<PathResult> {
  await cli('down', '--volumes').catch(() => {});
  const { child, url, startedAt, urlAt } = await startMainCommand();
  const seen: Seen = { deployDone: null, scaleOut: null, story: [], lastDecision: null };
  const stopEvents = new AbortController();
  const events = followEvents(url, seen, stopEvents.signal).catch(() => {});
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  try {
    await page.goto(url);
    await page.getByRole('button', { name: 'Deploy', exact: true }).waitFor({ timeout: 60_000 });
    const dashboardUpS = (Date.now() - startedAt) / 1000;
    const { clicks, how, firstClickAt } = await drive(page, url, seen);
    const deployDone = await until(() => seen.deployDone, 300_000);
    const scaleOut = await until(() => seen.scaleOut, boundSeconds * 1000 - (Date.now() - firstClickAt));
    return {
      name,
      clicks,
      how,
      dashboardUpS: Math.max(dashboardUpS, (urlAt - startedAt) / 1000),
      deployS: deployDone === null ? null : (deployDone - firstClickAt) / 1000,
      scaleOutS: scaleOut === null ? null : (scaleOut.at - startedAt) / 1000,
      scaleOut,
      story: [
        ...seen.story.map(({ at, text }) => `${((at - startedAt) / 1000).toFixed(0)} s ${text}`),
        ...(seen.lastDecision === null ? [] : [`last autoscaler decision: ${seen.lastDecision}`]),
        ...(await calibrationOf(url)),
      ],
    };
  } finally {
    await page.close();
    await invoke(url, 'scenario:stop', {}).catch(() => {});
    await invoke(url, 'load:stop', {}).catch(() => {});
    stopEvents.abort();
    await events;
    await stopMainCommand(child);
    await cli('down', '--volumes').catch(() => {});
  }
}

// A warm machine has its packages installed: the main command would run npm ci first otherwise,
// which in a shared checkout removes the packages from under everyone else's running tests.
for (const dir of [ROOT, path.join(ROOT, 'service')]) {
  const stamp = path.join(dir, 'node_modules', '.scaledeck-lock.sha256');
  const lock = createHash('sha256')
    .update(readFileSync(path.join(dir, 'package-lock.json'), 'utf8'))
    .digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== lock) {
    console.error(
      `bench:demo: the packages in ${path.relative(ROOT, dir) || '.'} are not stamped as installed from its lockfile; ` +
        'run `npm start -- --prepare-only` first (it runs npm ci) so the bench times a warm start',
    );
    process.exit(2);
  }
}

// Warm-up, not timed: the build up to date, the API image built, no stack left.
await run(process.execPath, ['scripts/start.mjs', '--prepare-only'], {
  cwd: ROOT,
  maxBuffer: 64 * 1024 * 1024,
});
await cli('deploy', '--replicas', '1');
await cli('down', '--volumes');

const browser = await launchChromium();
let demo: PathResult;
let manual: PathResult | null = null;
try {
  if (!values['demo-only']) manual = await measure(browser, 'manual path', manualPath);
  demo = await measure(browser, 'first-run demo', firstRunDemo);
} finally {
  await browser.close();
}

const s = (value: number | null) => (value === null ? '-' : `${value.toFixed(1)} s`);
function line(result: PathResult): string {
  const out =
    result.scaleOut === null
      ? `no scale-out within ${boundSeconds} s of the first click`
      : `first scale-out ${s(result.scaleOutS)} after the command (${result.scaleOut.from} → ${result.scaleOut.to})`;
  return (
    `  ${result.name.padEnd(15)} ${result.clicks} click${result.clicks === 1 ? '' : 's'} (${result.how})\n` +
    `                  dashboard up ${s(result.dashboardUpS)}, deploy ${s(result.deployS)}, ${out}\n` +
    `                  after the command: ${result.story.join(', ') || 'nothing happened'}`
  );
}
console.log(
  `bench:demo  load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores, warm images`,
);
if (manual !== null) console.log(line(manual) + '   (baseline)');
console.log(line(demo));
if (manual === null) console.log('  ratio: - (--demo-only: no baseline measured)');
else if (demo.scaleOutS !== null && manual.scaleOutS !== null)
  console.log(
    `  ratio demo/baseline ${(demo.scaleOutS / manual.scaleOutS).toFixed(2)}x (time to the first scale-out)`,
  );
else if (demo.scaleOutS !== null)
  console.log(
    `  ratio demo/baseline < ${(demo.scaleOutS / (manual.dashboardUpS + boundSeconds)).toFixed(2)}x (the baseline never scaled out within its ${boundSeconds} s)`,
  );
else console.log('  ratio: - (the demo did not scale out)');
console.log(
  `  ratio to the dashboard-up time alone: ${demo.scaleOutS === null ? '-' : `${(demo.scaleOutS / demo.dashboardUpS).toFixed(1)}x`}`,
);
const met = demo.scaleOutS !== null && demo.scaleOutS <= GOAL.seconds && demo.clicks <= GOAL.clicks;
console.log(`  goal ≤ ${GOAL.seconds} s and ≤ ${GOAL.clicks} clicks: ${met ? 'met' : 'not met'}`);
process.exit(0);
