/**
 * The multi-metric algorithm against hand-worked cases. The per-metric rows are the expectations
 * of Kubernetes' own pkg/controller/podautoscaler/replica_calculator_test.go (named per row; its
 * levels are milli-values, so 20000 there is 20 here); the combination rows follow horizontal.go
 * computeReplicasForMetrics, each with its derivation.
 */
import { describe, expect, it } from 'vitest';
import { HorizontalAutoscaler, type AutoscalerSpec, type PodSample } from './autoscaler.ts';
import {
  combineProposals,
  objectMetricProposal,
  podsMetricProposal,
  type MetricProposal,
} from './autoscaler-metrics.ts';
import { explainDecision } from './decisions/explain.ts';

const NOW = Date.UTC(2026, 0, 1);
const TOLERANCE = 0.1;

/** Replicas long past their initialization, ready unless said otherwise. */
function pods(
  rps: Array<number | undefined>,
  extra: (i: number) => Partial<PodSample> = () => ({}),
): PodSample[] {
  return rps.map((value, i) => ({
    name: `api-${i + 1}`,
    ready: true,
    startedAt: NOW - 3_600_000,
    ...(value === undefined ? {} : { requestsPerSecond: value }),
    ...extra(i),
  }));
}

describe('Pods metric (requests/s per replica, AverageValue): calcPlainMetricReplicas', () => {
  const rows: {
    name: string;
    current: number;
    pods: PodSample[];
    target: number;
    replicas: number;
    value: number;
  }[] = [
    // avg(20, 10, 30) = 20; ceil(3 × 20/15) = ceil(4) = 4
    {
      name: 'TestReplicaCalcScaleUpCM',
      current: 3,
      pods: pods([20, 10, 30]),
      target: 15,
      replicas: 4,
      value: 20,
    },
    // A running replica that is not ready still counts for a Pods metric (CPU would leave it out):
    // avg(50, 10, 30) = 30; ceil(3 × 30/15) = 6
    {
      name: 'TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale',
      current: 3,
      pods: pods([50, 10, 30], (i) => (i === 2 ? { ready: false } : {})),
      target: 15,
      replicas: 6,
      value: 30,
    },
    // avg(50, 15, 30) = 31.666 (integer milli average); ceil(3 × 31.666/15) = ceil(6.33) = 7
    {
      name: 'TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown',
      current: 3,
      pods: pods([50, 15, 30], (i) => (i === 1 ? {} : { ready: false })),
      target: 15,
      replicas: 7,
      value: 31.666,
    },
    // avg 12 of 20 = 0.6; ceil(5 × 0.6) = 3
    {
      name: 'TestReplicaCalcScaleDownCM',
      current: 5,
      pods: pods([12, 12, 12, 12, 12]),
      target: 20,
      replicas: 3,
      value: 12,
    },
    // avg(20, 21, 21) = 20.666; |1.033 − 1| ≤ 0.1: keep 3
    {
      name: 'TestReplicaCalcToleranceCM',
      current: 3,
      pods: pods([20, 21, 21]),
      target: 20,
      replicas: 3,
      value: 20.666,
    },
    // 5 replicas, 2 without a value: avg 20 of 20 = 1 exactly, so neither fill applies; keep 5
    {
      name: 'TestPlainMetricReplicaCalcMissingMetricsNoChangeEq',
      current: 5,
      pods: pods([20, 19, 21, undefined, undefined]),
      target: 20,
      replicas: 5,
      value: 20,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const p = podsMetricProposal(row.current, row.target, row.pods, TOLERANCE);
      expect({ replicas: p.replicas, value: p.value }).toEqual({ replicas: row.replicas, value: row.value });
    });
  }

  it('fills a missing replica with the target on a scale-down (not with 100 % as CPU does)', () => {
    // avg(5, 5) = 5 of 10 → ratio 0.5 < 1; fill the missing one with 10: avg(5, 5, 10) = 6.666,
    // ratio 0.666 (outside the tolerance, same side of 1): ceil(3 × 0.666) = 2
    const p = podsMetricProposal(3, 10, pods([5, 5, undefined]), TOLERANCE);
    expect(p.replicas).toBe(2);
    expect(p.rebalanced).toEqual({ missingFilledWith: 10, unreadyFilledWith: null, value: 6.666 });
  });

  it('counts a pending replica at 0 on a scale-up', () => {
    // avg(30, 30) = 30 of 10 → ratio 3; with the pending one at 0: avg(30, 30, 0) = 20, ceil(3 × 2) = 6
    const p = podsMetricProposal(
      3,
      10,
      pods([30, 30, undefined], (i) => (i === 2 ? { pending: true } : {})),
      TOLERANCE,
    );
    expect(p.replicas).toBe(6);
  });

  it('cannot be read when no running replica has a value', () => {
    expect(podsMetricProposal(2, 10, pods([undefined, undefined]), TOLERANCE).replicas).toBeNull();
  });
});

