/**
 * How many API replicas the target can give their CPU: the figure the replica slider and the
 * autoscaler form mark. Targets reckon it their own way; the pieces both need live here.
 */
import type { Capacity } from './contract.ts';

/** Status is polled every second; nodes, pods and engine info change far more slowly. */
export const CAPACITY_TTL_MS = 10_000;

/** 2000 -> "2", 550 -> "0.55", 333.3 -> "0.33": CPUs as a person writes them. */
export function formatCpus(millicores: number): string {
  return String(Math.round(millicores / 10) / 100);
}

/** "1 node", "3 nodes". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Docker: how many replicas can each use their whole CPU limit at once. More still run, they
 * share the engine's CPUs. The other parts of the stack have no CPU limit and little steady load,
 * so they are left out rather than guessed at.
 */
export function dockerCapacity(engineCpus: number, replicaCpus: number): Capacity | null {
  if (!(engineCpus > 0) || !(replicaCpus > 0)) return null;
  const replicas = Math.floor((engineCpus + 1e-9) / replicaCpus);
  return {
    replicas,
    basis: `${plural(engineCpus, 'CPU')} on the Docker engine, a ${replicaCpus} CPU limit per replica`,
  };
}

/**
 * One value recomputed at most every ttlMs; concurrent readers share one computation, and a
 * failed one counts as null (an estimate that cannot be made must not fail the status).
 */
export class CapacityCache {
  private readonly compute: () => Promise<Capacity | null>;
  private readonly ttlMs: number;
  private value: Promise<Capacity | null> | null = null;
  private at = 0;

  constructor(compute: () => Promise<Capacity | null>, ttlMs = CAPACITY_TTL_MS) {
    this.compute = compute;
    this.ttlMs = ttlMs;
  }

  get(now = Date.now()): Promise<Capacity | null> {
    if (this.value === null || now - this.at >= this.ttlMs) {
      this.at = now;
      this.value = this.compute().catch(() => null);
    }
    return this.value;
  }
}
