// The what-if form as data: where it starts for a file (its last spec, the profile filling the
// behavior), and what it sends: only the behavior fields edited, the whole behavior on a new
// profile (so the replay and the form agree on the rules), min <= max whichever moved.
import { describe, expect, it } from 'vitest';
import type { Recording } from '../../api/channels.ts';
import { profileBehavior } from '../behavior-form.ts';
import { editForm, formOfRecording, requestOf, type WhatIfForm } from './whatif-form.ts';

const spec = (targetCpuUtilizationPercent: number) =>
  ({
    minReplicas: 1,
    maxReplicas: 5,
    targetCpuUtilizationPercent,
    profile: 'demo',
    behavior: { scaleDown: { stabilizationWindowSeconds: 45 } },
  }) as const;

const recording: Recording = {
  version: 1,
  target: 'docker',
  syncs: [70, 60].map((cpu, i) => ({
    at: i * 5_000,
    run: i,
    spec: spec(cpu),
    currentReplicas: 1,
    desiredReplicas: 1,
    pods: [],
  })),
};

describe('the what-if form', () => {
  it('starts from the last recorded spec, its behavior filled in from the profile', () => {
    const form = formOfRecording(recording)!;
    expect(form.targetCpuUtilizationPercent).toBe(60);
    expect(form.behavior.scaleDown.stabilizationWindowSeconds).toBe(45);
    expect(form.behavior.scaleUp).toEqual(profileBehavior('demo').scaleUp);
    expect(formOfRecording({ ...recording, syncs: [] })).toBeNull();
  });

  it('sends no behavior while untouched, so each recorded run keeps its own', () => {
    const start = formOfRecording(recording)!;
    expect(requestOf(start, start)).toEqual({
      minReplicas: 1,
      maxReplicas: 5,
      targetCpuUtilizationPercent: 60,
      profile: 'demo',
    });
  });

  it('sends only the edited behavior fields', () => {
    const start = formOfRecording(recording)!;
    const edited: WhatIfForm = structuredClone(start);
    edited.behavior.scaleUp.selectPolicy = 'Min';
    edited.behavior.scaleDown.policies = [{ type: 'Pods', value: 1, periodSeconds: 60 }];
    expect(requestOf(edited, start).behavior).toEqual({
      scaleUp: { selectPolicy: 'Min' },
      scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    });
  });

  it('on another profile sends the whole behavior the form shows: defaults follow, edits stay', () => {
    const start = formOfRecording(recording)!;
    const next = editForm(start, { profile: 'kubernetes' });
    // 45 s was not the demo default: an edit, it stays; the rest is Kubernetes' now.
    expect(next.behavior.scaleDown.stabilizationWindowSeconds).toBe(45);
    expect(next.behavior.scaleUp).toEqual(profileBehavior('kubernetes').scaleUp);
    expect(requestOf(next, start).behavior).toEqual(next.behavior);
  });

  it('keeps min <= max whichever moved', () => {
    const start = formOfRecording(recording)!;
    expect(editForm(start, { minReplicas: 7 })).toMatchObject({ minReplicas: 7, maxReplicas: 7 });
    expect(editForm({ ...start, minReplicas: 3 }, { maxReplicas: 2 })).toMatchObject({
      minReplicas: 2,
      maxReplicas: 2,
    });
  });
});
