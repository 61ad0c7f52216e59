// Process lifecycle: refusing bad configuration, replicas starting together (one migration),
// and SIGTERM with requests in flight (none fails, exit 0) or keep-alive clients mid-loop (each is
// told to hang up, none is reset).
import { randomBytes } from 'node:crypto';
import { Agent, get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, metric } from './harness/http.ts';
import { startPostgres, type PostgresServer } from './harness/postgres.ts';
import { waitUntil } from './harness/processes.ts';
import { startRedis, type RedisServer } from './harness/redis.ts';
import { startService } from './harness/service.ts';

let pg: PostgresServer;
let redis: RedisServer;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
});

afterAll(async () => {
  await Promise.all([pg?.dispose(), redis?.dispose()]);
});

describe('configuration', () => {
  it.each<[Record<string, string | undefined>, string]>([
    [{ JWT_SECRET: 'too-short-secret' }, 'JWT_SECRET must be at least 32 bytes'],
    [{ DATABASE_URL: undefined }, 'DATABASE_URL is required'],
    [{ REDIS_URL: 'http://127.0.0.1:1' }, 'REDIS_URL must be a URL'],
    [{ SCRYPT_COST: '1000' }, 'SCRYPT_COST must be a power of two'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number'],
    [{ ADMIN_EMAIL: 'admin@example.test' }, 'ADMIN_PASSWORD is required'],
  ])('refuses to start with %j, naming the variable', async (env, message) => {
    const api = await startService({ databaseUrl: pg.url, redisUrl: redis.url, env, waitFor: 'nothing' });
    const exit = await api.exited;
    expect(exit.code).toBe(2);
    expect(api.log()).toContain(message);
    if (env['JWT_SECRET']) expect(api.log()).not.toContain(env['JWT_SECRET']);
    await api.dispose();
  });
});

describe('several instances starting together', () => {
  it('migrate exactly once', async () => {
    const databaseUrl = await pg.createDatabase('race');
    const admin = { ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: randomBytes(12).toString('hex') };
    const instances = await Promise.all(
      Array.from({ length: 10 }, () => startService({ databaseUrl, redisUrl: redis.url, env: admin })),
    );
    try {
      const rows = await pg.query<{ version: number }>('SELECT version FROM schema_migrations', [], 'race');
      expect(rows.map((r) => r.version)).toEqual([1]);
      const applied = instances.flatMap((i) => i.logLines().filter((l) => l['msg'] === 'migration applied'));
      expect(applied).toHaveLength(1);
      const done = instances.flatMap((i) => i.logLines().filter((l) => l['msg'] === 'migrations done'));
      expect(done).toHaveLength(10);
      const admins = await pg.query<{ n: string }>(
        "SELECT count(*) AS n FROM users WHERE role = 'admin'",
        [],
        'race',
      );
      expect(Number(admins[0]!.n)).toBe(1);
      for (const i of instances) expect((await call(i.url, 'GET', '/readyz')).status).toBe(200);
    } finally {
      await Promise.all(instances.map((i) => i.dispose()));
    }
  });
});

describe('SIGTERM', () => {
  it('finishes every in-flight request, refuses new work, and exits 0', async () => {
    // A real scrypt cost: sign-ins take long enough that many are still running at SIGTERM.
    const api = await startService({
      databaseUrl: await pg.createDatabase('drain'),
      redisUrl: redis.url,
      env: { SCRYPT_COST: '32768' },
    });
    const credentials = { email: 'drain@example.test', password: randomBytes(12).toString('hex') };
    expect((await call(api.url, 'POST', '/users', { body: { name: 'Drain', ...credentials } })).status).toBe(
      201,
    );

    const finishedAt: number[] = [];
    const inFlight = Array.from({ length: 16 }, () =>
      call(api.url, 'POST', '/auth/token', { body: credentials }).then((res) => {
        finishedAt.push(Date.now());
        return res;
      }),
    );
    // SIGTERM only once the server has taken every request (in flight or already answered):
    // bytes still in the kernel's accept queue are not "in flight" and would be refused.
    await waitUntil(
      'all sign-ins received',
      async () => (await metric(api.url, 'http_requests_in_flight')) - 1 + finishedAt.length >= 16,
      { intervalMs: 10 },
    );
    const signalledAt = Date.now();
    process.kill(api.pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const during = await call(api.url, 'GET', '/readyz').catch(() => null);
    // Either the connection is refused or, on a reused keep-alive socket, the replica says it is draining.
    if (during) expect(during.status).toBe(503);

    const replies = await Promise.all(inFlight);
    expect(replies.map((r) => r.status)).toEqual(Array(16).fill(200));
    expect(finishedAt.filter((t) => t > signalledAt).length).toBeGreaterThan(0);
    const exit = await api.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(api.log()).toContain('shutdown complete');
    expect(api.log()).not.toContain('shutdown timeout reached');
    await api.dispose();
  });
});

type KeepAliveEnd = 'told to close' | 'refused' | `reset: ${string}`;

/**
 * One client on one keep-alive socket, a request every millisecond or so, until the server says
 * Connection: close (or a new connection is refused: in a cluster it would reach another replica).
 * Anything else is the reset a user's client would see. Bounded by 30 s.
 */
async function keepAliveClient(url: string, started: () => void): Promise<KeepAliveEnd> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const deadline = Date.now() + 30_000;
  try {
    for (let n = 0; Date.now() < deadline; n++) {
      const closing = await new Promise<boolean>((resolve, reject) => {
        get(`${url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers.connection === 'close'));
          res.on('error', reject);
        }).on('error', reject);
      }).catch((error: NodeJS.ErrnoException) => error);
      if (closing === true) return 'told to close';
      if (closing instanceof Error) {
        return closing.code === 'ECONNREFUSED' ? 'refused' : `reset: ${closing.code ?? closing.message}`;
      }
      if (n === 0) started();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return 'reset: no answer said Connection: close in 30 s';
  } finally {
    agent.destroy();
  }
}

describe('SIGTERM with keep-alive clients mid-loop', () => {
  it('tells every busy client to hang up (Connection: close) before closing, so none is reset', async () => {
    const api = await startService({ databaseUrl: await pg.createDatabase('handoff'), redisUrl: redis.url });
    let running = 0;
    const clients = Array.from({ length: 24 }, () => keepAliveClient(api.url, () => running++));
    await waitUntil('every client on its socket', async () => running === 24, { intervalMs: 10 });
    process.kill(api.pid, 'SIGTERM');
    const ends = await Promise.all(clients);
    expect(ends).toEqual(Array(24).fill('told to close'));
    expect(await api.exited).toEqual({ code: 0, signal: null });
    await api.dispose();
  });
});
