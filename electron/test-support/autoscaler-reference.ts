/**
 * Utilization traces with the decisions worked out by hand from Kubernetes' HPA v2 algorithm
 * (replica_calculator.go + horizontal.go). Each row's `why` is the derivation; autoscaler.test.ts
 * replays the rows in order through one HorizontalAutoscaler and compares every decision.
 *
 * Times are seconds after the start of the trace. Pods default to "started an hour ago, ready
 * since then", i.e. past the CPU initialization period.
 */
import type { AutoscalerSpec, LimitedBy, PodSample } from '../core/autoscaler.ts';

export interface ReferencePod {
  name: string;
  cpu?: number;
  ready?: boolean;
  /** seconds after trace start; default -3600 */
  startedAt?: number;
  /** seconds after trace start */
  readySince?: number;
  notReadySince?: number;
  terminating?: boolean;
}

export interface ReferenceRow {
  at: number;
  current: number;
  pods: ReferencePod[];
  expect: {
    desired: number;
    recommendation: number;
    limitedBy: LimitedBy;
    utilization: number | null;
  };
  why: string;
}

export interface ReferenceTrace {
  name: string;
  spec: AutoscalerSpec;
  rows: ReferenceRow[];
}

const steady = (count: number, cpu: number, prefix = 'api'): ReferencePod[] =>
  Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i + 1}`, cpu }));

export const REFERENCE_TRACES: ReferenceTrace[] = [
  {
    name: 'kubernetes defaults: tolerance, scale-up policy, max clamp, scale-down stabilization',
    spec: { minReplicas: 2, maxReplicas: 10, targetCpuUtilizationPercent: 50, profile: 'kubernetes' },
    rows: [
      {
        at: 0,
        current: 2,
        pods: [
          { name: 'api-1', cpu: 40 },
          { name: 'api-2', cpu: 60 },
        ],
        expect: { desired: 2, recommendation: 2, limitedBy: 'tolerance', utilization: 50 },
        why: 'avg 50% / 50% = ratio 1.0, |1-1.0| <= 0.1: keep current',
      },
      {
        at: 15,
        current: 2,
        pods: [
          { name: 'api-1', cpu: 54 },
          { name: 'api-2', cpu: 56 },
        ],
        expect: { desired: 2, recommendation: 2, limitedBy: 'tolerance', utilization: 55 },
        why: 'avg 55% -> ratio 1.1, exactly on the upper edge of the band (inclusive): keep current',
      },
      {
        at: 30,
        current: 2,
        pods: [
          { name: 'api-1', cpu: 56 },
          { name: 'api-2', cpu: 57 },
        ],
        expect: { desired: 3, recommendation: 3, limitedBy: 'none', utilization: 56 },
        why: 'avg 56.5% truncates to 56% (int32 in Kubernetes), ratio 1.12 > 1.1, ceil(1.12*2)=ceil(2.24)=3',
      },
      {
        at: 45,
        current: 3,
        pods: steady(3, 180),
        expect: { desired: 7, recommendation: 11, limitedBy: 'scaleUpPolicy', utilization: 180 },
        why:
          'ratio 3.6, ceil(3.6*3)=11; scale-up window 0 s keeps 11; the +1 at t=30 is not strictly inside ' +
          '(30,45] so the period starts at 3: Percent 100 -> 6, Pods 4 -> 7, selectPolicy Max -> 7 < max 10',
      },
      {
        at: 52,
        current: 7,
        pods: steady(7, 180),
        expect: { desired: 7, recommendation: 26, limitedBy: 'scaleUpPolicy', utilization: 180 },
        why:
          'ceil(3.6*7)=ceil(25.2)=26; the +4 at t=45 is inside (37,52] so the period started at 3: ' +
          'limit max(6,7)=7 = current, no growth until that event leaves the 15 s period',
      },
      {
        at: 60,
        current: 7,
        pods: steady(7, 180),
        expect: { desired: 10, recommendation: 26, limitedBy: 'max', utilization: 180 },
        why: 'the t=45 event left (45,60]: period start 7, Percent 100 -> 14, Pods -> 11, limit 14 >= max 10: clamp to 10',
      },
      {
        at: 75,
        current: 10,
        pods: steady(10, 20),
        expect: { desired: 10, recommendation: 4, limitedBy: 'scaleDownStabilization', utilization: 20 },
        why: 'ratio 0.4, ceil(0.4*10)=4, but the highest recommendation in the last 300 s is 26 (t=52,60): keep 10',
      },
      {
        at: 345,
        current: 10,
        pods: steady(10, 20),
        expect: { desired: 10, recommendation: 4, limitedBy: 'scaleDownStabilization', utilization: 20 },
        why: 'window (45,345] still holds 26 from t=52 and t=60: keep 10',
      },
      {
        at: 361,
        current: 10,
        pods: steady(10, 20),
        expect: { desired: 4, recommendation: 4, limitedBy: 'none', utilization: 20 },
        why: 'window (61,361] holds only 4s; scale-down Percent 100/15s allows down to 0, min is 2: 10 -> 4',
      },
      {
        at: 376,
        current: 4,
        pods: steady(4, 10),
        expect: { desired: 4, recommendation: 1, limitedBy: 'scaleDownStabilization', utilization: 10 },
        why: 'ceil(0.2*4)=1 but the 300 s window holds 4 (t=345,361): keep 4',
      },
      {
        at: 391,
        current: 4,
        pods: [
          ...steady(3, 50),
          // Started 10 minutes ago and never became ready: past the CPU initialization period but
          // unready since (about) its start, so it is ignored; its 0% would otherwise pull down.
          { name: 'api-4', cpu: 0, ready: false, startedAt: -210 },
        ],
        expect: { desired: 4, recommendation: 4, limitedBy: 'tolerance', utilization: 50 },
        why: 'never-ready pod ignored, 3 ready pods at 50%: ratio 1.0, no unready rebalance on a ratio <= 1: keep 4',
      },
      {
        at: 406,
        current: 4,
        pods: [
          ...steady(3, 50),
          // Went unready long after its start (it had been ready): Kubernetes keeps its sample.
          { name: 'api-4', cpu: 0, ready: false, startedAt: -210, readySince: -180, notReadySince: 400 },
        ],
        expect: { desired: 4, recommendation: 3, limitedBy: 'scaleDownStabilization', utilization: 37 },
        why:
          'a pod that was ready once and turned unready after the init period keeps its sample: ' +
          '150/4=37% -> 0.74, ceil(0.74*4)=ceil(2.96)=3 (ignoring it would keep 4); the 300 s window holds 4: keep 4',
      },
    ],
  },
  {
    name: 'demo profile: not-ready pod, metric window, missing metrics both ways, min clamp',
    spec: { minReplicas: 2, maxReplicas: 6, targetCpuUtilizationPercent: 50, profile: 'demo' },
    rows: [
      {
        at: 0,
        current: 3,
        pods: [
          { name: 'api-1', cpu: 80 },
          { name: 'api-2', cpu: 80 },
          { name: 'api-3', cpu: 5, ready: false, startedAt: -10 },
        ],
        expect: { desired: 3, recommendation: 3, limitedBy: 'tolerance', utilization: 80 },
        why:
          'api-3 is unready: ratio 1.6 on 2 pods would give 4, but on a scale-up unready pods count as 0%: ' +
          '(80+80+0)/3=53% -> 1.06, inside the band: keep 3',
      },
      {
        at: 5,
        current: 3,
        pods: [
          { name: 'api-1', cpu: 80 },
          { name: 'api-2', cpu: 80 },
          { name: 'api-3', cpu: 20, ready: true, startedAt: -10, readySince: 3 },
        ],
        expect: { desired: 3, recommendation: 3, limitedBy: 'tolerance', utilization: 80 },
        why:
          'api-3 is ready since t=3 but still in the 30 s CPU initialization period and its sample ' +
          '(ending now, 5 s window) started before it became ready (5 < 3+5): still ignored, same as above',
      },
      {
        at: 10,
        current: 3,
        pods: [
          { name: 'api-1', cpu: 80 },
          { name: 'api-2', cpu: 80 },
          { name: 'api-3', cpu: 20, ready: true, startedAt: -10, readySince: 3 },
        ],
        expect: { desired: 4, recommendation: 4, limitedBy: 'none', utilization: 60 },
        why: 'sample now covers only ready time (10 >= 8): avg 60% -> 1.2, ceil(1.2*3)=ceil(3.5999...)=4',
      },
      {
        at: 15,
        current: 4,
        pods: [...steady(3, 30), { name: 'api-4', ready: false, startedAt: 10 }],
        expect: { desired: 4, recommendation: 4, limitedBy: 'tolerance', utilization: 30 },
        why:
          'api-4 has no metric. Ratio 0.6 points down, so missing pods count as max(100%, target)=100%: ' +
          '(30*3+100)/4=47% -> 0.94, inside the band: keep 4 (ignoring it would give ceil(0.6*3)=2)',
      },
      {
        at: 20,
        current: 4,
        pods: [...steady(3, 100), { name: 'api-4', ready: false, startedAt: 10 }],
        expect: { desired: 6, recommendation: 6, limitedBy: 'none', utilization: 100 },
        why:
          'ratio 2.0 points up, so the missing pod counts as 0%: 300/4=75% -> 1.5, ceil(1.5*4)=6; ' +
          'the +1 at t=10 is outside (15,20]: limit 8, max 6, 6 is allowed',
      },
      {
        at: 25,
        current: 6,
        pods: [
          ...steady(4, 10),
          { name: 'api-5', ready: false, startedAt: 20 },
          { name: 'api-6', startedAt: 20 },
        ],
        expect: { desired: 6, recommendation: 5, limitedBy: 'scaleDownStabilization', utilization: 10 },
        why:
          'two new pods without metrics, ratio 0.2 points down: (40+200)/6=40% -> 0.8, ceil(0.8*6)=ceil(4.8000001)=5; ' +
          'the 30 s demo window holds 6 (t=20): keep 6',
      },
      {
        at: 55,
        current: 6,
        pods: [
          ...steady(4, 5),
          { name: 'api-5', cpu: 5, startedAt: 20, readySince: 22 },
          { name: 'api-6', cpu: 5, startedAt: 20, readySince: 22 },
        ],
        expect: { desired: 2, recommendation: 1, limitedBy: 'min', utilization: 5 },
        why:
          'all 6 past the 30 s init period: ratio 0.1, ceil(0.1*6)=ceil(0.6000001)=1; window (25,55] has only 1; ' +
          'Percent 100/5s allows 0; minReplicas 2 clamps: 6 -> 2',
      },
    ],
  },
];

/** Turns a reference pod (seconds relative to the trace) into a PodSample (epoch ms). */
export function toPodSample(pod: ReferencePod, traceStart: number): PodSample {
  const at = (seconds: number) => traceStart + seconds * 1000;
  const sample: PodSample = {
    name: pod.name,
    ready: pod.ready ?? true,
    startedAt: at(pod.startedAt ?? -3600),
  };
  if (pod.readySince !== undefined) sample.readySince = at(pod.readySince);
  if (pod.notReadySince !== undefined) sample.notReadySince = at(pod.notReadySince);
  if (pod.cpu !== undefined) sample.cpuUtilizationPercent = pod.cpu;
  if (pod.terminating) sample.terminating = true;
  return sample;
}
