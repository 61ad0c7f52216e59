/**
 * Zipf-like sampler over ranks 0..n-1: P(rank k) is proportional to 1 / (k+1)^s.
 * s = 0 is uniform; s around 1 gives the classic "few hot keys" shape that makes a cache's hit
 * ratio meaningful. The cumulative table is built once per (n, s), so a draw is one binary search.
 */
export class ZipfSampler {
  readonly size: number;
  readonly exponent: number;
  private readonly cumulative: Float64Array;
  private readonly random: () => number;

  constructor(size: number, exponent: number, random: () => number = Math.random) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`zipf size must be a positive integer, got ${size}`);
    if (!Number.isFinite(exponent) || exponent < 0) {
      throw new RangeError(`zipf exponent must be a finite number >= 0, got ${exponent}`);
    }
    this.size = size;
    this.exponent = exponent;
    this.random = random;
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let k = 0; k < size; k++) {
      total += 1 / Math.pow(k + 1, exponent);
      this.cumulative[k] = total;
    }
    for (let k = 0; k < size; k++) this.cumulative[k]! /= total;
  }

  /** Probability of a rank, for tests and for the UI's "expected hot-key share". */
  probability(rank: number): number {
    const upper = this.cumulative[rank] ?? 0;
    const lower = rank > 0 ? (this.cumulative[rank - 1] ?? 0) : 0;
    return upper - lower;
  }

  next(): number {
    const u = this.random();
    let low = 0;
    let high = this.size - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid]! > u) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
