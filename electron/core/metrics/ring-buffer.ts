// A fixed-capacity time series: memory stays bounded however long a dashboard stays open.
export interface Point {
  t: number; // epoch ms
  v: number | null; // null = no value at that time (gap), e.g. NaN from PromQL on zero traffic
}

export class RingBuffer {
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

  get last(): Point | undefined {
    return this.count === 0 ? undefined : this.at(this.count - 1);
  }

  /** Appends in time order; a point not newer than the last replaces it (a re-read of the same instant). */
  push(t: number, v: number | null): void {
    const last = this.last;
    if (last && t <= last.t) {
      if (t === last.t) this.values[(this.start + this.count - 1) % this.capacity] = v ?? Number.NaN;
      return;
    }
    const index = (this.start + this.count) % this.capacity;
    this.times[index] = t;
    this.values[index] = v ?? Number.NaN;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  at(i: number): Point {
    const index = (this.start + i) % this.capacity;
    const v = this.values[index]!;
    return { t: this.times[index]!, v: Number.isNaN(v) ? null : v };
  }

  /** Points with t >= since, oldest first. */
  toArray(since = Number.NEGATIVE_INFINITY): Point[] {
    const out: Point[] = [];
    for (let i = 0; i < this.count; i++) {
      const p = this.at(i);
      if (p.t >= since) out.push(p);
    }
    return out;
  }
}
