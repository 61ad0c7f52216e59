// Reduces a series to what a chart of `buckets` pixel columns can show: per column, the lowest and
// highest value in time order (spikes survive, unlike averaging or striding) and a gap marker when
// the column holds a gap, so a missing scrape still breaks the line. Reads the buffer in place.
import { sourceOf, type Point, type SeriesSource } from '../../../electron/core/metrics/ring-buffer.ts';

export type { Point };

function firstAtOrAfter(source: SeriesSource, since: number): number {
  let lo = 0;
  let hi = source.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (source.time(mid) < since) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const point = (t: number, v: number): Point => ({ t, v: Number.isNaN(v) ? null : v });

export function downsampleMinMax(
  input: SeriesSource | readonly Point[],
  from: number,
  to: number,
  buckets: number,
): Point[] {
  if (!(to > from)) return [];
  const source = Array.isArray(input) ? sourceOf(input as readonly Point[]) : (input as SeriesSource);
  const columns = Math.max(1, Math.floor(buckets));
  const span = to - from;
  const begin = firstAtOrAfter(source, from);
  let end = begin;
  while (end < source.length && source.time(end) <= to) end++;
  const out: Point[] = [];
  // Already at most two points per column: nothing to gain, keep every point.
  if (end - begin <= columns * 2) {
    for (let i = begin; i < end; i++) out.push(point(source.time(i), source.value(i)));
    return out;
  }

  let column = -1;
  let minI = -1;
  let maxI = -1;
  let gapI = -1;
  const flush = () => {
    const kept = [minI, maxI, gapI]
      .filter((i, k, all) => i !== -1 && all.indexOf(i) === k)
      .sort((a, b) => a - b);
    for (const i of kept) out.push(point(source.time(i), source.value(i)));
    minI = maxI = gapI = -1;
  };
  for (let i = begin; i < end; i++) {
    const c = Math.min(columns - 1, Math.floor(((source.time(i) - from) / span) * columns));
    if (c !== column) {
      flush();
      column = c;
    }
    const v = source.value(i);
    if (Number.isNaN(v)) {
      if (gapI === -1) gapI = i;
      continue;
    }
    if (minI === -1 || v < source.value(minI)) minI = i;
    if (maxI === -1 || v > source.value(maxI)) maxI = i;
  }
  flush();
  return out;
}
