// Tick positions for the shared time axis: round wall-clock steps so every chart shows the same
// labels at the same x, whatever data each one has.

const STEPS_MS = [5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1800, 3600].map((s) => s * 1000);

/** Ticks on multiples of the smallest round step that gives at most `maxTicks` labels. */
export function timeTicks(from: number, to: number, maxTicks: number): number[] {
  if (!(to > from) || maxTicks < 1) return [];
  const span = to - from;
  const step = STEPS_MS.find((s) => span / s <= maxTicks) ?? STEPS_MS[STEPS_MS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}
