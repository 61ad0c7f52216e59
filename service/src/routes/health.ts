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
    const ready = postgres === 'up' && redis === 'up';
    if (!ready) res.status(503).set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    res.json({ status: ready ? 'ready' : 'not_ready', replica: deps.replicaId, checks: { postgres, redis } });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });

  return router;
}
