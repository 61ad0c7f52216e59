import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis client tuned for a cache that must never slow requests down: commands fail at once
 * while disconnected (no offline queue, no per-command retries, short timeout) so the circuit
 * breaker sees failures quickly, and the connection itself is retried forever with backoff so
 * the cache comes back on its own when Redis does.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
    lazyConnect: false,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    // ioredis emits one error per failed reconnect; log the transition, not every attempt.
    if (!down) logger.warn({ reason: err.message }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis connection restored');
    down = false;
  });
  return redis;
}
