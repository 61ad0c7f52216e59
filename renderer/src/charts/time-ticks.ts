// The shared time axis counts back from now ("-5m" ... "now"). Its domain and ticks are then
// constant while data flows, so the chart frame (grid, axes) does not re-render every second:
// only the series layer moves.

const STEPS_MS = [5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1800, 3600].map((s) => s * 1000);

/** Ticks from -windowMs to 0 on the smallest round step that gives at most `maxTicks` labels. */
export function relativeTicks(windowMs: number, maxTicks: number): number[] {
  if (!(windowMs > 0) || maxTicks < 2) return [0];
  const step = STEPS_MS.find((s) => windowMs / s + 1 <= maxTicks) ?? STEPS_MS[STEPS_MS.length - 1]!;
  const ticks: number[] = [];
  for (let t = -Math.floor(windowMs / step) * step; t <= 0; t += step) ticks.push(t);
  return ticks;
}

/** -300000 -> "-5m", -90000 -> "-1m30s", -20000 -> "-20s", 0 -> "now". */
export function formatAgo(offsetMs: number): string {
  if (offsetMs >= 0) return 'now';
  const total = Math.round(-offsetMs / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  if (m === 0) return `-${s}s`;
  return s === 0 ? `-${m}m` : `-${m}m${s}s`;
}
