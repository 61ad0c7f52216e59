// Redis keyspace hit ratio from INFO: Redis only exposes cumulative counters, so the ratio over an
// interval comes from the difference between two readings.

export function parseRedisInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return out;
}

export interface KeyspaceCounters {
  hits: number;
  misses: number;
}

export function keyspaceCounters(info: Record<string, string>): KeyspaceCounters {
  const hits = Number(info['keyspace_hits']);
  const misses = Number(info['keyspace_misses']);
  if (!Number.isFinite(hits) || !Number.isFinite(misses)) {
    throw new Error('Redis INFO has no keyspace_hits/keyspace_misses (ask for INFO stats)');
  }
  return { hits, misses };
}

/**
 * Hit ratio between two readings; null when there were no lookups in between, or when the counters
 * went backwards (Redis restarted, e.g. after a chaos kill), which makes the difference meaningless.
 */
export function keyspaceHitRatio(before: KeyspaceCounters, after: KeyspaceCounters): number | null {
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  if (hits < 0 || misses < 0 || hits + misses === 0) return null;
  return hits / (hits + misses);
}
