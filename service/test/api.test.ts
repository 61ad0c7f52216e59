// Every route's success and error paths over HTTP against a running instance with real
// PostgreSQL and Redis: authentication, authorization, cache-aside, pagination, rate limit.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, metric, type CallOptions } from './harness/http.ts';
import { startPostgres, type PostgresServer } from './harness/postgres.ts';
import { startRedis, type RedisServer } from './harness/redis.ts';
import { startService, type ServiceInstance } from './harness/service.ts';

const SEED = fileURLToPath(new URL('../dist/seed.js', import.meta.url));

let pg: PostgresServer;
let redis: RedisServer;
let api: ServiceInstance;
let databaseUrl: string;
const admin = { email: 'admin@example.test', password: randomBytes(12).toString('hex') };

const req = (method: string, path: string, opts?: CallOptions) => call(api.url, method, path, opts);

async function signUp(name: string) {
  const email = `${name.toLowerCase()}-${randomBytes(4).toString('hex')}@example.test`;
  const password = randomBytes(12).toString('hex');
  const created = await req('POST', '/users', { body: { name, email, password } });
  expect(created.status).toBe(201);
  const login = await req('POST', '/auth/token', { body: { email, password } });
  expect(login.status).toBe(200);
  return { id: created.body.id as string, email, password, token: login.body.token as string };
}

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  databaseUrl = await pg.createDatabase('api');
  api = await startService({
    databaseUrl,
    redisUrl: redis.url,
    env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
  });
});

afterAll(async () => {
  await api?.dispose();
  await Promise.all([pg?.dispose(), redis?.dispose()]);
});

