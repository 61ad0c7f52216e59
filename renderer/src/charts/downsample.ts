// Reduces a series to what a chart of `buckets` pixels can show: per pixel column, the lowest and
// highest value in time order (spikes survive, unlike averaging or striding) and a gap marker when
// the column holds a gap, so a missing scrape still breaks the line.
import type { Point } from '../../../electron/core/metrics/ring-buffer.ts';

export type { Point };

export function downsampleMinMax(
  points: readonly Point[],
  from: number,
  to: number,
  buckets: number,
): Point[] {
  if (!(to > from)) return [];
  const columns = Math.max(1, Math.floor(buckets));
  const span = to - from;
  const out: Point[] = [];
  let visible = 0;
  for (const p of points) if (p.t >= from && p.t <= to) visible++;
  // Already at most two points per column: nothing to gain, keep every point.
  if (visible <= columns * 2) {
    for (const p of points) if (p.t >= from && p.t <= to) out.push(p);
    return out;
  }

  let column = -1;
  let min: Point | undefined;
  let max: Point | undefined;
  let gap: Point | undefined;
  const flush = () => {
    const kept: Point[] = [];
    if (min) kept.push(min);
    if (max && max !== min) kept.push(max);
    if (gap) kept.push(gap);
    kept.sort((a, b) => a.t - b.t);
    out.push(...kept);
    min = max = gap = undefined;
  };
  for (const p of points) {
    if (p.t < from || p.t > to) continue;
    const c = Math.min(columns - 1, Math.floor(((p.t - from) / span) * columns));
    if (c !== column) {
      flush();
      column = c;
    }
    if (p.v === null) {
      gap ??= p;
      continue;
    }
    if (!min || p.v < (min.v as number)) min = p;
    if (!max || p.v > (max.v as number)) max = p;
  }
  flush();
  return out;
}
