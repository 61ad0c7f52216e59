import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.ts';

describe('RingBuffer', () => {
  it('keeps the newest points up to its capacity, oldest first', () => {
    const b = new RingBuffer(3);
    for (let t = 1; t <= 5; t++) b.push(t * 1000, t);
    expect(b.length).toBe(3);
    expect(b.toArray().map((p) => p.v)).toEqual([3, 4, 5]);
    expect(b.toArray(4000).map((p) => p.t)).toEqual([4000, 5000]);
  });

  it('stores gaps as null and replaces a re-read of the same instant', () => {
    const b = new RingBuffer(4);
    b.push(1000, 1);
    b.push(2000, null);
    b.push(2000, 7);
    b.push(1500, 99); // older than the last point: ignored, series stay in time order
    expect(b.toArray()).toEqual([
      { t: 1000, v: 1 },
      { t: 2000, v: 7 },
    ]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(/capacity/);
    expect(() => new RingBuffer(1.5)).toThrow(/capacity/);
  });

  it('finds the first point of a window after wrapping around', () => {
    const b = new RingBuffer(5);
    for (let t = 1; t <= 8; t++) b.push(t * 1000, t);
    expect(b.lowerBound(0)).toBe(0);
    expect(b.lowerBound(6000)).toBe(2);
    expect(b.lowerBound(6500)).toBe(3);
    expect(b.lowerBound(99_000)).toBe(5);
    expect(b.toArray(7000).map((p) => p.v)).toEqual([7, 8]);
  });
});
