import { describe, expect, it } from 'vitest';
import { jitteredTtl } from './user-cache.js';

describe('jitteredTtl', () => {
  it('stays within the TTL and TTL + 20%', () => {
    expect(jitteredTtl(60, () => 0)).toBe(60);
    expect(jitteredTtl(60, () => 0.999)).toBe(72);
    for (let i = 0; i < 1000; i++) {
      const ttl = jitteredTtl(60);
      expect(ttl).toBeGreaterThanOrEqual(60);
      expect(ttl).toBeLessThanOrEqual(72);
    }
  });

  it('spreads expiries: many keys do not share one TTL', () => {
    expect(new Set(Array.from({ length: 200 }, () => jitteredTtl(60))).size).toBeGreaterThan(5);
  });

  it('still adds jitter to tiny TTLs', () => {
    expect(jitteredTtl(1, () => 0.99)).toBe(2);
    expect(jitteredTtl(10, () => 0.99)).toBe(12);
  });
});
