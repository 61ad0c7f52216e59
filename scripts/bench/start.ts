/**
 * bench:start — the main command on a warm machine, from its start to the dashboard URL it prints
 * (browser mode: where the Electron runtime exists it opens the window instead, which this cannot
 * time), against the same command with a full rebuild (SCALEDECK_FORCE_BUILD=1), which is what
 * every start cost before the build became incremental. Rounds alternate which goes first.
 *
 *   node scripts/bench/start.ts [--rounds 3]
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { offlineSettingsFile } from '../lib/offline-images.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOAL_S = 3;
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);
const settings = await offlineSettingsFile();

/** Seconds from spawning the main command to its URL line; the server is stopped by its PID. */
function timeToUrl(env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['scripts/start.mjs', '--browser', '--stack', 'bench-start', '--port', '0', '--settings', settings],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let seconds: number | null = null;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (seconds !== null || !/^https?:\/\//.test(line.trim())) return;
      seconds = (performance.now() - started) / 1000;
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => {
      if (seconds !== null) resolve(seconds);
      else reject(new Error(`the main command exited with ${code} before printing a URL:\n${stderr}`));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await timeToUrl({}); // brings the build up to date, so the first warm round is warm
const warm: number[] = [];
const rebuild: number[] = [];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['warm', 'rebuild'] : ['rebuild', 'warm'];
  for (const which of order) {
    if (which === 'warm') warm.push(await timeToUrl({}));
    else rebuild.push(await timeToUrl({ SCALEDECK_FORCE_BUILD: '1' }));
  }
}
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
console.log(`bench:start  load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`);
console.log(
  `  full rebuild every start (baseline): median ${median(rebuild).toFixed(2)} s  [${fmt(rebuild)}]`,
);
console.log(`  warm start, nothing changed:         median ${median(warm).toFixed(2)} s  [${fmt(warm)}]`);
console.log(
  `  ratio warm/baseline ${(median(warm) / median(rebuild)).toFixed(2)}x; goal about ${GOAL_S} s: ${median(warm) <= GOAL_S * 1.1 ? 'met' : 'not met'}`,
);
