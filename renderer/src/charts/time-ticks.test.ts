import { describe, expect, it } from 'vitest';
import { formatAgo, relativeTicks } from './time-ticks.ts';

describe('relativeTicks', () => {
  it('counts back from now on round steps', () => {
    expect(relativeTicks(5 * 60_000, 7)).toEqual([-300_000, -240_000, -180_000, -120_000, -60_000, 0]);
    expect(relativeTicks(60_000, 7)).toEqual([-60_000, -50_000, -40_000, -30_000, -20_000, -10_000, 0]);
    expect(relativeTicks(15 * 60_000, 7)).toEqual([-900_000, -720_000, -540_000, -360_000, -180_000, 0]);
  });

  it('never exceeds the maximum and always ends at now', () => {
    for (const minutes of [1, 5, 15])
      for (const max of [2, 3, 5, 8]) {
        const ticks = relativeTicks(minutes * 60_000, max);
        expect(ticks.length).toBeLessThanOrEqual(max);
        expect(ticks.at(-1)).toBe(0);
        expect(ticks[0]!).toBeGreaterThanOrEqual(-minutes * 60_000);
      }
  });
});

describe('formatAgo', () => {
  it('reads like a clock counting back', () => {
    expect(formatAgo(0)).toBe('now');
    expect(formatAgo(-20_000)).toBe('-20s');
    expect(formatAgo(-300_000)).toBe('-5m');
    expect(formatAgo(-90_000)).toBe('-1m30s');
  });
});
