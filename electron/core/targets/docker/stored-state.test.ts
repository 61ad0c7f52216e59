import { describe, expect, it } from 'vitest';
import { ScaledeckError } from '../../errors.ts';
import { parseStateLabels, parseStoredAutoscaler } from './stored-state.ts';

const base = { 'scaledeck.stack': 'demo', 'scaledeck.role': 'state' };

describe('desired state read back from labels', () => {
  it('parses the record a state container carries', () => {
    expect(
      parseStateLabels('scaledeck-demo-state-3', {
        ...base,
        'scaledeck.state-seq': '3',
        'scaledeck.desired-replicas': '4',
      }),
    ).toEqual({ seq: 3, desiredReplicas: 4, autoscaler: null });
  });

  it('a malformed label is an error naming the label, the container and the fix', () => {
    const error = (() => {
      try {
        parseStateLabels('scaledeck-demo-state-3', { ...base, 'scaledeck.desired-replicas': 'three' });
        return null;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ScaledeckError);
    expect((error as Error).message).toMatch(/scaledeck\.state-seq/);
    expect((error as Error).message).toMatch(/docker rm scaledeck-demo-state-3/);
    expect(() =>
      parseStateLabels('s', { ...base, 'scaledeck.state-seq': '1', 'scaledeck.desired-replicas': '-1' }),
    ).toThrow(/scaledeck\.desired-replicas/);
  });

  it('a stored autoscaler is checked; one written before behavior was editable gets the profile’s', () => {
    const stored = parseStoredAutoscaler(
      's',
      JSON.stringify({
        enabled: true,
        minReplicas: 1,
        maxReplicas: 4,
        targetCpuUtilizationPercent: 50,
        profile: 'demo',
      }),
    );
    expect(stored.profile).toBe('demo');
    expect(stored.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(0);
    expect(() => parseStoredAutoscaler('s', '{not json')).toThrow(/not JSON/);
    expect(() =>
      parseStoredAutoscaler(
        's',
        JSON.stringify({ enabled: true, minReplicas: 0, maxReplicas: 4, targetCpuUtilizationPercent: 50 }),
      ),
    ).toThrow(/minReplicas/);
    expect(() =>
      parseStateLabels('s', {
        ...base,
        'scaledeck.state-seq': '1',
        'scaledeck.autoscaler': '{"enabled":true}',
      }),
    ).toThrow(/scaledeck\.autoscaler/);
  });
});
