/**
 * Three things the Kubernetes target got wrong, each shown on the real local cluster
 * (e2e/cluster) with the offline images: the load balancer's health, an exec whose connection
 * drops, and a 404 told apart from other failures. One stack for the file; afterAll tears it down
 * and brings the cluster down (SCALEDECK_KEEP_CLUSTER=1 keeps it up). Needs root (the harness does).
 */
import { randomBytes } from 'node:crypto';
import type https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineSettingsFile } from '../../../../scripts/lib/offline-images.ts';
import { ScaledeckError } from '../../errors.ts';
import { loadSettings, type Settings } from '../../settings.ts';
import { removeStackThenCluster, localClusterUp } from '../../../test-support/local-cluster.ts';
import { loadKubeConfig } from './connect.ts';
import { execInPod, syncDatabasePassword } from './exec.ts';
import { KubernetesTarget } from './kubernetes-target.ts';
import { StackApi } from './stack-api.ts';

const STACK = `f-${randomBytes(3).toString('hex')}`;
const isRoot = process.getuid?.() === 0;
let kubeconfig = '';
let settings: Settings;
let target: KubernetesTarget;

/**
 * A plain-HTTP front for the API server (it talks TLS to it with the kubeconfig's credentials)
 * that cuts every WebSocket right after the server accepted the upgrade: the exec is running in
 * the pod, and the client never gets its status frame, as when a connection drops mid-command.
 */
