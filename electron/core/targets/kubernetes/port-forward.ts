/**
 * The fallback when a NodePort is not reachable from this machine (a VM or remote cluster
 * behind a firewall): a local listener on 127.0.0.1 whose every connection is forwarded to a
 * ready pod of the Service, like `kubectl port-forward svc/...`, picked per connection so a
 * replaced pod does not break the URL.
 */
import net from 'node:net';
import { PortForward, type CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

export class PortForwardTunnel {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private port = 0;

  constructor(kc: KubeConfig, core: CoreV1Api, namespace: string, labelSelector: string, targetPort: number) {
    const forward = new PortForward(kc, true);
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      void (async () => {
        const pods = await core.listNamespacedPod({ namespace, labelSelector });
        const ready = pods.items.filter(
          (pod) =>
            !pod.metadata?.deletionTimestamp &&
            pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        const pod = ready[Math.floor(Math.random() * ready.length)];
        if (!pod?.metadata?.name) throw new Error('no ready pod');
        await forward.portForward(namespace, pod.metadata.name, [targetPort], socket, null, socket);
      })().catch(() => socket.destroy());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.url();
  }

  url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
  }
}

/** True when a TCP connection to host:port opens within the timeout. */
export function canConnect(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when a TCP connection to host:port opens before the window closes, trying every 500 ms. */
export async function connectsWithin(host: string, port: number, windowMs: number): Promise<boolean> {
  const deadline = Date.now() + windowMs;
  for (;;) {
    if (await canConnect(host, port)) return true;
    if (Date.now() + 500 > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
