import { describe, expect, it } from 'vitest';
import { SeriesBuffer } from './series-buffer.ts';

describe('SeriesBuffer', () => {
  it('keeps the newest points up to its capacity, oldest first', () => {
    const b = new SeriesBuffer(3);
    for (let t = 1; t <= 5; t++) b.push(t * 1000, t);
    expect(b.length).toBe(3);
    expect(b.toArray()).toEqual([
      { t: 3000, v: 3 },
      { t: 4000, v: 4 },
      { t: 5000, v: 5 },
    ]);
  });

  it('keeps gaps as null and replaces a re-read of the same instant', () => {
    const b = new SeriesBuffer(4);
    b.push(1000, 1);
    b.push(2000, null);
    b.push(2000, 2);
    b.push(1500, 9);
    expect(b.toArray()).toEqual([
      { t: 1000, v: 1 },
      { t: 2000, v: 2 },
    ]);
    b.push(3000, null);
    expect(b.last).toEqual({ t: 3000, v: null });
  });

  it('finds the first point of a window after wrapping around', () => {
    const b = new SeriesBuffer(5);
    for (let t = 1; t <= 8; t++) b.push(t * 1000, t);
    expect(b.lowerBound(0)).toBe(0);
    expect(b.lowerBound(6000)).toBe(2);
    expect(b.lowerBound(6500)).toBe(3);
    expect(b.lowerBound(99_000)).toBe(5);
    expect(b.toArray(7000).map((p) => p.v)).toEqual([7, 8]);
  });
});
