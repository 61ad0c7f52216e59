import type { WhatIfResult } from '../../api/channels.ts';

/** One row per recorded sync, on seconds since the recording began (both runs share the syncs). */
export interface WhatIfRow {
  t: number;
  actual: number;
  whatIf: number | null;
  actualCpu: number | null;
  whatIfCpu: number | null;
}

const oneDecimal = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

export function whatIfRows(result: WhatIfResult): WhatIfRow[] {
  return result.actual.map((point, i) => {
    const hypothetical = result.whatIf[i];
    return {
      t: Math.round((point.at - result.from) / 100) / 10,
      actual: point.replicas,
      whatIf: hypothetical?.replicas ?? null,
      actualCpu: oneDecimal(point.perReplicaCpu),
      whatIfCpu: oneDecimal(hypothetical?.perReplicaCpu ?? null),
    };
  });
}

/** "2 min 05 s" style length of the recording, for the caption. */
export function spanText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
