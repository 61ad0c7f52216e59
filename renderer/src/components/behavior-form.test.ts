import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../electron/core/autoscaler-profiles.ts';
import {
  behaviorField,
  behaviorSummary,
  isDefault,
  profileBehavior,
  rebaseBehavior,
} from './behavior-form.ts';

describe('behavior form', () => {
  it('starts from a copy of the profile defaults', () => {
    const behavior = profileBehavior('demo');
    expect(behavior).toEqual(PROFILES.demo.behavior);
    behavior.scaleDown.policies[0]!.value = 7;
    expect(PROFILES.demo.behavior.scaleDown.policies[0]!.value).toBe(100);
  });

  it('knows which values are the profile defaults', () => {
    expect(isDefault('demo', 'scaleDown', 'stabilizationWindowSeconds', 30)).toBe(true);
    expect(isDefault('kubernetes', 'scaleDown', 'stabilizationWindowSeconds', 30)).toBe(false);
    expect(isDefault('demo', 'scaleUp', 'policies', PROFILES.demo.behavior.scaleUp.policies)).toBe(true);
  });

  it('a profile change moves the defaults and keeps the edits', () => {
    const edited = profileBehavior('demo');
    edited.scaleDown.stabilizationWindowSeconds = 45;
    const rebased = rebaseBehavior(edited, 'demo', 'kubernetes');
    expect(rebased.scaleDown.stabilizationWindowSeconds).toBe(45);
    expect(rebased.scaleDown.policies).toEqual(PROFILES.kubernetes.behavior.scaleDown.policies);
    expect(rebased.scaleUp).toEqual(PROFILES.kubernetes.behavior.scaleUp);
  });

  it('summarises the windows and names fields as the core does', () => {
    expect(behaviorSummary(PROFILES.kubernetes.behavior)).toBe(
      'scale-up window 0 s · scale-down window 300 s',
    );
    expect(behaviorField('scaleDown', 'policies', 0, 'value')).toBe('behavior.scaleDown.policies.0.value');
  });
});
