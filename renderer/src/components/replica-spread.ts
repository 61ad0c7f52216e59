// How evenly the replicas share the requests, as one number: max/min of their request rates.

export interface ReplicaSpread {
  /** max/min of the rates; Infinity when a replica gets none while others do; null when nothing to compare. */
  ratio: number | null;
  /** Each replica's share of the total, in the order given (null where its rate is unknown). */
  shares: Array<number | null>;
}

/** Rates in req/s, null where a replica has no reading yet; replicas without a reading are left out. */
export function replicaSpread(rates: Array<number | null>): ReplicaSpread {
  const known = rates.filter((r): r is number => r !== null && Number.isFinite(r));
  const total = known.reduce((a, b) => a + b, 0);
  const shares = rates.map((r) => (r === null || !Number.isFinite(r) || total <= 0 ? null : r / total));
  if (known.length < 2 || total <= 0) return { ratio: null, shares };
  const max = Math.max(...known);
  const min = Math.min(...known);
  return { ratio: min > 0 ? max / min : Infinity, shares };
}

/** "1.08 (even)", "3.4 (uneven)", "∞ (a replica gets none)"; even means within ±25 % of the mean. */
export function describeSpread(spread: ReplicaSpread): string {
  const { ratio, shares } = spread;
  if (ratio === null) return '—';
  if (ratio === Infinity) return '∞ (a replica gets none)';
  const known = shares.filter((s): s is number => s !== null);
  const even = known.every((s) => Math.abs(s * known.length - 1) <= 0.25);
  return `${ratio.toFixed(2)} (${even ? 'even' : 'uneven'})`;
}
