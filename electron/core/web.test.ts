/**
 * Browser mode's HTTP/SSE contract: malformed payloads get 400 naming the field, commands from
 * elsewhere are refused, SSE delivers numbered events and replays from Last-Event-ID, and share
 * mode refuses commands without the token. The session is real (real engine, a stack name that is
 * not deployed): nothing here needs a running stack.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SequencedEvent } from './contract.ts';
import { Session } from './session.ts';
import { parseSettings } from './settings.ts';
import { startWebServer, type WebServer } from './web.ts';
import type { ShareSession } from './web/share-access.ts';

let session: Session;
let local: WebServer;
let shared: WebServer;

beforeAll(async () => {
  session = await new Session({
    settings: parseSettings({}),
    stack: `web-${randomBytes(3).toString('hex')}`,
  }).open();
  local = await startWebServer({ session });
  // Shared mode on loopback too: the test checks the token, not the LAN.
  shared = await startWebServer({ session, share: true, host: '127.0.0.1' });
});

afterAll(async () => {
  await local?.close();
  await shared?.close();
  await session?.dispose();
});

async function invoke(
  server: WebServer,
  channel: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}api/invoke/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      ok: boolean;
      value?: unknown;
      error?: { code: string; message: string; field?: string };
    },
  };
}

/** A GET with a Host header of our choosing, as a rebinding page's browser would send it. */
async function getWithHost(server: WebServer, host: string | null, path = '/api/session') {
  // The address it listens on: `localhost` may have bound ::1 rather than 127.0.0.1.
  const { address, port } = server.server.address() as AddressInfo;
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: address, port, path, method: 'GET', setHost: host !== null }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    if (host !== null) req.setHeader('host', host);
    req.on('error', reject);
    req.end();
  });
}

