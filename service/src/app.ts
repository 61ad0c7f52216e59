import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from 'pino';
import { requireAuth } from './auth/require-auth.js';
import type { TokenService } from './auth/tokens.js';
import type { UserCache } from './cache/user-cache.js';
import type { UsersRepo } from './db/users-repo.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { httpMetrics } from './http-metrics.js';
import type { Metrics } from './metrics.js';
import { rateLimit } from './rate-limit.js';
import { authRouter } from './routes/auth.js';
import { healthRouter } from './routes/health.js';
import { usersRouter } from './routes/users.js';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  pool: pg.Pool;
  redis: Redis;
  repo: UsersRepo;
  cache: UserCache;
  tokens: TokenService;
  replicaId: string;
  scryptCost: number;
  rateLimitPerSecond: number;
  trustProxy: boolean;
  isDraining: () => boolean;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.set('trust proxy', deps.trustProxy);
  // ETags on per-user JSON buy nothing here and cost a hash per response.
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(httpMetrics(deps.metrics));
  app.use(((_req, res, next) => {
    res.set('X-Replica', deps.replicaId);
    // Tell keep-alive clients to go elsewhere once this replica is shutting down.
    if (deps.isDraining()) res.set('Connection', 'close');
    next();
  }) satisfies RequestHandler);
  // The headers that matter for a JSON API (no sniffing, no framing, no referrer, no
  // cross-origin embedding). Document-only ones (COOP, DNS prefetch, download options...) cost a
  // header write per response for nothing; HSTS is meaningless on the stack's plain-HTTP hop.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      strictTransportSecurity: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );

  app.use(
    healthRouter({
      pool: deps.pool,
      redis: deps.redis,
      registry: deps.metrics.registry,
      replicaId: deps.replicaId,
      isDraining: deps.isDraining,
    }),
  );

  // Per route rather than app-wide, so requests rejected here still carry their route label.
  // Only routes with a body get the JSON parser; reads skip it.
  const limiter =
    deps.rateLimitPerSecond > 0
      ? [rateLimit({ redis: deps.redis, perSecond: deps.rateLimitPerSecond, logger: deps.logger })]
      : [];
  const json = express.json({ limit: '16kb', strict: true });
  const pre = { read: limiter, write: [...limiter, json] };
  const auth = requireAuth(deps.tokens);
  app.use(usersRouter({ repo: deps.repo, cache: deps.cache, scryptCost: deps.scryptCost, pre, auth }));
  app.use(
    authRouter({ repo: deps.repo, tokens: deps.tokens, scryptCost: deps.scryptCost, before: pre.write }),
  );

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
