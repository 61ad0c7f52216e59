// Malformed input must never produce a 5xx: random bodies, params, queries, headers and tokens
// (seeded, so a failure replays), plus raw HTTP the fetch API refuses to send.
import { createConnection } from 'node:net';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './harness/http.ts';
import { startPostgres, type PostgresServer } from './harness/postgres.ts';
import { startRedis, type RedisServer } from './harness/redis.ts';
import { startService, type ServiceInstance } from './harness/service.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20260425);
const CASES = 1200;

let pg: PostgresServer;
let redis: RedisServer;
let api: ServiceInstance;
let token: string;
let userId: string;

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  api = await startService({
    databaseUrl: await pg.createDatabase('fuzz'),
    redisUrl: redis.url,
    env: { ADMIN_EMAIL: 'admin@example.test', ADMIN_PASSWORD: randomBytes(12).toString('hex') },
  });
  const credentials = { email: 'fuzz@example.test', password: 'fuzz password 1' };
  userId = (await call(api.url, 'POST', '/users', { body: { name: 'Fuzz', ...credentials } })).body.id;
  token = (await call(api.url, 'POST', '/auth/token', { body: credentials })).body.token;
});

afterAll(async () => {
  await api?.dispose();
  await Promise.all([pg?.dispose(), redis?.dispose()]);
});

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (max: number) => Math.floor(random() * max);
  const str = (max: number) => {
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '"',
      "'",
      '\\',
      '/',
      '%',
      '$',
      '{',
      '}',
      '\u0000',
      'é',
      '😀',
      '\u202e',
      '<',
      '>',
    ];
    return Array.from({ length: int(max) }, () => pick(alphabet)).join('');
  };
  // Header values must be visible ASCII or fetch refuses to send them; raw HTTP covers the rest.
  const hdr = (max: number) =>
    Array.from({ length: int(max) }, () => String.fromCharCode(0x21 + int(0x7e - 0x21))).join('');
  const scalar = (): unknown =>
    pick([
      () => null,
      () => true,
      () => int(1e9) - 5e8,
      () => 1e308 * 10,
      () => -0,
      () => str(40),
      () => 'x'.repeat(int(5000)),
      () => `${str(5)}@${str(5)}`,
      () => 'a@b.c',
    ])();
  const value = (depth: number): unknown => {
    if (depth > 3 || random() < 0.5) return scalar();
    if (random() < 0.5) return Array.from({ length: int(4) }, () => value(depth + 1));
    return object(depth + 1);
  };
  const keys = [
    'name',
    'email',
    'password',
    'role',
    'id',
    '__proto__',
    'constructor',
    'prototype',
    'limit',
    '',
    'x',
  ];
  const object = (depth: number) => {
    const o: Record<string, unknown> = {};
    for (let i = int(5); i > 0; i--) o[pick(keys)] = value(depth);
    return o;
  };
  const goodToken = () => token;
  const tokens = [
    () => '',
    () => hdr(30),
    () => `${hdr(10)}.${hdr(10)}.${hdr(10)}`,
    () =>
      `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ sub: userId, role: 'admin' })).toString('base64url')}.`,
    () => goodToken().slice(0, -3) + 'abc',
    () => goodToken().split('.').reverse().join('.'),
    () => randomBytes(int(400)).toString('base64url'),
    () => 'a.b.c',
    goodToken,
  ];
  const bodies = [
    () => JSON.stringify(value(0)),
    () => JSON.stringify(object(0)),
    () => JSON.stringify({ name: scalar(), email: scalar(), password: scalar() }),
    () => str(60),
    () => '{"name":' + str(10),
    () => '['.repeat(int(2000)),
    () => '{"a":'.repeat(500) + '1' + '}'.repeat(500),
    () => randomBytes(int(300)).toString('latin1'),
    () => 'x'.repeat(20_000 + int(10_000)),
  ];
  const contentTypes = [
    'application/json',
    'application/json; charset=utf-7',
    'application/json; charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=',
    'application/*',
  ];
  const ids = [
    () => str(20),
    () => String(int(1e6)),
    () => '%',
    () => '%E0%A4%A',
    () => '..%2F..%2Fetc',
    () => encodeURIComponent(str(30)),
    () => '00000000-0000-0000-0000-000000000000',
    () => crypto.randomUUID(),
    () => crypto.randomUUID().toUpperCase(),
    () => 'f'.repeat(int(3000)),
    () => userId,
  ];
  const queries = [
    () => `limit=${encodeURIComponent(str(5))}`,
    () => `limit=${int(1000) - 500}`,
    () => `cursor=${encodeURIComponent(str(40))}`,
    () => `cursor=${Buffer.from(str(20)).toString('base64url')}`,
    () => 'limit=1&limit=2',
    () => 'limit[]=1',
    () => `${encodeURIComponent(str(5))}=${encodeURIComponent(str(5))}`,
    () => '%%%',
    () => '',
  ];
  const routes: (() => { method: string; path: string })[] = [
    () => ({ method: 'POST', path: '/users' }),
    () => ({ method: 'POST', path: '/auth/token' }),
    () => ({ method: 'GET', path: `/users?${pick(queries)()}` }),
    () => ({ method: pick(['GET', 'PATCH', 'DELETE']), path: `/users/${pick(ids)()}` }),
    () => ({ method: pick(['PUT', 'OPTIONS', 'HEAD', 'POST']), path: `/users/${pick(ids)()}` }),
    () => ({ method: pick(['GET', 'POST', 'DELETE']), path: `/${encodeURIComponent(str(10))}` }),
  ];

  return (): Case => {
    const { method, path } = pick(routes)();
    const headers: Record<string, string> = {};
    if (random() < 0.8)
      headers['authorization'] = pick(['Bearer ', 'bearer ', 'Basic ', '', 'Bearer  ']) + pick(tokens)();
    if (random() < 0.8) headers['content-type'] = pick(contentTypes);
    if (random() < 0.1) headers['content-encoding'] = pick(['gzip', 'deflate', 'br', 'identity', 'compress']);
    if (random() < 0.1) headers['x-forwarded-for'] = hdr(20);
    const body = method === 'GET' || method === 'HEAD' || random() < 0.1 ? undefined : pick(bodies)();
    return { method, path, headers, ...(body === undefined ? {} : { body }) };
  };
}

