import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeReadyz } from './direct-probe.ts';

let server: http.Server;
let port = 0;
let answer: { status: number; replica?: string; delayMs?: number } = { status: 200, replica: 'api-1' };

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    const reply = () => {
      if (answer.replica) res.setHeader('X-Replica', answer.replica);
      res.writeHead(answer.status).end();
    };
    if (answer.delayMs) setTimeout(reply, answer.delayMs);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('direct readiness probe', () => {
  it('ready only when the replica it was meant for answers 200', async () => {
    answer = { status: 200, replica: 'api-1' };
    await expect(probeReadyz('127.0.0.1', port, 'api-1')).resolves.toBe('ready');
    answer = { status: 503, replica: 'api-1' };
    await expect(probeReadyz('127.0.0.1', port, 'api-1')).resolves.toBe('not-ready');
  });

  it('an answer from another host or replica means the address does not route to it', async () => {
    answer = { status: 200, replica: 'api-2' };
    await expect(probeReadyz('127.0.0.1', port, 'api-1')).resolves.toBe('unreachable');
    answer = { status: 200 };
    await expect(probeReadyz('127.0.0.1', port, 'api-1')).resolves.toBe('unreachable');
  });

  it('refused (Node still loading) says so; a slow answer from the replica is not ready', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(probeReadyz('127.0.0.1', closedPort, 'api-1')).resolves.toBe('refused');
    answer = { status: 200, replica: 'api-1', delayMs: 3000 };
    await expect(probeReadyz('127.0.0.1', port, 'api-1')).resolves.toBe('not-ready');
  });

  it('a foreign address (TEST-NET-1, RFC 5737) never counts as the replica', async () => {
    expect(['refused', 'unreachable']).toContain(await probeReadyz('192.0.2.1', 8080, 'api-1'));
  });
});