describe('Object metric (the API’s p95 latency, Value): GetObjectMetricReplicas', () => {
  it('TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods: 50 of 10 × 1 ready replica = 5', () => {
    const p = objectMetricProposal(
      3,
      10,
      50,
      pods([0, 0, 0], (i) => (i === 1 ? {} : { ready: false })),
      TOLERANCE,
    );
    expect(p.replicas).toBe(5);
  });
  it('TestReplicaCalcScaleDownCMObject: 12 of 20 × 5 ready = 3', () => {
    expect(objectMetricProposal(5, 20, 12, pods([0, 0, 0, 0, 0]), TOLERANCE).replicas).toBe(3);
  });
  it('TestReplicaCalcToleranceCMObject: 20.666 of 20 is within 10 %: keep 3', () => {
    expect(objectMetricProposal(3, 20, 20.666, pods([0, 0, 0]), TOLERANCE)).toMatchObject({
      replicas: 3,
      withinTolerance: true,
    });
  });
  it('cannot be read without a value', () => {
    expect(objectMetricProposal(3, 200, undefined, pods([0, 0, 0]), TOLERANCE).replicas).toBeNull();
  });
});

describe('combineProposals: computeReplicasForMetrics', () => {
  const proposal = (metric: MetricProposal['metric'], replicas: number | null): MetricProposal => ({
    metric,
    target: 1,
    value: replicas === null ? null : 1,
    replicas,
    withinTolerance: false,
  });
  it('the largest proposal wins, the first on a tie', () => {
    expect(
      combineProposals([proposal('cpu', 2), proposal('rpsPerReplica', 4), proposal('p95LatencyMs', 1)], 2),
    ).toMatchObject({ replicas: 4, trace: { winner: 'rpsPerReplica' } });
    expect(combineProposals([proposal('cpu', 4), proposal('rpsPerReplica', 4)], 2).trace.winner).toBe('cpu');
  });
  it('an unreadable metric blocks a scale-down but not a scale-up or a hold', () => {
    expect(combineProposals([proposal('cpu', 2), proposal('p95LatencyMs', null)], 4)).toMatchObject({
      replicas: null,
      trace: { blocked: 'scaleDown', winner: null },
    });
    expect(combineProposals([proposal('cpu', 6), proposal('p95LatencyMs', null)], 4).replicas).toBe(6);
    expect(combineProposals([proposal('cpu', 4), proposal('p95LatencyMs', null)], 4).replicas).toBe(4);
  });
  it('all unreadable keeps the count', () => {
    expect(combineProposals([proposal('cpu', null), proposal('rpsPerReplica', null)], 3)).toMatchObject({
      replicas: null,
      trace: { blocked: 'allUnreadable' },
    });
  });
});

