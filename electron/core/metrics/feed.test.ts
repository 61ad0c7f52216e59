// The metrics layer against real parts: a User API instance with its PostgreSQL and Redis, scraped
// every second by a real Prometheus, queried with the same PromQL the dashboard shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../service/test/harness/postgres.ts';
import { startRedis, type RedisServer } from '../../../service/test/harness/redis.ts';
import { startService, type ServiceInstance } from '../../../service/test/harness/service.ts';
import { MetricsFeed } from './feed.ts';
import { PrometheusClient, PrometheusError } from './prometheus.ts';
import { chartQueries, rateWindow } from './queries.ts';
import { startPrometheus, type PrometheusServer } from '../../test-support/prometheus-server.ts';

const SCRAPE_SECONDS = 1;

describe('metrics feed on a real Prometheus', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let api: ServiceInstance;
  let prometheus: PrometheusServer;
  let client: PrometheusClient;
  let sentPerSecond = 0;

  beforeAll(async () => {
    postgres = await startPostgres();
    redis = await startRedis();
    api = await startService({ databaseUrl: await postgres.createDatabase('feed'), redisUrl: redis.url });
    prometheus = await startPrometheus({
      job: 'api',
      targets: [`127.0.0.1:${api.port}`],
      scrapeIntervalSeconds: SCRAPE_SECONDS,
    });
    client = new PrometheusClient(prometheus.url);

    const user = { name: 'Feed', email: 'feed@example.test', password: 'correct horse battery' };
    const created = (await (
      await fetch(`${api.url}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(user),
      })
    ).json()) as { id: string | number };
    const { token } = (await (
      await fetch(`${api.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: user.password }),
      })
    ).json()) as { token: string };

    // 40 req/s of the same cached read for 12 s: a steady rate and a hit ratio near 1.
    const rate = 40;
    const seconds = 12;
    const started = Date.now();
    for (let i = 0; i < rate * seconds; i++) {
      const due = started + (i * 1000) / rate;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const res = await fetch(`${api.url}/users/${created.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    sentPerSecond = (rate * seconds) / ((Date.now() - started) / 1000);
    // Let Prometheus scrape the last counters.
    await new Promise((r) => setTimeout(r, 2 * SCRAPE_SECONDS * 1000));
  }, 120_000);

  afterAll(async () => {
    await prometheus?.dispose();
    await api?.dispose();
    await redis?.dispose();
    await postgres?.dispose();
  });

  it('uses rate windows of at least four scrape intervals', () => {
    expect(rateWindow(1)).toBe('4s');
    expect(rateWindow(2)).toBe('8s');
    expect(rateWindow(15)).toBe('60s');
    for (const chart of chartQueries({ scrapeIntervalSeconds: 2, cpuLimitCores: 0.5 }))
      for (const s of chart.series) if (s.promql.includes('rate(')) expect(s.promql).toMatch(/\[8s\]/);
  });

  it('backfills every chart from query_range with the traffic that was sent', async () => {
    const feed = new MetricsFeed({
      client,
      charts: chartQueries({ scrapeIntervalSeconds: SCRAPE_SECONDS, cpuLimitCores: 1 }),
      stepMs: 1000,
    });
    const errors: string[] = [];
    feed.onError((e) => errors.push(`${e.chart}: ${e.message}`));
    await feed.start(30_000);
    feed.cancel();
    expect(errors).toEqual([]);

    const series = (chart: string, name?: string) =>
      feed.snapshot().find((s) => s.chart === chart && (name === undefined || s.name === name));
    const values = (chart: string, name?: string) =>
      (series(chart, name)?.points ?? []).map((p) => p.v).filter((v): v is number => v !== null);

    // Steady-state request rate: the busiest stretch of the series matches what the test sent.
    const rates = values('requestRate');
    expect(Math.max(...rates)).toBeGreaterThan(sentPerSecond * 0.8);
    expect(Math.max(...rates)).toBeLessThan(sentPerSecond * 1.25);
    expect(series('requestRate')?.query).toContain('rate(http_requests_total{job="api"}[4s])');

    const p99 = values('latency', 'p99');
    expect(p99.length).toBeGreaterThan(0);
    expect(Math.max(...p99)).toBeGreaterThan(0);
    expect(Math.max(...p99)).toBeLessThan(1);

    expect(Math.max(...values('cacheHitRatio'))).toBeGreaterThan(0.9);
    expect(values('replicasUp').at(-1)).toBe(1);
    expect(values('errorRatio').every((v) => v === 0)).toBe(true);
    const cpu = feed.snapshot().filter((s) => s.chart === 'cpuPerReplica');
    expect(cpu.map((s) => s.name)).toEqual([api.replicaId]);
    const perReplica = feed.snapshot().filter((s) => s.chart === 'requestRatePerReplica');
    expect(perReplica.map((s) => s.name)).toEqual([api.replicaId]);
    expect(Math.max(...perReplica[0]!.points.map((p) => p.v ?? 0))).toBeGreaterThan(sentPerSecond * 0.8);
    expect(Math.max(...cpu[0]!.points.map((p) => p.v ?? 0))).toBeGreaterThan(0);
  });

  it('appends one point per series and tick, with samplers beside PromQL', async () => {
    let desired = 3;
    const feed = new MetricsFeed({
      client,
      charts: chartQueries({ scrapeIntervalSeconds: SCRAPE_SECONDS, cpuLimitCores: 1 }),
      samplers: [
        {
          chart: 'replicas',
          name: 'desired',
          source: 'target: desired replicas',
          sample: async () => desired,
        },
      ],
      stepMs: 60_000, // ticks are driven by hand here
    });
    const updates: number[] = [];
    feed.onUpdate((at) => updates.push(at));
    await feed.tick();
    desired = 5;
    await new Promise((r) => setTimeout(r, 20));
    await feed.tick();
    feed.cancel();
    expect(updates).toHaveLength(2);
    const sampled = feed.snapshot().find((s) => s.chart === 'replicas');
    expect(sampled?.points.map((p) => p.v)).toEqual([3, 5]);
    expect(sampled?.query).toBe('target: desired replicas');
    expect(feed.snapshot().find((s) => s.chart === 'replicasUp')?.points.length).toBe(2);
  });

  it('reports a bad query as an error naming Prometheus and the PromQL', async () => {
    const err = await client.query('sum(rate(').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusError);
    expect((err as PrometheusError).message).toMatch(/rejected the query/);
    expect((err as PrometheusError).promql).toBe('sum(rate(');
    const down = new PrometheusClient('http://127.0.0.1:9', { timeoutMs: 1000 });
    await expect(down.query('up')).rejects.toThrow(/did not answer/);
  });
});
