// The local one-node Kubernetes of e2e/cluster, tested for what the Kubernetes target relies on:
// a real kubelet on containerd, in-cluster API access, Services/DNS/port-forward for a locally
// built image, the metrics API, a CPU HPA, a default StorageClass, and a clean cluster:down.
// The cluster starts once for the file (cluster:up builds the binaries first on a cold machine).
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  harnessPaths,
  httpGet,
  makeKubectl,
  recordedPids,
  runScript,
  waitFor,
  type HarnessPaths,
} from './lib/cluster.ts';

const isRoot = process.getuid?.() === 0;

// A zombie (stopped, not yet reaped by PID 1) does not run any more.
function isRunning(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
  return state !== 'Z' && state !== 'X';
}
const ns = `sdk-cluster-test-${process.pid}`;
let paths: HarnessPaths;
let kubectl: ReturnType<typeof makeKubectl>;
let probeImage: string;

const probeContainer = (extra: Record<string, unknown> = {}) => ({
  name: 'probe',
  image: probeImage,
  imagePullPolicy: 'IfNotPresent',
  ports: [{ containerPort: 8080, name: 'http' }],
  readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
  ...extra,
});

const deployment = (name: string, replicas: number, container: Record<string, unknown>, podSpec = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { terminationGracePeriodSeconds: 1, containers: [container], ...podSpec },
    },
  },
});

async function apply(...objects: object[]): Promise<void> {
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
}

async function readyPods(app: string): Promise<{ name: string; ip: string }[]> {
  const out = JSON.parse(await kubectl(['-n', ns, 'get', 'pods', '-l', `app=${app}`, '-o', 'json'])) as {
    items: {
      metadata: { name: string; deletionTimestamp?: string };
      status: { podIP?: string; conditions?: { type: string; status: string }[] };
    }[];
  };
  return out.items
    .filter((p) => !p.metadata.deletionTimestamp)
    .filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => ({ name: p.metadata.name, ip: p.status.podIP ?? '' }));
}

async function waitReadyPods(app: string, count: number, timeoutMs = 120_000) {
  return waitFor(`${count} Ready pod(s) of ${app} in ${ns}`, timeoutMs, async () => {
    const pods = await readyPods(app);
    return pods.length >= count ? pods : undefined;
  });
}