describe('fuzz', () => {
  it(`answers ${CASES} malformed requests without a single 5xx`, async () => {
    const next = generator(prng(SEED));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let done = 0; done < CASES;) {
      const batch = Array.from({ length: Math.min(20, CASES - done) }, next);
      done += batch.length;
      await Promise.all(
        batch.map(async (c) => {
          const res = await fetch(api.url + c.path, {
            method: c.method,
            headers: c.headers,
            body: c.body ?? null,
          }).catch((err: Error) => ({ status: -1, text: async () => err.message }));
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500 || res.status < 0) {
            failures.push(`${c.method} ${c.path.slice(0, 80)} -> ${res.status} ${text.slice(0, 200)}`);
          }
        }),
      );
    }
    console.log('fuzz statuses', Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
    expect(failures).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(CASES);
    // The run must have exercised both rejections and real work, or it tested nothing.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(100);
    expect((await call(api.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('never answers 5xx to raw malformed HTTP', async () => {
    const raw = [
      'GET /users/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n',
      `GET /users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'A'.repeat(9000)}.a.b\r\n\r\n`,
      'POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"a":1}',
      'POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}',
      'POST /auth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n',
      'GET /users/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n',
      'BREW /users HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n',
    ];
    for (const request of raw) {
      const status = await rawStatus(api.port, request);
      expect(status === null || status < 500, `${JSON.stringify(request.slice(0, 60))} -> ${status}`).toBe(
        true,
      );
    }
    expect((await call(api.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('rejects tokens that are well-formed but not ours: other algorithms, roles and issuers', async () => {
    const key = new TextEncoder().encode(api.jwtSecret);
    const sign = (claims: Record<string, unknown>, alg = 'HS256', issuer = 'scaledeck-user-api') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg })
        .setSubject(userId)
        .setIssuer(issuer)
        .setExpirationTime('1h')
        .sign(key);
    const cases = [
      await sign({ role: 'admin' }, 'HS512'),
      await sign({ role: 'superuser' }),
      await sign({ role: 'user' }, 'HS256', 'someone-else'),
      await sign({}),
    ];
    for (const t of cases)
      expect((await call(api.url, 'GET', `/users/${userId}`, { token: t })).status).toBe(401);
  });
});

function rawStatus(port: number, request: string): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let data = '';
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
    });
    socket.on('close', () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(data);
      resolve(match ? Number(match[1]) : null);
    });
    socket.on('error', () => undefined);
    socket.write(request);
    socket.end();
  });
}
