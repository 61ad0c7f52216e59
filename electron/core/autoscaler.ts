/**
 * Scaledeck's HorizontalPodAutoscaler for targets without a native one (the Docker target).
 *
 * Pure logic, no I/O: the caller samples CPU per replica, calls decide() every syncPeriodMs and
 * applies desiredReplicas. It follows Kubernetes' autoscaling/v2 controller
 * (pkg/controller/podautoscaler: replica_calculator.go GetResourceReplicas + groupPods, and
 * horizontal.go normalizeDesiredReplicasWithBehaviors) including its float and integer rounding,
 * so a replay of the same samples gives the same replica counts as a real cluster would.
 */
import { z } from 'zod';

import {
  PROFILES,
  effectiveBehavior,
  type AutoscalerProfile,
  type HpaBehavior,
  type HpaBehaviorInput,
  type ProfileSettings,
  type ScalingPolicy,
} from './autoscaler-profiles.ts';
import {
  autoscalerMetricsSchema,
  combineProposals,
  objectMetricProposal,
  podsMetricProposal,
  proposalsText,
  type AutoscalerMetric,
  type MetricProposal,
  type MetricsTrace,
  type ObjectMetrics,
} from './autoscaler-metrics.ts';
import type { DecisionExplanation } from './decisions/explain.ts';

// The profiles and behavior types live apart so the renderer can read them without zod.
export * from './autoscaler-profiles.ts';

export interface AutoscalerSpec {
  minReplicas: number;
  maxReplicas: number;
  targetCpuUtilizationPercent: number;
  profile: AutoscalerProfile;
  behavior?: HpaBehaviorInput;
  /**
   * The metrics to scale on, largest proposal wins; absent = CPU alone at
   * targetCpuUtilizationPercent (every spec written before lists existed reads that way).
   */
  metrics?: AutoscalerMetric[];
}

export interface PodSample {
  name: string;
  ready: boolean;
  /** epoch ms */
  startedAt: number;
  /** epoch ms of the last transition to ready */
  readySince?: number;
  /** of its CPU limit/request; undefined = metric missing */
  cpuUtilizationPercent?: number;
  terminating?: boolean;
  /** Not running yet (Kubernetes' Pending phase): treated as unready even without a metric. */
  pending?: boolean;
  /** epoch ms of the last transition to not ready; when absent a not-ready pod counts as never ready. */
  notReadySince?: number;
  /** epoch ms at which the CPU sample ends; defaults to `now`. */
  metricAt?: number;
  /** Length of the CPU sample window; defaults to the profile's metricWindowSeconds. */
  metricWindowMs?: number;
  /** Requests per second it served (read only when rpsPerReplica is in use); undefined = missing. */
  requestsPerSecond?: number;
}

export type LimitedBy =
  | 'none'
  | 'tolerance'
  | 'min'
  | 'max'
  | 'scaleUpPolicy'
  | 'scaleDownPolicy'
  | 'scaleUpStabilization'
  | 'scaleDownStabilization'
  | 'noMetrics';

export interface ScaleDecision {
  at: number;
  profile: AutoscalerProfile;
  currentReplicas: number;
  desiredReplicas: number;
  /** before stabilization/policies/clamps */
  recommendation: number;
  averageUtilizationPercent: number | null;
  targetUtilizationPercent: number;
  usageRatio: number | null;
  /** human sentence */
  reason: string;
  /** The full text behind `reason` where it was shortened (the HPA's condition messages). */
  detail?: string;
  limitedBy: LimitedBy;
  inputs: { pods: PodSample[]; readyWithMetrics: number; missingMetrics: number; notReady: number };
  /** Every intermediate number of the sync, so that it can be explained (decisions/explain.ts). */
  trace?: DecisionTrace;
  /** The decision's arithmetic, written out (attached by the controller). */
  explanation?: DecisionExplanation;
  /**
   * Set where another controller decided (the real HPA on Kubernetes): Scaledeck's own run of
   * this algorithm over what it observed. `trace` and `inputs` are then that run's.
   */
  reconstruction?: DecisionReconstruction;
}

