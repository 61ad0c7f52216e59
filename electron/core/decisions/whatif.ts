/**
 * The what-if of the dashboard (channel decisions:whatif): overrides checked against every
 * recorded spec, so a bad value is refused naming its field before anything replays, then
 * replay.ts. The value leaves out the what-if run's decision traces: the chart needs the counts.
 */
import { AutoscalerInputError, validateAutoscalerSpec } from '../autoscaler.ts';
import { ValidationError } from '../errors.ts';
import type { Recording } from './recording.ts';
import { applySpec, replay, type ReplayResult, type SpecOverrides } from './replay.ts';

export type WhatIfResult = Omit<ReplayResult, 'decisions'> & {
  /** How many syncs the recording holds and the span they cover (epoch ms). */
  syncs: number;
  from: number;
  to: number;
};

/** Each override against each recorded spec (e.g. a min above a recorded max names minReplicas). */
export function checkOverrides(recording: Recording, overrides: SpecOverrides): void {
  for (const sync of recording.syncs) {
    try {
      validateAutoscalerSpec(applySpec(sync.spec, overrides));
    } catch (error) {
      if (!(error instanceof AutoscalerInputError)) throw error;
      let field = error.field;
      // "max below min" is reported on maxReplicas; name the one the caller gave.
      if (
        field === 'maxReplicas' &&
        overrides.maxReplicas === undefined &&
        overrides.minReplicas !== undefined
      )
        field = 'minReplicas';
      const recorded = `the recording has min ${sync.spec.minReplicas}, max ${sync.spec.maxReplicas}`;
      throw new ValidationError(field, `${error.message.replace(`${error.field}: `, '')} (${recorded})`);
    }
  }
}

/** null when the recording is empty: the autoscaler has not run yet. */
export function whatIf(recording: Recording, overrides: SpecOverrides): WhatIfResult | null {
  const first = recording.syncs[0];
  const last = recording.syncs.at(-1);
  if (first === undefined || last === undefined) return null;
  checkOverrides(recording, overrides);
  const { decisions: _traces, ...result } = replay(recording, overrides);
  return { ...result, syncs: recording.syncs.length, from: first.at, to: last.at };
}
