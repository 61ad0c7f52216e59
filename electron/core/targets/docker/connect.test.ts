import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineUnavailableError } from '../../errors.ts';
import { pollUntil } from '../kit/poll.ts';
import { assertEngine } from './connect.ts';
import type { EngineEndpoint } from './engine-endpoint.ts';

// An engine socket that accepts and never answers, like a wedged daemon.
let dir = '';
let socketPath = '';
const accepted: Socket[] = [];
const closed: Socket[] = [];
const server = createServer((socket) => {
  accepted.push(socket);
  // Read (and drop) the request, so the client's hang-up is seen.
  socket.resume();
  socket.on('close', () => closed.push(socket));
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scaledeck-engine-'));
  socketPath = path.join(dir, 'docker.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('assertEngine', () => {
  it('a hung engine: the timeout is an EngineUnavailableError and the ping is cancelled', async () => {
    const endpoint: EngineEndpoint = { host: `unix://${socketPath}`, source: 'test' };
    const error = await assertEngine(new Dockerode({ socketPath }), 300, endpoint).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toContain('no answer within 300 ms');
    expect(accepted).toHaveLength(1);
    await pollUntil(
      'the ping connection closed',
      { timeoutMs: 5000, intervalMs: 10 },
      async () => closed.length === 1,
    );
  });
});
