/**
 * Issue 14, item 4: Scaledeck's HPA arithmetic checked against the real kube-controller-manager.
 *
 * A trace metrics server takes the cluster's metrics.k8s.io APIService over and answers the HPA
 * controller's k-th pod-metrics request with sync k of a CPU trace. While the controller waits for
 * that answer the test reads what it is about to read (the Deployment's replicas, the pods), and
 * the HPA's status, which holds the previous sync's desiredReplicas. Those inputs become a
 * Recording; Scaledeck's HorizontalAutoscaler decides every sync from it and both sequences of
 * desiredReplicas must be identical, sync by sync. The trace makes the four cases of the issue
 * happen: a step inside the tolerance, a scale-up limited by the policy, a scale-down held by the
 * stabilization window, a pod without metrics (in both directions).
 *
 * Why the pod reads agree with the controller's: it lists pods right after our answer, so the only
 * possible difference is a pod that turned ready in between; its transition time is then not before
 * the metric's timestamp (both whole seconds), so with a window of 1 s the controller counts it
 * unready exactly as a not-ready pod. Periods and windows (24 s, 34 s) sit away from multiples of
 * the ~5.3 s sync so that a few ms between our clock and the controller's cannot move an edge.
 *
 * The product's own reconstruction runs beside it: Scaledeck's StackObserver watches the same HPA
 * (the objects carry the stack's labels), and at each status change it sees reconstructs the sync
 * from the pods and metrics.k8s.io (the trace server answers it with what the controller was last
 * served, without taking a sync of the trace). Every reconstruction it emits must agree with the
 * HPA's desiredReplicas.
 *
 * Leaves the cluster up (the whole-suite run tears it down). Needs root (the cluster harness does).
 */
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../k8s/manifests.ts';
import type { CoreEvent } from '../../electron/core/contract.ts';
import { StackObserver } from '../../electron/core/targets/kubernetes/observer.ts';
import {
  HorizontalAutoscaler,
  type AutoscalerSpec,
  type ScaleDecision,
} from '../../electron/core/autoscaler.ts';
import {
  parseRecording,
  RECORDING_VERSION,
  type RecordedSync,
} from '../../electron/core/decisions/recording.ts';
import { podSampleFromPod, type PodForSample } from '../../electron/core/targets/kubernetes/pod-samples.ts';
import { harnessPaths, makeKubectl, runScript, waitFor, type HarnessPaths } from './lib/cluster.ts';
import { TraceMetricsServer, type ServedMetric } from './lib/trace-metrics-server.ts';

const isRoot = process.getuid?.() === 0;
const ns = `sdk-hpa-replay-${process.pid}`;
const APP = 'traced';
const CPU_REQUEST_MILLIS = 100;
const WINDOW_MS = 1000;
/** The stack the observer watches: the traced objects carry its labels. */
const STACK = 'hpa-replay';
const STACK_LABELS = { [LABEL.partOf]: 'scaledeck', [LABEL.instance]: STACK, [LABEL.component]: 'api' };

const spec: AutoscalerSpec = {
  minReplicas: 1,
  maxReplicas: 5,
  targetCpuUtilizationPercent: 50,
  profile: 'kubernetes',
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 24 }],
    },
    scaleDown: {
      stabilizationWindowSeconds: 34,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    },
  },
};

/** One sync of the trace: every pod's CPU % of its request; `withoutMetrics` leaves one pod out. */
interface TraceStep {
  cpu: number;
  withoutMetrics?: boolean;
}
const high = (n: number): TraceStep[] => Array.from({ length: n }, () => ({ cpu: 150 }));
const low = (n: number): TraceStep[] => Array.from({ length: n }, () => ({ cpu: 10 }));
const TRACE: TraceStep[] = [
  { cpu: 52 }, // 52/50 = 1.04: inside the tolerance
  { cpu: 52 },
  ...high(2), // ceil(2 × 3) = 6, one pod per 24 s
  { cpu: 150, withoutMetrics: true }, // scale-up with a pod left out: it counts as 0
  ...high(8),
  { cpu: 10, withoutMetrics: true }, // scale-down with a pod left out: it counts as 100 %
  ...low(9), // the 34 s window holds the earlier, higher recommendations
  { cpu: 52 },
  { cpu: 52 },
];

interface HpaStatus {
  desiredReplicas?: number;
  conditions?: { type: string; status: string; reason?: string }[];
}

interface Observed {
  sync: RecordedSync;
  served: ServedMetric[];
  /** The HPA's desiredReplicas and condition reasons after this sync (read at the next request). */
  hpaDesired?: number;
  hpaReason?: string;
}

