/** Picks one of several items with probability proportional to its weight. */
export class WeightedPicker<T extends string> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;
  private readonly random: () => number;

  constructor(weights: Record<T, number>, random: () => number = Math.random) {
    this.items = [];
    this.cumulative = [];
    let total = 0;
    for (const [item, weight] of Object.entries(weights) as Array<[T, number]>) {
      if (!(weight > 0)) continue;
      total += weight;
      this.items.push(item);
      this.cumulative.push(total);
    }
    if (total === 0) throw new RangeError('at least one weight must be greater than 0');
    this.total = total;
    this.random = random;
  }

  pick(): T {
    const u = this.random() * this.total;
    for (let i = 0; i < this.cumulative.length; i++) {
      if (u < this.cumulative[i]!) return this.items[i]!;
    }
    return this.items[this.items.length - 1]!;
  }
}
