import { describe, expect, it } from 'vitest';
import { niceCeil, yDomain, yTicks } from './nice-scale.ts';

describe('niceCeil', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceCeil(0.0123)).toBe(0.02);
    expect(niceCeil(0.7)).toBe(1);
    expect(niceCeil(1)).toBe(1);
    expect(niceCeil(1.2)).toBe(2);
    expect(niceCeil(2.1)).toBe(2.5);
    expect(niceCeil(340)).toBe(500);
    expect(niceCeil(0)).toBe(1);
    expect(niceCeil(Number.NaN)).toBe(1);
  });
});

describe('yDomain', () => {
  it('fixes ratios to 0..1 and gives replicas headroom', () => {
    expect(yDomain('ratio', 0.3)).toEqual([0, 1]);
    expect(yDomain('replicas', 3)).toEqual([0, 4]);
    expect(yDomain('percent', 78)).toEqual([0, 100]);
    expect(yDomain('percent', 140)).toEqual([0, 200]);
    expect(yDomain('req/s', 340)).toEqual([0, 500]);
  });
});

describe('yTicks', () => {
  it('splits the range in quarters, whole numbers for replicas', () => {
    expect(yTicks('req/s', 500)).toEqual([0, 125, 250, 375, 500]);
    expect(yTicks('replicas', 4)).toEqual([0, 1, 2, 3, 4]);
    expect(yTicks('replicas', 21)).toEqual([0, 5, 11, 16, 21]);
  });
});