let paths: HarnessPaths;
let kubectl: ReturnType<typeof makeKubectl>;
let probeImage: string;
let server: TraceMetricsServer | undefined;
let observer: StackObserver | undefined;

async function getJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

describe.skipIf(!isRoot)('HPA replay against the real kube-controller-manager', () => {
  beforeAll(async () => {
    paths = await harnessPaths();
    kubectl = makeKubectl(paths);
    probeImage = await runScript('build-probe-image.sh');
    await runScript('up.sh');
    await runScript('load-image.sh', [probeImage]);
    await kubectl(['create', 'namespace', ns]);
  }, 1_800_000);

  afterAll(async () => {
    try {
      await observer?.stop();
      await server?.close();
    } finally {
      await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    }
  }, 120_000);

  it('gives the same desiredReplicas as the real HPA, sync by sync', async () => {
    const observed: Observed[] = [];
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));

    server = new TraceMetricsServer(paths, kubectl, ns, async (index, requestedAt) => {
      const [deployment, hpa, pods] = await Promise.all([
        getJson<{ spec: { replicas: number } }>(['-n', ns, 'get', 'deployment', APP]),
        getJson<{ status?: HpaStatus }>(['-n', ns, 'get', 'hpa', APP]),
        getJson<{ items: PodForSample[] }>(['-n', ns, 'get', 'pods', '-l', `app=${APP}`]),
      ]);
      const previous = observed[index - 1];
      if (previous) {
        previous.hpaDesired = hpa.status?.desiredReplicas;
        // AbleToScale says ScaleDownStabilized; ScalingLimited (when True) says ScaleUpLimit.
        const reason = (type: string) =>
          hpa.status?.conditions?.find((c) => c.type === type && c.status === 'True')?.reason;
        previous.hpaReason = [reason('AbleToScale'), reason('ScalingLimited')].filter(Boolean).join(', ');
      }
      const step = TRACE[Math.min(index, TRACE.length - 1)]!;
      const at = Math.floor(requestedAt / 1000) * 1000;
      const live = pods.items
        .filter((p) => p.metadata.deletionTimestamp === undefined)
        .map((p) => p.metadata.name)
        .sort();
      const left = step.withoutMetrics ? live[0] : undefined;
      const served: ServedMetric[] = pods.items
        .filter((p) => p.metadata.name !== left)
        .map((p) => ({
          pod: p.metadata.name,
          cpuMillis: Math.round((step.cpu * CPU_REQUEST_MILLIS) / 100),
          at,
          windowMs: WINDOW_MS,
        }));
      if (index < TRACE.length) {
        const samples = pods.items.map((pod) => {
          const metric = served.find((m) => m.pod === pod.metadata.name);
          return podSampleFromPod(
            pod,
            metric && { cpuUtilizationPercent: step.cpu, at: metric.at, windowMs: metric.windowMs },
            requestedAt,
          );
        });
        observed.push({
          served,
          sync: {
            at: requestedAt,
            run: 0,
            spec,
            currentReplicas: deployment.spec.replicas,
            pods: samples,
            desiredReplicas: -1,
          },
        });
      } else finish();
      return served;
    });
    await server.start();

    const kc = new KubeConfig();
    kc.loadFromFile(paths.kubeconfig);
    const reconstructed: ScaleDecision[] = [];
    observer = new StackObserver(
      {
        kc,
        core: kc.makeApiClient(CoreV1Api),
        apps: kc.makeApiClient(AppsV1Api),
        autoscaling: kc.makeApiClient(AutoscalingV2Api),
      },
      ns,
      STACK,
      (event: CoreEvent) => {
        if (event.type === 'autoscaler' && event.decision.reconstruction) reconstructed.push(event.decision);
      },
      () => null,
    );
    // Before the HPA exists, so that the observer sees the controller's first sync of it.
    observer.start();

    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: APP, namespace: ns, labels: STACK_LABELS },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: APP } },
          template: {
            metadata: { labels: { app: APP, ...STACK_LABELS } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: 'probe',
                  image: probeImage,
                  imagePullPolicy: 'IfNotPresent',
                  ports: [{ containerPort: 8080, name: 'http' }],
                  readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
                  resources: { requests: { cpu: `${CPU_REQUEST_MILLIS}m`, memory: '16Mi' } },
                },
              ],
            },
          },
        },
      }),
    );
    await waitFor(`2 ready pods of ${APP}`, 120_000, async () => {
      const d = await getJson<{ status?: { readyReplicas?: number } }>(['-n', ns, 'get', 'deployment', APP]);
      return d.status?.readyReplicas === 2 ? true : undefined;
    });
    // The first sync's metric must end a full window after the pods became ready.
    await new Promise((r) => setTimeout(r, 2500));
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: APP, namespace: ns, labels: STACK_LABELS },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: APP },
          minReplicas: spec.minReplicas,
          maxReplicas: spec.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: spec.targetCpuUtilizationPercent },
              },
            },
          ],
          behavior: spec.behavior,
        },
      }),
    );
    await Promise.race([
      finished,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`the HPA made only ${server?.requestCount} metrics requests in 200 s`)),
          200_000,
        ),
      ),
    ]);
    expect(server.errors).toEqual([]);
    // Stopped while the trace server still answers: later syncs read metrics-server again.
    await observer.stop();
    await server.close();

    const recording = parseRecording({
      version: RECORDING_VERSION,
      target: 'kubernetes',
      syncs: observed.map((o) => ({ ...o.sync, desiredReplicas: o.hpaDesired })),
    });
    const autoscaler = new HorizontalAutoscaler(spec);
    const decisions: ScaleDecision[] = recording.syncs.map((s) =>
      autoscaler.decide(s.at, s.currentReplicas, s.pods),
    );
    const t0 = recording.syncs[0]!.at;
    let matched = 0;
    recording.syncs.forEach((s, i) => {
      const d = decisions[i]!;
      const same = d.desiredReplicas === s.desiredReplicas;
      if (same) matched += 1;
      console.log(
        `sync ${i} +${((s.at - t0) / 1000).toFixed(1)}s cpu ${TRACE[i]!.cpu}%${TRACE[i]!.withoutMetrics ? ' (one pod without metrics)' : ''} ` +
          `current ${s.currentReplicas}: HPA ${s.desiredReplicas} (${observed[i]!.hpaReason}), Scaledeck ${d.desiredReplicas} (${d.limitedBy})` +
          (same ? '' : `  MISMATCH\n  inputs: ${JSON.stringify(s)}\n  reason: ${d.reason}`),
      );
    });
    console.log(`HPA comparison: ${recording.syncs.length} syncs, ${matched} matched`);

    expect(decisions.map((d) => d.desiredReplicas)).toEqual(recording.syncs.map((s) => s.desiredReplicas));
    const limits = decisions.map((d) => d.limitedBy);
    expect(limits).toContain('tolerance');
    expect(limits).toContain('scaleUpPolicy');
    expect(limits).toContain('scaleDownStabilization');
    const reasons = observed.map((o) => o.hpaReason ?? '');
    expect(reasons.some((r) => r.includes('ScaleUpLimit'))).toBe(true);
    expect(reasons.some((r) => r.includes('ScaleDownStabilized'))).toBe(true);
    // Pods left without metrics, in both directions: the controller filled them (0 up, 100 % down).
    const missing = decisions.filter((d) => d.trace?.pods.some((p) => p.group === 'missing'));
    expect(missing.map((d) => d.trace?.calculation?.rebalanced?.missingFilledWith)).toEqual(
      expect.arrayContaining([0, 100]),
    );
    expect(new Set(decisions.map((d) => d.desiredReplicas)).size).toBeGreaterThan(2);

    // The product's reconstruction, from the syncs the observer saw (a sync that changed nothing
    // in the status sends no event): each must agree with the HPA's desiredReplicas.
    const r0 = reconstructed[0]?.at ?? t0;
    for (const d of reconstructed) {
      const r = d.reconstruction!;
      console.log(
        `observed +${((d.at - r0) / 1000).toFixed(1)}s current ${d.currentReplicas}: HPA ${d.desiredReplicas}, ` +
          `Scaledeck's reconstruction ${r.desiredReplicas} (${r.limitedBy})` +
          (r.inferred.length > 0
            ? ` inferred ${r.inferred.map((i) => `${i.kind}@${i.at - r0}ms`).join(', ')}`
            : '') +
          (r.matches
            ? ''
            : `  DIFFERS\n  ${d.explanation?.steps.map((x) => x.text).join('\n  ') ?? d.reason}`),
      );
    }
    const agreed = reconstructed.filter((d) => d.reconstruction?.matches).length;
    console.log(`Observer reconstruction: ${reconstructed.length} syncs seen, ${agreed} agreed with the HPA`);
    expect(reconstructed.length).toBeGreaterThanOrEqual(10);
    expect(reconstructed.filter((d) => !d.reconstruction?.matches).map((d) => d.reason)).toEqual([]);
    expect(reconstructed.map((d) => d.reconstruction?.limitedBy)).toEqual(
      expect.arrayContaining(['tolerance', 'scaleUpPolicy', 'scaleDownStabilization']),
    );
    expect(reconstructed.every((d) => d.inputs.pods.length > 0 && d.trace !== undefined)).toBe(true);
  }, 300_000);
});
