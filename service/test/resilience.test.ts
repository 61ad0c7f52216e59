// Dependencies going away under a running instance: Redis killed (reads fall back to
// PostgreSQL, the cache returns without a restart) and PostgreSQL stopped (503 + Retry-After,
// no crash, recovery when it returns).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { call, metric } from './harness/http.ts';
import { startPostgres, type PostgresServer } from './harness/postgres.ts';
import { waitUntil } from './harness/processes.ts';
import { startRedis, type RedisServer } from './harness/redis.ts';
import { startService, type ServiceInstance } from './harness/service.ts';

let pg: PostgresServer;
let redis: RedisServer;
let api: ServiceInstance;

async function signUp(name: string) {
  const email = `${name}-${randomBytes(4).toString('hex')}@example.test`;
  const password = randomBytes(12).toString('hex');
  const created = await call(api.url, 'POST', '/users', { body: { name, email, password } });
  expect(created.status).toBe(201);
  const login = await call(api.url, 'POST', '/auth/token', { body: { email, password } });
  expect(login.status).toBe(200);
  return { id: created.body.id as string, token: login.body.token as string };
}

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  api = await startService({
    databaseUrl: await pg.createDatabase('resilience'),
    redisUrl: redis.url,
    // A live limiter, so its fail-open path is exercised too; a short breaker reset keeps the test quick.
    env: { RATE_LIMIT_PER_SECOND: '1000', REDIS_BREAKER_RESET_MS: '1000' },
  });
});

afterAll(async () => {
  await api?.dispose();
  await Promise.all([pg?.dispose(), redis?.dispose()]);
});

describe('Redis killed mid-test', () => {
  it('keeps serving reads from PostgreSQL, opens the breaker, then uses the cache again without a restart', async () => {
    const user = await signUp('redis');
    const get = () => call(api.url, 'GET', `/users/${user.id}`, { token: user.token });
    await get();
    expect((await get()).headers.get('x-cache')).toBe('hit');

    await redis.kill();
    const errorsBefore = await metric(api.url, 'cache_requests_total', { result: 'error' });
    for (let i = 0; i < 20; i++) {
      const res = await get();
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(user.id);
      expect(res.headers.get('x-cache')).toBe('error');
    }
    expect(await metric(api.url, 'cache_requests_total', { result: 'error' })).toBe(errorsBefore + 20);
    expect(await metric(api.url, 'redis_breaker_state')).toBe(2);
    const patched = await call(api.url, 'PATCH', `/users/${user.id}`, {
      token: user.token,
      body: { name: 'no cache' },
    });
    expect(patched.status).toBe(200);
    const ready = await call(api.url, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.checks).toEqual({ postgres: 'up', redis: 'down' });
    expect(api.log()).toContain('rate limiter unavailable');

    await redis.start();
    await waitUntil(
      'cache hit after Redis returns',
      async () => (await get()).headers.get('x-cache') === 'hit',
      {
        timeoutMs: 20_000,
        intervalMs: 200,
      },
    );
    expect((await get()).body.name).toBe('no cache');
    expect(await metric(api.url, 'redis_breaker_state')).toBe(0);
    expect((await call(api.url, 'GET', '/readyz')).status).toBe(200);
    expect(api.isRunning()).toBe(true);
  });
});

describe('PostgreSQL unreachable', () => {
  it('answers 503 with Retry-After, stays up, and recovers when PostgreSQL returns', async () => {
    const user = await signUp('pg');
    const neverRead = await signUp('pg-cold');

    await pg.stop();
    const cold = await call(api.url, 'GET', `/users/${neverRead.id}`, { token: user.token });
    expect(cold.status).toBe(503);
    expect(cold.body.error.code).toBe('unavailable');
    expect(Number(cold.headers.get('retry-after'))).toBeGreaterThan(0);
    const create = await call(api.url, 'POST', '/users', {
      body: { name: 'x', email: 'down@example.test', password: 'long enough' },
    });
    expect(create.status).toBe(503);
    expect(create.headers.get('retry-after')).not.toBeNull();
    expect((await call(api.url, 'GET', '/users', { token: user.token })).status).toBe(503);
    const ready = await call(api.url, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.postgres).toBe('down');
    expect((await call(api.url, 'GET', '/healthz')).status).toBe(200);
    expect(api.isRunning()).toBe(true);

    await pg.start();
    await waitUntil('reads after PostgreSQL returns', async () => {
      const res = await call(api.url, 'GET', `/users/${neverRead.id}`, { token: user.token });
      return res.status === 200;
    });
    expect((await call(api.url, 'GET', '/users', { token: user.token })).status).toBe(200);
    expect((await call(api.url, 'GET', '/readyz')).status).toBe(200);
    expect(api.isRunning()).toBe(true);
  });
});
