// The what-if form as data: where it starts (the live settings, or the opened file's last recorded
// spec), how an edit keeps min <= max and carries behavior edits across a profile change (the
// autoscaler form's rules, behavior-form.ts), and which behavior fields it sends as overrides.
import type { EnabledAutoscaler, Recording, WhatIfRequest } from '../../api/channels.ts';
import { effectiveBehavior } from '../../../../electron/core/autoscaler-profiles.ts';
import {
  DIRECTIONS,
  profileBehavior,
  rebaseBehavior,
  type HpaBehavior,
  type ScalingRules,
} from '../behavior-form.ts';

export type WhatIfForm = Required<
  Pick<WhatIfRequest, 'minReplicas' | 'maxReplicas' | 'targetCpuUtilizationPercent' | 'profile'>
> & { behavior: HpaBehavior };

export const DEFAULT_FORM: WhatIfForm = {
  minReplicas: 1,
  maxReplicas: 6,
  targetCpuUtilizationPercent: 50,
  profile: 'demo',
  behavior: profileBehavior('demo'),
};

/** The live autoscaler's settings: the first replay is then the run as it happened. */
export function formOfSettings(settings: EnabledAutoscaler): WhatIfForm {
  return {
    minReplicas: settings.minReplicas,
    maxReplicas: settings.maxReplicas,
    targetCpuUtilizationPercent: settings.targetCpuUtilizationPercent,
    profile: settings.profile,
    behavior: structuredClone(settings.behavior),
  };
}

/**
 * A file's recording: the spec of its last sync (what was in effect when it was saved), with the
 * profile filling the behavior the spec leaves out, as the autoscaler did. null: no sync recorded.
 */
export function formOfRecording(recording: Recording): WhatIfForm | null {
  const spec = recording.syncs.at(-1)?.spec;
  if (spec === undefined) return null;
  return {
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    targetCpuUtilizationPercent: spec.targetCpuUtilizationPercent,
    profile: spec.profile,
    behavior: effectiveBehavior(spec.profile, spec.behavior),
  };
}

/** The form after one edit: min <= max whichever moved; untouched behavior follows a new profile. */
export function editForm(form: WhatIfForm, change: Partial<WhatIfForm>): WhatIfForm {
  const next = { ...form, ...change };
  if (change.minReplicas !== undefined && next.maxReplicas < next.minReplicas)
    next.maxReplicas = next.minReplicas;
  if (change.maxReplicas !== undefined && next.minReplicas > next.maxReplicas)
    next.minReplicas = next.maxReplicas;
  if (change.profile !== undefined && change.profile !== form.profile)
    next.behavior = rebaseBehavior(next.behavior, form.profile, change.profile);
  return next;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What the form sends. Behavior goes as overrides of the recorded rules: only the fields edited
 * from where the form started, so an untouched form replays each recorded run with its own rules
 * (a recording can hold several runs with different behavior). On a new profile the whole behavior
 * goes: the replay then drops the recorded rules for that profile's, and the form shows which.
 */
export function requestOf(form: WhatIfForm, start: WhatIfForm): Omit<WhatIfRequest, 'recording'> {
  const { behavior, ...rest } = form;
  if (form.profile !== start.profile) return { ...rest, behavior };
  const overrides: NonNullable<WhatIfRequest['behavior']> = {};
  for (const direction of DIRECTIONS) {
    const edited: Partial<ScalingRules> = {};
    for (const key of ['stabilizationWindowSeconds', 'selectPolicy', 'policies'] as const) {
      if (!same(behavior[direction][key], start.behavior[direction][key]))
        Object.assign(edited, { [key]: behavior[direction][key] });
    }
    if (Object.keys(edited).length > 0) overrides[direction] = edited;
  }
  return Object.keys(overrides).length > 0 ? { ...rest, behavior: overrides } : rest;
}
