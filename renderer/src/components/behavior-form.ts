// The HPA behavior as the form edits it: the profile defaults it starts from, which values are
// still those defaults (the form says so), and how a profile change carries the edits over.
import {
  PROFILES,
  type AutoscalerProfile,
  type HpaBehavior,
  type ScalingPolicy,
  type ScalingRules,
} from '../../../electron/core/autoscaler-profiles.ts';

export type { AutoscalerProfile, HpaBehavior, ScalingPolicy, ScalingRules };
export type Direction = keyof HpaBehavior;
export const DIRECTIONS: Direction[] = ['scaleUp', 'scaleDown'];
export const DIRECTION_LABEL: Record<Direction, string> = { scaleUp: 'Scale-up', scaleDown: 'Scale-down' };

/** A copy of the profile's defaults (the form edits it in place through setState copies). */
export function profileBehavior(profile: AutoscalerProfile): HpaBehavior {
  return structuredClone(PROFILES[profile].behavior);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether one field of one direction still has the profile's default value. */
export function isDefault<K extends keyof ScalingRules>(
  profile: AutoscalerProfile,
  direction: Direction,
  key: K,
  value: ScalingRules[K],
): boolean {
  return same(PROFILES[profile].behavior[direction][key], value);
}

/**
 * On a profile change, what still equals the old profile's defaults follows the new profile;
 * what the user edited stays as edited.
 */
export function rebaseBehavior(
  behavior: HpaBehavior,
  from: AutoscalerProfile,
  to: AutoscalerProfile,
): HpaBehavior {
  const next = structuredClone(behavior);
  for (const direction of DIRECTIONS) {
    const rules = next[direction];
    const target = PROFILES[to].behavior[direction];
    if (isDefault(from, direction, 'stabilizationWindowSeconds', rules.stabilizationWindowSeconds))
      rules.stabilizationWindowSeconds = target.stabilizationWindowSeconds;
    if (isDefault(from, direction, 'selectPolicy', rules.selectPolicy))
      rules.selectPolicy = target.selectPolicy;
    if (isDefault(from, direction, 'policies', rules.policies))
      rules.policies = structuredClone(target.policies);
  }
  return next;
}

/** One line for the collapsed section: the windows in effect. */
export function behaviorSummary(behavior: HpaBehavior): string {
  return `scale-up window ${behavior.scaleUp.stabilizationWindowSeconds} s · scale-down window ${behavior.scaleDown.stabilizationWindowSeconds} s`;
}

/** The contract's field path of a behavior field, as a core error names it. */
export function behaviorField(direction: Direction, ...rest: (string | number)[]): string {
  return ['behavior', direction, ...rest].join('.');
}

/** A new policy row: the smallest step Kubernetes allows, over a minute. */
export const NEW_POLICY: ScalingPolicy = { type: 'Pods', value: 1, periodSeconds: 60 };
