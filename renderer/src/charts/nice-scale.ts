/** The smallest "round" number (1, 2, 2.5, 5 x 10^k) at or above v: a y-axis top that reads well. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= v * (1 - 1e-9)) return m * power;
  return 10 * power;
}

/** Y domain of a chart: ratios are always 0..1; replica counts leave one step of headroom. */
export function yDomain(unit: string, max: number): [number, number] {
  if (unit === 'ratio') return [0, 1];
  if (unit === 'replicas') return [0, Math.max(1, Math.ceil(max) + 1)];
  if (unit === 'percent' && max <= 100) return [0, max > 50 ? 100 : niceCeil(max)];
  return [0, niceCeil(max)];
}

/** Evenly spaced y ticks: quarters of the top, or every whole replica when there are few. */
export function yTicks(unit: string, top: number): number[] {
  if (unit === 'replicas' && top <= 8) return Array.from({ length: top + 1 }, (_, i) => i);
  if (unit === 'replicas') return [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * top));
  return [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
}
