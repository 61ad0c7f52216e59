/**
 * What-if: a recording replayed through the same HorizontalAutoscaler with other settings.
 *
 * The load model: while the hypothetical run has made the same decisions as the recorded one, it
 * sees exactly the recorded samples (so a replay with the recorded settings reproduces every
 * decision). From the first sync where it decides otherwise, its fleet is its own: the total CPU
 * demand of each sync (the sum of the recorded replicas' CPU %) is kept and spread evenly over its
 * ready replicas, and a replica it adds becomes ready after the recorded start-up time of a replica.
 */
import {
  HorizontalAutoscaler,
  PROFILES,
  type AutoscalerSpec,
  type HpaBehaviorInput,
  type PodSample,
  type ScaleDecision,
} from '../autoscaler.ts';
import type { RecordedSync, Recording } from './recording.ts';

export const LOAD_MODEL =
  'total CPU demand of each sync kept, spread evenly over the ready replicas of the hypothetical run; ' +
  'a new replica is ready after the recorded start-up time of a replica';

export interface SpecOverrides {
  minReplicas?: number;
  maxReplicas?: number;
  targetCpuUtilizationPercent?: number;
  profile?: AutoscalerSpec['profile'];
  behavior?: HpaBehaviorInput;
}

export interface ReplayPoint {
  at: number;
  replicas: number;
  /** The CPU % each ready replica carries under the load model; null without metrics. */
  perReplicaCpu: number | null;
}

export interface ReplaySummary {
  peakReplicas: number;
  /** ms the what-if run reached the actual peak before (negative: after) the actual; null if never. */
  reachedPeakEarlierMs: number | null;
  actualReplicaSeconds: number;
  whatIfReplicaSeconds: number;
  /** (what-if − actual) / actual, in %; null when the actual is 0. */
  replicaSecondsChangePercent: number | null;
  text: string;
}

export interface ReplayResult {
  actual: ReplayPoint[];
  whatIf: ReplayPoint[];
  /** The what-if run's decisions; a sync skipped for a longer sync period has none. */
  decisions: (ScaleDecision | null)[];
  replicaStartupMs: number;
  /** False when no replica started during the recording and replicaStartupMs is a default. */
  replicaStartupMeasured: boolean;
  loadModel: string;
  summary: ReplaySummary;
}

interface HypotheticalReplica {
  name: string;
  startedAt: number;
  readyAt: number;
}

const DEFAULT_STARTUP_MS = 10_000;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

/** How long a replica started during the recording took to become ready (the median). */
export function recordedStartupMs(recording: Recording): number | null {
  const first = recording.syncs[0]?.at ?? 0;
  const seen = new Map<string, number>();
  for (const sync of recording.syncs) {
    for (const pod of sync.pods) {
      if (pod.startedAt < first || pod.readySince === undefined || seen.has(pod.name)) continue;
      seen.set(pod.name, pod.readySince - pod.startedAt);
    }
  }
  return median([...seen.values()].filter((ms) => ms >= 0));
}

/** The recorded total demand in "CPU % × replicas"; null when no replica had a metric. */
function demandOf(sync: RecordedSync): number | null {
  const measured = sync.pods.filter((pod) => !pod.terminating && pod.cpuUtilizationPercent !== undefined);
  if (measured.length === 0) return null;
  return measured.reduce((sum, pod) => sum + (pod.cpuUtilizationPercent ?? 0), 0);
}

function readyCount(sync: RecordedSync): number {
  return sync.pods.filter((pod) => pod.ready && !pod.terminating && !pod.pending).length;
}

/** The spec a what-if runs with: the recorded one with the overrides over it. */
export function applySpec(spec: AutoscalerSpec, overrides: SpecOverrides): AutoscalerSpec {
  const { behavior, ...rest } = overrides;
  const merged: AutoscalerSpec = { ...spec, ...rest };
  // A what-if CPU target edits the CPU entry of a metrics list too: one CPU target per spec.
  const cpuTarget = overrides.targetCpuUtilizationPercent;
  if (cpuTarget !== undefined && spec.metrics) {
    merged.metrics = spec.metrics.map((m) => (m.metric === 'cpu' ? { ...m, target: cpuTarget } : { ...m }));
  }
  const newProfile = overrides.profile !== undefined && overrides.profile !== spec.profile;
  // A new profile brings its own behavior; otherwise a given direction's fields edit the recorded ones.
  const base = newProfile ? undefined : spec.behavior;
  const edited: HpaBehaviorInput | undefined =
    behavior === undefined
      ? base
      : {
          scaleUp: { ...base?.scaleUp, ...behavior.scaleUp },
          scaleDown: { ...base?.scaleDown, ...behavior.scaleDown },
        };
  if (edited === undefined) delete merged.behavior;
  else merged.behavior = edited;
  return merged;
}

function fleetFrom(sync: RecordedSync, startupMs: number): HypotheticalReplica[] {
  return sync.pods
    .filter((pod) => !pod.terminating)
    .map((pod) => ({
      name: pod.name,
      startedAt: pod.startedAt,
      readyAt: pod.ready ? (pod.readySince ?? pod.startedAt) : Math.max(pod.startedAt + startupMs, sync.at),
    }));
}

function resize(
  fleet: HypotheticalReplica[],
  desired: number,
  at: number,
  startupMs: number,
  next: () => string,
) {
  while (fleet.length < desired) fleet.push({ name: next(), startedAt: at, readyAt: at + startupMs });
  // The newest go first, as a scale-in keeps the replicas that have warmed up.
  fleet.sort((a, b) => a.startedAt - b.startedAt);
  fleet.splice(desired);
}

