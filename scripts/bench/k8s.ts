/**
 * npm run bench:k8s — on the local cluster (npm run cluster:up; brought up here if needed) with
 * the offline images: deploy to all Ready with warm images, then `kubectl scale` of the API
 * Deployment 1 -> 5 until all five are Ready and in the Service's endpoints (the baseline), then
 * Scaledeck's scale 1 -> 5 to the same point, and the ratio (goal <= 1.1x). Same run, same
 * machine. The stack is torn down at the end (volume included); the cluster stays up.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { loadSettings } from '../../electron/core/settings.ts';
import { KubernetesTarget } from '../../electron/core/targets/kubernetes/kubernetes-target.ts';
import { localClusterUp } from '../../electron/test-support/local-cluster.ts';
import { offlineSettingsFile } from '../lib/offline-images.ts';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

// Five API pods must fit the test node's 2 CPUs next to PostgreSQL, Redis and Prometheus
// (0.5 CPU each, the default request, leaves two of them Pending for ever).
const settings = { ...(await loadSettings(await offlineSettingsFile())), replicaCpus: 0.25 };
// The harness's own start, which also tells the target where the image loader is.
const kubeconfig = await localClusterUp();
const kubectlBin = (
  await run('bash', ['-c', 'ls -d ~/.cache/scaledeck/k8s/*/bin/kubectl | head -n1'])
).stdout.trim();
const target = new KubernetesTarget(settings, { stack: 'bench', kubeconfig, docker: new Dockerode() });
const kubectl = (...args: string[]) =>
  run(kubectlBin, ['--kubeconfig', kubeconfig, '-n', target.namespace, ...args]);

/** Five Ready pods and five ready addresses in the Service's EndpointSlices. */
async function waitFive(): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(
        `5 API pods not Ready within 180 s: ${(await kubectl('get', 'pods', '-o', 'wide')).stdout}`,
      );
    const status = await target.status();
    if (status.readyReplicas === 5) {
      const slices = await target.kc
        .makeApiClient((await import('@kubernetes/client-node')).DiscoveryV1Api)
        .listNamespacedEndpointSlice({
          namespace: target.namespace,
          labelSelector: 'kubernetes.io/service-name=api',
        });
      const ready = slices.items.flatMap((s) => s.endpoints).filter((e) => e?.conditions?.ready).length;
      if (ready === 5) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return (performance.now() - t0) / 1000;
}

try {
  const deploySeconds = await timed(() => target.deploy({ replicas: 1 }));
  const baseline: number[] = [];
  const scaledeck: number[] = [];
  const kubectlRound = async () => {
    await target.scale(1);
    await target.waitReady();
    baseline.push(
      await timed(async () => {
        await kubectl('scale', 'deployment/api', '--replicas=5');
        await waitFive();
      }),
    );
  };
  const scaledeckRound = async () => {
    await target.scale(1);
    await target.waitReady();
    scaledeck.push(
      await timed(async () => {
        await target.scale(5);
        await waitFive();
      }),
    );
  };
  // Alternate which goes first, so whatever the previous scale-in leaves behind (terminating pods
  // still draining, a warmer page cache) does not always land on the same side.
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      await kubectlRound();
      await scaledeckRound();
    } else {
      await scaledeckRound();
      await kubectlRound();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const b = median(baseline);
  const s = median(scaledeck);
  console.log(`deploy to all Ready (warm images, 1 replica): ${deploySeconds.toFixed(1)} s`);
  console.log(
    `kubectl scale 1 -> 5, Ready and in the Service: median ${b.toFixed(2)} s (${baseline.map((x) => x.toFixed(2)).join(', ')})`,
  );
  console.log(
    `Scaledeck scale 1 -> 5, Ready and in the Service: median ${s.toFixed(2)} s (${scaledeck.map((x) => x.toFixed(2)).join(', ')})`,
  );
  console.log(`ratio Scaledeck / kubectl: ${(s / b).toFixed(2)}x (goal <= 1.1x)`);
} finally {
  await target.teardown({ deleteVolumes: true }).catch(() => undefined);
  await target.dispose();
}
process.exit(0);
