// How each unit reads on an axis and in a table: short, fixed width where possible, legible from
// the back of a room.

export function formatValue(unit: string, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'seconds':
      return v < 1 ? `${trim(v * 1000)} ms` : `${trim(v)} s`;
    case 'ratio':
      return `${trim(v * 100)} %`;
    case 'percent':
      return `${trim(v)} %`;
    case 'req/s':
      return `${trim(v)}/s`;
    case 'replicas':
      return String(Math.round(v));
    default:
      return trim(v);
  }
}

/** Three significant digits at most, no trailing zeros: 0.0123 -> 0.0123, 1234.5 -> 1235, 12.34 -> 12.3. */
function trim(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 100) return String(Math.round(v));
  if (abs >= 10) return String(Math.round(v * 10) / 10);
  if (abs >= 1) return String(Math.round(v * 100) / 100);
  if (abs === 0) return '0';
  return String(Number(v.toPrecision(2)));
}

export function formatClock(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