/** Scaledeck's reconstruction of a decision someone else made, and whether it agrees. */
export interface DecisionReconstruction {
  /** Who decided: the decision's own desiredReplicas is theirs. */
  decidedBy: 'hpa';
  desiredReplicas: number;
  recommendation: number;
  limitedBy: LimitedBy;
  /** desiredReplicas equals the decision's; false is shown, never smoothed over. */
  matches: boolean;
  /** The spec it ran with (read from the HPA), as the recording stores it. */
  spec: AutoscalerSpec;
  /** When its window and policy history starts: it began observing, or the spec changed. */
  historySince: number;
  /** The decider's syncs it has seen since then, this one included. */
  observedSyncs: number;
  /**
   * Syncs it filled in before this one without seeing them: the controller's first recommendation
   * (the current count), or a sync that left the HPA's status unchanged, so no event came.
   */
  inferred: { at: number; kind: 'initial' | 'unchanged'; desiredReplicas: number; held: number }[];
}

/** Where a pod went in groupPods(), and why. */
export type PodGroup = 'ready' | 'unready' | 'missing' | 'ignored';
export type PodGroupReason =
  'counted' | 'terminating' | 'pending' | 'missingMetric' | 'notReady' | 'initializing' | 'neverReady';

export interface PodVerdict {
  name: string;
  group: PodGroup;
  reason: PodGroupReason;
  cpuUtilizationPercent?: number;
}

export interface TraceCalculation {
  /** CPU % of the ready pods with metrics, in input order. */
  usage: number[];
  utilization: number;
  usageRatio: number;
  /** Set when missing or unready pods made the HPA recompute conservatively. */
  rebalanced?: {
    missingFilledWith: number | null;
    unreadyFilledWith: number | null;
    values: number[];
    utilization: number;
    usageRatio: number;
    /** ceil(usageRatio × values.length), computed even when not used. */
    replicas: number;
    outcome: 'used' | 'withinTolerance' | 'flipped' | 'wrongDirection';
  };
  replicas: number;
  withinTolerance: boolean;
}

export interface TraceWindow {
  windowSeconds: number;
  /** The recommendations inside the window, this sync's last. */
  recommendations: { at: number; value: number }[];
  /** min (scale-up) or max (scale-down) of them. */
  bound: number;
}

export interface TracePolicy {
  policy: ScalingPolicy;
  /** Replicas at the start of the policy's period (now minus the changes made within it). */
  periodStart: number;
  limit: number;
}

export interface TraceRate {
  direction: 'up' | 'down';
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: TracePolicy[];
  /** The selected policy's limit, never past the current count. */
  limit: number;
  selected: TracePolicy | null;
}

export interface DecisionTrace {
  tolerance: number;
  minReplicas: number;
  maxReplicas: number;
  pods: PodVerdict[];
  guard?: 'zeroReplicas' | 'aboveMax' | 'belowMin' | 'noMetrics';
  calculation?: TraceCalculation;
  stabilization?: { up: TraceWindow; down: TraceWindow; stabilized: number };
  rate?: TraceRate;
  /** Set when min/max changed the count after the policies. */
  clamp?: { bound: 'min' | 'max'; value: number };
  /** Set when the spec lists its metrics: each one's proposal and which won. */
  metrics?: MetricsTrace;
}

/** Bad spec or decide() input; `field` names the offending field (dotted path). */
export class AutoscalerInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'AutoscalerInputError';
    this.field = field;
  }
}

// Ranges follow the autoscaling/v2 API validation: a window of 0..3600 s, a period of 1..1800 s,
// a value above 0, and at least one policy per direction (even Disabled: the API refuses an empty
// list). The messages name the allowed range so an error is its own fix.
const WINDOW_RANGE = 'must be between 0 and 3600 seconds';
const PERIOD_RANGE = 'must be between 1 and 1800 seconds';

const policySchema = z.strictObject({
  type: z.enum(['Pods', 'Percent'], 'must be Pods or Percent'),
  value: z.int('must be a whole number, at least 1').min(1, 'must be at least 1'),
  periodSeconds: z.int(`${PERIOD_RANGE} (a whole number)`).min(1, PERIOD_RANGE).max(1800, PERIOD_RANGE),
});

