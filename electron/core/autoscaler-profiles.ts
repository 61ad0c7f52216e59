/**
 * The autoscaler's profiles and the HPA behavior types, free of zod so the renderer can show the
 * defaults without carrying schema code. The schema that validates a behavior lives in
 * autoscaler.ts; this module only holds data and the fill-in rule.
 */

export type AutoscalerProfile = 'kubernetes' | 'demo';

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicy[];
}

export interface HpaBehavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** What a caller may send: each direction, and each field of it, optional. */
export interface HpaBehaviorInput {
  scaleUp?: Partial<ScalingRules>;
  scaleDown?: Partial<ScalingRules>;
}

export interface ProfileSettings {
  behavior: HpaBehavior;
  syncPeriodSeconds: number;
  tolerance: number;
  cpuInitializationPeriodSeconds: number;
  initialReadinessDelaySeconds: number;
  /** Length of one CPU sample when PodSample.metricWindowMs is not given (metrics-server's resolution). */
  metricWindowSeconds: number;
  label: string;
}

const KUBERNETES_DEFAULT_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
};

// The demo profile keeps every rule of the Kubernetes defaults but shrinks the clocks, so that a
// scale-down is visible within a minute in front of a room instead of after five.
const DEMO_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 5 },
      { type: 'Pods', value: 4, periodSeconds: 5 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 30,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 5 }],
  },
};

export const PROFILES: Record<AutoscalerProfile, ProfileSettings> = {
  kubernetes: {
    behavior: KUBERNETES_DEFAULT_BEHAVIOR,
    syncPeriodSeconds: 15,
    tolerance: 0.1,
    cpuInitializationPeriodSeconds: 300,
    initialReadinessDelaySeconds: 30,
    metricWindowSeconds: 15,
    label: 'Kubernetes defaults',
  },
  demo: {
    behavior: DEMO_BEHAVIOR,
    syncPeriodSeconds: 5,
    tolerance: 0.1,
    cpuInitializationPeriodSeconds: 30,
    initialReadinessDelaySeconds: 30,
    metricWindowSeconds: 5,
    label: 'Demo (faster than Kubernetes)',
  },
};

function fillRules(defaults: ScalingRules, given: Partial<ScalingRules> | undefined): ScalingRules {
  return {
    stabilizationWindowSeconds: given?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: given?.selectPolicy ?? defaults.selectPolicy,
    // Copies, so that nobody holding the result can edit a profile's defaults.
    policies: (given?.policies ?? defaults.policies).map((policy) => ({ ...policy })),
  };
}

/** The behavior in effect: every field not given comes from the profile's defaults. */
export function effectiveBehavior(profile: AutoscalerProfile, given?: HpaBehaviorInput): HpaBehavior {
  const defaults = PROFILES[profile].behavior;
  return {
    scaleUp: fillRules(defaults.scaleUp, given?.scaleUp),
    scaleDown: fillRules(defaults.scaleDown, given?.scaleDown),
  };
}
