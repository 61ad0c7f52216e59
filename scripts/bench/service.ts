// npm run bench:service — the User API under load, against a bare Express baseline measured in the
// same run with the same load tool. Starts throwaway PostgreSQL + Redis + one API instance (rate
// limit off) through the test harness, seeds users, and prints req/s, p50, p99 per scenario.
//
// Goals (issue 2): cached GET /users/:id >= 0.5x the baseline's req/s; cached p99 <= 5 ms at half
// of the cached maximum rate. Durations are bounded: BENCH_SECONDS per scenario (default 10).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { call, sampleValue } from '../../service/test/harness/http.ts';
import { startPostgres } from '../../service/test/harness/postgres.ts';
import { freePort, spawnLogged, tail, waitUntil } from '../../service/test/harness/processes.ts';
import { startRedis } from '../../service/test/harness/redis.ts';
import { startService } from '../../service/test/harness/service.ts';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
// autocannon ships no types; this is the slice of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: AutocannonOptions,
) => AutocannonInstance;

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const SEED_USERS = 100_000;
// USER_HZ: 100 on every Linux architecture Node supports.
const CLOCK_TICKS = 100;
const HOT_KEYS = 100;
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Row {
  /** CPU time the server process spent per answered request: robust to a busy machine. */
  serverCpuUs: number;
  scenario: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  total: number;
  failed: number;
  note: string;
}

/** Runs one scenario; p50/p99 come from every response's own timing (sub-millisecond resolution). */
async function measure(scenario: string, serverPid: number, opts: AutocannonOptions): Promise<Row> {
  const samples: number[] = [];
  let failed = 0;
  const cpuBefore = cpuMs(serverPid);
  const run = autocannon(opts);
  run.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) samples.push(ms);
    else failed++;
  });
  const result = await run;
  const cpuUsed = cpuMs(serverPid) - cpuBefore;
  samples.sort((a, b) => a - b);
  const pct = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? NaN;
  return {
    scenario,
    reqPerSec: samples.length / result.duration,
    serverCpuUs: (cpuUsed * 1000) / Math.max(1, samples.length),
    p50: pct(50),
    p99: pct(99),
    total: result.requests.total,
    failed: failed + result.errors + result.timeouts,
    note: '',
  };
}

