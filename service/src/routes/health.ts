import { Router } from 'express';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../errors.js';

export interface HealthDeps {
  pool: pg.Pool;
  redis: Redis;
  registry: Registry;
  replicaId: string;
  isDraining: () => boolean;
}

const up = (p: Promise<unknown>) =>
  p.then(
    () => 'up' as const,
    () => 'down' as const,
  );

export function healthRouter(deps: HealthDeps): Router {
  const router = Router();

  // Alive: the event loop answers. Deliberately checks nothing else, so a dependency outage
  // never gets a healthy replica restarted.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', replica: deps.replicaId });
  });

  router.get('/readyz', async (_req, res) => {
    if (deps.isDraining()) {
      res.status(503).set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      res.json({ status: 'draining', replica: deps.replicaId });
      return;
    }
    const [postgres, redis] = await Promise.all([up(deps.pool.query('SELECT 1')), up(deps.redis.ping())]);
    // Both are checked and reported, but only PostgreSQL gates readiness: without Redis the API
    // still serves every route (reads fall back to PostgreSQL), and a 503 here would make a load
    // balancer or a Kubernetes Service drop every replica at once during a Redis outage.
    const ready = postgres === 'up';
    if (!ready) res.status(503).set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    const status = !ready ? 'not_ready' : redis === 'up' ? 'ready' : 'degraded';
    res.json({ status, replica: deps.replicaId, checks: { postgres, redis } });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });

  return router;
}
