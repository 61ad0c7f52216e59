import { describe, expect, it } from 'vitest';
import { downsampleMinMax, type Point } from './downsample.ts';

const series = (n: number, f: (i: number) => number | null): Point[] =>
  Array.from({ length: n }, (_, i) => ({ t: i * 1000, v: f(i) }));

describe('downsampleMinMax', () => {
  it('keeps every point when there are at most two per pixel column', () => {
    const points = series(100, (i) => i);
    expect(downsampleMinMax(points, 0, 99_000, 50)).toEqual(points);
  });

  it('bounds the output to two points per column plus gap markers', () => {
    const points = series(900, (i) => Math.sin(i / 10));
    const out = downsampleMinMax(points, 0, 899_000, 120);
    expect(out.length).toBeLessThanOrEqual(240);
    expect(out.length).toBeGreaterThan(200);
  });

  it('keeps a one-sample spike that averaging or striding would lose', () => {
    const points = series(900, (i) => (i === 437 ? 1000 : 1));
    const out = downsampleMinMax(points, 0, 899_000, 100);
    expect(out.some((p) => p.v === 1000 && p.t === 437_000)).toBe(true);
    expect(Math.min(...out.map((p) => p.v ?? Infinity))).toBe(1);
  });

  it('keeps points in time order', () => {
    const points = series(900, (i) => (i % 7) - (i % 3));
    const out = downsampleMinMax(points, 0, 899_000, 64);
    for (let i = 1; i < out.length; i++) expect(out[i]!.t).toBeGreaterThan(out[i - 1]!.t);
  });

  it('keeps a gap so the line breaks where a scrape was missing', () => {
    const points = series(900, (i) => (i >= 400 && i < 410 ? null : 5));
    const out = downsampleMinMax(points, 0, 899_000, 100);
    expect(out.filter((p) => p.v === null).length).toBeGreaterThanOrEqual(1);
    const gapIndex = out.findIndex((p) => p.v === null);
    expect(out[gapIndex]!.t).toBeGreaterThanOrEqual(400_000);
    expect(out[gapIndex]!.t).toBeLessThan(410_000);
  });

  it('drops points outside the window', () => {
    const points = series(900, (i) => i);
    const out = downsampleMinMax(points, 600_000, 899_000, 1000);
    expect(out[0]!.t).toBe(600_000);
    expect(out).toHaveLength(300);
  });

  it('returns nothing for an empty window', () => {
    expect(
      downsampleMinMax(
        series(10, (i) => i),
        5,
        5,
        100,
      ),
    ).toEqual([]);
  });
});
