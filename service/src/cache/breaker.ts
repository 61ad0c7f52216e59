import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import type { Gauge } from 'prom-client';

export const BREAKER_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

/** Runs an operation behind the breaker; rejects at once (without calling it) while open. */
export type Guarded = <T>(operation: () => Promise<T>) => Promise<T>;

export interface RedisBreaker {
  run: Guarded;
  shutdown(): void;
}

/**
 * A circuit breaker around Redis calls: after a burst of failures it opens and the cache is
 * bypassed entirely (reads go straight to PostgreSQL) until a trial call succeeds.
 */
export function createRedisBreaker(opts: {
  resetTimeoutMs: number;
  gauge: Gauge;
  logger: Logger;
}): RedisBreaker {
  const breaker = new CircuitBreaker((operation: () => Promise<unknown>) => operation(), {
    // The Redis client has its own 500 ms command timeout; a second timer per call would only cost.
    timeout: false,
    errorThresholdPercentage: 50,
    volumeThreshold: 5,
    resetTimeout: opts.resetTimeoutMs,
    rollingCountTimeout: 10_000,
    rollingCountBuckets: 10,
  });
  opts.gauge.set(BREAKER_STATE.closed);
  breaker.on('open', () => {
    opts.gauge.set(BREAKER_STATE.open);
    opts.logger.warn('redis breaker open: serving reads from PostgreSQL');
  });
  breaker.on('halfOpen', () => opts.gauge.set(BREAKER_STATE.halfOpen));
  breaker.on('close', () => {
    opts.gauge.set(BREAKER_STATE.closed);
    opts.logger.info('redis breaker closed: cache back in use');
  });
  return {
    run: <T>(operation: () => Promise<T>) => breaker.fire(operation) as Promise<T>,
    shutdown: () => breaker.shutdown(),
  };
}
