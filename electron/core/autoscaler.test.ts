import { describe, expect, it } from 'vitest';
import {
  AutoscalerInputError,
  HorizontalAutoscaler,
  PROFILES,
  type AutoscalerSpec,
  type PodSample,
} from './autoscaler.ts';
import { REFERENCE_TRACES, toPodSample } from '../test-support/autoscaler-reference.ts';

const TRACE_START = Date.UTC(2026, 0, 1);

describe('HorizontalAutoscaler replays reference traces worked out from the Kubernetes algorithm', () => {
  for (const trace of REFERENCE_TRACES) {
    it(trace.name, () => {
      const autoscaler = new HorizontalAutoscaler(trace.spec);
      let previousDesired: number | null = null;
      for (const row of trace.rows) {
        // The table is a continuous trace: each row starts from what the previous one decided.
        if (previousDesired !== null) expect(row.current, `row t=${row.at}: current`).toBe(previousDesired);
        const pods = row.pods.map((pod) => toPodSample(pod, TRACE_START));
        const decision = autoscaler.decide(TRACE_START + row.at * 1000, row.current, pods);
        const label = `row t=${row.at}s (${row.why})\n  reason: ${decision.reason}`;
        expect(
          {
            desired: decision.desiredReplicas,
            recommendation: decision.recommendation,
            limitedBy: decision.limitedBy,
            utilization: decision.averageUtilizationPercent,
          },
          label,
        ).toEqual(row.expect);
        expect(decision.currentReplicas).toBe(row.current);
        expect(decision.profile).toBe(trace.spec.profile);
        expect(decision.inputs.pods).toEqual(pods);
        expect(decision.reason.length).toBeGreaterThan(10);
        previousDesired = decision.desiredReplicas;
      }
    });
  }
});

const longAgo = TRACE_START - 3_600_000;
const pods = (cpus: Array<number | undefined>): PodSample[] =>
  cpus.map((cpu, i) => ({
    name: `api-${i + 1}`,
    ready: true,
    startedAt: longAgo,
    ...(cpu === undefined ? {} : { cpuUtilizationPercent: cpu }),
  }));

describe('HorizontalAutoscaler decisions', () => {
  const spec: AutoscalerSpec = {
    minReplicas: 1,
    maxReplicas: 20,
    targetCpuUtilizationPercent: 50,
    profile: 'kubernetes',
  };

  it('explains a policy limit in one sentence with the numbers', () => {
    const autoscaler = new HorizontalAutoscaler(spec);
    const decision = autoscaler.decide(TRACE_START, 2, pods([180, 180]));
    // ceil(3.6*2)=8; Percent 100 -> 4, Pods 4 -> 6, Max -> 6
    expect(decision.desiredReplicas).toBe(6);
    expect(decision.usageRatio).toBeCloseTo(3.6);
    expect(decision.reason).toBe(
      'CPU 180% of 50% target on 2 ready replicas -> 8, limited to 6 by scale-up policy Pods 4/15s; scaling 2 -> 6',
    );
  });

  it('selectPolicy Disabled blocks that direction only', () => {
    const autoscaler = new HorizontalAutoscaler({
      ...spec,
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Disabled',
          policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }],
        },
      },
    });
    const down = autoscaler.decide(TRACE_START, 4, pods([5, 5, 5, 5]));
    expect(down.desiredReplicas).toBe(4);
    expect(down.limitedBy).toBe('scaleDownPolicy');
    expect(down.reason).toContain('disabled');
    const up = autoscaler.decide(TRACE_START + 15_000, 4, pods([100, 100, 100, 100]));
    expect(up.desiredReplicas).toBe(8);
  });

  it('Min select policy picks the smaller scale-up', () => {
    const autoscaler = new HorizontalAutoscaler({
      ...spec,
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Min',
          policies: [
            { type: 'Percent', value: 100, periodSeconds: 15 },
            { type: 'Pods', value: 1, periodSeconds: 60 },
          ],
        },
      },
    });
    expect(autoscaler.decide(TRACE_START, 2, pods([200, 200])).desiredReplicas).toBe(3);
    // The +1 is still inside the 60 s period of the Pods policy: no further growth.
    const next = autoscaler.decide(TRACE_START + 15_000, 3, pods([200, 200, 200]));
    expect(next.desiredReplicas).toBe(3);
    expect(next.reason).toContain('Pods 1/60s');
  });

  it('brings the count back into [min, max] before looking at metrics, like Kubernetes', () => {
    const autoscaler = new HorizontalAutoscaler({ ...spec, minReplicas: 2, maxReplicas: 5 });
    const above = autoscaler.decide(TRACE_START, 7, pods([50, 50, 50, 50, 50, 50, 50]));
    expect([above.desiredReplicas, above.limitedBy]).toEqual([5, 'max']);
    const below = autoscaler.decide(TRACE_START, 1, pods([50]));
    expect([below.desiredReplicas, below.limitedBy]).toEqual([2, 'min']);
    const zero = autoscaler.decide(TRACE_START, 0, []);
    expect(zero.desiredReplicas).toBe(0);
  });

  it('keeps the count when no ready replica has a metric', () => {
    const autoscaler = new HorizontalAutoscaler(spec);
    const decision = autoscaler.decide(TRACE_START, 3, pods([undefined, undefined, undefined]));
    expect(decision).toMatchObject({
      desiredReplicas: 3,
      limitedBy: 'noMetrics',
      averageUtilizationPercent: null,
      usageRatio: null,
    });
    expect(decision.inputs).toMatchObject({ readyWithMetrics: 0, missingMetrics: 3, notReady: 0 });
  });

  it('ignores terminating pods entirely', () => {
    const autoscaler = new HorizontalAutoscaler(spec);
    const sample = pods([100, 100, 0]);
    sample[2]!.terminating = true;
    // Only the two running pods count: ratio 2.0, ceil(2*2)=4 (with the 0% pod it would be 3).
    expect(autoscaler.decide(TRACE_START, 2, sample).desiredReplicas).toBe(4);
  });

  it('the demo profile is labelled as faster than Kubernetes and syncs faster', () => {
    expect(PROFILES.demo.label).toBe('Demo (faster than Kubernetes)');
    expect(new HorizontalAutoscaler({ ...spec, profile: 'demo' }).syncPeriodMs).toBe(5000);
    expect(new HorizontalAutoscaler(spec).syncPeriodMs).toBe(15_000);
    expect(PROFILES.kubernetes.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(PROFILES.kubernetes.behavior.scaleUp.policies).toEqual([
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ]);
  });
});

