// A throwaway redis-server on a free port, no persistence. stop()/kill() and start() again on the
// same port let tests take Redis away mid-run and bring it back.
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  spawnLogged,
  tail,
  trackTempDir,
  untrackTempDir,
  waitUntil,
  type Spawned,
} from './processes.ts';

export interface RedisServer {
  port: number;
  url: string;
  isRunning(): boolean;
  /** SIGKILL: the abrupt way Redis goes away in production. */
  kill(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'scaledeck-redis-'));
  trackTempDir(dir);
  const port = await freePort();
  let server: Spawned | null = null;

  const start = async () => {
    if (server?.isRunning()) return;
    const spawned = spawnLogged(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      join(dir, 'redis.log'),
      { cwd: dir },
    );
    server = spawned;
    await waitUntil('redis', () => ping(port), {
      alive: spawned.isRunning,
      describe: () => tail(spawned.log()),
    });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    isRunning: () => server?.isRunning() ?? false,
    async kill() {
      await server?.stop('SIGKILL');
    },
    start,
    async dispose() {
      await server?.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      untrackTempDir(dir);
    },
  };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
