/**
 * A scaling decision written out as the arithmetic the HPA did: which replicas counted and which
 * were left out (and why), the formula with its numbers, the tolerance check, the conservative
 * re-computation, the stabilization windows, the rate policies and the min/max clamp.
 *
 * Pure: it reads the trace that HorizontalAutoscaler.decide() reports and never recomputes a
 * decision, so an explanation cannot disagree with the count that was applied. Where the real HPA
 * decided, the trace is Scaledeck's reconstruction: its arithmetic ends in its own count, and a
 * last step says whether the HPA's agrees, in plain words when it does not.
 */
import type {
  DecisionReconstruction,
  DecisionTrace,
  PodGroupReason,
  ScaleDecision,
  TracePolicy,
  TraceRate,
  TraceWindow,
} from '../autoscaler.ts';
import { proposalsText, type MetricProposal, type MetricsTrace } from '../autoscaler-metrics.ts';

export type ExplanationStepKind =
  | 'guard'
  | 'formula'
  | 'tolerance'
  | 'conservative'
  | 'stabilization'
  | 'rate'
  | 'clamp'
  | 'result'
  | 'reconstruction'
  | 'mismatch';

export interface ExplanationStep {
  kind: ExplanationStepKind;
  text: string;
}

export interface ExplainedInput {
  name: string;
  cpuUtilizationPercent?: number;
  counted: boolean;
  /** Why it was left out; absent when it counted. */
  leftOut?: string;
}

export interface DecisionExplanation {
  at: number;
  currentReplicas: number;
  desiredReplicas: number;
  limitedBy: ScaleDecision['limitedBy'];
  inputs: ExplainedInput[];
  steps: ExplanationStep[];
  /** Where another controller decided (the real HPA): Scaledeck's count and whether it agrees. */
  reconstruction?: { desiredReplicas: number; matches: boolean };
}

const LEFT_OUT: Record<Exclude<PodGroupReason, 'counted'>, string> = {
  terminating: 'terminating',
  pending: 'not running yet (pending)',
  missingMetric: 'missing metrics',
  notReady: 'not ready, inside the CPU initialization period',
  initializing: 'inside the CPU initialization period (its sample began before it was ready)',
  neverReady: 'not ready (it never became ready)',
};

/** Up to three decimals, no trailing zeros: 5.4, 0.8, 6. */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(3)));
}

const pct = (value: number) => `${formatNumber(value)} %`;

function withinBand(ratio: number, tolerance: number): boolean {
  // The same comparison as the autoscaler's, not |r - 1| <= t, whose float noise can differ.
  return 1 - tolerance <= ratio && ratio <= 1 + tolerance;
}

function toleranceText(utilization: number, target: number, tolerance: number): string {
  const ratio = utilization / target;
  const distance = Math.abs(ratio - 1);
  const inside = withinBand(ratio, tolerance);
  return (
    `|${formatNumber(utilization)}/${formatNumber(target)} − 1| = ${formatNumber(distance)} ` +
    `${inside ? '≤' : '>'} ${formatNumber(tolerance)}` +
    (inside ? ': within the tolerance, the count stays' : '')
  );
}

