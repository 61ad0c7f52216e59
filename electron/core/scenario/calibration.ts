/**
 * Sizing relative rates ("2x") from what this machine's stack serves: a probe load runs at a known
 * rate, and the per-replica CPU it causes (the metrics feed's cpuPerReplica chart: each replica's
 * process CPU as a percent of its limit, as the autoscaler sees it) gives the rate one replica holds
 * at the CPU target. CPU is treated as proportional to the rate above the idle baseline.
 */
import type { SeriesSnapshot } from '../metrics/feed.ts';
import type { ScenarioCalibration } from './types.ts';

export const CPU_CHART = 'cpuPerReplica';

/** Default probe: modest, so that even one replica on a busy 2-core machine serves it. */
export const DEFAULT_PROBE_RPS = 20;
export const DEFAULT_PROBE_SECONDS = 14;
/** How far back before the probe the idle level is looked for (its lowest tick counts). */
export const IDLE_LOOKBACK_MS = 30_000;

/**
 * Without a CPU reading: the bundled API with the default mix, measured here (a 2-core machine,
 * the Docker target and the local cluster alike): one 0.5-CPU replica holds about 57–66 req/s at
 * 50 %. Scaled by the target and the replica's CPU limit.
 */
const ESTIMATE_RPS_PER_CPU_PERCENT = 1.2;

/** Sum over replicas of each tick's CPU percent, for ticks in [from, to]; ticks without data are left out. */
export function totalCpuByTick(snapshots: readonly SeriesSnapshot[], from: number, to: number): number[] {
  const byTick = new Map<number, number>();
  for (const series of snapshots) {
    if (series.chart !== CPU_CHART) continue;
    for (const point of series.points) {
      if (point.t < from || point.t > to || point.v === null || !Number.isFinite(point.v)) continue;
      byTick.set(point.t, (byTick.get(point.t) ?? 0) + point.v);
    }
  }
  return [...byTick.entries()].sort((a, b) => a[0] - b[0]).map(([, total]) => total);
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

export interface CalibrationInput {
  probeRps: number;
  /** The rate the generator reached during the probe (what the replicas really served). */
  achievedRps: number | null;
  targetPercent: number;
  /** Total CPU percent (summed over replicas) per tick while the probe ran. */
  probeTotals: readonly number[];
  /** The same before the probe started (the stack's idle CPU is the lowest); empty when unknown. */
  idleTotals: readonly number[];
  replicaCpus: number;
}

export function estimateCalibration(
  targetPercent: number,
  replicaCpus: number,
  why: string,
): ScenarioCalibration {
  const perReplicaRps = Math.max(
    1,
    Math.round(ESTIMATE_RPS_PER_CPU_PERCENT * targetPercent * (replicaCpus / 0.5)),
  );
  return {
    perReplicaRps,
    basis: `estimated (${why}): about ${perReplicaRps} req/s per ${replicaCpus}-CPU replica at ${targetPercent} % CPU`,
  };
}

/**
 * perReplicaRps = served rate × target / CPU above idle (all summed over replicas), so it does not
 * depend on how many replicas shared the probe.
 */
export function calibrationFrom(input: CalibrationInput): ScenarioCalibration {
  const probe = mean(input.probeTotals);
  if (probe === null)
    return estimateCalibration(
      input.targetPercent,
      input.replicaCpus,
      'no CPU reading from Prometheus during the probe',
    );
  // The lowest tick: the window may still hold the tail of a load that stopped just before.
  const idle = input.idleTotals.length === 0 ? 0 : Math.min(...input.idleTotals);
  const served = input.achievedRps !== null && input.achievedRps > 0 ? input.achievedRps : input.probeRps;
  // An idle level that is not the stack's own (a load that stopped just before still counts in the
  // rate window) takes at most half the probe's reading; below half a percent the reading is noise.
  const busy = Math.max(probe - idle, probe / 2, 0.5);
  const perReplicaRps = Math.max(1, Math.round(((served * input.targetPercent) / busy) * 10) / 10);
  const idleText = input.idleTotals.length === 0 ? '' : `, ${Math.round(idle)} % idle`;
  return {
    perReplicaRps,
    basis: `measured: ${Math.round(served)} req/s of the scenario's mix took ${Math.round(probe)} % CPU summed over replicas${idleText}, so one replica holds about ${perReplicaRps} req/s at ${input.targetPercent} %`,
  };
}
