// Spawns the built User API (service/dist/main.js) as a child process with the given environment.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  spawnLogged,
  tail,
  trackTempDir,
  untrackTempDir,
  waitUntil,
  type Exit,
} from './processes.ts';

export const SERVICE_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ServiceOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Extra or overriding variables (strings); `undefined` removes a default. */
  env?: Record<string, string | undefined>;
  /** Wait for /readyz (default) or only for the port to answer /healthz. */
  waitFor?: 'ready' | 'healthy' | 'nothing';
}

export interface ServiceInstance {
  url: string;
  port: number;
  pid: number;
  replicaId: string;
  jwtSecret: string;
  exited: Promise<Exit>;
  isRunning(): boolean;
  log(): string;
  /** Log lines parsed as JSON (pino), skipping anything else. */
  logLines(): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  dispose(): Promise<void>;
}

export function assertServiceBuilt(): void {
  if (!existsSync(SERVICE_MAIN)) {
    throw new Error(`${SERVICE_MAIN} is missing: build the service first (npm --prefix service run build)`);
  }
}

export async function startService(opts: ServiceOptions): Promise<ServiceInstance> {
  assertServiceBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'scaledeck-api-'));
  trackTempDir(dir);
  const port = await freePort();
  const replicaId = `test-${port}`;
  const jwtSecret = opts.env?.['JWT_SECRET'] ?? randomBytes(32).toString('hex');
  const env: Record<string, string | undefined> = {
    PATH: process.env['PATH'],
    PORT: String(port),
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    JWT_SECRET: jwtSecret,
    REPLICA_ID: replicaId,
    // Cheap hashing keeps the suite fast; tests about CPU cost raise it.
    SCRYPT_COST: '1024',
    RATE_LIMIT_PER_SECOND: '0',
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const proc = spawnLogged(process.execPath, [SERVICE_MAIN], join(dir, 'service.log'), { env, cwd: dir });
  const url = `http://127.0.0.1:${port}`;
  const instance: ServiceInstance = {
    url,
    port,
    pid: proc.pid,
    replicaId,
    jwtSecret,
    exited: proc.exited,
    isRunning: proc.isRunning,
    log: proc.log,
    logLines: () =>
      proc
        .log()
        .split('\n')
        .flatMap((line) => {
          try {
            const parsed: unknown = JSON.parse(line);
            return typeof parsed === 'object' && parsed !== null ? [parsed as Record<string, unknown>] : [];
          } catch {
            return [];
          }
        }),
    stop: (signal = 'SIGTERM') => proc.stop(signal),
    async dispose() {
      await proc.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      untrackTempDir(dir);
    },
  };
  const waitFor = opts.waitFor ?? 'ready';
  if (waitFor !== 'nothing') {
    const path = waitFor === 'ready' ? '/readyz' : '/healthz';
    await waitUntil(`user api ${path}`, async () => (await fetch(url + path)).status === 200, {
      alive: proc.isRunning,
      describe: () => tail(proc.log()),
    });
  }
  return instance;
}