function podsOf(fleet: HypotheticalReplica[], at: number, demand: number | null): PodSample[] {
  const ready = fleet.filter((replica) => replica.readyAt <= at);
  const share = demand === null || ready.length === 0 ? undefined : demand / ready.length;
  return fleet.map((replica) => {
    const isReady = replica.readyAt <= at;
    const pod: PodSample = { name: replica.name, ready: isReady, startedAt: replica.startedAt };
    if (isReady) {
      pod.readySince = replica.readyAt;
      if (share !== undefined) pod.cpuUtilizationPercent = share;
    } else if (demand !== null) {
      // A starting replica serves nothing yet but still reports its (idle) CPU.
      pod.cpuUtilizationPercent = 0;
    }
    return pod;
  });
}

function replicaSeconds(points: ReplayPoint[]): number {
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const point = points[i];
    const next = points[i + 1];
    if (point && next) total += (point.replicas * (next.at - point.at)) / 1000;
  }
  return total;
}

function summarize(actual: ReplayPoint[], whatIf: ReplayPoint[]): ReplaySummary {
  const peak = Math.max(0, ...actual.map((point) => point.replicas));
  const actualAt = actual.find((point) => point.replicas >= peak)?.at;
  const whatIfAt = whatIf.find((point) => point.replicas >= peak)?.at;
  const earlier = actualAt === undefined || whatIfAt === undefined ? null : actualAt - whatIfAt;
  const a = replicaSeconds(actual);
  const w = replicaSeconds(whatIf);
  const change = a === 0 ? null : ((w - a) / a) * 100;
  let reach: string;
  if (earlier === null) {
    const whatIfPeak = Math.max(0, ...whatIf.map((point) => point.replicas));
    reach = `would never have reached ${peak} replicas (at most ${whatIfPeak})`;
  } else if (earlier === 0) reach = `would have reached ${peak} replicas at the same time`;
  else
    reach = `would have reached ${peak} replicas ${Math.round(Math.abs(earlier) / 1000)} s ${earlier > 0 ? 'earlier' : 'later'}`;
  let cost: string;
  if (change === null || Math.round(change) === 0) cost = 'the same replica-seconds';
  else cost = `${Math.round(Math.abs(change))} % ${change > 0 ? 'more' : 'fewer'} replica-seconds`;
  return {
    peakReplicas: peak,
    reachedPeakEarlierMs: earlier,
    actualReplicaSeconds: a,
    whatIfReplicaSeconds: w,
    replicaSecondsChangePercent: change,
    text: `${reach}; ${cost}`,
  };
}

/** Replays the recording with `overrides` over the settings each sync was recorded with. */
export function replay(recording: Recording, overrides: SpecOverrides = {}): ReplayResult {
  const measuredStartupMs = recordedStartupMs(recording);
  const startupMs = measuredStartupMs ?? DEFAULT_STARTUP_MS;
  const actual: ReplayPoint[] = [];
  const whatIf: ReplayPoint[] = [];
  const decisions: (ScaleDecision | null)[] = [];
  let hpa: HorizontalAutoscaler | null = null;
  let run: number | null = null;
  let lastDecisionAt = -Infinity;
  let fleet: HypotheticalReplica[] | null = null;
  let replicas = 0;
  let added = 0;
  const nextName = () => `what-if-${++added}`;

  for (const sync of recording.syncs) {
    if (run !== sync.run || hpa === null) {
      hpa = new HorizontalAutoscaler(applySpec(sync.spec, overrides));
      run = sync.run;
      lastDecisionAt = -Infinity;
    }
    const demand = demandOf(sync);
    const recordedReady = readyCount(sync);
    actual.push({
      at: sync.at,
      replicas: sync.desiredReplicas,
      perReplicaCpu: demand === null || recordedReady === 0 ? null : demand / recordedReady,
    });

    const current = fleet === null ? sync.currentReplicas : replicas;
    const pods = fleet === null ? sync.pods : podsOf(fleet, sync.at, demand);
    let decision: ScaleDecision | null = null;
    // At the recorded cadence every recorded sync is a sync; a longer period decides at fewer.
    const recordedPeriodMs = PROFILES[sync.spec.profile].syncPeriodSeconds * 1000;
    if (hpa.syncPeriodMs === recordedPeriodMs || sync.at - lastDecisionAt >= hpa.syncPeriodMs) {
      decision = hpa.decide(
        sync.at,
        current,
        pods,
        sync.p95LatencyMs === undefined ? {} : { p95LatencyMs: sync.p95LatencyMs },
      );
      lastDecisionAt = sync.at;
    }
    const desired = decision?.desiredReplicas ?? current;
    if (fleet === null && desired !== sync.desiredReplicas) fleet = fleetFrom(sync, startupMs);
    if (fleet !== null) resize(fleet, desired, sync.at, startupMs, nextName);
    replicas = desired;
    decisions.push(decision);
    const readyNow =
      fleet === null ? recordedReady : fleet.filter((replica) => replica.readyAt <= sync.at).length;
    whatIf.push({
      at: sync.at,
      replicas: desired,
      perReplicaCpu: demand === null || readyNow === 0 ? null : demand / readyNow,
    });
  }
  return {
    actual,
    whatIf,
    decisions,
    replicaStartupMs: startupMs,
    replicaStartupMeasured: measuredStartupMs !== null,
    loadModel: LOAD_MODEL,
    summary: summarize(actual, whatIf),
  };
}
