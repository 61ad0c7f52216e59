/**
 * The metrics an autoscaler can scale on besides today's CPU, and how several are combined.
 *
 * Pure: the per-metric proposals follow Kubernetes' replica_calculator.go (calcPlainMetricReplicas
 * for a Pods metric with an AverageValue target, GetObjectMetricReplicas for an Object metric with
 * a Value target) and the combination follows horizontal.go computeReplicasForMetrics: one
 * proposal per metric, the largest wins, and a metric that cannot be read blocks a scale-down.
 * CPU's own proposal stays in autoscaler.ts (GetResourceReplicas), unchanged.
 */
import { z } from 'zod';

import type { PodSample } from './autoscaler.ts';

export const METRIC_NAMES = ['cpu', 'rpsPerReplica', 'p95LatencyMs'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/**
 * One metric and its target: CPU % of each replica's limit (Resource, Utilization), requests per
 * second per replica (Pods, AverageValue), the API's p95 latency in ms (Object, Value).
 */
export interface AutoscalerMetric {
  metric: MetricName;
  target: number;
}

/** Readings that belong to the API as a whole rather than to one replica (Object metrics). */
export interface ObjectMetrics {
  /** The API's p95 request latency in ms; absent = could not be read. */
  p95LatencyMs?: number;
}

const TARGET_HINT: Record<MetricName, string> = {
  cpu: 'a whole percent of each replica’s CPU limit, between 1 and 100',
  rpsPerReplica: 'requests per second each replica should serve, above 0',
  p95LatencyMs: 'the p95 latency in milliseconds to hold the API under, above 0',
};

const metricSchema = z.strictObject({
  metric: z.enum(METRIC_NAMES, `must be one of ${METRIC_NAMES.join(', ')}`),
  target: z.number('must be a number').finite('must be a finite number'),
});

/**
 * The one schema of a metrics list, used by the contract, the autoscaler, the stored state and
 * the recording. Each message names the fix.
 */
export const autoscalerMetricsSchema = z
  .array(metricSchema, 'must be a list of metrics, e.g. [{ "metric": "rpsPerReplica", "target": 50 }]')
  .min(1, `must list at least one metric (${METRIC_NAMES.join(', ')}); leave it out to scale on CPU only`)
  .superRefine((metrics, ctx) => {
    const seen = new Set<MetricName>();
    metrics.forEach((entry, i) => {
      if (seen.has(entry.metric)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'metric'],
          message: `${entry.metric} is listed twice; list each metric once`,
        });
      }
      seen.add(entry.metric);
      const wholePercent = Number.isInteger(entry.target) && entry.target <= 100;
      if (entry.target <= 0 || (entry.metric === 'cpu' && !wholePercent)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'target'],
          message: `must be ${TARGET_HINT[entry.metric]}`,
        });
      }
    });
  });

/** The metrics a spec scales on: its list, or CPU alone (every spec written before lists existed). */
export function metricsInEffect(spec: {
  targetCpuUtilizationPercent: number;
  metrics?: AutoscalerMetric[] | undefined;
}): AutoscalerMetric[] {
  return spec.metrics ?? [{ metric: 'cpu', target: spec.targetCpuUtilizationPercent }];
}

/** One metric's part of a sync: what was read, the target, and the count it proposes. */
export interface MetricProposal {
  metric: MetricName;
  target: number;
  /** CPU %, requests/s per counted replica, or p95 ms; null when it could not be read. */
  value: number | null;
  /** null: the metric could not be read this sync (error says why). */
  replicas: number | null;
  withinTolerance: boolean;
  error?: string;
  /** Replicas whose values the proposal averaged (Pods metrics), or the ready count it multiplied (Object). */
  counted?: number;
  /** Pods metrics: the replicas filled in before recomputing, as calcPlainMetricReplicas does. */
  rebalanced?: { missingFilledWith: number | null; unreadyFilledWith: number | null; value: number };
}

export interface MetricsTrace {
  proposals: MetricProposal[];
  /** The metric whose proposal was taken; null when none could be (all unreadable, or a scale-down blocked). */
  winner: MetricName | null;
  /** Set when an unreadable metric kept the count (computeReplicasForMetrics' error path). */
  blocked?: 'allUnreadable' | 'scaleDown';
}

const MILLI = 1000;

/** resource.Quantity.MilliValue() rounds up; the epsilon keeps 0.1 × 1000 from becoming 101. */
function milli(value: number): number {
  return Math.ceil(value * MILLI - 1e-6);
}

function within(ratio: number, tolerance: number): boolean {
  return 1 - tolerance <= ratio && ratio <= 1 + tolerance;
}

/**
 * calcPlainMetricReplicas() for requests/s per replica. Unlike CPU's grouping, a replica that is
 * running but not ready still counts when it has a value (readiness is only checked for CPU);
 * only pending ones are unready, and a missing replica is filled with the target on a scale-down.
 */
