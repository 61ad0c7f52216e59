/**
 * A stand-in for the core's browser-mode server, for the UI benchmark and for looking at the
 * dashboard without a container engine: the same HTTP/SSE surface (POST /api/invoke/<channel>,
 * GET /api/events) over synthetic numbers. The e2e flow runs against the real core instead.
 *
 *   node e2e/app/support/demo-server.ts [--port 5174] [--points 900] [--step-ms 1000]
 */
import express from 'express';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type {
  ChartInfo,
  SequencedEvent,
  StackStatus,
  TimelineEvent,
  UiEvent,
} from '../../../electron/core/contract.ts';
import type { SeriesSnapshot } from '../../../electron/core/metrics/feed.ts';

const CHARTS: ChartInfo[] = [
  {
    id: 'requestRate',
    title: 'Request rate',
    unit: 'req/s',
    series: [{ name: 'requests', query: 'sum(rate(http_requests_total{job="api"}[8s]))' }],
  },
  {
    id: 'latency',
    title: 'Latency',
    unit: 'seconds',
    series: ['p50', 'p95', 'p99'].map((name) => ({
      name,
      query: `histogram_quantile(0.${name.slice(1)}, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[8s])))`,
    })),
  },
  {
    id: 'errorRatio',
    title: 'Error ratio (5xx)',
    unit: 'ratio',
    series: [
      {
        name: '5xx',
        query:
          'sum(rate(http_requests_total{job="api",status=~"5.."}[8s])) / sum(rate(http_requests_total{job="api"}[8s]))',
      },
    ],
  },
  {
    id: 'cpuPerReplica',
    title: 'CPU per replica (% of limit)',
    unit: 'percent',
    series: [
      {
        name: 'replica',
        query: 'sum by (replica) (rate(process_cpu_seconds_total{job="api"}[8s])) * 100 / 0.5',
      },
    ],
  },
  {
    id: 'replicas',
    title: 'Desired vs ready replicas',
    unit: 'replicas',
    series: [
      { name: 'desired', query: 'the target: desired replicas' },
      { name: 'ready', query: 'the target: ready replicas' },
    ],
  },
  {
    id: 'replicasUp',
    title: 'Replicas scraped up',
    unit: 'replicas',
    series: [{ name: 'up', query: 'sum(up{job="api"})' }],
  },
  {
    id: 'cacheHitRatio',
    title: 'Cache hit ratio',
    unit: 'ratio',
    series: [
      {
        name: 'api cache',
        query:
          'sum(rate(cache_requests_total{job="api",result="hit"}[8s])) / sum(rate(cache_requests_total{job="api"}[8s]))',
      },
    ],
  },
  {
    id: 'redisHitRatio',
    title: 'Redis keyspace hit ratio',
    unit: 'ratio',
    series: [
      { name: 'keyspace', query: 'Redis INFO stats: keyspace_hits / (keyspace_hits + keyspace_misses)' },
    ],
  },
];

const REPLICAS = ['api-1', 'api-2', 'api-3'];

/** Deterministic, plausible-looking values: a load ramp, CPU following it, latency following CPU. */
export function valuesAt(t: number): { chart: string; name: string; v: number | null }[] {
  const s = t / 1000;
  const load = 180 + 120 * Math.sin(s / 90) + 40 * Math.sin(s / 7) + ((s * 7919) % 13);
  const cpu = (i: number) => Math.max(2, load / 5 + 8 * Math.sin(s / 11 + i) + i * 3);
  const latencyBase = 0.004 + load / 40_000;
  return [
    { chart: 'requestRate', name: 'requests', v: load },
    { chart: 'latency', name: 'p50', v: latencyBase },
    { chart: 'latency', name: 'p95', v: latencyBase * 2.6 },
    { chart: 'latency', name: 'p99', v: latencyBase * 4.2 + (Math.sin(s / 3) > 0.97 ? 0.05 : 0) },
    { chart: 'errorRatio', name: '5xx', v: Math.sin(s / 50) > 0.98 ? 0.02 : 0 },
    ...REPLICAS.map((name, i) => ({ chart: 'cpuPerReplica', name, v: cpu(i) })),
    { chart: 'replicas', name: 'desired', v: 3 },
    { chart: 'replicas', name: 'ready', v: Math.sin(s / 60) > 0.95 ? 2 : 3 },
    { chart: 'replicasUp', name: 'up', v: 3 },
    { chart: 'cacheHitRatio', name: 'api cache', v: 0.86 + 0.08 * Math.sin(s / 40) },
    { chart: 'redisHitRatio', name: 'keyspace', v: 0.8 + 0.1 * Math.sin(s / 30) },
  ];
}

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

