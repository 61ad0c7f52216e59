/**
 * The shadow from hand-worked sequences: HPA objects as the controller writes them, the API pods
 * and their metrics.k8s.io samples, each sync's arithmetic checked against its derivation, and a
 * desiredReplicas the algorithm would not give marked as a difference.
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { HpaBehaviorInput } from '../../autoscaler.ts';
import { explainDecision } from '../../decisions/explain.ts';
import { HpaShadow } from './hpa-shadow.ts';
import type { PodMetricsForSample, PodWithRequests } from './pod-samples.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const s = (seconds: number) => T0 + seconds * 1000;

const BEHAVIOR: HpaBehaviorInput = {
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
};

function hpa(current: number, desired: number, max = 5): V2HorizontalPodAutoscaler {
  return {
    metadata: { name: 'api' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 1,
      maxReplicas: max,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
      behavior: BEHAVIOR,
    },
    status: {
      currentReplicas: current,
      desiredReplicas: desired,
      conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }],
    },
  };
}

/** A running pod with a 100m request, ready a second after it started. */
function pod(name: string, startedAt = T0 - 3_600_000): PodWithRequests {
  return {
    metadata: { name },
    spec: { containers: [{ resources: { requests: { cpu: '100m' } } }] },
    status: {
      phase: 'Running',
      startTime: iso(startedAt),
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(startedAt + 1000) }],
    },
  };
}

/** metrics.k8s.io samples: `millis` per pod (of the 100m request, so also its %), 1 s window. */
function metrics(at: number, millis: Record<string, number>): PodMetricsForSample[] {
  return Object.entries(millis).map(([name, m]) => ({
    metadata: { name },
    timestamp: iso(at),
    window: '1s',
    containers: [{ usage: { cpu: `${m * 1_000_000}n` } }],
  }));
}

const step = (decision: Parameters<typeof explainDecision>[0], kind: string) =>
  explainDecision(decision)?.steps.find((entry) => entry.kind === kind)?.text;