async function shareSession(server: WebServer, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}api/session`, { headers });
  expect(response.status).toBe(200);
  return (await response.json()) as ShareSession;
}

/** This machine's addresses as a Host header spells them (IPv6 in brackets, no zone). */
function ownAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map(({ address, family }) => (family === 'IPv6' ? `[${address.replace(/%.*$/, '')}]` : address));
}

/** Reads SSE frames until `count` `core` events arrived (or the timeout). */
async function readEvents(
  url: string,
  count: number,
  headers: Record<string, string> = {},
  onOpen?: () => void,
): Promise<SequencedEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  onOpen?.();
  const decoder = new TextDecoder();
  const events: SequencedEvent[] = [];
  let buffer = '';
  try {
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = frame.split('\n');
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (lines.includes('event: core') && data !== undefined) {
          const event = JSON.parse(data) as SequencedEvent;
          expect(String(event.seq)).toBe(id);
          events.push(event);
        }
      }
      if (events.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe('browser mode over HTTP and SSE', () => {
  it('binds 127.0.0.1 and answers a read', async () => {
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const { status, body } = await invoke(local, 'stack:status', {});
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect((body.value as { phase: string }).phase).toBe('absent');
    const page = await fetch(local.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it.each([
    ['load:start', { rps: 'fast', durationSeconds: 10 }, 'rps'],
    ['load:start', { rps: 100 }, 'durationSeconds'],
    ['load:start', { rps: 1e9, durationSeconds: 10 }, 'rps'],
    ['load:start', { rps: 10, durationSeconds: 10, mix: { getUser: -1 } }, 'mix.getUser'],
    ['load:start', { rps: 10, durationSeconds: 10, mix: { deleteAll: 1 } }, 'mix.deleteAll'],
    ['load:start', { rps: 10, durationSeconds: 10, concurrency: 0 }, 'concurrency'],
    ['load:update', { zipfExponent: 9 }, 'zipfExponent'],
    ['stack:scale', { replicas: 1.5 }, 'replicas'],
    ['stack:scale', { replicas: 1_000 }, 'replicas'],
    ['stack:scale', {}, 'replicas'],
    ['stack:deploy', { replicas: -1 }, 'replicas'],
    ['stack:teardown', { deleteVolumes: 'yes' }, 'deleteVolumes'],
    ['stack:status', { verbose: true }, 'verbose'],
    [
      'autoscaler:set',
      { enabled: true, minReplicas: 5, maxReplicas: 2, targetCpuUtilizationPercent: 50 },
      'minReplicas',
    ],
    [
      'autoscaler:set',
      { enabled: true, minReplicas: 1, maxReplicas: 2, targetCpuUtilizationPercent: 500 },
      'targetCpuUtilizationPercent',
    ],
    [
      'autoscaler:set',
      {
        enabled: true,
        minReplicas: 1,
        maxReplicas: 2,
        targetCpuUtilizationPercent: 50,
        behavior: { scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 1801 }] } },
      },
      'behavior.scaleDown.policies.0.periodSeconds',
    ],
    ['chaos:kill', { what: 'datacenter' }, 'what'],
    ['chaos:kill', { what: 'redis', replica: 'x' }, 'replica'],
    ['chaos:restore', { what: 'replica' }, 'what'],
    ['metrics:snapshot', { since: 'yesterday' }, 'since'],
    ['timeline:list', [1, 2], 'input'],
  ])('%s %j -> 400 naming %s', async (channel, body, field) => {
    const { status, body: answer } = await invoke(local, channel, body);
    expect(status).toBe(400);
    expect(answer.ok).toBe(false);
    expect(answer.error?.code).toBe('VALIDATION');
    expect(answer.error?.field).toBe(field);
    expect(answer.error?.message).toContain(field);
  });

  it('rejects a body that is not JSON, a non-JSON content type, an unknown channel and a foreign origin', async () => {
    const broken = await invoke(local, 'stack:scale', '{"replicas": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error?.field).toBe('body');

    const plain = await fetch(`${local.url}api/invoke/stack:teardown`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(plain.status).toBe(415);

    const unknown = await invoke(local, 'stack:explode', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.field).toBe('channel');

    const foreign = await invoke(local, 'stack:teardown', {}, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);

    // DNS rebinding: a name that resolves to 127.0.0.1 but is not this machine's.
    const { port } = new URL(local.url);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/invoke/stack:status',
          method: 'POST',
          headers: { host: `evil.example:${port}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(rebound).toBe(403);
  });

  it('caps a body at 64 kB, except the what-if that carries a recording opened offline', async () => {
    const padding = 'x'.repeat(100_000);
    const big = await invoke(local, 'stack:scale', { replicas: 2, padding });
    expect(big.status).toBe(400);
    expect(big.body.error).toMatchObject({ field: 'body', message: 'body: larger than 64 kB' });
    // Parsed, then refused by the channel's own schema (the field it names), not by size.
    const whatIf = await invoke(local, 'decisions:whatif', { recording: { version: 1, padding } });
    expect(whatIf.body.ok).toBe(false);
    expect(whatIf.body.error?.message).not.toMatch(/larger than/);
    expect(whatIf.body.error?.field).toMatch(/^recording/);
  });

  it('a valid command on an absent stack fails as data, with a status that says why', async () => {
    const { status, body } = await invoke(local, 'load:start', { rps: 10, durationSeconds: 5 });
    expect(status).toBe(409);
    expect(body.error?.code).toBe('NOT_DEPLOYED');
    const stop = await invoke(local, 'load:stop', {});
    expect(stop.status).toBe(409);
    expect(stop.body.error?.code).toBe('NO_LOAD');
  });

  it('SSE delivers numbered events in order and replays from Last-Event-ID', async () => {
    const pushed = [1, 2, 3].map((n) => ({
      type: 'chaos' as const,
      at: Date.now(),
      action: 'kill' as const,
      what: 'replica' as const,
      target: `r${n}`,
    }));
    const live = await readEvents(`${local.url}api/events`, 3, {}, () => {
      // Pushed once the stream is open, as the session would while a client watches.
      setTimeout(() => pushed.forEach((event) => session.timeline.push(event)), 100);
    });
    expect(live.map((e) => (e.type === 'chaos' ? e.target : e.type))).toEqual(['r1', 'r2', 'r3']);
    expect(live[1]!.seq).toBe(live[0]!.seq + 1);
    expect(live[2]!.seq).toBe(live[1]!.seq + 1);

    // A client that saw only the first one gets the rest replayed from the timeline.
    const replay = await readEvents(`${local.url}api/events`, 2, { 'last-event-id': String(live[0]!.seq) });
    expect(replay.map((e) => e.seq)).toEqual([live[1]!.seq, live[2]!.seq]);
  });

  it('share mode: reads and events are open, commands need the token', async () => {
    expect(shared.token).toMatch(/^[\w-]{32}$/);
    expect(local.token).toBeNull();
    const read = await invoke(shared, 'stack:status', {});
    expect(read.status).toBe(200);

    const anonymous = await invoke(shared, 'load:stop', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.field).toBe('authorization');
    const wrong = await invoke(
      shared,
      'chaos:kill',
      { what: 'redis' },
      { authorization: 'Bearer not-the-token' },
    );
    expect(wrong.status).toBe(401);
    // With the token the command goes through to the session (which has no load to stop).
    const allowed = await invoke(shared, 'load:stop', {}, { authorization: `Bearer ${shared.token}` });
    expect(allowed.status).toBe(409);
    expect(allowed.body.error?.code).toBe('NO_LOAD');
    // Switching the session's target moves every viewer: read-only clients cannot, and may read it.
    const switchTarget = await invoke(shared, 'target:select', { kind: 'docker' });
    expect(switchTarget.status).toBe(401);
    expect(switchTarget.body.error?.message).toMatch(/^target:select changes the stack: .*read-only/);
    const current = await invoke(shared, 'target:current', {});
    expect(current.status).toBe(200);
    expect(current.body.value).toEqual({ kind: 'docker', id: 'docker', label: 'Local Docker engine' });

    const events = await readEvents(`${shared.url}api/events`, 1, {}, () => {
      setTimeout(
        () =>
          session.timeline.push({
            type: 'error',
            at: Date.now(),
            error: { code: 'TEST', message: 'shared' },
          }),
        100,
      );
    });
    expect(events[0]?.type).toBe('error');
  });
});

