/**
 * The real HPA's status read as the same ScaleDecision the Docker target's own autoscaler
 * emits, so the timeline shows both alike. Pure.
 */
import type { V2HorizontalPodAutoscaler, V2HPAScalingRules } from '@kubernetes/client-node';
import {
  effectiveBehavior,
  type HpaBehavior,
  type LimitedBy,
  type ScaleDecision,
  type ScalingPolicy,
  type ScalingRules,
} from '../../autoscaler.ts';
import type { EnabledAutoscaler } from '../../contract.ts';
import { profileOf } from './stack-state.ts';

export function hpaTargetPercent(hpa: V2HorizontalPodAutoscaler): number {
  const metric = hpa.spec?.metrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
  return metric?.resource?.target.averageUtilization ?? 80;
}

function rulesOf(rules: V2HPAScalingRules | undefined): Partial<ScalingRules> {
  if (rules === undefined) return {};
  const read: Partial<ScalingRules> = {};
  if (rules.stabilizationWindowSeconds !== undefined)
    read.stabilizationWindowSeconds = rules.stabilizationWindowSeconds;
  const select = rules.selectPolicy;
  if (select === 'Max' || select === 'Min' || select === 'Disabled') read.selectPolicy = select;
  const policies = (rules.policies ?? []).filter(
    (p): p is ScalingPolicy => p.type === 'Pods' || p.type === 'Percent',
  );
  if (policies.length > 0)
    read.policies = policies.map(({ type, value, periodSeconds }) => ({ type, value, periodSeconds }));
  return read;
}

/**
 * The behavior the cluster applies: what spec.behavior says, and for anything it leaves out the
 * controller's own defaults (Kubernetes', whatever the profile annotation says).
 */
export function behaviorFromHpa(hpa: V2HorizontalPodAutoscaler): HpaBehavior {
  const behavior = hpa.spec?.behavior;
  return effectiveBehavior('kubernetes', {
    scaleUp: rulesOf(behavior?.scaleUp),
    scaleDown: rulesOf(behavior?.scaleDown),
  });
}

export function autoscalerFromHpa(hpa: V2HorizontalPodAutoscaler): EnabledAutoscaler {
  return {
    enabled: true,
    minReplicas: hpa.spec?.minReplicas ?? 1,
    maxReplicas: hpa.spec?.maxReplicas ?? 1,
    targetCpuUtilizationPercent: hpaTargetPercent(hpa),
    profile: profileOf(hpa),
    behavior: behaviorFromHpa(hpa),
  };
}

function condition(hpa: V2HorizontalPodAutoscaler, type: string) {
  return hpa.status?.conditions?.find((c) => c.type === type);
}

/** Which rule held the count back, from the conditions the HPA controller writes. */
export function limitedByOf(hpa: V2HorizontalPodAutoscaler): LimitedBy {
  const active = condition(hpa, 'ScalingActive');
  if (active?.status === 'False') return 'noMetrics';
  const limited = condition(hpa, 'ScalingLimited');
  if (limited?.status === 'True') {
    switch (limited.reason) {
      case 'TooFewReplicas':
        return 'min';
      case 'TooManyReplicas':
        return 'max';
      case 'ScaleUpLimit':
        return 'scaleUpPolicy';
      case 'ScaleDownLimit':
        return 'scaleDownPolicy';
    }
  }
  const able = condition(hpa, 'AbleToScale');
  if (able?.reason === 'ScaleDownStabilized') return 'scaleDownStabilization';
  if (able?.reason === 'ScaleUpStabilized') return 'scaleUpStabilization';
  const current = hpa.status?.currentReplicas ?? 0;
  const desired = hpa.status?.desiredReplicas ?? current;
  return desired === current ? 'tolerance' : 'none';
}

export function decisionFromHpa(hpa: V2HorizontalPodAutoscaler, at: number): ScaleDecision {
  const target = hpaTargetPercent(hpa);
  const metric = hpa.status?.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
  const average = metric?.resource?.current.averageUtilization ?? null;
  const current = hpa.status?.currentReplicas ?? 0;
  const desired = hpa.status?.desiredReplicas ?? current;
  const limitedBy = limitedByOf(hpa);
  const messages = ['ScalingActive', 'AbleToScale', 'ScalingLimited']
    .map((type) => condition(hpa, type))
    .filter((c) => c !== undefined && c.message && (c.type !== 'ScalingLimited' || c.status === 'True'))
    .map((c) => c?.message);
  const headline =
    average === null
      ? `HPA: no CPU metric yet; keeping ${current} replica(s)`
      : `HPA: CPU ${average}% of request against a ${target}% target; ${current} -> ${desired} replica(s)`;
  return {
    at,
    profile: profileOf(hpa),
    currentReplicas: current,
    desiredReplicas: desired,
    recommendation: desired,
    averageUtilizationPercent: average,
    targetUtilizationPercent: target,
    usageRatio: average === null ? null : average / target,
    reason: [headline, ...messages].join('. '),
    limitedBy,
    inputs: { pods: [], readyWithMetrics: average === null ? 0 : current, missingMetrics: 0, notReady: 0 },
  };
}
