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

/**
 * True once the controller has computed a count from metrics: `desiredReplicas` above 0 and
 * ScalingActive not False. Until then `desiredReplicas` is 0 (the field's zero value), which is
 * not a decision to scale to 0.
 */
export function hpaHasComputed(hpa: V2HorizontalPodAutoscaler): boolean {
  return condition(hpa, 'ScalingActive')?.status !== 'False' && (hpa.status?.desiredReplicas ?? 0) > 0;
}

/** Which rule held the count back, from the conditions the HPA controller writes. */
export function limitedByOf(hpa: V2HorizontalPodAutoscaler): LimitedBy {
  if (!hpaHasComputed(hpa)) return 'noMetrics';
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

// Why the controller has no count yet, by ScalingActive's reason, as a person would say it.
const NOT_COMPUTED: Record<string, string> = {
  FailedGetResourceMetric: 'no CPU metrics yet',
  FailedGetPodsMetric: 'no pod metrics yet',
  FailedGetObjectMetric: 'no object metrics yet',
  FailedGetExternalMetric: 'no external metrics yet',
  ScalingDisabled: 'scaling is off (the Deployment is at 0 replicas)',
  FailedGetScale: 'cannot read the Deployment’s scale',
  InvalidSelector: 'the Deployment’s selector is invalid',
};

function heldBy(limitedBy: LimitedBy, min: number, max: number): string {
  switch (limitedBy) {
    case 'tolerance':
      return ' (within tolerance)';
    case 'min':
      return ` (held at the minimum of ${min})`;
    case 'max':
      return ` (held at the maximum of ${max})`;
    case 'scaleUpPolicy':
      return ' (scale-up policy limits the step)';
    case 'scaleDownPolicy':
      return ' (scale-down policy limits the step)';
    case 'scaleUpStabilization':
      return ' (scale-up stabilization window)';
    case 'scaleDownStabilization':
      return ' (scale-down stabilization window)';
    default:
      return '';
  }
}

/**
 * One line a person can read aloud ("HPA: CPU 45 % of request against 50 % → keeps 2 (within
 * tolerance)"); the controller's own condition messages go to `detail`. Before the controller
 * has computed a count the decision keeps the current one and says why, never "→ 0".
 */
export function decisionFromHpa(hpa: V2HorizontalPodAutoscaler, at: number): ScaleDecision {
  const target = hpaTargetPercent(hpa);
  const metric = hpa.status?.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
  const average = metric?.resource?.current.averageUtilization ?? null;
  const current = hpa.status?.currentReplicas ?? 0;
  const computed = hpaHasComputed(hpa);
  const desired = computed ? (hpa.status?.desiredReplicas ?? current) : current;
  const limitedBy = limitedByOf(hpa);
  const messages = ['ScalingActive', 'AbleToScale', 'ScalingLimited']
    .map((type) => condition(hpa, type))
    .filter((c) => c !== undefined && c.message && (c.type !== 'ScalingLimited' || c.status === 'True'))
    .map((c) => `${c!.type} ${c!.reason ?? ''}: ${c!.message}`);
  const cpu = average === null ? 'CPU n/a' : `CPU ${average} % of request`;
  let headline: string;
  if (!computed) {
    const reason = condition(hpa, 'ScalingActive')?.reason;
    const why =
      (reason && NOT_COMPUTED[reason]) ?? (reason ? `no metrics yet (${reason})` : 'no metrics yet');
    headline = `HPA: ${why} → keeps ${current}`;
  } else {
    const move = desired === current ? `keeps ${current}` : `scales ${current} to ${desired}`;
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? 1;
    headline = `HPA: ${cpu} against ${target} % → ${move}${heldBy(limitedBy, min, max)}`;
  }
  return {
    at,
    profile: profileOf(hpa),
    currentReplicas: current,
    desiredReplicas: desired,
    recommendation: desired,
    averageUtilizationPercent: average,
    targetUtilizationPercent: target,
    usageRatio: average === null ? null : average / target,
    reason: headline,
    ...(messages.length > 0 ? { detail: messages.join('\n') } : {}),
    limitedBy,
    inputs: { pods: [], readyWithMetrics: average === null ? 0 : current, missingMetrics: 0, notReady: 0 },
  };
}
