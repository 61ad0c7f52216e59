import { describe, expect, it } from 'vitest';
import { ScaledeckError } from './errors.ts';
import { parseSettings } from './settings.ts';

function failure(input: unknown): ScaledeckError {
  try {
    parseSettings(input);
  } catch (error) {
    if (error instanceof ScaledeckError) return error;
    throw error;
  }
  throw new Error('settings were accepted');
}

describe('settings', () => {
  it('kubernetes.reach takes auto or port-forward, and is absent by default', () => {
    expect(parseSettings({ kubernetes: { reach: 'port-forward' } }).kubernetes?.reach).toBe('port-forward');
    expect(parseSettings({}).kubernetes?.reach).toBeUndefined();
  });

  it('a bad kubernetes.reach names the field and the values it takes', () => {
    const error = failure({ kubernetes: { reach: 'nodeport' } });
    expect(error.message).toMatch(/kubernetes\.reach/);
    expect(error.message).toMatch(/'auto' or 'port-forward'/);
  });

  it('an unknown key under kubernetes is refused by name', () => {
    expect(failure({ kubernetes: { reech: 'auto' } }).message).toMatch(/reech/);
  });
});