const rulesInputSchema = z
  .strictObject({
    stabilizationWindowSeconds: z
      .int(`${WINDOW_RANGE} (a whole number)`)
      .min(0, WINDOW_RANGE)
      .max(3600, WINDOW_RANGE),
    selectPolicy: z.enum(['Max', 'Min', 'Disabled'], 'must be Max, Min or Disabled'),
    policies: z
      .array(policySchema, 'must be a list of policies')
      .min(1, 'must list at least one policy (Kubernetes requires one even when selectPolicy is Disabled)'),
  })
  .partial();

/**
 * The one schema of an HPA behavior as callers send it: each direction, and each field of it,
 * optional (effectiveBehavior fills the rest from the profile). The contract reuses it.
 */
export const hpaBehaviorInputSchema = z.strictObject({
  scaleUp: rulesInputSchema.optional(),
  scaleDown: rulesInputSchema.optional(),
});

const specSchema = z
  .object({
    minReplicas: z.number().int().min(1),
    maxReplicas: z.number().int().min(1),
    targetCpuUtilizationPercent: z.number().int().positive(),
    profile: z.enum(['kubernetes', 'demo']),
    behavior: hpaBehaviorInputSchema.optional(),
    metrics: autoscalerMetricsSchema.optional(),
  })
  .strict()
  .refine((spec) => spec.maxReplicas >= spec.minReplicas, {
    message: 'must be greater than or equal to minReplicas',
    path: ['maxReplicas'],
  })
  .superRefine((spec, ctx) => {
    // One CPU target: the list's CPU entry and targetCpuUtilizationPercent must agree.
    const i = spec.metrics?.findIndex((m) => m.metric === 'cpu') ?? -1;
    const cpu = spec.metrics?.[i];
    if (cpu && cpu.target !== spec.targetCpuUtilizationPercent) {
      ctx.addIssue({
        code: 'custom',
        path: ['metrics', i, 'target'],
        message: `differs from targetCpuUtilizationPercent ${spec.targetCpuUtilizationPercent}; give the CPU target once`,
      });
    }
  });

function firstIssue(error: z.ZodError): AutoscalerInputError {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  // An unknown key is reported by zod on the parent object; name the key itself.
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return new AutoscalerInputError(path ? `${path}.${key}` : key, 'unknown field');
  }
  return new AutoscalerInputError(path || 'spec', issue?.message ?? 'invalid');
}

/** Validates a spec and returns it with the profile's behavior filled in for missing rules. */
export function validateAutoscalerSpec(input: unknown): AutoscalerSpec & { behavior: HpaBehavior } {
  const parsed = specSchema.safeParse(input);
  if (!parsed.success) throw firstIssue(parsed.error);
  const spec = parsed.data;
  return { ...spec, behavior: effectiveBehavior(spec.profile, spec.behavior) };
}

/** A PodSample's fields, checked the same where decide() reads one and where a recording stores one. */
export const podSampleShape = {
  name: z.string().min(1),
  ready: z.boolean(),
  startedAt: z.number().finite(),
  readySince: z.number().finite().optional(),
  cpuUtilizationPercent: z.number().finite().min(0).optional(),
  terminating: z.boolean().optional(),
  pending: z.boolean().optional(),
  notReadySince: z.number().finite().optional(),
  metricAt: z.number().finite().optional(),
  metricWindowMs: z.number().finite().min(0).optional(),
  requestsPerSecond: z.number().finite().min(0).optional(),
};

const podSampleSchema = z.object(podSampleShape);

const decideInputSchema = z.object({
  now: z.number().finite(),
  currentReplicas: z.number().int().min(0),
  pods: z.array(podSampleSchema),
  objects: z.strictObject({ p95LatencyMs: z.number().finite().min(0).optional() }),
});

interface PodGroups {
  ready: PodSample[];
  unready: PodSample[];
  missing: PodSample[];
  verdicts: PodVerdict[];
}

interface ReplicaCalculation {
  /** null when no ready pod has a metric: Kubernetes refuses to scale then. */
  replicas: number | null;
  withinTolerance: boolean;
  utilization: number | null;
  usageRatio: number | null;
  trace?: TraceCalculation;
}

interface TimedCount {
  at: number;
  value: number;
}

const SECOND = 1000;

