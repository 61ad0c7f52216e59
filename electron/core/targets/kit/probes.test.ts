import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersOk } from './probes.ts';

// A real HTTP server on loopback: one path answers, one fails, one never answers.
let server: http.Server;
let base = '';
const hung = new Set<http.ServerResponse>();
let hungClosed: Promise<void> = new Promise(() => {});

beforeAll(async () => {
  server = http.createServer((request, response) => {
    if (request.url === '/ok') response.end('ok');
    else if (request.url === '/fail') response.writeHead(503).end();
    else {
      hung.add(response);
      hungClosed = new Promise((resolve) => request.socket.once('close', () => resolve()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of hung) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('answersOk', () => {
  it('is true on 2xx and false on an error status', async () => {
    expect(await answersOk(`${base}/ok`)).toBe(true);
    expect(await answersOk(`${base}/fail`)).toBe(false);
  });

  it('aborts a request that does not answer in time instead of waiting for it', async () => {
    await expect(answersOk(`${base}/hang`, 200)).rejects.toThrow(/abort|timeout/i);
    // The abort closed the connection: the server sees it go (the test times out if it never does).
    await hungClosed;
    expect(hung.size).toBe(1);
  });
});
