// The real HPA's status as a timeline line: only from a status the controller has computed, never
// as a move to 0, and short enough to read aloud (the condition messages go to `detail`).
import type { V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerStatus } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decisionFromHpa, hpaHasComputed, limitedByOf } from './hpa-decision.ts';

const NO_CPU_MESSAGE =
  'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics ' +
  'for resource cpu: no metrics returned from resource metrics API';

function hpa(status: V2HorizontalPodAutoscalerStatus): V2HorizontalPodAutoscaler {
  return {
    metadata: { name: 'api' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
    },
    status,
  };
}

const cpu = (averageUtilization: number) => [
  { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization } } },
];
const active = {
  type: 'ScalingActive',
  status: 'True',
  reason: 'ValidMetricFound',
  message:
    'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
};
const ableToScale = {
  type: 'AbleToScale',
  status: 'True',
  reason: 'ReadyForNewScale',
  message: 'recommended size matches current size',
};

describe('an HPA that has not computed a count yet', () => {
  it('right after creation (desiredReplicas 0, no conditions): keeps the current count, no "→ 0"', () => {
    const fresh = hpa({ currentReplicas: 2, desiredReplicas: 0 });
    const decision = decisionFromHpa(fresh, 1000);
    expect(hpaHasComputed(fresh)).toBe(false);
    expect(decision.desiredReplicas).toBe(2);
    expect(decision.recommendation).toBe(2);
    expect(decision.limitedBy).toBe('noMetrics');
    expect(decision.reason).toBe('HPA: no metrics yet → keeps 2');
    expect(decision.reason).not.toMatch(/→ 0|-> 0/);
  });

  it('ScalingActive False (no CPU metrics): says so in a few words; the controller’s text is the detail', () => {
    const waiting = hpa({
      currentReplicas: 2,
      desiredReplicas: 0,
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          reason: 'SucceededGetScale',
          message: 'the HPA controller was able to get the target’s current scale',
        },
        {
          type: 'ScalingActive',
          status: 'False',
          reason: 'FailedGetResourceMetric',
          message: NO_CPU_MESSAGE,
        },
      ],
    });
    const decision = decisionFromHpa(waiting, 1000);
    expect(decision.reason).toBe('HPA: no CPU metrics yet → keeps 2');
    expect(decision.desiredReplicas).toBe(2);
    expect(decision.detail).toContain(NO_CPU_MESSAGE);
    expect(limitedByOf(waiting)).toBe('noMetrics');
  });

  it('ScalingActive False after it had scaled: keeps what runs, whatever desiredReplicas still says', () => {
    const lost = hpa({
      currentReplicas: 3,
      desiredReplicas: 4,
      conditions: [
        {
          type: 'ScalingActive',
          status: 'False',
          reason: 'FailedGetResourceMetric',
          message: NO_CPU_MESSAGE,
        },
      ],
    });
    expect(decisionFromHpa(lost, 1000)).toMatchObject({
      desiredReplicas: 3,
      reason: 'HPA: no CPU metrics yet → keeps 3',
    });
  });
});

describe('an HPA that has computed a count', () => {
  it('within tolerance reads aloud: CPU against target → keeps N (within tolerance)', () => {
    const steady = hpa({
      currentReplicas: 2,
      desiredReplicas: 2,
      currentMetrics: cpu(45),
      conditions: [ableToScale, active],
    });
    const decision = decisionFromHpa(steady, 1000);
    expect(decision.reason).toBe('HPA: CPU 45 % of request against 50 % → keeps 2 (within tolerance)');
    expect(decision.limitedBy).toBe('tolerance');
    expect(decision.detail).toContain('successfully calculate a replica count');
  });

  it('a scale-up names both counts', () => {
    const busy = hpa({
      currentReplicas: 2,
      desiredReplicas: 4,
      currentMetrics: cpu(110),
      conditions: [active],
    });
    expect(decisionFromHpa(busy, 1000)).toMatchObject({
      desiredReplicas: 4,
      limitedBy: 'none',
      reason: 'HPA: CPU 110 % of request against 50 % → scales 2 to 4',
    });
  });

  it('held at the maximum says which limit', () => {
    const capped = hpa({
      currentReplicas: 4,
      desiredReplicas: 4,
      currentMetrics: cpu(150),
      conditions: [
        active,
        {
          type: 'ScalingLimited',
          status: 'True',
          reason: 'TooManyReplicas',
          message: 'the desired replica count is more than the maximum replica count',
        },
      ],
    });
    expect(decisionFromHpa(capped, 1000).reason).toBe(
      'HPA: CPU 150 % of request against 50 % → keeps 4 (held at the maximum of 4)',
    );
  });
});