export class HorizontalAutoscaler {
  readonly spec: AutoscalerSpec & { behavior: HpaBehavior };
  readonly settings: ProfileSettings;
  /** Unstabilized recommendations, newest last (Kubernetes' a.recommendations). */
  private recommendations: TimedCount[] = [];
  private scaleUpEvents: TimedCount[] = [];
  private scaleDownEvents: TimedCount[] = [];
  /** The trace of the sync in progress; filled by the steps as they run. */
  private trace: DecisionTrace | null = null;

  constructor(spec: AutoscalerSpec) {
    this.spec = validateAutoscalerSpec(spec);
    this.settings = PROFILES[this.spec.profile];
  }

  get syncPeriodMs(): number {
    return this.settings.syncPeriodSeconds * SECOND;
  }

  get label(): string {
    return this.settings.label;
  }

  /**
   * One sync of the controller. The caller is expected to apply desiredReplicas: a change is
   * recorded as a scale event and counts against the rate policies of the next decisions.
   */
  decide(
    now: number,
    currentReplicas: number,
    pods: PodSample[],
    objects: ObjectMetrics = {},
  ): ScaleDecision {
    const parsed = decideInputSchema.safeParse({ now, currentReplicas, pods, objects });
    if (!parsed.success) throw firstIssue(parsed.error);

    const { minReplicas, maxReplicas, targetCpuUtilizationPercent: target, metrics } = this.spec;
    const cpuOn = metrics === undefined || metrics.some((m) => m.metric === 'cpu');
    const groups = this.groupPods(now, pods);
    const cpu = this.calculateReplicas(currentReplicas, groups);
    // With CPU off its numbers stay out of the decision, so nothing reads as if it had counted.
    const calc: ReplicaCalculation = cpuOn
      ? cpu
      : { replicas: null, withinTolerance: false, utilization: null, usageRatio: null };
    const trace: DecisionTrace = {
      tolerance: this.settings.tolerance,
      minReplicas,
      maxReplicas,
      pods: groups.verdicts,
      ...(calc.trace ? { calculation: calc.trace } : {}),
    };
    this.trace = trace;
    const base = {
      at: now,
      profile: this.spec.profile,
      currentReplicas,
      averageUtilizationPercent: calc.utilization,
      targetUtilizationPercent: target,
      usageRatio: calc.usageRatio,
      inputs: {
        pods: pods.map((pod) => ({ ...pod })),
        readyWithMetrics: groups.ready.length,
        missingMetrics: groups.missing.length,
        notReady: groups.unready.length,
      },
    };
    const multi = metrics ? this.proposeForEach(metrics, currentReplicas, pods, objects, cpu) : null;
    if (multi) trace.metrics = multi.trace;
    const observed = multi
      ? proposalsText(multi.trace, currentReplicas)
      : describeObservation(calc, groups, target);
    const proposed = multi
      ? { replicas: multi.replicas, withinTolerance: multi.withinTolerance }
      : { replicas: calc.replicas, withinTolerance: calc.withinTolerance };

    // The three guards come before any metric in horizontal.go's reconcileAutoscaler.
    if (currentReplicas === 0) {
      trace.guard = 'zeroReplicas';
      return this.finish(
        base,
        currentReplicas,
        0,
        'none',
        'autoscaling is inactive while the replica count is 0',
      );
    }
    if (currentReplicas > maxReplicas) {
      trace.guard = 'aboveMax';
      return this.finish(
        base,
        currentReplicas,
        maxReplicas,
        'max',
        `${currentReplicas} replicas is above maxReplicas ${maxReplicas}`,
      );
    }
    if (currentReplicas < minReplicas) {
      trace.guard = 'belowMin';
      return this.finish(
        base,
        currentReplicas,
        minReplicas,
        'min',
        `${currentReplicas} replicas is below minReplicas ${minReplicas}`,
      );
    }
    if (proposed.replicas === null) {
      trace.guard = 'noMetrics';
      return this.finish(
        base,
        currentReplicas,
        currentReplicas,
        'noMetrics',
        `${observed}: keeping the count`,
      );
    }

    const recommendation = proposed.replicas;
    const stabilized = this.stabilize(now, currentReplicas, recommendation);
    const limited = this.applyRateAndBounds(now, currentReplicas, stabilized);
    const desired = limited.replicas;

    let limitedBy: LimitedBy = 'none';
    let limitText = '';
    if (limited.by !== 'none') {
      limitedBy = limited.by;
      limitText = limited.text;
    } else if (stabilized !== recommendation) {
      limitedBy = recommendation > currentReplicas ? 'scaleUpStabilization' : 'scaleDownStabilization';
      limitText = this.stabilizationText(recommendation > currentReplicas);
    } else if (proposed.withinTolerance) {
      limitedBy = 'tolerance';
    }

    let sentence = multi ? observed : `${observed} -> ${recommendation}`;
    if (proposed.withinTolerance)
      sentence += ` (within the ${Math.round(this.settings.tolerance * 100)}% tolerance)`;
    if (limitText) sentence += `, limited to ${desired} by ${limitText}`;
    if (limited.by !== 'none' && stabilized !== recommendation) {
      sentence += ` after ${this.stabilizationText(recommendation > currentReplicas)} gave ${stabilized}`;
    }
    const decision = this.finish({ ...base, recommendation }, currentReplicas, desired, limitedBy, sentence);
    return decision;
  }