function explainCalculation(trace: DecisionTrace, decision: ScaleDecision, steps: ExplanationStep[]): void {
  const calc = trace.calculation;
  if (!calc) return;
  const target = decision.targetUtilizationPercent;
  const ready = calc.usage.length;
  const avg =
    calc.usage.length > 1
      ? `avg(${calc.usage.map(formatNumber).join(', ')}) = ${pct(calc.utilization)}`
      : `${pct(calc.utilization)}`;
  const raw = (calc.utilization / target) * ready;
  steps.push({
    kind: 'formula',
    text:
      `${avg} on ${ready} ready replica${ready === 1 ? '' : 's'}: ` +
      `ceil(${ready} × ${pct(calc.utilization)} / ${pct(target)}) = ceil(${formatNumber(raw)}) = ${Math.ceil(raw)}`,
  });
  const rebalanced = calc.rebalanced;
  if (!rebalanced) {
    steps.push({ kind: 'tolerance', text: toleranceText(calc.utilization, target, trace.tolerance) });
    return;
  }
  const fills: string[] = [];
  const missing = trace.pods.filter((pod) => pod.group === 'missing').length;
  const unready = trace.pods.filter((pod) => pod.group === 'unready').length;
  if (rebalanced.missingFilledWith !== null)
    fills.push(`${missing} without metrics counted at ${pct(rebalanced.missingFilledWith)}`);
  else if (missing > 0) fills.push(`${missing} without metrics left out (the ratio is exactly 1)`);
  if (rebalanced.unreadyFilledWith !== null)
    fills.push(`${unready} not ready counted at ${pct(rebalanced.unreadyFilledWith)}`);
  else if (unready > 0) fills.push(`${unready} not ready left out (no scale-up to hold back)`);
  const direction = calc.usageRatio > 1 ? 'scale-up' : 'scale-down';
  const newRaw = rebalanced.usageRatio * rebalanced.values.length;
  let text =
    `conservative re-computation for a ${direction} (${fills.join(', ')}): ` +
    `avg(${rebalanced.values.map(formatNumber).join(', ')}) = ${pct(rebalanced.utilization)}, ` +
    `ceil(${rebalanced.values.length} × ${pct(rebalanced.utilization)} / ${pct(target)}) = ` +
    `ceil(${formatNumber(newRaw)}) = ${rebalanced.replicas}; ` +
    toleranceText(rebalanced.utilization, target, trace.tolerance);
  if (rebalanced.outcome === 'flipped') text += `; the ratio flipped to the other side of 1: the count stays`;
  else if (rebalanced.outcome === 'wrongDirection')
    text += `; ${rebalanced.replicas} would move against the ${direction}: the count stays`;
  else if (rebalanced.outcome === 'used') text += `; recommendation ${rebalanced.replicas}`;
  steps.push({ kind: 'conservative', text });
}

/** The arithmetic of a traffic metric's proposal (CPU's is explainCalculation's). */
function proposalStep(p: MetricProposal, current: number, tolerance: number): ExplanationStep {
  const name = p.metric === 'rpsPerReplica' ? 'rps/replica' : 'p95';
  const unit = p.metric === 'rpsPerReplica' ? '' : ' ms';
  if (p.value === null || p.replicas === null)
    return { kind: 'formula', text: `${name}: ${p.error ?? 'could not be read'}` };
  const counted = p.counted ?? 0;
  const where =
    p.metric === 'rpsPerReplica'
      ? `avg over ${counted} replica${counted === 1 ? '' : 's'}`
      : `${counted} ready`;
  const product = (p.value / p.target) * counted;
  // Three decimals would print a tiny ratio as ceil(0) = 1; keep two significant digits there.
  const raw = product > 0 && product < 0.001 ? Number(product.toPrecision(2)) : product;
  let text = `${name} ${formatNumber(p.value)}${unit} of ${formatNumber(p.target)}${unit} (${where}): `;
  if (p.rebalanced) {
    const fills = [
      p.rebalanced.missingFilledWith === null
        ? null
        : `missing counted at ${formatNumber(p.rebalanced.missingFilledWith)}`,
      p.rebalanced.unreadyFilledWith === null ? null : `pending counted at 0`,
    ].filter((part) => part !== null);
    text += `conservatively (${fills.join(', ')}) ${formatNumber(p.rebalanced.value)}; `;
  }
  if (p.withinTolerance)
    text += `${toleranceText(p.rebalanced?.value ?? p.value, p.target, tolerance)} → ${current}`;
  else if (p.rebalanced)
    text += `ceil(${counted} × ${formatNumber(p.rebalanced.value)} / ${formatNumber(p.target)}) = ${p.replicas}`;
  else
    text += `ceil(${counted} × ${formatNumber(p.value)} / ${formatNumber(p.target)}) = ceil(${product === raw ? formatNumber(raw) : String(raw)}) = ${p.replicas}`;
  return { kind: 'formula', text };
}

/** "rps/replica 84 of 50 → 4, CPU 31 % of 50 % → 2, p95 40 of 200 ms → 1: rps won, scaling 2 → 4". */
export function metricsLine(metrics: MetricsTrace, current: number, desired: number): string {
  const outcome = desired === current ? `keeping ${current}` : `scaling ${current} → ${desired}`;
  return `${proposalsText(metrics, current)}, ${outcome}`;
}