describe.skipIf(!isRoot)('local Kubernetes cluster (e2e/cluster)', () => {
  // A cold machine builds Kubernetes, etcd, metrics-server and CoreDNS first (about 13-20 min on
  // 2 cores), longer than the 600 s hook timeout of vitest.config.ts.
  beforeAll(async () => {
    paths = await harnessPaths();
    kubectl = makeKubectl(paths);
    probeImage = await runScript('build-probe-image.sh');
    const kubeconfig = await runScript('up.sh');
    expect(kubeconfig).toBe(paths.kubeconfig);
    await runScript('load-image.sh', [probeImage]);
    await kubectl(['create', 'namespace', ns]);
    await waitFor(`the default ServiceAccount of ${ns}`, 30_000, () =>
      kubectl(['-n', ns, 'get', 'sa', 'default']),
    );
    // In-cluster clients (Prometheus' pod discovery) list pods with their service-account token.
    await apply(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'pod-reader', namespace: ns },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'pod-reader', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }],
      },
      deployment('probe', 2, probeContainer({ resources: { requests: { cpu: '50m', memory: '16Mi' } } })),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'probe', namespace: ns },
        spec: { selector: { app: 'probe' }, ports: [{ port: 80, targetPort: 'http' }] },
      },
      deployment('client', 1, probeContainer()),
    );
  }, 45 * 60_000);

  afterAll(async () => {
    await runScript('down.sh');
  }, 180_000);

  it('runs pods of a locally built image that pass their readiness probe', async () => {
    const pods = await waitReadyPods('probe', 2);
    expect(pods).toHaveLength(2);
    for (const pod of pods) expect((await httpGet(`http://${pod.ip}:8080/hostname`)).body).toBe(pod.name);
  }, 150_000);

  it('has a real kubelet on its own containerd as its node', async () => {
    const node = JSON.parse(await kubectl(['get', 'node', paths.nodeName, '-o', 'json'])) as {
      status: { nodeInfo: { containerRuntimeVersion: string; kubeletVersion: string } };
    };
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    expect(node.status.nodeInfo.kubeletVersion).toBe('v1.37.2');
    const kubeletPid = recordedPids(paths.runDir).get('kubelet');
    expect(kubeletPid).toBeGreaterThan(0);
    expect(readlinkSync(`/proc/${kubeletPid}/exe`)).toBe(path.join(paths.binDir, 'kubelet'));
    // The probe's containers run in the harness's containerd, not Docker's.
    const containers = execFileSync(
      'ctr',
      ['--address', paths.containerdSock, '-n', 'k8s.io', 'containers', 'ls'],
      {
        encoding: 'utf8',
      },
    );
    expect(containers).toContain(probeImage.split(':')[0]);
  }, 60_000);

  it('listens only on 127.0.0.1 and the node address it created, never on the machine interfaces', () => {
    const pids = [...recordedPids(paths.runDir).values()];
    const sockets = execFileSync('ss', ['-Htulnp'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => pids.some((pid) => line.includes(`pid=${pid},`)));
    expect(sockets.length).toBeGreaterThanOrEqual(10);
    for (const line of sockets) {
      const local = line.trim().split(/\s+/)[4] ?? '';
      expect(local, line).toMatch(/^(127\.0\.0\.1|10\.255\.0\.1):\d+$/);
    }
  });

  it('answers through the Service ClusterIP, kubectl port-forward, and DNS from another pod', async () => {
    await waitReadyPods('probe', 2);
    const [client] = await waitReadyPods('client', 1);
    const clusterIp = (
      await kubectl(['-n', ns, 'get', 'svc', 'probe', '-o', 'jsonpath={.spec.clusterIP}'])
    ).trim();
    expect(clusterIp).toMatch(/^10\.96\./);
    const viaClusterIp = await waitFor('the probe Service ClusterIP to answer', 30_000, async () => {
      const res = await httpGet(`http://${clusterIp}/hostname`);
      return res.status === 200 ? res.body : undefined;
    });
    expect(viaClusterIp).toMatch(/^probe-/);

    const forward = spawn(
      path.join(paths.binDir, 'kubectl'),
      ['--kubeconfig', paths.kubeconfig, '-n', ns, 'port-forward', 'svc/probe', ':80'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('kubectl port-forward printed no port within 20 s')),
          20_000,
        );
        forward.stdout.on('data', (d: Buffer) => {
          const m = /127\.0\.0\.1:(\d+)/.exec(d.toString());
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        forward.on('close', (code) => reject(new Error(`kubectl port-forward exited with ${code}`)));
      });
      expect((await httpGet(`http://127.0.0.1:${port}/hostname`)).body).toMatch(/^probe-/);
    } finally {
      forward.kill();
    }

    const dnsName = `probe.${ns}.svc.cluster.local`;
    const viaDns = await waitFor(`${dnsName} to answer from the client pod`, 30_000, async () => {
      const res = await httpGet(
        `http://${client!.ip}:8080/fetch?url=${encodeURIComponent(`http://${dnsName}/hostname`)}`,
      );
      return res.status === 200 ? res.body : undefined;
    });
    expect(viaDns).toMatch(/^probe-/);
  }, 240_000);

  it('lets a pod reach the API server through the kubernetes Service with its service-account token', async () => {
    const [client] = await waitReadyPods('client', 1);
    const res = await httpGet(`http://${client!.ip}:8080/kube-api`);
    expect(res.status).toBe(200);
    const answer = JSON.parse(res.body) as { url: string; status: number; pods: string[] };
    expect(answer.url).toContain('https://10.96.0.1:443/');
    expect(answer.status).toBe(200);
    expect(answer.pods).toContain(client!.name);
  }, 150_000);

  it('reports real CPU and memory use through kubectl top pods (metrics.k8s.io)', async () => {
    const pods = await waitReadyPods('probe', 2);
    const pod = pods[0]!;
    // Keep the pod busy while metrics-server's window fills, so the figure reflects real use.
    const busy = setInterval(
      () => void httpGet(`http://${pod.ip}:8080/burn?ms=900`).catch(() => undefined),
      1000,
    );
    try {
      const line = await waitFor(`kubectl top pod ${pod.name} to show >= 100m CPU`, 150_000, async () => {
        const out = await kubectl(['-n', ns, 'top', 'pod', pod.name, '--no-headers']);
        const m = /(\d+)m\s+(\d+)Mi/.exec(out);
        return m && Number(m[1]) >= 100 && Number(m[2]) > 0 ? out.trim() : undefined;
      });
      console.log(`kubectl top pod: ${line}`);
    } finally {
      clearInterval(busy);
    }
  }, 180_000);

  it('scales a CPU-burning Deployment out with an autoscaling/v2 HPA that reports its utilization', async () => {
    await apply(
      deployment(
        'burner',
        1,
        probeContainer({
          env: [{ name: 'BURN', value: 'true' }],
          // Burns its whole limit: 200m of a 100m request is 200 %, four times the 50 % target.
          resources: { requests: { cpu: '100m', memory: '16Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        }),
      ),
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'burner', namespace: ns },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burner' },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
            },
          ],
        },
      },
    );
    try {
      const status = await waitFor('the HPA to scale burner out beyond 1 replica', 170_000, async () => {
        const hpa = JSON.parse(await kubectl(['-n', ns, 'get', 'hpa', 'burner', '-o', 'json'])) as {
          status: {
            currentReplicas?: number;
            desiredReplicas?: number;
            currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[];
          };
        };
        const utilization = hpa.status.currentMetrics?.[0]?.resource?.current?.averageUtilization;
        return (hpa.status.desiredReplicas ?? 0) >= 2 && (utilization ?? 0) > 50
          ? { ...hpa.status, utilization }
          : undefined;
      });
      console.log(`HPA: desired ${status.desiredReplicas}, current utilization ${status.utilization}%`);
      expect(status.utilization).toBeGreaterThan(50);
      const replicas = await waitFor('the burner Deployment to grow to >= 2 replicas', 30_000, async () => {
        const n = Number(
          await kubectl(['-n', ns, 'get', 'deploy', 'burner', '-o', 'jsonpath={.spec.replicas}']),
        );
        return n >= 2 ? n : undefined;
      });
      expect(replicas).toBeGreaterThanOrEqual(2);
    } finally {
      // Two cores are shared with the rest of the run: stop burning as soon as the point is made.
      await kubectl(['-n', ns, 'delete', 'hpa,deploy', 'burner', '--wait=false']);
    }
  }, 240_000);

  it('binds a PVC through the default StorageClass and keeps its data across a pod restart', async () => {
    await apply(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: ns },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Mi' } } },
      },
      deployment('store', 1, probeContainer({ volumeMounts: [{ name: 'data', mountPath: '/data' }] }), {
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      }),
    );
    const pvc = await waitFor('PVC data to be Bound', 60_000, async () => {
      const out = JSON.parse(await kubectl(['-n', ns, 'get', 'pvc', 'data', '-o', 'json'])) as {
        spec: { storageClassName?: string };
        status: { phase?: string };
      };
      return out.status.phase === 'Bound' ? out : undefined;
    });
    expect(pvc.spec.storageClassName).toBe('standard');
    const [first] = await waitReadyPods('store', 1);
    const value = `written-by-${first!.name}-${Date.now()}`;
    const put = await fetch(`http://${first!.ip}:8080/data`, { method: 'PUT', body: value });
    expect(put.status).toBe(204);
    await kubectl(['-n', ns, 'delete', 'pod', first!.name, '--wait=true']);
    const second = await waitFor('a new store pod to be Ready', 90_000, async () => {
      const pods = await readyPods('store');
      return pods.find((p) => p.name !== first!.name);
    });
    expect((await httpGet(`http://${second.ip}:8080/data`)).body).toBe(value);
  }, 180_000);

  it('leaves no process, bridge, mount or iptables chain behind on cluster:down, and comes up again', async () => {
    const pids = recordedPids(paths.runDir);
    expect(pids.size).toBeGreaterThanOrEqual(9);
    await runScript('down.sh');
    for (const [name, pid] of pids) {
      expect(isRunning(pid) ? `${name} (${pid}) still runs` : 'gone').toBe('gone');
    }
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    expect(links).not.toContain(paths.nodeBridge);
    expect(links).not.toContain(paths.cniBridge);
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    expect(mounts).not.toContain(`${paths.runDir}/`);
    expect(mounts).not.toContain('/run/netns/cni-');
    for (const save of ['iptables-save', 'ip6tables-save']) {
      const rules = execFileSync(save, { encoding: 'utf8' });
      expect(rules).not.toMatch(/^:KUBE-/m);
      expect(rules).not.toContain(paths.forwardComment);
    }
    // Nor the kubelet's pod cgroups (cgroupfs driver).
    const cgroups = execFileSync('bash', ['-c', 'ls -d /sys/fs/cgroup/*/kubepods 2>/dev/null || true'], {
      encoding: 'utf8',
    });
    expect(cgroups.trim()).toBe('');
    // Not a single shim of the harness's containerd may survive either.
    const shims = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('containerd-shim') && l.includes(paths.containerdSock));
    expect(shims).toEqual([]);

    const kubeconfig = await runScript('up.sh');
    expect(kubeconfig).toBe(paths.kubeconfig);
    const ready = await kubectl([
      'get',
      'node',
      paths.nodeName,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    expect(ready).toBe('True');
  }, 300_000);
});

if (!isRoot) {
  describe('local Kubernetes cluster (e2e/cluster)', () => {
    it.skip('needs root (bridges, iptables, mounts, a kubelet): run the tests as root', () => {});
  });
}