describe('HorizontalAutoscaler input validation names the field', () => {
  const valid: AutoscalerSpec = {
    minReplicas: 1,
    maxReplicas: 5,
    targetCpuUtilizationPercent: 50,
    profile: 'kubernetes',
  };
  const cases: Array<[string, unknown, string]> = [
    ['min > max', { ...valid, minReplicas: 6 }, 'maxReplicas'],
    ['target 0', { ...valid, targetCpuUtilizationPercent: 0 }, 'targetCpuUtilizationPercent'],
    ['target negative', { ...valid, targetCpuUtilizationPercent: -5 }, 'targetCpuUtilizationPercent'],
    ['min 0', { ...valid, minReplicas: 0 }, 'minReplicas'],
    ['fractional max', { ...valid, maxReplicas: 2.5 }, 'maxReplicas'],
    ['unknown profile', { ...valid, profile: 'fast' }, 'profile'],
    ['unknown key', { ...valid, cooldown: 3 }, 'cooldown'],
    [
      'policy period too long',
      {
        ...valid,
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Max',
            policies: [{ type: 'Pods', value: 1, periodSeconds: 4000 }],
          },
        },
      },
      'behavior.scaleUp.policies.0.periodSeconds',
    ],
    [
      'no policies',
      {
        ...valid,
        behavior: { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [] } },
      },
      'behavior.scaleDown.policies',
    ],
    [
      'no policies even when Disabled (the autoscaling/v2 API refuses an empty list)',
      { ...valid, behavior: { scaleDown: { selectPolicy: 'Disabled', policies: [] } } },
      'behavior.scaleDown.policies',
    ],
  ];
  for (const [name, input, field] of cases) {
    it(name, () => {
      let caught: unknown;
      try {
        new HorizontalAutoscaler(input as AutoscalerSpec);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AutoscalerInputError);
      expect((caught as AutoscalerInputError).field).toBe(field);
      expect((caught as Error).message).toContain(field);
    });
  }

  it('rejects bad decide() input', () => {
    const autoscaler = new HorizontalAutoscaler(valid);
    expect(() => autoscaler.decide(TRACE_START, -1, [])).toThrow(/currentReplicas/);
    expect(() => autoscaler.decide(Number.NaN, 1, [])).toThrow(/now/);
    const bad = [{ name: 'a', ready: true, startedAt: 0, cpuUtilizationPercent: -3 }];
    expect(() => autoscaler.decide(TRACE_START, 1, bad)).toThrow(/pods\.0\.cpuUtilizationPercent/);
  });
});