  /** One proposal per listed metric, combined as computeReplicasForMetrics does. */
  private proposeForEach(
    metrics: AutoscalerMetric[],
    currentReplicas: number,
    pods: PodSample[],
    objects: ObjectMetrics,
    cpu: ReplicaCalculation,
  ): { replicas: number | null; withinTolerance: boolean; trace: MetricsTrace } {
    const tolerance = this.settings.tolerance;
    const proposals = metrics.map((m): MetricProposal => {
      if (m.metric === 'rpsPerReplica') return podsMetricProposal(currentReplicas, m.target, pods, tolerance);
      if (m.metric === 'p95LatencyMs')
        return objectMetricProposal(currentReplicas, m.target, objects.p95LatencyMs, pods, tolerance);
      return {
        metric: 'cpu',
        target: m.target,
        value: cpu.utilization,
        replicas: cpu.replicas,
        withinTolerance: cpu.withinTolerance,
        ...(cpu.replicas === null ? { error: 'no CPU metrics from any ready replica' } : {}),
      };
    });
    const combined = combineProposals(proposals, currentReplicas);
    const won = proposals.find((p) => p.metric === combined.trace.winner);
    return { ...combined, withinTolerance: won?.withinTolerance ?? false };
  }

  private finish(
    base: Omit<ScaleDecision, 'desiredReplicas' | 'recommendation' | 'reason' | 'limitedBy'> & {
      recommendation?: number;
    },
    current: number,
    desired: number,
    limitedBy: LimitedBy,
    sentence: string,
  ): ScaleDecision {
    if (desired !== current) this.storeScaleEvent(base.at, current, desired);
    const outcome = desired === current ? `keeping ${current}` : `scaling ${current} -> ${desired}`;
    const trace = this.trace;
    this.trace = null;
    return {
      ...base,
      recommendation: base.recommendation ?? desired,
      desiredReplicas: desired,
      limitedBy,
      reason: `${sentence}; ${outcome}`,
      ...(trace ? { trace } : {}),
    };
  }

  /** groupPods() for the CPU resource. Terminating pods count nowhere. */
  private groupPods(now: number, pods: PodSample[]): PodGroups {
    const groups: PodGroups = { ready: [], unready: [], missing: [], verdicts: [] };
    const verdict = (pod: PodSample, group: PodGroup, reason: PodGroupReason) =>
      groups.verdicts.push({
        name: pod.name,
        group,
        reason,
        ...(pod.cpuUtilizationPercent === undefined
          ? {}
          : { cpuUtilizationPercent: pod.cpuUtilizationPercent }),
      });
    const initPeriodMs = this.settings.cpuInitializationPeriodSeconds * SECOND;
    const readinessDelayMs = this.settings.initialReadinessDelaySeconds * SECOND;
    for (const pod of pods) {
      if (pod.terminating) {
        verdict(pod, 'ignored', 'terminating');
        continue;
      }
      if (pod.pending) {
        groups.unready.push(pod);
        verdict(pod, 'unready', 'pending');
        continue;
      }
      // A pod without a metric is "missing" whatever its readiness, as in Kubernetes.
      if (pod.cpuUtilizationPercent === undefined) {
        groups.missing.push(pod);
        verdict(pod, 'missing', 'missingMetric');
        continue;
      }
      let why: PodGroupReason = 'counted';
      const lastTransition = pod.ready
        ? (pod.readySince ?? pod.startedAt)
        : (pod.notReadySince ?? pod.startedAt);
      let unready: boolean;
      if (pod.startedAt + initPeriodMs > now) {
        // Still possibly initializing: its CPU burst would mislead, so trust only a sample taken
        // entirely after it became ready.
        const metricAt = pod.metricAt ?? now;
        const windowMs = pod.metricWindowMs ?? this.settings.metricWindowSeconds * SECOND;
        unready = !pod.ready || metricAt < lastTransition + windowMs;
        if (unready) why = pod.ready ? 'initializing' : 'notReady';
      } else {
        // Past initialization only a pod that never became ready is ignored.
        unready = !pod.ready && pod.startedAt + readinessDelayMs > lastTransition;
        if (unready) why = 'neverReady';
      }
      (unready ? groups.unready : groups.ready).push(pod);
      verdict(pod, unready ? 'unready' : 'ready', why);
    }
    return groups;
  }