function windowText(window: TraceWindow, at: number, up: boolean): string {
  const recs = window.recommendations
    .map((rec) =>
      rec.at === at ? `${rec.value} (now)` : `${rec.value} (${formatNumber((rec.at - at) / 1000)} s)`,
    )
    .join(', ');
  return (
    `${up ? 'scale-up' : 'scale-down'} window ${window.windowSeconds} s: [${recs}] → ` +
    `${up ? 'lowest' : 'highest'} ${window.bound}`
  );
}

function policyText(entry: TracePolicy, direction: 'up' | 'down', samePeriod: boolean): string {
  const sign = direction === 'up' ? '+' : '−';
  const { policy } = entry;
  const amount =
    policy.type === 'Percent'
      ? `${sign}${policy.value} % of ${entry.periodStart}`
      : `${sign}${policy.value} pod${policy.value === 1 ? '' : 's'}`;
  return `${amount} = ${entry.limit}${samePeriod ? '' : ` per ${policy.periodSeconds} s`}`;
}

function rateText(rate: TraceRate, current: number): string {
  const name = rate.direction === 'up' ? 'scale-up' : 'scale-down';
  if (rate.selectPolicy === 'Disabled')
    return `${name} disabled (selectPolicy Disabled): stays at ${current}`;
  const periods = new Set(rate.policies.map((entry) => entry.policy.periodSeconds));
  const samePeriod = periods.size === 1;
  const pickHighest = (rate.direction === 'up') === (rate.selectPolicy === 'Max');
  const parts = rate.policies.map((entry) => policyText(entry, rate.direction, samePeriod));
  const picked =
    parts.length === 1 ? (parts[0] ?? '') : `${pickHighest ? 'max' : 'min'}(${parts.join(', ')})`;
  const period = samePeriod ? ` per ${[...periods][0]} s` : '';
  const bound = rate.direction === 'up' ? 'at most' : 'at least';
  const selected = rate.selected?.limit;
  const note =
    selected !== undefined && selected !== rate.limit ? ` (never past the current ${current})` : '';
  return `${name} policies (selectPolicy ${rate.selectPolicy}): ${picked}${period} → ${bound} ${rate.limit}${note}`;
}

const GUARD_TEXT: Record<
  NonNullable<DecisionTrace['guard']>,
  (d: ScaleDecision, t: DecisionTrace) => string
> = {
  zeroReplicas: () => 'the replica count is 0: autoscaling is inactive',
  aboveMax: (d, t) =>
    `${d.currentReplicas} replicas is above maxReplicas ${t.maxReplicas}: set to ${t.maxReplicas}`,
  belowMin: (d, t) =>
    `${d.currentReplicas} replicas is below minReplicas ${t.minReplicas}: set to ${t.minReplicas}`,
  noMetrics: () => 'no ready replica has a CPU metric: the count stays',
};

function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

/** Where the reconstruction's numbers come from, so nobody takes them for the HPA's own. */
function provenance(r: DecisionReconstruction): string {
  const inferred = r.inferred.map((sync) =>
    sync.kind === 'initial'
      ? `the controller's first recommendation (the current ${sync.held}) filled in`
      : `a sync that left the HPA's status unchanged (${clock(sync.at)} UTC) filled in from the last inputs` +
        (sync.desiredReplicas === sync.held
          ? ''
          : `, where Scaledeck gives ${sync.desiredReplicas} against the HPA's ${sync.held}`),
  );
  return (
    `a reconstruction from what Scaledeck observed: the pods and their metrics read when the HPA's new ` +
    `status arrived, a moment after its sync; windows and policies from the ${r.observedSyncs} ` +
    `sync${r.observedSyncs === 1 ? '' : 's'} seen since ${clock(r.historySince)} UTC` +
    (inferred.length > 0 ? `; ${inferred.join('; ')}` : '')
  );
}

function reconstructionStep(decision: ScaleDecision, r: DecisionReconstruction): ExplanationStep {
  const hpa = decision.desiredReplicas;
  return r.matches
    ? { kind: 'reconstruction', text: `the HPA decided ${hpa} too: they agree (${provenance(r)})` }
    : {
        kind: 'mismatch',
        text: `Scaledeck's reconstruction: ${r.desiredReplicas}, the HPA decided ${hpa} — they differ (${provenance(r)})`,
      };
}