async function droppingFront(kc: KubeConfig) {
  const server = new URL(kc.getCurrentCluster()?.server ?? '');
  const credentials: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(credentials);
  const sockets = new Set<net.Socket>();
  let dropped = 0;
  const front = net.createServer((client) => {
    const upstream = tls.connect({
      host: server.hostname,
      port: Number(server.port),
      ca: credentials.ca,
      cert: credentials.cert,
      key: credentials.key,
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream);
    let head: Buffer | null = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      if (head === null) {
        client.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      if (head.subarray(0, 12).toString() !== 'HTTP/1.1 101') {
        // Not an upgrade (e.g. the exec was refused): relay it as it is.
        client.write(head);
        head = null;
        return;
      }
      // The upgrade reaches the client; nothing after it does (no output, no status).
      dropped++;
      client.end(head.subarray(0, end + 4));
      upstream.destroy();
      head = null;
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as net.AddressInfo;
  const viaFront = new KubeConfig();
  viaFront.loadFromOptions({
    // Plain HTTP on loopback: client-node wants skipTLSVerify to allow it (there is no TLS to verify).
    clusters: [{ name: 'front', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'nobody' }],
    contexts: [{ name: 'front', cluster: 'front', user: 'nobody' }],
    currentContext: 'front',
  });
  return {
    kc: viaFront,
    dropped: () => dropped,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => front.close(resolve));
    },
  };
}

describe.skipIf(!isRoot)('Kubernetes target faults on the local cluster', () => {
  beforeAll(async () => {
    settings = { ...(await loadSettings(await offlineSettingsFile())), drainSeconds: 2 };
    kubeconfig = await localClusterUp();
    target = new KubernetesTarget(settings, { stack: STACK, kubeconfig, docker: new Dockerode() });
    await target.deploy({ replicas: 1 });
  }, 45 * 60_000);

  afterAll(() => removeStackThenCluster(settings, STACK, kubeconfig, target), 300_000);

  it('the load balancer is healthy only while the API Service has ready endpoints', async () => {
    expect((await target.status()).components.lb).toBe('healthy');
    await target.scale(0);
    const none = await target.waitReady();
    // The Deployment is still there; the Service has nothing to send requests to.
    expect(none.desiredReplicas).toBe(0);
    expect(none.components.lb).toBe('unhealthy');
    expect(none.phase).toBe('degraded');
    await target.scale(1);
    const back = await target.waitReady();
    expect(back.components.lb).toBe('healthy');
    expect(back.phase).toBe('running');
  }, 240_000);

  it('exec: the exit code comes from the status channel', async () => {
    const kc = loadKubeConfig({ kubeconfig });
    const redis = await redisPod();
    expect(await execInPod(kc, target.namespace, redis, 'redis', ['true'])).toMatchObject({ exitCode: 0 });
    expect(await execInPod(kc, target.namespace, redis, 'redis', ['sh', '-c', 'echo hi; exit 3'])).toEqual({
      stdout: 'hi\n',
      exitCode: 3,
    });
  });

  it('exec: a connection that drops before the status is a failure, and so is a dropped ALTER USER', async () => {
    const front = await droppingFront(loadKubeConfig({ kubeconfig }));
    try {
      const redis = await redisPod();
      // Before: the socket's close resolved exit code 0, as if `sleep` had finished.
      const cut = await execInPod(front.kc, target.namespace, redis, 'redis', ['sleep', '30']);
      expect(front.dropped()).toBe(1);
      expect(cut.exitCode).toBeNull();
      const password = syncDatabasePassword(new StackApi(front.kc, STACK, target.namespace));
      await expect(password).rejects.toMatchObject({ code: 'DATABASE' });
      await expect(password).rejects.toThrow(/psql exit unknown/);
      expect(front.dropped()).toBe(2);
    } finally {
      await front.close();
    }
  });

  it('a 404 is told by the status code, not by words in the message', async () => {
    // A user that may read the stack's Deployment, HPA and claim but not list its pods, under
    // a context whose name happens to contain "HTTP 404" (context names are the user's words).
    const admin = loadKubeConfig({ kubeconfig });
    const api = new StackApi(admin, `${STACK}r`, `scaledeck-${STACK}r`);
    const ns = api.namespace;
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await api.core.createNamespace({ body: { metadata: { name: ns } } });
    try {
      await api.core.createNamespacedServiceAccount({
        namespace: ns,
        body: { metadata: { name: 'viewer' } },
      });
      await rbac.createNamespacedRole({
        namespace: ns,
        body: {
          metadata: { name: 'no-pods' },
          rules: [
            { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
            { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get'] },
            { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get'] },
          ],
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: ns,
        body: {
          metadata: { name: 'viewer-no-pods' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'no-pods' },
          subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace: ns }],
        },
      });
      const token = await api.core.createNamespacedServiceAccountToken({
        name: 'viewer',
        namespace: ns,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      });
      const cluster = admin.getCurrentCluster();
      const viewer = new KubeConfig();
      viewer.loadFromOptions({
        clusters: [
          { name: 'lab', server: cluster?.server ?? '', caData: cluster?.caData, caFile: cluster?.caFile },
        ],
        users: [{ name: 'viewer', token: token.status?.token ?? '' }],
        contexts: [{ name: 'lab (HTTP 404 drills)', cluster: 'lab', user: 'viewer' }],
        currentContext: 'lab (HTTP 404 drills)',
      });
      const limited = new KubernetesTarget(settings, { stack: `${STACK}r`, kubeConfig: viewer });
      try {
        // Before: the 403 on listing pods read as "no pods" because its message had "HTTP 404" in it.
        const refused = await limited.status().catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(ScaledeckError);
        expect(refused).toMatchObject({ code: 'CLUSTER_FORBIDDEN' });
        expect((refused as Error).message).toMatch(/does not allow this user to list pods/);
      } finally {
        await limited.dispose();
      }
      // A real 404 (nothing deployed there) is still just "absent" for a user who may look.
      const full = new KubernetesTarget(settings, { stack: `${STACK}r`, kubeconfig });
      try {
        expect((await full.status()).phase).toBe('absent');
      } finally {
        await full.dispose();
      }
    } finally {
      await api.core.deleteNamespace({ name: ns });
    }
  });
});

async function redisPod(): Promise<string> {
  const api = new StackApi(loadKubeConfig({ kubeconfig }), STACK, target.namespace);
  const pods = await api.core.listNamespacedPod({
    namespace: target.namespace,
    labelSelector: `app.kubernetes.io/instance=${STACK},app.kubernetes.io/component=redis`,
  });
  const name = pods.items.find((pod) => !pod.metadata?.deletionTimestamp)?.metadata?.name;
  if (name === undefined) throw new Error('no redis pod');
  return name;
}