  /** GetResourceReplicas() once the pods are grouped. */
  private calculateReplicas(currentReplicas: number, groups: PodGroups): ReplicaCalculation {
    const target = this.spec.targetCpuUtilizationPercent;
    if (groups.ready.length === 0) {
      return { replicas: null, withinTolerance: false, utilization: null, usageRatio: null };
    }
    const usage = groups.ready.map((pod) => pod.cpuUtilizationPercent ?? 0);
    const utilization = truncatedAverage(usage);
    const usageRatio = utilization / target;
    let rebalancedTrace: TraceCalculation['rebalanced'];
    const result = (replicas: number, withinTolerance: boolean): ReplicaCalculation => ({
      replicas,
      withinTolerance,
      utilization,
      usageRatio,
      trace: {
        usage,
        utilization,
        usageRatio,
        replicas,
        withinTolerance,
        ...(rebalancedTrace ? { rebalanced: rebalancedTrace } : {}),
      },
    });

    const scaleUpWithUnready = groups.unready.length > 0 && usageRatio > 1;
    if (!scaleUpWithUnready && groups.missing.length === 0) {
      if (this.withinTolerance(usageRatio)) return result(currentReplicas, true);
      return result(Math.ceil(usageRatio * groups.ready.length), false);
    }

    // Fill the gaps pessimistically for the direction of the change, then recompute.
    const rebalanced = [...usage];
    let missingFilledWith: number | null = null;
    if (groups.missing.length > 0) {
      if (usageRatio < 1) {
        const fallback = Math.max(100, target);
        missingFilledWith = fallback;
        for (let i = 0; i < groups.missing.length; i++) rebalanced.push(fallback);
      } else if (usageRatio > 1) {
        missingFilledWith = 0;
        for (let i = 0; i < groups.missing.length; i++) rebalanced.push(0);
      }
    }
    if (scaleUpWithUnready) {
      for (let i = 0; i < groups.unready.length; i++) rebalanced.push(0);
    }
    const newUtilization = truncatedAverage(rebalanced);
    const newUsageRatio = newUtilization / target;
    const newReplicas = Math.ceil(newUsageRatio * rebalanced.length);
    const rebalancedAs = (outcome: NonNullable<TraceCalculation['rebalanced']>['outcome']) => {
      rebalancedTrace = {
        missingFilledWith,
        unreadyFilledWith: scaleUpWithUnready ? 0 : null,
        values: rebalanced,
        utilization: newUtilization,
        usageRatio: newUsageRatio,
        replicas: newReplicas,
        outcome,
      };
    };
    const flipped = (usageRatio < 1 && newUsageRatio > 1) || (usageRatio > 1 && newUsageRatio < 1);
    if (this.withinTolerance(newUsageRatio) || flipped) {
      rebalancedAs(this.withinTolerance(newUsageRatio) ? 'withinTolerance' : 'flipped');
      return result(currentReplicas, true);
    }

    if (
      (newUsageRatio < 1 && newReplicas > currentReplicas) ||
      (newUsageRatio > 1 && newReplicas < currentReplicas)
    ) {
      rebalancedAs('wrongDirection');
      return result(currentReplicas, true);
    }
    rebalancedAs('used');
    return result(newReplicas, false);
  }

