import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  httpInFlight: Gauge;
  cacheRequests: Counter<'result'>;
  cacheLoads: Counter;
  breakerState: Gauge;
}

/** Sub-millisecond to seconds: a cached read is ~1 ms, a scrypt sign-in tens of ms, a stall seconds. */
export const DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export function createMetrics(pool: () => PoolStats | null, poolMax: number, replicaId: string): Metrics {
  const registry = new Registry();
  // Every series names its replica (the X-Replica id), so per-replica charts read as replica names
  // rather than as the scrape address that service discovery happened to find.
  registry.setDefaultLabels({ replica: replicaId });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const httpInFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests received and not yet answered',
    registers,
  });
  const cacheRequests = new Counter({
    name: 'cache_requests_total',
    help: 'User cache lookups by result (hit, miss, error)',
    labelNames: ['result'] as const,
    registers,
  });
  const cacheLoads = new Counter({
    name: 'cache_loads_total',
    help: 'Reads from PostgreSQL to fill the user cache (one per cold key and replica thanks to single-flight)',
    registers,
  });
  const breakerState = new Gauge({
    name: 'redis_breaker_state',
    help: 'Redis circuit breaker: 0 closed, 1 half-open, 2 open',
    registers,
  });

  const poolGauge = (name: string, help: string, read: (s: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const stats = pool();
        if (stats) this.set(read(stats));
      },
    });
  poolGauge('db_pool_connections', 'PostgreSQL pool connections open', (s) => s.totalCount);
  poolGauge('db_pool_idle_connections', 'PostgreSQL pool connections idle', (s) => s.idleCount);
  poolGauge(
    'db_pool_waiting_requests',
    'Queries waiting for a PostgreSQL pool connection',
    (s) => s.waitingCount,
  );
  new Gauge({ name: 'db_pool_max_connections', help: 'PostgreSQL pool size limit', registers }).set(poolMax);

  return { registry, httpRequests, httpDuration, httpInFlight, cacheRequests, cacheLoads, breakerState };
}