export function podsMetricProposal(
  currentReplicas: number,
  target: number,
  pods: PodSample[],
  tolerance: number,
): MetricProposal {
  const base = { metric: 'rpsPerReplica' as const, target };
  const values: number[] = [];
  let unready = 0;
  let missing = 0;
  for (const pod of pods) {
    if (pod.terminating) continue;
    if (pod.pending) unready += 1;
    else if (pod.requestsPerSecond === undefined) missing += 1;
    else values.push(milli(pod.requestsPerSecond));
  }
  if (values.length === 0) {
    return {
      ...base,
      value: null,
      replicas: null,
      withinTolerance: false,
      error: 'no requests-per-second value from any running replica',
    };
  }
  const targetMilli = milli(target);
  // GetMetricUsageRatio: an integer average of milli-values.
  const average = (list: number[]) => Math.trunc(list.reduce((sum, v) => sum + v, 0) / list.length);
  const usage = average(values);
  const ratio = usage / targetMilli;
  const value = usage / MILLI;
  const counted = values.length;
  const scaleUpWithUnready = unready > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing === 0) {
    if (within(ratio, tolerance))
      return { ...base, value, replicas: currentReplicas, withinTolerance: true, counted };
    return { ...base, value, replicas: Math.ceil(ratio * counted), withinTolerance: false, counted };
  }
  const filled = [...values];
  let missingFilledWith: number | null = null;
  if (missing > 0 && ratio !== 1) {
    missingFilledWith = ratio < 1 ? targetMilli : 0;
    for (let i = 0; i < missing; i++) filled.push(missingFilledWith);
  }
  if (scaleUpWithUnready) for (let i = 0; i < unready; i++) filled.push(0);
  const newRatio = average(filled) / targetMilli;
  const rebalanced = {
    missingFilledWith: missingFilledWith === null ? null : missingFilledWith / MILLI,
    unreadyFilledWith: scaleUpWithUnready ? 0 : null,
    value: average(filled) / MILLI,
  };
  const flipped = (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1);
  if (within(newRatio, tolerance) || flipped) {
    return { ...base, value, replicas: currentReplicas, withinTolerance: true, counted, rebalanced };
  }
  // Unlike GetResourceReplicas, the plain-metric path has no "wrong direction" check.
  return {
    ...base,
    value,
    replicas: Math.ceil(newRatio * filled.length),
    withinTolerance: false,
    counted: filled.length,
    rebalanced,
  };
}

/**
 * GetObjectMetricReplicas() + getUsageRatioReplicaCount() for the API's p95 latency: one value
 * for the whole API, multiplied by the replicas that are running and ready (not the grouped pods).
 */
export function objectMetricProposal(
  currentReplicas: number,
  target: number,
  p95LatencyMs: number | undefined,
  pods: PodSample[],
  tolerance: number,
): MetricProposal {
  const base = { metric: 'p95LatencyMs' as const, target };
  if (p95LatencyMs === undefined) {
    return {
      ...base,
      value: null,
      replicas: null,
      withinTolerance: false,
      error: 'the API’s p95 latency could not be read from Prometheus',
    };
  }
  const usage = milli(p95LatencyMs);
  const ratio = usage / milli(target);
  const value = usage / MILLI;
  if (within(ratio, tolerance)) return { ...base, value, replicas: currentReplicas, withinTolerance: true };
  const ready = pods.filter((pod) => pod.ready && !pod.pending).length;
  return { ...base, value, replicas: Math.ceil(ratio * ready), withinTolerance: false, counted: ready };
}

/**
 * computeReplicasForMetrics(): the largest proposal wins (the first one on a tie); an unreadable
 * metric is an error when every metric is unreadable or when the others would scale down, and
 * the HPA then keeps the count without stabilizing.
 */
export function combineProposals(
  proposals: MetricProposal[],
  currentReplicas: number,
): {
  replicas: number | null;
  trace: MetricsTrace;
} {
  let replicas = 0;
  let winner: MetricName | null = null;
  let invalid = 0;
  for (const proposal of proposals) {
    if (proposal.replicas === null) {
      invalid += 1;
      continue;
    }
    if (replicas === 0 || proposal.replicas > replicas) {
      replicas = proposal.replicas;
      winner = proposal.metric;
    }
  }
  if (invalid >= proposals.length) {
    return { replicas: null, trace: { proposals, winner: null, blocked: 'allUnreadable' } };
  }
  if (invalid > 0 && replicas < currentReplicas) {
    return { replicas: null, trace: { proposals, winner: null, blocked: 'scaleDown' } };
  }
  return { replicas, trace: { proposals, winner } };
}

const LABEL: Record<MetricName, string> = { cpu: 'CPU', rpsPerReplica: 'rps/replica', p95LatencyMs: 'p95' };

const num = (value: number) => String(Number(value.toFixed(1)));

function valueText(p: MetricProposal): string {
  if (p.value === null) return 'unreadable';
  if (p.metric === 'cpu') return `${num(p.value)} % of ${num(p.target)} %`;
  if (p.metric === 'p95LatencyMs') return `${num(p.value)} of ${num(p.target)} ms`;
  return `${num(p.value)} of ${num(p.target)}`;
}

/** "rps/replica 84 of 50 → 4, CPU 31 % of 50 % → 2, p95 40 of 200 ms → 1: rps won". */
export function proposalsText(trace: MetricsTrace, currentReplicas: number): string {
  const parts = trace.proposals.map(
    (p) => `${LABEL[p.metric]} ${valueText(p)}${p.replicas === null ? '' : ` → ${p.replicas}`}`,
  );
  let verdict: string;
  if (trace.blocked === 'allUnreadable') verdict = 'no metric could be read, keeping the count';
  else if (trace.blocked === 'scaleDown') {
    const unreadable = trace.proposals.filter((p) => p.replicas === null).map((p) => LABEL[p.metric]);
    verdict = `${unreadable.join(' and ')} could not be read and the others point below ${currentReplicas}: no scale-down`;
  } else verdict = `${trace.winner === null ? 'none' : shortName(trace.winner)} won`;
  return `${parts.join(', ')}: ${verdict}`;
}

export function shortName(metric: MetricName): string {
  return metric === 'rpsPerReplica' ? 'rps' : LABEL[metric];
}