  private withinTolerance(usageRatio: number): boolean {
    const tolerance = this.settings.tolerance;
    return 1 - tolerance <= usageRatio && usageRatio <= 1 + tolerance;
  }

  /** stabilizeRecommendationWithBehaviors(): min over the up window, max over the down window. */
  private stabilize(now: number, current: number, recommendation: number): number {
    const upCutoff = now - this.spec.behavior.scaleUp.stabilizationWindowSeconds * SECOND;
    const downCutoff = now - this.spec.behavior.scaleDown.stabilizationWindowSeconds * SECOND;
    let upRecommendation = recommendation;
    let downRecommendation = recommendation;
    const inUp: TimedCount[] = [];
    const inDown: TimedCount[] = [];
    for (const rec of this.recommendations) {
      if (rec.at > upCutoff) {
        upRecommendation = Math.min(rec.value, upRecommendation);
        inUp.push({ ...rec });
      }
      if (rec.at > downCutoff) {
        downRecommendation = Math.max(rec.value, downRecommendation);
        inDown.push({ ...rec });
      }
    }
    let stabilized = current;
    if (stabilized < upRecommendation) stabilized = upRecommendation;
    if (stabilized > downRecommendation) stabilized = downRecommendation;
    if (this.trace) {
      const latest = { at: now, value: recommendation };
      this.trace.stabilization = {
        up: {
          windowSeconds: this.spec.behavior.scaleUp.stabilizationWindowSeconds,
          recommendations: [...inUp, latest],
          bound: upRecommendation,
        },
        down: {
          windowSeconds: this.spec.behavior.scaleDown.stabilizationWindowSeconds,
          recommendations: [...inDown, latest],
          bound: downRecommendation,
        },
        stabilized,
      };
    }

    // Kubernetes recycles samples older than both windows; dropping them is the same thing.
    const oldest = Math.min(upCutoff, downCutoff);
    this.recommendations = this.recommendations.filter((rec) => rec.at >= oldest);
    this.recommendations.push({ at: now, value: recommendation });
    return stabilized;
  }

  private stabilizationText(up: boolean): string {
    const rules = up ? this.spec.behavior.scaleUp : this.spec.behavior.scaleDown;
    return up
      ? `scale-up stabilization (lowest recommendation in the last ${rules.stabilizationWindowSeconds}s)`
      : `scale-down stabilization (highest recommendation in the last ${rules.stabilizationWindowSeconds}s)`;
  }

  /** convertDesiredReplicasWithBehaviorRate(): rate policies, then min/max. */
  private applyRateAndBounds(
    now: number,
    current: number,
    desired: number,
  ): { replicas: number; by: LimitedBy; text: string } {
    const { minReplicas, maxReplicas } = this.spec;
    const trace = this.trace;
    if (desired > current) {
      const limit = this.scaleLimit(now, current, 'up');
      const scaleUpLimit = Math.max(limit.replicas, current);
      if (trace?.rate) trace.rate.limit = scaleUpLimit;
      if (maxReplicas > scaleUpLimit) {
        if (desired > scaleUpLimit) return { replicas: scaleUpLimit, by: 'scaleUpPolicy', text: limit.text };
      } else if (desired > maxReplicas) {
        if (trace) trace.clamp = { bound: 'max', value: maxReplicas };
        return { replicas: maxReplicas, by: 'max', text: `maxReplicas ${maxReplicas}` };
      }
    } else if (desired < current) {
      const limit = this.scaleLimit(now, current, 'down');
      const scaleDownLimit = Math.min(limit.replicas, current);
      if (trace?.rate) trace.rate.limit = scaleDownLimit;
      if (minReplicas < scaleDownLimit) {
        if (desired < scaleDownLimit)
          return { replicas: scaleDownLimit, by: 'scaleDownPolicy', text: limit.text };
      } else if (desired < minReplicas) {
        if (trace) trace.clamp = { bound: 'min', value: minReplicas };
        return { replicas: minReplicas, by: 'min', text: `minReplicas ${minReplicas}` };
      }
    }
    return { replicas: desired, by: 'none', text: '' };
  }