describe('browser mode is never open to the network by accident', () => {
  it.each(['0.0.0.0', '::', ...ownAddresses().filter((a) => !/^(127\.|\[::1\])/.test(a))])(
    '--host %s without --share is refused, naming --host and the fix',
    async (host) => {
      const refused = startWebServer({ session, host: host.replace(/^\[(.*)\]$/, '$1') });
      await expect(refused).rejects.toMatchObject({ code: 'VALIDATION', field: 'host' });
      await expect(refused).rejects.toThrow(
        /--host .* is not a loopback address.*--share.*--host 127\.0\.0\.1/,
      );
    },
  );

  it('loopback addresses other than the default are still served without --share', async () => {
    const named = await startWebServer({ session, host: 'localhost' });
    try {
      expect((await getWithHost(named, `localhost:${new URL(named.url).port}`)).status).toBe(200);
    } finally {
      await named.close();
    }
  });

  it('loopback mode answers only localhost, 127.0.0.1 and [::1] on its own port', async () => {
    const { port } = new URL(local.url);
    const other = Number(port) === 65_535 ? 65_534 : Number(port) + 1;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost', 'LOCALHOST.'])
      expect({ host, status: (await getWithHost(local, host)).status }).toEqual({ host, status: 200 });

    const refusals = [
      `evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `127.0.0.1:${other}`,
      `${hostname()}:${port}`,
      ...ownAddresses()
        .filter((a) => !/^(127\.|\[::1\])/.test(a))
        .map((a) => `${a}:${port}`),
      'not a host',
    ];
    for (const host of refusals) {
      const { status, body } = await getWithHost(local, host);
      expect({ host, status }).toEqual({ host, status: 403 });
      const error = (JSON.parse(body) as { error: { field: string; message: string } }).error;
      expect(error.field).toBe('host');
      expect(error.message).toContain(`open http://127.0.0.1:${port}/`);
    }
    // The page itself is guarded too, not only the API: a rebinding page could read it.
    const page = await getWithHost(local, `evil.example:${port}`, '/');
    expect(page.status).toBe(403);
    expect((JSON.parse(page.body) as { error: { message: string } }).error.message).toMatch(
      /^Host "evil\.example:\d+" is not a name of this machine.*DNS rebinding/,
    );
    // No Host at all: Node's HTTP/1.1 parser refuses it before the app sees it.
    expect((await getWithHost(local, null)).status).toBe(400);
  });

  it("share mode answers this machine's addresses and names, with or without the port, and nothing else", async () => {
    const { port } = new URL(shared.url);
    const own = [...ownAddresses(), hostname(), 'localhost'];
    for (const name of own)
      for (const host of [name, `${name}:${port}`])
        expect({ host, status: (await getWithHost(shared, host)).status }).toEqual({ host, status: 200 });

    for (const host of [`evil.example:${port}`, `${hostname()}.evil.example`, `[fd00::dead:beef]:${port}`]) {
      const { status, body } = await getWithHost(shared, host);
      expect({ host, status }).toEqual({ host, status: 403 });
      expect(body).toContain('DNS rebinding');
      expect(body).toContain(hostname());
    }
    expect((await getWithHost(shared, `${hostname()}:${Number(port) === 1 ? 2 : 1}`)).status).toBe(403);
  });

  it('targets:list needs the token in share mode (it shows kube contexts and their servers)', async () => {
    expect((await invoke(local, 'targets:list', {})).status).toBe(200);
    const anonymous = await invoke(shared, 'targets:list', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.field).toBe('authorization');
    expect(anonymous.body.error?.message).toMatch(/^targets:list probes .*read-only without the token/);
    const wrong = await invoke(shared, 'targets:list', {}, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.message).toContain('is not this server');
    const allowed = await invoke(shared, 'targets:list', {}, { authorization: `Bearer ${shared.token}` });
    expect(allowed.status).toBe(200);
    expect(Array.isArray(allowed.body.value)).toBe(true);
  });

  it('GET /api/session tells the page whether it is shared and whether its token commands', async () => {
    expect(await shareSession(local)).toEqual({
      share: false,
      canCommand: true,
      tokenRejected: false,
      sharedBy: null,
      tokenChannels: [],
    });
    const viewer = await shareSession(shared);
    expect(viewer).toMatchObject({
      share: true,
      canCommand: false,
      tokenRejected: false,
      sharedBy: hostname(),
    });
    expect(viewer.tokenChannels).toEqual(
      expect.arrayContaining(['targets:list', 'stack:deploy', 'target:select']),
    );
    expect(viewer.tokenChannels).not.toContain('stack:status');
    expect(await shareSession(shared, { authorization: 'Bearer wrong' })).toMatchObject({
      canCommand: false,
      tokenRejected: true,
    });
    expect(await shareSession(shared, { authorization: `Bearer ${shared.token}` })).toMatchObject({
      canCommand: true,
      tokenRejected: false,
    });
  });
});
