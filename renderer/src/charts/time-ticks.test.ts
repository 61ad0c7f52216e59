import { describe, expect, it } from 'vitest';
import { timeTicks } from './time-ticks.ts';

describe('timeTicks', () => {
  const to = Date.UTC(2026, 0, 1, 12, 0, 7);

  it('puts 5 minutes on whole minutes', () => {
    const ticks = timeTicks(to - 5 * 60_000, to, 6);
    expect(ticks).toHaveLength(5);
    for (const t of ticks) expect(t % 60_000).toBe(0);
  });

  it('puts 1 minute on 10 s steps and 15 minutes on 3 min steps', () => {
    const one = timeTicks(to - 60_000, to, 6);
    expect(one[1]! - one[0]!).toBe(10_000);
    const fifteen = timeTicks(to - 15 * 60_000, to, 6);
    expect(fifteen[1]! - fifteen[0]!).toBe(180_000);
  });

  it('keeps every tick inside the window and respects the maximum', () => {
    for (const minutes of [1, 5, 15])
      for (const max of [3, 6, 10]) {
        const from = to - minutes * 60_000;
        const ticks = timeTicks(from, to, max);
        expect(ticks.length).toBeLessThanOrEqual(max);
        expect(ticks.length).toBeGreaterThan(0);
        for (const t of ticks) expect(t >= from && t <= to).toBe(true);
      }
  });
});
