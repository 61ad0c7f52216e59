import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Guarded } from './breaker.js';

export type CacheResult = 'hit' | 'miss' | 'error';

export interface CachedRead {
  /** The user as ready-to-send JSON, or null when it does not exist. */
  json: string | null;
  result: CacheResult;
}

/** TTL plus up to 20% (at least 1 s) random jitter, so keys filled together do not all expire together. */
export function jitteredTtl(ttlSeconds: number, random: () => number = Math.random): number {
  const span = Math.max(1, Math.round(ttlSeconds * 0.2));
  return ttlSeconds + Math.floor(random() * (span + 1));
}

const keyFor = (id: string) => `user:v1:${id}`;

/**
 * Cache-aside for single users, stored as the exact JSON the route sends.
 * Single-flight: concurrent reads of one key inside this replica share one Redis lookup and, on a
 * miss, one PostgreSQL read. Redis failures are counted and bypassed: the read still succeeds.
 */
interface Flight {
  promise: Promise<CachedRead>;
  // Set by invalidate(): a load that started before a write must not put its stale value back.
  stale: boolean;
}

export class UserCache {
  private readonly inFlight = new Map<string, Flight>();
  private readonly deps: {
    redis: Redis;
    guard: Guarded;
    ttlSeconds: number;
    metrics: Metrics;
    logger: Logger;
  };

  constructor(deps: UserCache['deps']) {
    this.deps = deps;
  }

  async read(id: string, load: () => Promise<string | null>): Promise<CachedRead> {
    let flight = this.inFlight.get(id);
    if (!flight) {
      const started: Flight = { promise: Promise.resolve({ json: null, result: 'miss' }), stale: false };
      started.promise = this.readThrough(id, started, load).finally(() => {
        if (this.inFlight.get(id) === started) this.inFlight.delete(id);
      });
      this.inFlight.set(id, started);
      flight = started;
    }
    const outcome = await flight.promise;
    this.deps.metrics.cacheRequests.inc({ result: outcome.result });
    return outcome;
  }

  async invalidate(id: string): Promise<void> {
    const flight = this.inFlight.get(id);
    if (flight) {
      flight.stale = true;
      this.inFlight.delete(id);
    }
    try {
      await this.deps.guard(() => this.deps.redis.del(keyFor(id)));
    } catch (err) {
      // The entry will expire by TTL; a write must not fail because the cache is away.
      this.deps.logger.warn({ reason: (err as Error).message, id }, 'cache invalidation failed');
    }
  }

  private async readThrough(
    id: string,
    flight: Flight,
    load: () => Promise<string | null>,
  ): Promise<CachedRead> {
    const key = keyFor(id);
    let result: CacheResult = 'miss';
    try {
      const cached = await this.deps.guard(() => this.deps.redis.get(key));
      if (cached !== null) return { json: cached, result: 'hit' };
    } catch {
      result = 'error';
    }
    this.deps.metrics.cacheLoads.inc();
    const json = await load();
    if (json !== null && result === 'miss' && !flight.stale) {
      const ttl = jitteredTtl(this.deps.ttlSeconds);
      // Filling is best effort: the caller already has its answer.
      this.deps.guard(() => this.deps.redis.set(key, json, 'EX', ttl)).catch(() => undefined);
    }
    return { json, result };
  }
}
