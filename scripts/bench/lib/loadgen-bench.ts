/**
 * Load generator benchmark: achieved vs target rate at each rate, and autocannon at the same
 * settings in the same run (same connections, same rate, same GET /users/:id Zipf keys, same
 * token), plus autocannon unthrottled as the ceiling of this machine and target.
 *
 *   node scripts/bench/lib/loadgen-bench.ts --url http://127.0.0.1:PORT   # the stack's load balancer
 *   node scripts/bench/lib/loadgen-bench.ts                         # a local fake API (child process)
 *
 * Options: --rates 1000,5000  --duration 10  --connections 128  --zipf 1.1
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { LoadGenerator } from '../../../electron/core/loadgen.ts';
import { ApiClient } from '../../../electron/core/loadgen/api-client.ts';
import { discoverKeys, signUpUsers } from '../../../electron/core/loadgen/bootstrap.ts';
import { checkTarget } from '../../../electron/core/loadgen/target-guard.ts';
import { ZipfSampler } from '../../../electron/core/loadgen/zipf.ts';

// The few autocannon fields used here; typed locally because the package ships no types.
interface AutocannonRequest {
  method?: string;
  path?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: { p50: number; p99: number };
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  headers: Record<string, string>;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rates: { type: 'string', default: '1000,5000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '128' },
    zipf: { type: 'string', default: '1.1' },
  },
  strict: true,
});
const rates = values.rates.split(',').map(Number);
const duration = Number(values.duration);
const connections = Number(values.connections);
const zipfExponent = Number(values.zipf);
for (const [name, value] of [
  ['--duration', duration],
  ['--connections', connections],
  ['--zipf', zipfExponent],
  ...rates.map((r) => ['--rates', r] as const),
] as const) {
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: must be a non-negative number`);
}

let server: ChildProcess | null = null;
let baseUrl = values.url;
if (!baseUrl) {
  server = spawn(
    process.execPath,
    [new URL('../../../electron/test-support/fake-user-api-server.ts', import.meta.url).pathname],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
  baseUrl = chunk.toString().trim();
}
const target = checkTarget(baseUrl, false);

try {
  // One token and the key space, shared by both tools so they send the same requests.
  const client = new ApiClient(target, 4, 30_000);
  const [user] = await signUpUsers(client, `bench${process.pid}`, `bench-${crypto.randomUUID()}`, 1);
  const keys = await discoverKeys(client, user!.token, 1000);
  await client.close();
  const zipf = new ZipfSampler(keys.length, zipfExponent);
  const prefix = target.pathname.replace(/\/+$/, '');

  const runAutocannon = async (rate: number | null) => {
    const result = await autocannon({
      url: target.origin,
      connections,
      duration,
      ...(rate === null ? {} : { overallRate: rate }),
      headers: { authorization: `Bearer ${user!.token}`, accept: 'application/json' },
      requests: [
        { method: 'GET', setupRequest: (req) => ({ ...req, path: `${prefix}/users/${keys[zipf.next()]}` }) },
      ],
    });
    const completed = result.requests.total;
    return {
      achieved: completed / duration,
      errors: result.errors + result.timeouts + result.non2xx,
      p50: result.latency.p50,
      p99: result.latency.p99,
    };
  };

  const runScaledeck = async (rate: number) => {
    const generator = new LoadGenerator({
      baseUrl,
      rate,
      maxRate: rate,
      durationSeconds: duration,
      concurrency: connections,
      keys,
      zipfExponent,
      tokenUsers: 1,
      mix: { getUser: 1, listUsers: 0, signUp: 0, token: 0 },
    });
    await generator.start();
    const report = await generator.done();
    return {
      achieved: report.achievedRate,
      errors: report.errors.total + report.dropped,
      p50: report.latencyMs.p50,
      p99: report.latencyMs.p99,
    };
  };

  console.log(`load benchmark against ${server ? 'a local fake API (child process)' : baseUrl}`);
  console.log(
    `GET /users/:id, Zipf s=${zipfExponent} over ${keys.length} keys, ${connections} connections, ${duration} s per run`,
  );
  const ceiling = await runAutocannon(null);
  console.log(
    `autocannon unthrottled: ${ceiling.achieved.toFixed(0)} req/s (p99 ${ceiling.p99} ms, errors ${ceiling.errors})`,
  );
  for (const rate of rates) {
    const ours = await runScaledeck(rate);
    const theirs = await runAutocannon(rate);
    console.log(
      `target ${rate} req/s | scaledeck ${ours.achieved.toFixed(0)} req/s (${((ours.achieved / rate) * 100).toFixed(1)} % of target, ` +
        `p50 ${ours.p50} ms, p99 ${ours.p99} ms, errors+dropped ${ours.errors}) | ` +
        `autocannon ${theirs.achieved.toFixed(0)} req/s (${((theirs.achieved / rate) * 100).toFixed(1)} %, p50 ${theirs.p50} ms, ` +
        `p99 ${theirs.p99} ms, errors ${theirs.errors}) | scaledeck/autocannon ${(ours.achieved / theirs.achieved).toFixed(3)}`,
    );
  }
} finally {
  if (server) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
}