describe('HorizontalAutoscaler with a metrics list', () => {
  const spec = (metrics: AutoscalerSpec['metrics'], targetCpuUtilizationPercent = 50): AutoscalerSpec => ({
    minReplicas: 1,
    maxReplicas: 10,
    targetCpuUtilizationPercent,
    profile: 'kubernetes',
    ...(metrics ? { metrics } : {}),
  });
  const sample = (cpu: number[], rps?: number[]) =>
    pods(rps ?? cpu.map(() => undefined), (i) => ({ cpuUtilizationPercent: cpu[i] ?? 0 }));

  it('rps wins while CPU stays under its target, and the decision says so', () => {
    const hpa = new HorizontalAutoscaler(
      spec([
        { metric: 'rpsPerReplica', target: 50 },
        { metric: 'cpu', target: 50 },
        { metric: 'p95LatencyMs', target: 200 },
      ]),
    );
    // rps avg(84, 84) = 84 of 50: ceil(2 × 1.68) = 4; CPU 31 of 50: ceil(2 × 0.62) = 2;
    // p95 40 of 200 on 2 ready: ceil(2 × 0.2) = 1 → 4 (the scale-up policy allows max(+4 pods, +100 %))
    const decision = hpa.decide(NOW, 2, sample([31, 31], [84, 84]), { p95LatencyMs: 40 });
    expect(decision.desiredReplicas).toBe(4);
    expect(decision.trace?.metrics?.winner).toBe('rpsPerReplica');
    expect(decision.trace?.metrics?.proposals.map((p) => [p.metric, p.value, p.replicas])).toEqual([
      ['rpsPerReplica', 84, 4],
      ['cpu', 31, 2],
      ['p95LatencyMs', 40, 1],
    ]);
    const steps = explainDecision(decision)?.steps.map((step) => step.text) ?? [];
    expect(steps).toContain(
      'rps/replica 84 of 50 → 4, CPU 31 % of 50 % → 2, p95 40 of 200 ms → 1: rps won, scaling 2 → 4',
    );
    expect(decision.reason).toContain('rps won');
  });

  it('CPU and rps both on: the larger proposal wins (CPU here)', () => {
    const hpa = new HorizontalAutoscaler(
      spec([
        { metric: 'cpu', target: 50 },
        { metric: 'rpsPerReplica', target: 50 },
      ]),
    );
    // CPU 100 of 50 on 2: ceil(4) = 4; rps 60 of 50: ceil(2 × 1.2) = 3 → 4, CPU won
    const decision = hpa.decide(NOW, 2, sample([100, 100], [60, 60]));
    expect(decision).toMatchObject({ desiredReplicas: 4, trace: { metrics: { winner: 'cpu' } } });
  });

  it('tolerance is per metric: one inside its band does not hold back another outside it', () => {
    const hpa = new HorizontalAutoscaler(
      spec([
        { metric: 'cpu', target: 50 },
        { metric: 'rpsPerReplica', target: 50 },
      ]),
    );
    // CPU 52 of 50: |1.04 − 1| ≤ 0.1 → 3; rps 60 of 50: ceil(3 × 1.2) = 4 → 4
    expect(hpa.decide(NOW, 3, sample([52, 52, 52], [60, 60, 60])).desiredReplicas).toBe(4);
    // Both inside their bands: 3 and 3 → keep 3, limited by the tolerance
    const held = new HorizontalAutoscaler(
      spec([
        { metric: 'cpu', target: 50 },
        { metric: 'rpsPerReplica', target: 50 },
      ]),
    );
    expect(held.decide(NOW, 3, sample([52, 52, 52], [53, 53, 53]))).toMatchObject({
      desiredReplicas: 3,
      limitedBy: 'tolerance',
    });
  });

  it('an unreadable p95 holds a scale-down the others point to, and the decision names it', () => {
    const hpa = new HorizontalAutoscaler(
      spec([
        { metric: 'cpu', target: 50 },
        { metric: 'p95LatencyMs', target: 200 },
      ]),
    );
    // CPU 20 of 50 on 4: ceil(1.6) = 2 < 4, p95 unreadable → no scale-down, keep 4
    const decision = hpa.decide(NOW, 4, sample([20, 20, 20, 20]));
    expect(decision).toMatchObject({ desiredReplicas: 4, limitedBy: 'noMetrics' });
    expect(decision.trace?.metrics?.blocked).toBe('scaleDown');
    expect(decision.reason).toContain('p95 could not be read');
    // The same with p95 read (40 of 200 → 1): CPU's 2 wins; a fresh autoscaler has no earlier
    // recommendation in its 300 s scale-down window, so it goes to 2.
    const read = new HorizontalAutoscaler(
      spec([
        { metric: 'cpu', target: 50 },
        { metric: 'p95LatencyMs', target: 200 },
      ]),
    );
    expect(read.decide(NOW, 4, sample([20, 20, 20, 20]), { p95LatencyMs: 40 }).desiredReplicas).toBe(2);
  });

  it('rps only: CPU numbers stay out of the decision', () => {
    const hpa = new HorizontalAutoscaler(spec([{ metric: 'rpsPerReplica', target: 10 }]));
    const decision = hpa.decide(NOW, 2, sample([90, 90], [10, 10]));
    expect(decision).toMatchObject({ desiredReplicas: 2, averageUtilizationPercent: null });
    expect(decision.trace?.calculation).toBeUndefined();
  });

  it('a CPU-only spec decides and traces exactly as before (no metrics in its trace)', () => {
    const decision = new HorizontalAutoscaler(spec(undefined)).decide(NOW, 2, sample([100, 100]));
    expect(decision.desiredReplicas).toBe(4);
    expect(decision.trace?.metrics).toBeUndefined();
  });

  it('refuses a list whose CPU target disagrees with targetCpuUtilizationPercent, naming the field', () => {
    expect(() => new HorizontalAutoscaler(spec([{ metric: 'cpu', target: 60 }], 50))).toThrow(
      /metrics\.0\.target: differs from targetCpuUtilizationPercent 50/,
    );
  });
});

describe('explaining a traffic metric', () => {
  it('writes a tiny ratio with its digits, not as ceil(0) = 1', () => {
    const hpa = new HorizontalAutoscaler({
      minReplicas: 1,
      maxReplicas: 5,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
      metrics: [{ metric: 'p95LatencyMs', target: 5000 }],
    });
    const steps = explainDecision(hpa.decide(NOW, 1, pods([1]), { p95LatencyMs: 2.386 }))?.steps ?? [];
    expect(steps.map((step) => step.text)).toContain(
      'p95 2.386 ms of 5000 ms (1 ready): ceil(1 × 2.386 / 5000) = ceil(0.00048) = 1',
    );
  });
});