/** The explanation of one decision; null when the decision carries no trace (e.g. the real HPA's). */
export function explainDecision(decision: ScaleDecision): DecisionExplanation | null {
  const trace = decision.trace;
  if (!trace) return null;
  const r = decision.reconstruction;
  // The arithmetic is the reconstruction's own, up to its own result; the HPA's count follows it.
  const own: ScaleDecision = r
    ? {
        ...decision,
        desiredReplicas: r.desiredReplicas,
        recommendation: r.recommendation,
        limitedBy: r.limitedBy,
      }
    : decision;
  const inputs: ExplainedInput[] = trace.pods.map((pod) => ({
    name: pod.name,
    ...(pod.cpuUtilizationPercent === undefined ? {} : { cpuUtilizationPercent: pod.cpuUtilizationPercent }),
    counted: pod.reason === 'counted',
    ...(pod.reason === 'counted' ? {} : { leftOut: LEFT_OUT[pod.reason] }),
  }));
  const steps: ExplanationStep[] = [];
  const current = own.currentReplicas;
  if (trace.guard && trace.guard !== 'noMetrics') {
    steps.push({ kind: 'guard', text: GUARD_TEXT[trace.guard](own, trace) });
  } else {
    explainCalculation(trace, own, steps);
    const metrics = trace.metrics;
    if (metrics) {
      for (const p of metrics.proposals)
        if (p.metric !== 'cpu') steps.push(proposalStep(p, current, trace.tolerance));
      // The one line that says which metric decided (kind formula: the card has no other slot).
      steps.push({ kind: 'formula', text: metricsLine(metrics, current, own.desiredReplicas) });
    } else if (trace.guard === 'noMetrics')
      steps.push({ kind: 'guard', text: GUARD_TEXT.noMetrics(own, trace) });
    const stab = trace.stabilization;
    if (stab) {
      steps.push({
        kind: 'stabilization',
        text:
          `${windowText(stab.up, own.at, true)}; ${windowText(stab.down, own.at, false)}; ` +
          `recommendation ${own.recommendation}, current ${current} → kept ${stab.stabilized}`,
      });
    }
    if (trace.rate) steps.push({ kind: 'rate', text: rateText(trace.rate, current) });
    if (stab) {
      const range = `[${trace.minReplicas}, ${trace.maxReplicas}]`;
      steps.push({
        kind: 'clamp',
        text: trace.clamp
          ? `min/max ${range}: clamped to ${trace.clamp.bound}Replicas ${trace.clamp.value}`
          : `min/max ${range}: within`,
      });
    }
  }
  const change = own.desiredReplicas === current ? `keep ${current}` : `${current} → ${own.desiredReplicas}`;
  steps.push({
    kind: 'result',
    text:
      `${r ? "Scaledeck's reconstruction: " : ''}${change}` +
      `${own.limitedBy === 'none' ? '' : ` (limited by ${own.limitedBy})`}`,
  });
  if (r) steps.push(reconstructionStep(decision, r));
  return {
    at: decision.at,
    currentReplicas: current,
    desiredReplicas: decision.desiredReplicas,
    limitedBy: decision.limitedBy,
    inputs,
    steps,
    ...(r ? { reconstruction: { desiredReplicas: r.desiredReplicas, matches: r.matches } } : {}),
  };
}

/**
 * Marks an explanation whose decision differs from the count recorded for that sync (a replay of
 * a recording trimmed by its bound starts its windows without their history): shown, never hidden.
 */
export function markMismatch(explanation: DecisionExplanation, recordedDesired: number): DecisionExplanation {
  if (explanation.desiredReplicas === recordedDesired) return explanation;
  return {
    ...explanation,
    steps: [
      ...explanation.steps,
      {
        kind: 'mismatch',
        text: `the recording says ${recordedDesired}; this reconstruction gives ${explanation.desiredReplicas}`,
      },
    ],
  };
}

/** The explanation as lines of text for a terminal. */
export function explanationLines(explanation: DecisionExplanation): string[] {
  const lines = [
    `${new Date(explanation.at).toISOString()}  ${explanation.currentReplicas} → ${explanation.desiredReplicas}`,
  ];
  for (const input of explanation.inputs) {
    const cpu = input.cpuUtilizationPercent === undefined ? 'no metric' : pct(input.cpuUtilizationPercent);
    lines.push(`  ${input.name}: ${cpu}${input.counted ? '' : ` — left out: ${input.leftOut ?? ''}`}`);
  }
  for (const step of explanation.steps) lines.push(`  ${step.kind}: ${step.text}`);
  return lines;
}