  /**
   * calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors: the furthest
   * count the policies allow, counted from the replicas at the start of each policy's period.
   */
  private scaleLimit(
    now: number,
    current: number,
    direction: 'up' | 'down',
  ): { replicas: number; text: string } {
    const rules = direction === 'up' ? this.spec.behavior.scaleUp : this.spec.behavior.scaleDown;
    const name = direction === 'up' ? 'scale-up' : 'scale-down';
    const rate: TraceRate = {
      direction,
      selectPolicy: rules.selectPolicy,
      policies: [],
      limit: current,
      selected: null,
    };
    if (this.trace) this.trace.rate = rate;
    if (rules.selectPolicy === 'Disabled')
      return { replicas: current, text: `${name} (disabled by selectPolicy)` };
    // For scale-up "Max" means the biggest allowed count; for scale-down it means the smallest.
    const pickHighest = (direction === 'up') === (rules.selectPolicy === 'Max');
    let best: { replicas: number; policy: ScalingPolicy } | null = null;
    for (const policy of rules.policies) {
      const added = changeWithin(this.scaleUpEvents, now, policy.periodSeconds);
      const removed = changeWithin(this.scaleDownEvents, now, policy.periodSeconds);
      const periodStart = current - added + removed;
      let proposed: number;
      if (direction === 'up') {
        proposed =
          policy.type === 'Pods'
            ? periodStart + policy.value
            : // Rounded up so that a small percentage still allows one more replica.
              Math.ceil(periodStart * (1 + policy.value / 100));
      } else {
        proposed =
          policy.type === 'Pods'
            ? periodStart - policy.value
            : Math.trunc(periodStart * (1 - policy.value / 100));
      }
      const traced: TracePolicy = { policy: { ...policy }, periodStart, limit: proposed };
      rate.policies.push(traced);
      if (best === null || (pickHighest ? proposed > best.replicas : proposed < best.replicas)) {
        best = { replicas: proposed, policy };
        rate.selected = traced;
      }
    }
    if (best === null) return { replicas: current, text: `${name} policy (none configured)` };
    const { policy } = best;
    const amount = policy.type === 'Percent' ? `Percent ${policy.value}` : `Pods ${policy.value}`;
    return { replicas: best.replicas, text: `${name} policy ${amount}/${policy.periodSeconds}s` };
  }

  private storeScaleEvent(at: number, previous: number, next: number): void {
    const up = next > previous;
    // Both lists feed both limits, so keep events as long as the longest period of either side.
    const periods = [...this.spec.behavior.scaleUp.policies, ...this.spec.behavior.scaleDown.policies];
    const longest = Math.max(0, ...periods.map((policy) => policy.periodSeconds));
    const cutoff = at - longest * SECOND;
    const keep = (events: TimedCount[]) => events.filter((event) => event.at >= cutoff);
    if (up) {
      this.scaleUpEvents = [...keep(this.scaleUpEvents), { at, value: next - previous }];
    } else {
      this.scaleDownEvents = [...keep(this.scaleDownEvents), { at, value: previous - next }];
    }
  }
}

/** Replicas changed strictly inside the last periodSeconds (getReplicasChangePerPeriod). */
function changeWithin(events: TimedCount[], now: number, periodSeconds: number): number {
  const cutoff = now - periodSeconds * SECOND;
  let total = 0;
  for (const event of events) if (event.at > cutoff) total += event.value;
  return total;
}

/**
 * Kubernetes computes utilization as an integer percentage (int32(usage*100/request)), which
 * matters at the edges of the tolerance band; the epsilon absorbs float noise such as 69.99999.
 */
function truncatedAverage(values: number[]): number {
  const sum = values.reduce((total, value) => total + value, 0);
  return Math.floor(sum / values.length + 1e-9);
}

function describeObservation(calc: ReplicaCalculation, groups: PodGroups, target: number): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const extras: string[] = [];
  if (groups.missing.length > 0) extras.push(`${groups.missing.length} without metrics`);
  if (groups.unready.length > 0) extras.push(`${groups.unready.length} not ready`);
  const extra = extras.length > 0 ? ` (${extras.join(', ')})` : '';
  if (calc.utilization === null) {
    return `no CPU metrics from any ready replica${extra}`;
  }
  return `CPU ${calc.utilization}% of ${target}% target on ${plural(groups.ready.length, 'ready replica')}${extra}`;
}
