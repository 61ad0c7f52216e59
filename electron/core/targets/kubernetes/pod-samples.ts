/**
 * A Kubernetes pod and its metrics.k8s.io sample as the autoscaler's PodSample: the fields the
 * HPA controller's groupPods() reads (phase, deletion, the Ready condition and its transition
 * time, the start time, the metric's timestamp and window). Pure, so the Kubernetes target and the
 * real-controller comparison test share one reading of a pod.
 */
import type { PodSample } from '../../autoscaler.ts';

/** Watch events carry times as strings; typed list calls make Dates. */
type Time = string | Date;

/** The parts of a v1 Pod the conversion reads. */
export interface PodForSample {
  metadata: { name: string; deletionTimestamp?: Time };
  status?: {
    phase?: string;
    startTime?: Time;
    conditions?: { type: string; status: string; lastTransitionTime?: Time }[];
  };
}

/** A pod with its containers' CPU requests, for the utilization its metric stands for. */
export interface PodWithRequests extends PodForSample {
  spec?: { containers: { resources?: { requests?: { cpu?: string | number } } }[] };
}

/** The parts of a metrics.k8s.io PodMetrics the conversion reads. */
export interface PodMetricsForSample {
  metadata: { name: string };
  timestamp: string;
  window: string;
  containers: { usage: { cpu?: string } }[];
}

/** A pod's CPU sample: its utilization of the CPU request and the metric's timestamp and window. */
export interface PodCpuMetric {
  cpuUtilizationPercent: number;
  /** epoch ms (metrics.k8s.io `timestamp`) */
  at: number;
  /** ms (metrics.k8s.io `window`) */
  windowMs: number;
}

const ms = (time: Time | undefined): number | undefined =>
  time === undefined ? undefined : time instanceof Date ? time.getTime() : Date.parse(time);

const SUFFIX: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1, '': 1000, k: 1e6, M: 1e9, G: 1e12 };

/**
 * A CPU quantity in millicores rounded up, as resource.Quantity's MilliValue() does (the HPA's
 * metrics client reads usage that way: 12345678n is 13m). null when it cannot be read.
 */
export function cpuMilliValue(quantity: string | number | undefined): number | null {
  if (quantity === undefined) return null;
  if (typeof quantity === 'number') return Math.ceil(quantity * 1000 - 1e-9);
  const match = /^([0-9.]+(?:[eE][+-]?[0-9]+)?)([numkMG]?)$/.exec(quantity.trim());
  const value = match ? Number(match[1]) : NaN;
  if (!match || !Number.isFinite(value)) return null;
  // The epsilon absorbs float noise such as 0.1 × 1000 = 100.00000000000001.
  return Math.ceil(value * (SUFFIX[match[2] ?? ''] ?? 0) - 1e-9);
}

const DURATION_UNIT: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 1e-3,
  µs: 1e-3,
  ns: 1e-6,
};

/** A Go duration (metrics.k8s.io `window`: "15s", "1m0s", "10.5s", "500ms") in ms; null if unreadable. */
export function goDurationMs(text: string): number | null {
  const parts = [...text.matchAll(/([0-9.]+)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return null;
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * (DURATION_UNIT[unit ?? ''] ?? NaN), 0);
}

/**
 * A pod's CPU metric as the HPA reads it: the containers' usage summed in whole millicores (a
 * container without CPU usage makes the whole pod "missing"), over the containers' requests
 * summed (a container without a request leaves the pod without a utilization, where the HPA
 * refuses to compute at all).
 */
export function podCpuMetric(
  pod: PodWithRequests,
  metrics: PodMetricsForSample | undefined,
): PodCpuMetric | undefined {
  if (metrics === undefined || metrics.containers.length === 0) return undefined;
  let usage = 0;
  for (const container of metrics.containers) {
    const milli = cpuMilliValue(container.usage.cpu);
    if (milli === null) return undefined;
    usage += milli;
  }
  let request = 0;
  for (const container of pod.spec?.containers ?? []) {
    const milli = cpuMilliValue(container.resources?.requests?.cpu);
    if (milli === null) return undefined;
    request += milli;
  }
  const at = Date.parse(metrics.timestamp);
  const windowMs = goDurationMs(metrics.window);
  if (request <= 0 || !Number.isFinite(at) || windowMs === null) return undefined;
  return { cpuUtilizationPercent: (usage * 100) / request, at, windowMs };
}

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
