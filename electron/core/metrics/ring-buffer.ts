// A fixed-capacity time series in two typed arrays: memory stays bounded however long a dashboard
// stays open, and reading it for a chart allocates nothing per point. Shared by the core's metrics
// feed and the renderer's store.
export interface Point {
  t: number; // epoch ms
  v: number | null; // null = no value at that time (gap), e.g. NaN from PromQL on zero traffic
}

export interface SeriesSource {
  readonly length: number;
  time(i: number): number;
  /** NaN for a gap. */
  value(i: number): number;
}

export class RingBuffer implements SeriesSource {
  readonly capacity: number;
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private start = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  time(i: number): number {
    return this.times[(this.start + i) % this.capacity]!;
  }

  value(i: number): number {
    return this.values[(this.start + i) % this.capacity]!;
  }

  get last(): Point | undefined {
    if (this.count === 0) return undefined;
    const v = this.value(this.count - 1);
    return { t: this.time(this.count - 1), v: Number.isNaN(v) ? null : v };
  }

  /** Appends in time order; the same instant again replaces its value; older points are ignored. */
  push(t: number, v: number | null): void {
    if (this.count > 0) {
      const lastT = this.time(this.count - 1);
      if (t < lastT) return;
      if (t === lastT) {
        this.values[(this.start + this.count - 1) % this.capacity] = v ?? Number.NaN;
        return;
      }
    }
    const index = (this.start + this.count) % this.capacity;
    this.times[index] = t;
    this.values[index] = v ?? Number.NaN;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** Index of the first point with t >= since (binary search: points are in time order). */
  lowerBound(since: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.time(mid) < since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  toArray(since = Number.NEGATIVE_INFINITY): Point[] {
    const out: Point[] = [];
    for (let i = this.lowerBound(since); i < this.count; i++) {
      const v = this.value(i);
      out.push({ t: this.time(i), v: Number.isNaN(v) ? null : v });
    }
    return out;
  }
}

/** Points as a SeriesSource (tests, exports). */
export function sourceOf(points: readonly Point[]): SeriesSource {
  return {
    length: points.length,
    time: (i) => points[i]!.t,
    value: (i) => points[i]!.v ?? Number.NaN,
  };
}
