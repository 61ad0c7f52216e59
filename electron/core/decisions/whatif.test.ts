// The channel's what-if: null with nothing recorded; an override that cannot apply to a recorded
// spec is refused naming its field before anything replays; otherwise the replay without traces.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import type { Recording } from './recording.ts';
import { whatIf } from './whatif.ts';

const T0 = Date.UTC(2026, 11, 4, 12);
const SPEC = {
  minReplicas: 2,
  maxReplicas: 4,
  targetCpuUtilizationPercent: 50,
  profile: 'kubernetes',
} as const;
const recording = (syncs: number): Recording => ({
  version: 1,
  target: 'docker',
  syncs: Array.from({ length: syncs }, (_, i) => ({
    at: T0 + i * 15_000,
    run: 0,
    spec: SPEC,
    currentReplicas: 2,
    desiredReplicas: 2,
    pods: ['api-1', 'api-2'].map((name) => ({
      name,
      ready: true,
      startedAt: T0 - 600_000,
      readySince: T0 - 590_000,
      cpuUtilizationPercent: 40,
    })),
  })),
});

describe('whatIf', () => {
  it('is null while nothing is recorded', () => {
    expect(whatIf(recording(0), {})).toBeNull();
  });

  it('a min above the recorded max names minReplicas and the recorded bounds', () => {
    const refused = () => whatIf(recording(3), { minReplicas: 5 });
    expect(refused).toThrow(ValidationError);
    expect(refused).toThrow(/^minReplicas: .*\(the recording has min 2, max 4\)/);
  });

  it('replays: 2 × 40 % against 20 % is ceil(4) = 4 from the first sync, the recorded span beside it', () => {
    const result = whatIf(recording(5), { targetCpuUtilizationPercent: 20 });
    expect(result).not.toBeNull();
    expect(result?.whatIf.map((p) => p.replicas)).toEqual([4, 4, 4, 4, 4]);
    expect(result?.actual.map((p) => p.replicas)).toEqual([2, 2, 2, 2, 2]);
    expect(result).toMatchObject({ syncs: 5, from: T0, to: T0 + 60_000 });
    expect(result).not.toHaveProperty('decisions');
  });
});
