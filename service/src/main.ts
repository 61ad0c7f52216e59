import { createServer } from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { hashPassword } from './auth/password.js';
import { TokenService } from './auth/tokens.js';
import { createRedisBreaker } from './cache/breaker.js';
import { createRedis } from './cache/redis-client.js';
import { UserCache } from './cache/user-cache.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrate } from './db/migrations.js';
import { createPool, isConnectionError } from './db/pool.js';
import { UsersRepo } from './db/users-repo.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';

const STARTUP_DB_WAIT_MS = 60_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`scaledeck-user-api: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, config.replicaId);
  const pool = createPool(config.databaseUrl, config.dbPoolMax, logger);
  const metrics = createMetrics(() => pool, config.dbPoolMax, config.replicaId);
  const redis = createRedis(config.redisUrl, logger);
  const breaker = createRedisBreaker({
    resetTimeoutMs: config.redisBreakerResetMs,
    gauge: metrics.breakerState,
    logger,
  });
  const repo = new UsersRepo(pool);

  await waitForDatabase(() => migrate(pool, logger), logger);
  if (config.admin) await ensureAdmin(repo, config, logger);

  let draining = false;
  const app = createApp({
    logger,
    metrics,
    pool,
    redis,
    repo,
    cache: new UserCache({ redis, guard: breaker.run, ttlSeconds: config.cacheTtlSeconds, metrics, logger }),
    tokens: new TokenService(config.jwtSecret, config.jwtTtlSeconds),
    replicaId: config.replicaId,
    scryptCost: config.scryptCost,
    rateLimitPerSecond: config.rateLimitPerSecond,
    trustProxy: config.trustProxy,
    isDraining: () => draining,
  });

  const server = createServer(app);
  // Longer than a load balancer's upstream keep-alive, so it never reuses a socket we just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  logger.info({ port: config.port, scryptCost: config.scryptCost }, 'listening');

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    draining = true;
    logger.info(
      { signal, timeoutMs: config.shutdownTimeoutMs },
      'shutting down: draining in-flight requests',
    );
    // Closing a keep-alive socket between two of its requests resets the second one (the client
    // wrote it before our FIN arrived). So first give active clients a moment to send one more
    // request: its answer carries Connection: close and the client hangs up itself.
    const handOffMs = keepAliveHandOffMs(config.shutdownTimeoutMs);
    await new Promise((resolve) => setTimeout(resolve, handOffMs));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // close() only drops connections idle right now; keep-alive sockets whose request finishes
    // later would hold the drain open until the timeout, so sweep them as they go idle.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const timedOut = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) =>
        setTimeout(resolve, config.shutdownTimeoutMs - handOffMs, true).unref(),
      ),
    ]);
    clearInterval(sweep);
    if (timedOut) {
      logger.warn('shutdown timeout reached: closing remaining connections');
      server.closeAllConnections();
    }
    breaker.shutdown();
    await Promise.allSettled([pool.end(), redis.quit()]);
    logger.info('shutdown complete');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Long enough for a busy keep-alive client's next request, short against the drain budget. */
function keepAliveHandOffMs(shutdownTimeoutMs: number): number {
  return Math.min(1000, Math.floor(shutdownTimeoutMs / 4));
}

/** Replicas may start before PostgreSQL accepts connections (compose, Kubernetes): wait a while. */
async function waitForDatabase(work: () => Promise<unknown>, logger: Logger): Promise<void> {
  const deadline = Date.now() + STARTUP_DB_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return;
    } catch (err) {
      if (!isConnectionError(err) || Date.now() > deadline) throw err;
      if (attempt === 1) logger.info({ reason: (err as Error).message }, 'waiting for PostgreSQL');
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2_000)));
    }
  }
}

async function ensureAdmin(repo: UsersRepo, config: Config, logger: Logger): Promise<void> {
  const admin = config.admin!;
  if (await repo.existsByEmail(admin.email)) return;
  const passwordHash = await hashPassword(admin.password, config.scryptCost);
  const created = await repo.createIfAbsent({
    name: 'Administrator',
    email: admin.email,
    passwordHash,
    role: 'admin',
  });
  if (created) logger.info('bootstrap admin created');
}

main().catch((err: unknown) => {
  console.error('scaledeck-user-api: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
