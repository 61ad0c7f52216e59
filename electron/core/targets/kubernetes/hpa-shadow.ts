/**
 * The shadow of the real HPA: at each of its syncs that Scaledeck observes (the controller wrote a
 * new status), the API pods and their metrics.k8s.io samples go through Scaledeck's own
 * HorizontalAutoscaler, kept alive for the HPA's spec so its stabilization windows and rate
 * policies have a history. The HPA's desiredReplicas stays the decision (the real HPA decides);
 * the shadow's trace explains it, and `reconstruction` says whether the two agree. Pure.
 *
 * What it cannot see, and how it fills it in (each fill-in is listed in `inferred`):
 * - the controller writes its status only when it changes, so a sync that changed nothing sends no
 *   event. Such a sync kept the count; the shadow adds it one sync period before the next observed
 *   sync, where the last one fell, with the pods and metrics the observer sampled last before that
 *   moment (a status can stay the same while the inputs change, e.g. a pod's metrics coming back
 *   while the average and the count hold), else with the last observed sync's;
 * - on its first sync of an HPA the controller records the current count as a recommendation
 *   (recordInitialRecommendation), which a scale-down window then holds: the shadow does the same
 *   when it saw the HPA before that first sync.
 * The sync period is a kube-controller-manager flag the API does not show: the shortest gap
 * between observed syncs stands for it (15 s, the default, until one is seen).
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import {
  HorizontalAutoscaler,
  type AutoscalerSpec,
  type DecisionReconstruction,
  type PodSample,
  type ScaleDecision,
} from '../../autoscaler.ts';
import { autoscalerFromHpa, decisionFromHpa, hpaHasComputed } from './hpa-decision.ts';
import {
  podCpuMetric,
  podSampleFromPod,
  type PodMetricsForSample,
  type PodWithRequests,
} from './pod-samples.ts';

const DEFAULT_SYNC_PERIOD_MS = 15_000;
/** Below this a gap between two status writes is not a sync period (e.g. a spec edit's extra sync). */
const MIN_SYNC_PERIOD_MS = 1000;

export interface ObservedHpaSync {
  hpa: V2HorizontalPodAutoscaler;
  /** The API pods as the observer holds them, and the namespace's pod metrics. */
  pods: PodWithRequests[];
  podMetrics: PodMetricsForSample[];
  /** epoch ms: when Scaledeck saw the new status and read the pods and metrics. */
  at: number;
  /** The observer's samples of pods and metrics between status writes, oldest first. */
  samples?: readonly InputSample[];
}

export interface InputSample {
  at: number;
  pods: PodWithRequests[];
  podMetrics: PodMetricsForSample[];
}

interface Run {
  key: string;
  spec: AutoscalerSpec;
  autoscaler: HorizontalAutoscaler;
  since: number;
  syncs: number;
}

interface LastSync {
  at: number;
  current: number;
  desired: number;
  pods: PodSample[];
}

/** The spec the HPA runs with, as the recording stores it (behavior in full, as the cluster applies it). */
export function specOfHpa(hpa: V2HorizontalPodAutoscaler): AutoscalerSpec {
  const { minReplicas, maxReplicas, targetCpuUtilizationPercent, profile, behavior } = autoscalerFromHpa(hpa);
  return { minReplicas, maxReplicas, targetCpuUtilizationPercent, profile, behavior };
}

/** The pods as groupPods() reads them, each with its metric when metrics.k8s.io had one. */
export function samplesOf(
  pods: PodWithRequests[],
  podMetrics: PodMetricsForSample[],
  at: number,
): PodSample[] {
  const byName = new Map(podMetrics.map((metrics) => [metrics.metadata.name, metrics]));
  return [...pods]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((pod) => podSampleFromPod(pod, podCpuMetric(pod, byName.get(pod.metadata.name)), at));
}

