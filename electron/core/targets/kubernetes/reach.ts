/**
 * How this machine reaches the API and Prometheus: the Service's NodePort on a node's InternalIP
 * when a TCP connection gets through within NODE_PORT_GRACE_MS of a backend being Ready, else a
 * port-forward tunnel on 127.0.0.1. The choice is kept for the life of the target.
 */
import { PROMETHEUS_PORT, API_PORT, stackSelector, type Component } from '../../../../k8s/manifests.ts';
import { nodePortAddress } from './nodes.ts';
import { PortForwardTunnel, connectsWithin } from './port-forward.ts';
import type { StackApi } from './stack-api.ts';

/**
 * How long a NodePort may refuse connections after its first backend is Ready before the target
 * falls back to port-forward: kube-proxy programs the rules only after the EndpointSlice update
 * reaches it, which took several seconds on a loaded CI machine.
 */
const NODE_PORT_GRACE_MS = 20_000;

export type ReachMode = 'auto' | 'port-forward';

export class StackReach {
  private readonly api: StackApi;
  private readonly mode: ReachMode;
  private readonly tunnels = new Map<string, PortForwardTunnel>();
  /** One probe per Service, shared by concurrent status calls; settled once a backend was ready. */
  private readonly nodePortReachable = new Map<string, Promise<boolean>>();

  constructor(api: StackApi, mode: ReachMode) {
    this.api = api;
    this.mode = mode;
  }

  /** A URL for the Service from this machine, or null while it has no ready backend to tunnel to. */
  async endpoint(service: string, component: Component, backendReady: boolean): Promise<string | null> {
    const existing = this.tunnels.get(service);
    if (existing) return existing.url();
    const nodeUrl = await this.nodePortUrl(service);
    if (this.mode === 'auto' && nodeUrl !== null) {
      if (!backendReady && !this.nodePortReachable.has(service)) return nodeUrl.url;
      let probe = this.nodePortReachable.get(service);
      if (probe === undefined) {
        probe = connectsWithin(nodeUrl.host, nodeUrl.port, NODE_PORT_GRACE_MS);
        this.nodePortReachable.set(service, probe);
      }
      if (await probe) return nodeUrl.url;
      const opened = this.tunnels.get(service);
      if (opened) return opened.url();
    }
    if (!backendReady) return null;
    const targetPort = component === 'api' ? API_PORT : PROMETHEUS_PORT;
    const api = this.api;
    const tunnel = new PortForwardTunnel(
      api.kc,
      api.core,
      api.namespace,
      stackSelector(api.stack, component),
      targetPort,
    );
    this.tunnels.set(service, tunnel);
    return tunnel.listen();
  }

  private async nodePortUrl(service: string): Promise<{ url: string; host: string; port: number } | null> {
    const api = this.api;
    const [svc, nodes] = await Promise.all([
      api.optional(api.where(`Service ${service}`), () =>
        api.core.readNamespacedService({ name: service, namespace: api.namespace }),
      ),
      api.call('list', 'nodes', () => api.core.listNode()),
    ]);
    const port = svc?.spec?.ports?.[0]?.nodePort;
    const host = nodePortAddress(nodes.items);
    if (port === undefined || host === undefined) return null;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    return { url: `http://${hostPart}:${port}`, host, port };
  }

  close(): void {
    for (const tunnel of this.tunnels.values()) tunnel.close();
    this.tunnels.clear();
    this.nodePortReachable.clear();
  }
}