export async function startDemoServer(
  options: { port?: number; points?: number; stepMs?: number; live?: boolean } = {},
): Promise<DemoServer> {
  const stepMs = options.stepMs ?? 1000;
  const points = options.points ?? 900;
  const started = Date.now();
  let seq = 0;
  const timeline: TimelineEvent[] = [];
  const clients = new Set<express.Response>();

  const status: StackStatus = {
    target: 'docker',
    stack: 'demo',
    phase: 'running',
    desiredReplicas: 3,
    readyReplicas: 3,
    replicas: REPLICAS.map((id) => ({
      name: `scaledeck-demo-${id}`,
      id,
      state: 'ready',
      startedAt: started - 600_000,
    })),
    components: { postgres: 'healthy', redis: 'healthy', lb: 'healthy', prometheus: 'healthy' },
    endpoints: { loadBalancer: 'http://127.0.0.1:18080', prometheus: 'http://127.0.0.1:19090' },
    autoscaler: null,
    dataVolume: 'scaledeck-demo-pgdata',
    capacity: { replicas: 4, basis: '2 CPUs on the Docker engine, a 0.5 CPU limit per replica' },
  };

  const push = (event: SequencedEvent) => {
    const frame = `id: ${event.seq}\nevent: core\ndata: ${JSON.stringify(event)}\n\n`;
    for (const res of clients) res.write(frame);
  };
  const record = (event: UiEvent) => {
    const e = { ...event, seq: ++seq } as TimelineEvent;
    timeline.push(e);
    push(e);
  };
  // A few past events so the charts carry markers.
  for (const [ago, from, to] of [
    [700, 1, 2],
    [420, 2, 3],
  ] as const)
    timeline.push({ type: 'scale', at: started - ago * 1000, source: 'manual', from, to, seq: ++seq });

  const snapshot = (): SeriesSnapshot[] => {
    const byKey = new Map<string, SeriesSnapshot>();
    const end = Math.floor(Date.now() / stepMs) * stepMs;
    for (let i = points - 1; i >= 0; i--) {
      const t = end - i * stepMs;
      for (const { chart, name, v } of valuesAt(t)) {
        const key = `${chart}/${name}`;
        let s = byKey.get(key);
        if (!s) {
          const query = CHARTS.find((c) => c.id === chart)?.series[0]?.query ?? '';
          s = { chart, name, query, source: 'prometheus', points: [] };
          byKey.set(key, s);
        }
        s.points.push({ t, v });
      }
    }
    return [...byKey.values()];
  };

  const handlers: Record<string, (input: Record<string, unknown>) => unknown> = {
    'targets:list': () => [
      { kind: 'docker', id: 'docker', label: 'Local Docker engine', available: true },
      {
        kind: 'kubernetes',
        id: 'kubernetes:minikube',
        label: 'minikube',
        available: false,
        reason: 'The context minikube does not answer.',
        fix: 'Run `minikube start`, then reopen the target list.',
      },
    ],
    'stack:status': () => status,
    'stack:deploy': () => status,
    'stack:scale': (input) => {
      const to = Number(input.replicas);
      record({ type: 'scale', at: Date.now(), source: 'manual', from: status.desiredReplicas, to });
      status.desiredReplicas = to;
      status.readyReplicas = to;
      return status;
    },
    'stack:teardown': () => ({ removed: true }),
    'autoscaler:set': (input) => {
      status.autoscaler = input.enabled ? (input as unknown as StackStatus['autoscaler']) : null;
      return status.autoscaler;
    },
    'load:status': () => null,
    'chaos:kill': (input) => {
      record({
        type: 'chaos',
        at: Date.now(),
        action: 'kill',
        what: 'replica',
        target: String(input.replica ?? 'api-2'),
      });
      return { killed: 'api-2' };
    },
    'chaos:restore': (input) => ({ restored: String(input.what) }),
    'metrics:charts': () => CHARTS,
    'metrics:snapshot': () => snapshot(),
    'timeline:list': () => timeline,
  };

  const app = express();
  app.use(express.json());
  app.post('/api/invoke/:channel', (req, res) => {
    const handler = handlers[req.params.channel];
    if (!handler) {
      res.status(501).json({
        ok: false,
        error: { code: 'NOT_IN_DEMO', message: `${req.params.channel} is not part of the demo server` },
      });
      return;
    }
    res.json({ ok: true, value: handler(req.body ?? {}) });
  });
  app.get('/api/events', (req, res) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': demo\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
  });
  const renderer = resolve(import.meta.dirname, '../../../dist/renderer');
  if (!existsSync(renderer)) throw new Error(`${renderer} is missing: run \`npx vite build\` first`);
  app.use(express.static(renderer));

  const tick = setInterval(() => {
    if (options.live === false) return;
    const t = Math.floor(Date.now() / stepMs) * stepMs;
    push({ type: 'metrics', at: t, points: valuesAt(t).map((p) => ({ ...p, t })), seq: ++seq });
  }, stepMs);

  const server = app.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((ok, fail) => server.once('listening', ok).once('error', fail));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      clearInterval(tick);
      for (const res of clients) res.end();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5174' },
      points: { type: 'string', default: '900' },
      'step-ms': { type: 'string', default: '1000' },
    },
  });
  const demo = await startDemoServer({
    port: Number(values.port),
    points: Number(values.points),
    stepMs: Number(values['step-ms']),
  });
  console.log(demo.url);
  process.once('SIGINT', () => void demo.close().then(() => process.exit(0)));
}