/** Pods exactly at the target: the one input whose recommendation is the current count. */
function podsAtTarget(count: number, target: number, at: number): PodSample[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `initial-${i + 1}`,
    ready: true,
    startedAt: at - 86_400_000,
    cpuUtilizationPercent: target,
  }));
}

export class HpaShadow {
  /** Scaledeck saw the HPA before the controller's first sync of it: that sync's first recommendation is known. */
  private primeInitial: boolean;
  private run: Run | null = null;
  private last: LastSync | null = null;
  private syncPeriodMs = DEFAULT_SYNC_PERIOD_MS;

  constructor(options: { seenBeforeFirstSync: boolean } = { seenBeforeFirstSync: false }) {
    this.primeInitial = options.seenBeforeFirstSync;
  }

  /** The HPA's decision at this sync, with the shadow's trace, inputs and verdict on it. */
  observe(sync: ObservedHpaSync): ScaleDecision {
    const { hpa, at } = sync;
    const decision = decisionFromHpa(hpa, at);
    // Before the controller has a count there is nothing to reconstruct.
    if (!hpaHasComputed(hpa)) return decision;
    const spec = specOfHpa(hpa);
    const run = this.runFor(spec, at);
    const inferred: DecisionReconstruction['inferred'] = [];
    const current = decision.currentReplicas;

    if (this.last !== null && at - this.last.at >= MIN_SYNC_PERIOD_MS)
      this.syncPeriodMs = Math.min(this.syncPeriodMs, at - this.last.at);
    if (this.primeInitial) {
      this.primeInitial = false;
      const initialAt = at - 1;
      const primed = run.autoscaler.decide(
        initialAt,
        current,
        podsAtTarget(current, spec.targetCpuUtilizationPercent, initialAt),
      );
      inferred.push({
        at: initialAt,
        kind: 'initial',
        desiredReplicas: primed.desiredReplicas,
        held: current,
      });
    } else if (this.last !== null && run.syncs > 0) {
      const last = this.last;
      const missedAt = at - this.syncPeriodMs;
      // Only a sync that kept the count can leave the status as it was.
      if (
        last.desired === last.current &&
        last.current === current &&
        missedAt - last.at >= MIN_SYNC_PERIOD_MS
      ) {
        const sampled = [...(sync.samples ?? [])].reverse().find((sample) => sample.at <= missedAt);
        const inputs = sampled ? samplesOf(sampled.pods, sampled.podMetrics, missedAt) : last.pods;
        const missed = run.autoscaler.decide(missedAt, last.current, inputs);
        inferred.push({
          at: missedAt,
          kind: 'unchanged',
          desiredReplicas: missed.desiredReplicas,
          held: current,
        });
      }
    }

    const pods = samplesOf(sync.pods, sync.podMetrics, at);
    const own = run.autoscaler.decide(at, current, pods);
    run.syncs += 1;
    this.last = { at, current, desired: decision.desiredReplicas, pods };
    const matches = own.desiredReplicas === decision.desiredReplicas;
    return {
      ...decision,
      // The HPA's headline stays; a reconstruction that differs is said where the headline is read.
      reason: matches
        ? decision.reason
        : `${decision.reason}; Scaledeck's reconstruction gives ${own.desiredReplicas}: they differ`,
      inputs: own.inputs,
      ...(own.trace ? { trace: own.trace } : {}),
      reconstruction: {
        decidedBy: 'hpa',
        desiredReplicas: own.desiredReplicas,
        recommendation: own.recommendation,
        limitedBy: own.limitedBy,
        matches,
        spec: run.spec,
        historySince: run.since,
        observedSyncs: run.syncs,
        inferred,
      },
    };
  }

  /** The autoscaler for this spec: a new one, with no history, when the spec changed. */
  private runFor(spec: AutoscalerSpec, at: number): Run {
    const key = JSON.stringify(spec);
    if (this.run?.key !== key) {
      this.run = { key, spec, autoscaler: new HorizontalAutoscaler(spec), since: at, syncs: 0 };
      this.last = null;
    }
    return this.run;
  }
}