describe('HpaShadow', () => {
  it('reconstructs each sync, and marks a desiredReplicas the algorithm does not give', () => {
    const shadow = new HpaShadow({ seenBeforeFirstSync: true });
    const [a, b] = [pod('api-a'), pod('api-b')];

    // 52 % on 2: |52/50 − 1| = 0.04 ≤ 0.1, keep 2. The controller's first sync: it recorded 2 first.
    const first = shadow.observe({
      hpa: hpa(2, 2),
      pods: [a, b],
      podMetrics: metrics(s(0), { 'api-a': 52, 'api-b': 52 }),
      at: s(0),
    });
    expect(first.desiredReplicas).toBe(2);
    expect(first.reconstruction).toMatchObject({ desiredReplicas: 2, matches: true, observedSyncs: 1 });
    expect(first.reconstruction?.inferred).toEqual([
      { at: s(0) - 1, kind: 'initial', desiredReplicas: 2, held: 2 },
    ]);
    expect(step(first, 'tolerance')).toBe('|52/50 − 1| = 0.04 ≤ 0.1: within the tolerance, the count stays');
    expect(first.inputs.pods.map((p) => p.cpuUtilizationPercent)).toEqual([52, 52]);

    // 150 % on 2: ceil(2 × 3) = 6; one pod per 24 s from 2 → at most 3. The HPA says 3 too.
    const second = shadow.observe({
      hpa: hpa(2, 3),
      pods: [a, b],
      podMetrics: metrics(s(5), { 'api-a': 150, 'api-b': 150 }),
      at: s(5),
    });
    expect(step(second, 'formula')).toBe(
      'avg(150, 150) = 150 % on 2 ready replicas: ceil(2 × 150 % / 50 %) = ceil(6) = 6',
    );
    expect(step(second, 'rate')).toBe(
      'scale-up policies (selectPolicy Max): +1 pod = 3 per 24 s → at most 3',
    );
    expect(second.reconstruction).toMatchObject({
      desiredReplicas: 3,
      matches: true,
      limitedBy: 'scaleUpPolicy',
    });
    expect(second.reason).not.toMatch(/differ/);
    expect(step(second, 'reconstruction')).toMatch(
      /^the HPA decided 3 too: they agree \(a reconstruction from what Scaledeck observed/,
    );
    expect(step(second, 'mismatch')).toBeUndefined();

    // 150 % on 3: ceil(9) = 9, but the +1 of 5 s ago used the 24 s period's one pod: at most 3.
    // This "HPA" says 5: the reconstruction must say they differ, not take the 5.
    const c = pod('api-c', s(5));
    const third = shadow.observe({
      hpa: hpa(3, 5),
      pods: [a, b, c],
      podMetrics: metrics(s(10), { 'api-a': 150, 'api-b': 150, 'api-c': 150 }),
      at: s(10),
    });
    expect(third.desiredReplicas).toBe(5);
    expect(third.reconstruction).toMatchObject({ desiredReplicas: 3, matches: false });
    expect(step(third, 'rate')).toBe('scale-up policies (selectPolicy Max): +1 pod = 3 per 24 s → at most 3');
    expect(step(third, 'result')).toBe("Scaledeck's reconstruction: keep 3 (limited by scaleUpPolicy)");
    expect(step(third, 'mismatch')).toMatch(
      /^Scaledeck's reconstruction: 3, the HPA decided 5 — they differ \(/,
    );
    expect(third.reason).toMatch(/Scaledeck's reconstruction gives 3: they differ$/);
    expect(explainDecision(third)?.reconstruction).toEqual({ desiredReplicas: 3, matches: false });
    expect(explainDecision(third)?.desiredReplicas).toBe(5);
  });

  it('fills in the syncs that left the status unchanged, so a scale-down window holds as the HPA’s did', () => {
    const shadow = new HpaShadow();
    const pods = [pod('api-a'), pod('api-b')];
    const at = (seconds: number, millis: number) => ({
      pods,
      podMetrics: metrics(s(seconds), { 'api-a': millis, 'api-b': millis }),
      at: s(seconds),
    });
    // 50 % then 51 %: inside the tolerance, keep 2 (two status writes 5 s apart: the sync period).
    shadow.observe({ hpa: hpa(2, 2), ...at(0, 50) });
    shadow.observe({ hpa: hpa(2, 2), ...at(5, 51) });
    // The syncs at 10…35 s saw 51 % again and wrote nothing. At 40 s, 10 %: ceil(2 × 0.2) = 1, but the
    // 34 s window still holds the 2 of the sync at 35 s, which the shadow fills in: keep 2.
    const held = shadow.observe({ hpa: hpa(2, 2), ...at(40, 10) });
    expect(held.reconstruction?.inferred).toEqual([
      { at: s(35), kind: 'unchanged', desiredReplicas: 2, held: 2 },
    ]);
    expect(held.reconstruction).toMatchObject({
      desiredReplicas: 2,
      matches: true,
      limitedBy: 'scaleDownStabilization',
    });
    expect(step(held, 'stabilization')).toContain('scale-down window 34 s: [2 (-5 s), 1 (now)] → highest 2');
  });

  it('fills a missed sync in from the observer’s sample, when the inputs changed but the status did not', () => {
    const pods = [pod('api-a'), pod('api-b'), pod('api-c')];
    const allAt10 = metrics(s(20), { 'api-a': 10, 'api-b': 10, 'api-c': 10 });
    // At 0 s api-c has no metrics: on a scale-down it counts as its whole request, so
    // ceil(3 × (10 + 10 + 100) / 3 / 50) = ceil(2.4) = 3 and the HPA keeps 3. Its metrics come back
    // by 20 s; the average of the pods with metrics is still 10 %, so the next syncs write nothing.
    // At 40 s the HPA goes to 1: the sync it made at 25 s recommended 1, not 3.
    const replay = (
      samples: { at: number; pods: PodWithRequests[]; podMetrics: PodMetricsForSample[] }[],
    ) => {
      const shadow = new HpaShadow();
      shadow.observe({
        hpa: hpa(3, 3),
        pods,
        podMetrics: metrics(s(0), { 'api-a': 10, 'api-b': 10 }),
        at: s(0),
      });
      return shadow.observe({ hpa: hpa(3, 1), pods, podMetrics: allAt10, at: s(40), samples });
    };
    const sampled = replay([{ at: s(20), pods, podMetrics: allAt10 }]).reconstruction;
    expect(sampled?.inferred).toEqual([{ at: s(25), kind: 'unchanged', desiredReplicas: 3, held: 3 }]);
    expect(sampled).toMatchObject({ desiredReplicas: 1, matches: true });
    // Without a sample the last observed inputs stand in, and the difference is marked, not hidden.
    expect(replay([]).reconstruction).toMatchObject({ desiredReplicas: 3, matches: false });
  });

  it('starts a new history when the spec changes, and reconstructs nothing before the HPA has a count', () => {
    const shadow = new HpaShadow();
    const pods = [pod('api-a')];
    const sync = (h: V2HorizontalPodAutoscaler, seconds: number) =>
      shadow.observe({
        hpa: h,
        pods,
        podMetrics: metrics(s(seconds), { 'api-a': 50 }),
        at: s(seconds),
      });

    const noCount = hpa(1, 0);
    noCount.status!.conditions = [
      { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' },
    ];
    expect(sync(noCount, 0).reconstruction).toBeUndefined();

    expect(sync(hpa(1, 1), 5).reconstruction).toMatchObject({ historySince: s(5), observedSyncs: 1 });
    expect(sync(hpa(1, 1), 10).reconstruction).toMatchObject({ historySince: s(5), observedSyncs: 2 });
    const changed = sync(hpa(1, 1, 8), 15).reconstruction;
    expect(changed).toMatchObject({ historySince: s(15), observedSyncs: 1, inferred: [] });
    expect(changed?.spec.maxReplicas).toBe(8);
  });
});
