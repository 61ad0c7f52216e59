import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './errors.js';

const FAIL_OPEN_LOG_INTERVAL_MS = 10_000;

/**
 * Per-client limit (requests per second) counted in Redis, so it holds across replicas.
 * When Redis is unreachable the request is let through: an outage of the limiter must not
 * become an outage of the API. That is logged, at most once per interval.
 */
export function rateLimit(opts: { redis: Redis; perSecond: number; logger: Logger }): RequestHandler {
  if (opts.perSecond <= 0) return (_req, _res, next) => next();
  const limiter = new RateLimiterRedis({
    storeClient: opts.redis,
    keyPrefix: 'rl',
    points: opts.perSecond,
    duration: 1,
    rejectIfRedisNotReady: true,
  });
  let lastFailOpenLog = 0;
  return async (req, res, next) => {
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    try {
      const status = await limiter.consume(client);
      res.set('RateLimit-Limit', String(opts.perSecond));
      res.set('RateLimit-Remaining', String(status.remainingPoints));
      next();
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
        res.set('RateLimit-Limit', String(opts.perSecond));
        res.set('RateLimit-Remaining', '0');
        return next(
          new HttpError(
            429,
            'rate_limited',
            `more than ${opts.perSecond} requests per second from this client`,
            {
              retryAfterSeconds: retryAfter,
            },
          ),
        );
      }
      const now = Date.now();
      if (now - lastFailOpenLog >= FAIL_OPEN_LOG_INTERVAL_MS) {
        lastFailOpenLog = now;
        opts.logger.warn(
          { reason: outcome instanceof Error ? outcome.message : String(outcome) },
          'rate limiter unavailable (Redis unreachable): letting requests through',
        );
      }
      next();
    }
  };
}