/** utime + stime of a process in ms, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

async function cacheCounts(url: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    hit: sampleValue(text, 'cache_requests_total', { result: 'hit' }),
    miss: sampleValue(text, 'cache_requests_total', { result: 'miss' }),
  };
}

async function main(): Promise<void> {
  console.log(
    `bench:service — ${SECONDS} s per scenario, ${CONNECTIONS} connections, node ${process.version}`,
  );
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const cleanups: (() => Promise<unknown>)[] = [() => pg.dispose(), () => redis.dispose()];
  try {
    const databaseUrl = await pg.createDatabase('bench');
    const api = await startService({
      databaseUrl,
      redisUrl: redis.url,
      // The product's default scrypt cost, so POST /auth/token shows the real CPU price.
      env: { RATE_LIMIT_PER_SECOND: '0', SCRYPT_COST: '16384', LOG_LEVEL: 'warn', CACHE_TTL_SECONDS: '600' },
    });
    cleanups.unshift(() => api.dispose());

    const password = randomBytes(12).toString('base64url');
    const seeded = await promisify(execFile)(
      process.execPath,
      [join(root, 'service/dist/seed.js'), '--count', String(SEED_USERS), `--password=${password}`],
      { env: { PATH: process.env['PATH'], DATABASE_URL: databaseUrl, SCRYPT_COST: '16384' } },
    );
    console.log(seeded.stdout.trim());
    const ids = (await pg.query<{ id: string }>('SELECT id FROM users ORDER BY random()', [], 'bench')).map(
      (r) => r.id,
    );
    const login = await call(api.url, 'POST', '/auth/token', {
      body: { email: 'seed-1@seed.scaledeck.test', password },
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
    const auth = { authorization: `Bearer ${login.body.token as string}` };

    const logDir = mkdtempSync(join(tmpdir(), 'scaledeck-bench-'));
    cleanups.push(async () => rmSync(logDir, { recursive: true, force: true }));
    const helloPort = await freePort();
    const hello = spawnLogged(
      process.execPath,
      [join(root, 'service/test/harness/hello-server.ts')],
      join(logDir, 'hello.log'),
      { env: { PATH: process.env['PATH'], PORT: String(helloPort) } },
    );
    cleanups.unshift(() => hello.stop());
    await waitUntil('hello server', async () => (await fetch(`http://127.0.0.1:${helloPort}/hello`)).ok, {
      alive: hello.isRunning,
      describe: () => tail(hello.log()),
    });

    const rows: Row[] = [];
    const base = { connections: CONNECTIONS, duration: SECONDS };

    // Warm-up so neither side is measured while V8 is still compiling.
    await measure('warm-up', hello.pid, { ...base, duration: 2, url: `http://127.0.0.1:${helloPort}/hello` });
    rows.push(
      await measure('baseline: bare Express GET /hello', hello.pid, {
        ...base,
        url: `http://127.0.0.1:${helloPort}/hello`,
      }),
    );

    const hot = ids.slice(0, HOT_KEYS);
    for (const id of hot) await call(api.url, 'GET', `/users/${id}`, { headers: auth });
    // Static request objects: autocannon builds each once, so the load tool spends its CPU on sending.
    const hotRequests = hot.map((id) => ({ path: `/users/${id}` }));
    await measure('warm-up', api.pid, {
      ...base,
      duration: 2,
      url: api.url,
      headers: auth,
      requests: hotRequests,
    });
    let before = await cacheCounts(api.url);
    const cached = await measure('cached GET /users/:id', api.pid, {
      ...base,
      url: api.url,
      headers: auth,
      requests: hotRequests,
    });
    let after = await cacheCounts(api.url);
    cached.note = `hit ratio ${((after.hit - before.hit) / Math.max(1, after.hit + after.miss - before.hit - before.miss)).toFixed(3)}`;
    rows.push(cached);

    const cold = ids.slice(HOT_KEYS);
    let c = 0;
    before = await cacheCounts(api.url);
    const uncached = await measure('uncached GET /users/:id', api.pid, {
      ...base,
      url: api.url,
      headers: auth,
      requests: [
        { setupRequest: (r: AutocannonRequest) => ({ ...r, path: `/users/${cold[c++ % cold.length]}` }) },
      ],
    });
    after = await cacheCounts(api.url);
    uncached.note = `miss ratio ${((after.miss - before.miss) / Math.max(1, after.hit + after.miss - before.hit - before.miss)).toFixed(3)}`;
    rows.push(uncached);

    const token = await measure('POST /auth/token (scrypt N=16384)', api.pid, {
      ...base,
      url: api.url,
      requests: [
        {
          method: 'POST',
          path: '/auth/token',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'seed-1@seed.scaledeck.test', password }),
        },
      ],
    });
    rows.push(token);

    const halfRate = Math.max(1, Math.floor(cached.reqPerSec / 2));
    const paced = await measure(`cached GET /users/:id at ${halfRate} req/s (half max)`, api.pid, {
      ...base,
      url: api.url,
      headers: auth,
      requests: hotRequests,
      overallRate: halfRate,
    });
    rows.push(paced);
    // The same pace against the bare baseline: the latency floor this machine gives any process
    // right now, so a missed p99 goal can be told apart from a busy machine.
    rows.push(
      await measure(`baseline GET /hello at ${halfRate} req/s`, hello.pid, {
        ...base,
        url: `http://127.0.0.1:${helloPort}/hello`,
        overallRate: halfRate,
      }),
    );

    const baseline = rows[0]!;
    console.log('');
    console.table(
      rows.map((r) => ({
        scenario: r.scenario,
        'req/s': Math.round(r.reqPerSec),
        'p50 ms': r.p50.toFixed(2),
        'p99 ms': r.p99.toFixed(2),
        requests: r.total,
        'server CPU µs/req': r.serverCpuUs.toFixed(0),
        'non-2xx/errors': r.failed,
        note: r.note,
      })),
    );
    const ratio = cached.reqPerSec / baseline.reqPerSec;
    const ratioMet = ratio >= 0.5;
    const p99Met = paced.p99 <= 5;
    console.log(`ratio cached/baseline: ${ratio.toFixed(2)}x`);
    console.log(
      `server CPU per request, cached/baseline: ${(cached.serverCpuUs / baseline.serverCpuUs).toFixed(2)}x (machine load average at end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} cores)`,
    );
    console.log(`goal cached >= 0.5x baseline: ${ratioMet ? 'MET' : 'NOT MET'} (${ratio.toFixed(2)}x)`);
    console.log(
      `goal cached p99 <= 5 ms at half the cached max rate (${halfRate} req/s): ${p99Met ? 'MET' : 'NOT MET'} (${paced.p99.toFixed(2)} ms; bare baseline at the same rate: ${rows[rows.length - 1]!.p99.toFixed(2)} ms)`,
    );
    const failures = rows.reduce((n, r) => n + r.failed, 0);
    if (failures > 0) {
      console.error(`${failures} requests failed: the figures above are not trustworthy`);
      process.exitCode = 1;
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
