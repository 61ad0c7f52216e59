/**
 * A Kubernetes pod and its metrics.k8s.io sample as the autoscaler's PodSample: the fields the
 * HPA controller's groupPods() reads (phase, deletion, the Ready condition and its transition
 * time, the start time, the metric's timestamp and window). Pure, so the Kubernetes target and the
 * real-controller comparison test share one reading of a pod.
 */
import type { PodSample } from '../../autoscaler.ts';

/** The parts of a v1 Pod the conversion reads. */
export interface PodForSample {
  metadata: { name: string; deletionTimestamp?: string };
  status?: {
    phase?: string;
    startTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
}

/** A pod's CPU sample: its utilization of the CPU request and the metric's timestamp and window. */
export interface PodCpuMetric {
  cpuUtilizationPercent: number;
  /** epoch ms (metrics.k8s.io `timestamp`) */
  at: number;
  /** ms (metrics.k8s.io `window`) */
  windowMs: number;
}

const ms = (time: string | undefined): number | undefined =>
  time === undefined ? undefined : Date.parse(time);

/**
 * `observedAt` stands in for a missing start time: the controller counts a pod without a start
 * time or a Ready condition as unready, which a not-ready sample that started now also is.
 */
export function podSampleFromPod(
  pod: PodForSample,
  metric: PodCpuMetric | undefined,
  observedAt: number,
): PodSample {
  const status = pod.status ?? {};
  const readyCondition = status.conditions?.find((c) => c.type === 'Ready');
  const started = ms(status.startTime);
  const transition = ms(readyCondition?.lastTransitionTime);
  const ready = readyCondition?.status === 'True' && started !== undefined;
  const sample: PodSample = { name: pod.metadata.name, ready, startedAt: started ?? observedAt };
  if (ready && transition !== undefined) sample.readySince = transition;
  if (!ready && readyCondition !== undefined && transition !== undefined) sample.notReadySince = transition;
  // groupPods() ignores deleted and failed pods alike.
  if (pod.metadata.deletionTimestamp !== undefined || status.phase === 'Failed') sample.terminating = true;
  if (status.phase === 'Pending') sample.pending = true;
  if (metric !== undefined) {
    sample.cpuUtilizationPercent = metric.cpuUtilizationPercent;
    sample.metricAt = metric.at;
    sample.metricWindowMs = metric.windowMs;
  }
  return sample;
}
