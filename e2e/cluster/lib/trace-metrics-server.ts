/**
 * A stand-in for metrics-server that serves a CPU trace: the k-th pod-metrics request of the watched
 * namespace gets sync k of the trace. It takes the cluster's `v1beta1.metrics.k8s.io` APIService
 * over (an ExternalName Service to localhost, as the harness does for metrics-server) and gives it
 * back on close(), waiting until metrics-server's APIService is Available again.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { waitFor, type HarnessPaths, type makeKubectl } from './cluster.ts';

type Kubectl = ReturnType<typeof makeKubectl>;

/** One pod's served CPU sample. */
export interface ServedMetric {
  pod: string;
  /** millicores */
  cpuMillis: number;
  /** epoch ms, whole seconds (metrics.k8s.io timestamps have second precision) */
  at: number;
  windowMs: number;
}

/**
 * Called for each pod-metrics request of the namespace, with its 0-based index; returns the pods'
 * samples to serve. It may be slow (it may read the cluster): the controller waits for the answer.
 */
export type MetricsHandler = (index: number, requestedAt: number) => Promise<ServedMetric[]>;

const GROUP_VERSION = 'metrics.k8s.io/v1beta1';
const SERVICE = 'scaledeck-trace-metrics';
const APISERVICE = 'v1beta1.metrics.k8s.io';

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The kube-apiserver names the requesting user in X-Remote-User when it proxies to an aggregated
 * API; the HPA controller runs as its own service account (--use-service-account-credentials).
 * Without the header every request counts as the controller's, as before.
 */
function fromController(req: import('node:http').IncomingMessage): boolean {
  const user = req.headers['x-remote-user'];
  return user === undefined || String(user).includes('horizontal-pod-autoscaler');
}

function podMetricsList(namespace: string, metrics: ServedMetric[]) {
  return {
    kind: 'PodMetricsList',
    apiVersion: GROUP_VERSION,
    metadata: {},
    items: metrics.map((m) => ({
      metadata: { name: m.pod, namespace },
      timestamp: new Date(m.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      window: `${m.windowMs / 1000}s`,
      containers: [{ name: 'probe', usage: { cpu: `${m.cpuMillis}m`, memory: '16Mi' } }],
    })),
  };
}

export class TraceMetricsServer {
  private server: Server | undefined;
  private originalSpec: Record<string, unknown> | undefined;
  private requests = 0;
  /** What the controller was last answered: other readers (Scaledeck's observer) get the same. */
  private lastServed: ServedMetric[] = [];
  /** Errors of the handler; the test reports them (the controller only sees a 500). */
  readonly errors: Error[] = [];

  private readonly paths: HarnessPaths;
  private readonly kubectl: Kubectl;
  private readonly namespace: string;
  private readonly handler: MetricsHandler;

  constructor(paths: HarnessPaths, kubectl: Kubectl, namespace: string, handler: MetricsHandler) {
    this.paths = paths;
    this.kubectl = kubectl;
    this.namespace = namespace;
    this.handler = handler;
  }

  get requestCount(): number {
    return this.requests;
  }

  async start(): Promise<void> {
    const dir = path.join(this.paths.runDir, 'metrics-server');
    this.server = createServer(
      {
        cert: readFileSync(path.join(dir, 'apiserver.crt')),
        key: readFileSync(path.join(dir, 'apiserver.key')),
      },
      (req, res) => void this.serve(req, res),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    const current = JSON.parse(await this.kubectl(['get', 'apiservice', APISERVICE, '-o', 'json'])) as {
      spec: Record<string, unknown>;
    };
    this.originalSpec = current.spec;
    await this.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: SERVICE, namespace: 'kube-system' },
        spec: {
          type: 'ExternalName',
          externalName: 'localhost',
          ports: [{ name: 'https', port, protocol: 'TCP' }],
        },
      }),
    );
    await this.kubectl([
      'patch',
      'apiservice',
      APISERVICE,
      '--type=merge',
      '-p',
      JSON.stringify({
        spec: { service: { name: SERVICE, namespace: 'kube-system', port }, insecureSkipTLSVerify: true },
      }),
    ]);
    await this.waitAvailable(`${APISERVICE} served by the trace server on port ${port}`);
  }

  /** Gives the APIService back to metrics-server; safe to call twice. */
  async close(): Promise<void> {
    if (this.originalSpec !== undefined) {
      const spec = this.originalSpec;
      this.originalSpec = undefined;
      await this.kubectl(['patch', 'apiservice', APISERVICE, '--type=merge', '-p', JSON.stringify({ spec })]);
      await this.kubectl(['-n', 'kube-system', 'delete', 'service', SERVICE, '--ignore-not-found']);
      await this.waitAvailable(`${APISERVICE} served by metrics-server again`);
    }
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async waitAvailable(what: string): Promise<void> {
    await waitFor(what, 60_000, async () => {
      const out = JSON.parse(await this.kubectl(['get', 'apiservice', APISERVICE, '-o', 'json'])) as {
        status?: { conditions?: { type: string; status: string }[] };
      };
      return out.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True')
        ? true
        : undefined;
    });
  }

  private async serve(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const base = `/apis/${GROUP_VERSION}`;
    if (url.pathname === base) {
      return json(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: GROUP_VERSION,
        resources: [
          { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
          { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
        ],
      });
    }
    if (url.pathname === `${base}/nodes`) {
      return json(res, 200, { kind: 'NodeMetricsList', apiVersion: GROUP_VERSION, metadata: {}, items: [] });
    }
    if (url.pathname === `${base}/namespaces/${this.namespace}/pods` && !fromController(req)) {
      // Another reader must not take a sync of the trace: it sees what the controller saw.
      return json(res, 200, podMetricsList(this.namespace, this.lastServed));
    }
    if (url.pathname === `${base}/namespaces/${this.namespace}/pods`) {
      const requestedAt = Date.now();
      const index = this.requests++;
      try {
        const metrics = await this.handler(index, requestedAt);
        this.lastServed = metrics;
        return json(res, 200, podMetricsList(this.namespace, metrics));
      } catch (err) {
        this.errors.push(err instanceof Error ? err : new Error(String(err)));
        return json(res, 500, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: String(err) });
      }
    }
    if (url.pathname.startsWith(`${base}/namespaces/`)) {
      return json(res, 200, { kind: 'PodMetricsList', apiVersion: GROUP_VERSION, metadata: {}, items: [] });
    }
    json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  }
}
