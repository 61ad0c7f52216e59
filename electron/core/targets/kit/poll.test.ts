import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaledeckError } from '../../errors.ts';
import { pollUntil } from './poll.ts';

// A real server that never answers: a step fetching from it only ends when it is cancelled.
const held: IncomingMessage[] = [];
const closed: IncomingMessage[] = [];
const server = createServer((request) => {
  held.push(request);
  request.socket.on('close', () => closed.push(request));
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('pollUntil', () => {
  it('returns the first value a step resolves with', async () => {
    let calls = 0;
    const value = await pollUntil('the third call', { timeoutMs: 10_000, intervalMs: 1 }, async () =>
      ++calls === 3 ? 'done' : null,
    );
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('the timeout cancels the request in flight, and names what was awaited', async () => {
    let stepSignal: AbortSignal | undefined;
    const error = await pollUntil('an answer that never comes', { timeoutMs: 300 }, async (signal) => {
      stepSignal = signal;
      return (await fetch(url, { signal })).ok;
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScaledeckError);
    expect((error as ScaledeckError).code).toBe('TIMEOUT');
    expect((error as Error).message).toContain('an answer that never comes');
    expect(stepSignal?.aborted).toBe(true);
    expect(held).toHaveLength(1);
    // The server sees the client hang up: the request did not outlive the wait.
    await pollUntil(
      'the held request closed',
      { timeoutMs: 5000, intervalMs: 10 },
      async () => closed.length === 1,
    );
  });

  it('ends at the deadline even when a step ignores its signal', async () => {
    const error = await pollUntil(
      'a deaf step',
      { timeoutMs: 200 },
      () => new Promise<never>(() => {}),
    ).catch((caught: unknown) => caught);
    expect((error as ScaledeckError).code).toBe('TIMEOUT');
  });

  it('a step that throws is retried, its last error in the message; a fatal one ends the wait', async () => {
    const retried = await pollUntil('a flaky step', { timeoutMs: 200, intervalMs: 10 }, async () => {
      throw new Error('connection refused');
    }).catch((caught: unknown) => caught);
    expect((retried as Error).message).toMatch(/last error: connection refused/);

    let calls = 0;
    const fatal = new ScaledeckError('START_FAILED', 'replica exited');
    const ended = await pollUntil(
      'a replica',
      { timeoutMs: 10_000, intervalMs: 1, isFatal: (e) => e === fatal },
      async () => {
        calls += 1;
        throw fatal;
      },
    ).catch((caught: unknown) => caught);
    expect(ended).toBe(fatal);
    expect(calls).toBe(1);
  });
});