describe('health and metadata', () => {
  it('answers /healthz and /readyz, with X-Replica on every response', async () => {
    const health = await req('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.get('x-replica')).toBe(api.replicaId);
    const ready = await req('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: 'up', redis: 'up' });
    const missing = await req('GET', '/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-replica')).toBe(api.replicaId);
    expect(missing.body.error.code).toBe('not_found');
  });
});

describe('POST /users', () => {
  it('creates a user and never returns the password hash', async () => {
    const res = await req('POST', '/users', {
      body: { name: 'Ada', email: 'Ada@Example.test', password: 'correct horse battery' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Ada', email: 'ada@example.test', role: 'user' });
    expect(res.headers.get('location')).toBe(`/users/${res.body.id}`);
    expect(res.text).not.toMatch(/scrypt|password/i);
  });

  it('answers 409 on a duplicate email, whatever its case', async () => {
    const res = await req('POST', '/users', {
      body: { name: 'Ada again', email: 'ADA@example.test', password: 'another password' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', field: 'email' });
  });

  it.each([
    [{ email: 'x@example.test', password: 'long enough' }, 'name'],
    [{ name: 'X', email: 'not-an-email', password: 'long enough' }, 'email'],
    [{ name: 'X', email: 'x@example.test', password: 'short' }, 'password'],
    [{ name: 'X', email: 'x@example.test', password: 'long enough', role: 'admin' }, 'role'],
    [{ name: 42, email: 'x@example.test', password: 'long enough' }, 'name'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await req('POST', '/users', { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field });
  });

  it('answers 400 on malformed JSON and on a missing body', async () => {
    const bad = await req('POST', '/users', {
      raw: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', field: 'body' });
    const none = await req('POST', '/users');
    expect(none.status).toBe(400);
    expect(none.body.error.field).toBe('body');
  });
});

describe('POST /auth/token', () => {
  it('issues a JWT for the right password and 401 otherwise', async () => {
    const user = await signUp('Token');
    expect(user.token.split('.')).toHaveLength(3);
    const wrong = await req('POST', '/auth/token', {
      body: { email: user.email, password: 'wrong password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    const unknown = await req('POST', '/auth/token', {
      body: { email: 'nobody@example.test', password: 'whatever1' },
    });
    expect(unknown.status).toBe(401);
    const invalid = await req('POST', '/auth/token', { body: { email: user.email } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.field).toBe('password');
  });
});

describe('authentication', () => {
  it('answers 401 without a token, with a malformed, forged or expired token', async () => {
    const user = await signUp('Auth');
    expect((await req('GET', '/users')).status).toBe(401);
    expect((await req('GET', '/users', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    expect((await req('GET', '/users', { token: 'not.a.jwt' })).status).toBe(401);
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('scaledeck-user-api')
      .setExpirationTime('1h')
      .sign(randomBytes(32));
    expect((await req('GET', '/users', { token: forged })).status).toBe(401);
    const expired = await new SignJWT({ role: 'user' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('scaledeck-user-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(api.jwtSecret));
    const res = await req('GET', `/users/${user.id}`, { token: expired });
    expect(res.status).toBe(401);
    expect((await req('GET', `/users/${user.id}`, { token: user.token })).status).toBe(200);
  });
});

describe('GET /users/:id with the cache', () => {
  it('serves the second read from Redis, seen in /metrics', async () => {
    const user = await signUp('Cached');
    const hitsBefore = await metric(api.url, 'cache_requests_total', { result: 'hit' });
    const first = await req('GET', `/users/${user.id}`, { token: user.token });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    const second = await req('GET', `/users/${user.id}`, { token: user.token });
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
    expect(await metric(api.url, 'cache_requests_total', { result: 'hit' })).toBe(hitsBefore + 1);
  });

  it('reaches PostgreSQL once for a cold key however many requests wait on it', async () => {
    const user = await signUp('Stampede');
    const loadsBefore = await metric(api.url, 'cache_loads_total');
    const replies = await Promise.all(
      Array.from({ length: 40 }, () => req('GET', `/users/${user.id}`, { token: user.token })),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(await metric(api.url, 'cache_loads_total')).toBe(loadsBefore + 1);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    const user = await signUp('Lookup');
    const bad = await req('GET', '/users/123', { token: user.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('id');
    const unknown = await req('GET', '/users/00000000-0000-4000-8000-000000000000', { token: user.token });
    expect(unknown.status).toBe(404);
  });
});

describe('PATCH and DELETE', () => {
  it('lets a user change itself and invalidates the cached copy', async () => {
    const user = await signUp('Changer');
    await req('GET', `/users/${user.id}`, { token: user.token });
    expect((await req('GET', `/users/${user.id}`, { token: user.token })).headers.get('x-cache')).toBe('hit');
    const patched = await req('PATCH', `/users/${user.id}`, { token: user.token, body: { name: 'Changed' } });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Changed');
    const after = await req('GET', `/users/${user.id}`, { token: user.token });
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(after.body.name).toBe('Changed');
  });

  it('invalidates for every replica: a write through one is seen by a read through another', async () => {
    const other = await startService({
      databaseUrl,
      redisUrl: redis.url,
      env: { JWT_SECRET: api.jwtSecret },
    });
    try {
      const user = await signUp('Shared');
      const viaOther = () => call(other.url, 'GET', `/users/${user.id}`, { token: user.token });
      await viaOther();
      expect((await viaOther()).headers.get('x-cache')).toBe('hit');
      await req('PATCH', `/users/${user.id}`, { token: user.token, body: { name: 'Renamed elsewhere' } });
      const after = await viaOther();
      expect(after.headers.get('x-replica')).toBe(other.replicaId);
      expect(after.headers.get('x-cache')).toBe('miss');
      expect(after.body.name).toBe('Renamed elsewhere');
    } finally {
      await other.dispose();
    }
  });

  it('changes the password: the old one stops working', async () => {
    const user = await signUp('Rotator');
    const res = await req('PATCH', `/users/${user.id}`, {
      token: user.token,
      body: { password: 'brand new secret' },
    });
    expect(res.status).toBe(200);
    expect(
      (await req('POST', '/auth/token', { body: { email: user.email, password: user.password } })).status,
    ).toBe(401);
    expect(
      (await req('POST', '/auth/token', { body: { email: user.email, password: 'brand new secret' } }))
        .status,
    ).toBe(200);
  });

  it('answers 403 on someone else, 409 on a taken email, 400 on bad bodies', async () => {
    const alice = await signUp('Alice');
    const bob = await signUp('Bob');
    const other = await req('PATCH', `/users/${bob.id}`, { token: alice.token, body: { name: 'Hacked' } });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    expect((await req('DELETE', `/users/${bob.id}`, { token: alice.token })).status).toBe(403);
    const role = await req('PATCH', `/users/${alice.id}`, { token: alice.token, body: { role: 'admin' } });
    expect(role.status).toBe(403);
    expect(role.body.error.field).toBe('role');
    const taken = await req('PATCH', `/users/${alice.id}`, {
      token: alice.token,
      body: { email: bob.email },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.field).toBe('email');
    const empty = await req('PATCH', `/users/${alice.id}`, { token: alice.token, body: {} });
    expect(empty.status).toBe(400);
    const unknown = await req('PATCH', `/users/${alice.id}`, { token: alice.token, body: { nickname: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('nickname');
  });

  it('lets a user delete itself (204), after which it is gone', async () => {
    const user = await signUp('Leaver');
    await req('GET', `/users/${user.id}`, { token: user.token });
    const res = await req('DELETE', `/users/${user.id}`, { token: user.token });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await req('GET', `/users/${user.id}`, { token: user.token })).status).toBe(404);
    expect((await req('DELETE', `/users/${user.id}`, { token: user.token })).status).toBe(404);
  });

  it('lets the bootstrap admin change and delete anyone', async () => {
    const login = await req('POST', '/auth/token', { body: admin });
    expect(login.status).toBe(200);
    const adminToken = login.body.token as string;
    const user = await signUp('Managed');
    const patched = await req('PATCH', `/users/${user.id}`, {
      token: adminToken,
      body: { name: 'Managed!' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Managed!');
    expect((await req('DELETE', `/users/${user.id}`, { token: adminToken })).status).toBe(204);
  });
});

describe('GET /users (keyset pagination)', () => {
  it('walks every user exactly once, to the end', async () => {
    const seeded = await promisify(execFile)(process.execPath, [SEED, '--count', '57'], {
      env: { PATH: process.env['PATH'], DATABASE_URL: databaseUrl, SCRYPT_COST: '1024' },
    });
    expect(seeded.stdout).toMatch(/seeded 57 users \(57 new/);
    const user = await signUp('Pager');
    const [row] = await pg.query<{ count: string }>('SELECT count(*) FROM users', [], 'api');
    const count = row!.count;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/users?limit=10${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await req('GET', path, { token: user.token });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(10);
      for (const item of page.body.items) {
        expect(item).not.toHaveProperty('passwordHash');
        seen.push(item.id);
      }
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 100);
    expect(seen).toHaveLength(Number(count));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['cursor=bm90LWEtdXVpZA', 'cursor'],
    ['sort=name', 'sort'],
  ])('answers 400 for ?%s naming %s', async (query, field) => {
    const user = await signUp('Query');
    const res = await req('GET', `/users?${query}`, { token: user.token });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });
});

describe('metrics', () => {
  it('labels requests by route pattern, with sub-millisecond buckets', async () => {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    const replica = `replica="${api.replicaId}"`;
    expect(text).toMatch(
      /http_requests_total\{method="GET",route="\/users\/:id",status="200",replica="[^"]+"\} \d+/,
    );
    expect(text).not.toMatch(/route="\/users\/[0-9a-f]{8}-/);
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.0005"');
    expect(text).toContain(`redis_breaker_state{${replica}} 0\n`);
    expect(text).toMatch(new RegExp(`^db_pool_connections\\{${replica}\\} \\d+$`, 'm'));
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the per-client limit, then lets the client back', async () => {
    const limited = await startService({
      databaseUrl,
      redisUrl: redis.url,
      env: { RATE_LIMIT_PER_SECOND: '5' },
    });
    try {
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => call(limited.url, 'POST', '/auth/token', { body: {} })),
      );
      const rejected = replies.filter((r) => r.status === 429);
      // >= 10, not 15: the 20 requests may straddle two one-second windows on a slow machine.
      expect(rejected.length).toBeGreaterThanOrEqual(10);
      expect(replies.filter((r) => r.status === 400).length).toBeGreaterThanOrEqual(1);
      const retryAfter = Number(rejected[0]!.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(rejected[0]!.body.error.code).toBe('rate_limited');
      // Health probes are never limited: a busy client must not get a replica marked unhealthy.
      expect((await call(limited.url, 'GET', '/healthz')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      expect((await call(limited.url, 'POST', '/auth/token', { body: {} })).status).toBe(400);
    } finally {
      await limited.dispose();
    }
  });
});
