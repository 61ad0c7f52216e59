/**
 * The explanation's numbers, from hand-worked rows: each row runs the real HorizontalAutoscaler
 * and compares the written-out arithmetic with the derivation in its comment.
 */
import { describe, expect, it } from 'vitest';
import { HorizontalAutoscaler, type AutoscalerSpec, type PodSample } from '../autoscaler.ts';
import { explainDecision, markMismatch, type DecisionExplanation } from './explain.ts';

const T0 = 1_000_000_000_000;
const HOUR = 3_600_000;
const pod = (name: string, cpu: number | undefined, extra: Partial<PodSample> = {}): PodSample => ({
  name,
  ready: true,
  startedAt: T0 - HOUR,
  ...(cpu === undefined ? {} : { cpuUtilizationPercent: cpu }),
  ...extra,
});
const spec = (over: Partial<AutoscalerSpec> = {}): AutoscalerSpec => ({
  minReplicas: 2,
  maxReplicas: 10,
  targetCpuUtilizationPercent: 50,
  profile: 'kubernetes',
  ...over,
});
const step = (explanation: DecisionExplanation | null, kind: string) =>
  explanation?.steps.find((entry) => entry.kind === kind)?.text;

describe('explainDecision', () => {
  it('writes out the formula, tolerance, windows, policies, clamp and result of a scale-up', () => {
    const hpa = new HorizontalAutoscaler(spec());
    const explained = explainDecision(hpa.decide(T0, 3, [pod('a', 90), pod('b', 90), pod('c', 90)]));
    // avg 90 %, 3 × 1.8 = 5.4 → 6; |1.8 − 1| = 0.8 beyond the 0.1 band.
    expect(step(explained, 'formula')).toBe(
      'avg(90, 90, 90) = 90 % on 3 ready replicas: ceil(3 × 90 % / 50 %) = ceil(5.4) = 6',
    );
    expect(step(explained, 'tolerance')).toBe('|90/50 − 1| = 0.8 > 0.1');
    expect(step(explained, 'stabilization')).toBe(
      'scale-up window 0 s: [6 (now)] → lowest 6; scale-down window 300 s: [6 (now)] → highest 6; ' +
        'recommendation 6, current 3 → kept 6',
    );
    // 3 doubled is 6, 3 + 4 is 7: Max picks 7.
    expect(step(explained, 'rate')).toBe(
      'scale-up policies (selectPolicy Max): max(+100 % of 3 = 6, +4 pods = 7) per 15 s → at most 7',
    );
    expect(step(explained, 'clamp')).toBe('min/max [2, 10]: within');
    expect(step(explained, 'result')).toBe('3 → 6');
    expect(explained?.inputs.every((input) => input.counted)).toBe(true);
  });

  it('names the policy that limited a scale-up', () => {
    const hpa = new HorizontalAutoscaler(spec({ targetCpuUtilizationPercent: 20 }));
    const explained = explainDecision(hpa.decide(T0, 2, [pod('a', 100), pod('b', 100)]));
    // ratio 5 → ceil(10) = 10; policies: 2 × 2 = 4, 2 + 4 = 6 → at most 6.
    expect(step(explained, 'formula')).toContain('ceil(2 × 100 % / 20 %) = ceil(10) = 10');
    expect(step(explained, 'rate')).toContain('max(+100 % of 2 = 4, +4 pods = 6) per 15 s → at most 6');
    expect(step(explained, 'result')).toBe('2 → 6 (limited by scaleUpPolicy)');
  });

  it('shows a step inside the tolerance', () => {
    const hpa = new HorizontalAutoscaler(spec());
    const explained = explainDecision(hpa.decide(T0, 2, [pod('a', 54), pod('b', 56)]));
    // avg 55 %: 55/50 = 1.1, on the edge of the band (inclusive).
    expect(step(explained, 'tolerance')).toBe(
      '|55/50 − 1| = 0.1 ≤ 0.1: within the tolerance, the count stays',
    );
    expect(step(explained, 'result')).toBe('keep 2 (limited by tolerance)');
  });

  it('shows the conservative re-computation for a pod without metrics and one not ready', () => {
    const hpa = new HorizontalAutoscaler(spec());
    const decision = hpa.decide(T0, 4, [
      pod('a', 90),
      pod('b', 90),
      pod('c', undefined),
      pod('d', 10, { ready: false, startedAt: T0 - 10_000 }),
    ]);
    const explained = explainDecision(decision);
    // ready avg 90 % → ratio 1.8 (> 1): missing c counts 0 %, unready d counts 0 %;
    // avg(90, 90, 0, 0) = 45 %, 45/50 = 0.9 → inside the band: the count stays.
    expect(explained?.inputs).toEqual([
      { name: 'a', cpuUtilizationPercent: 90, counted: true },
      { name: 'b', cpuUtilizationPercent: 90, counted: true },
      { name: 'c', counted: false, leftOut: 'missing metrics' },
      {
        name: 'd',
        cpuUtilizationPercent: 10,
        counted: false,
        leftOut: 'not ready, inside the CPU initialization period',
      },
    ]);
    expect(step(explained, 'conservative')).toBe(
      'conservative re-computation for a scale-up (1 without metrics counted at 0 %, 1 not ready counted at 0 %): ' +
        'avg(90, 90, 0, 0) = 45 %, ceil(4 × 45 % / 50 %) = ceil(3.6) = 4; ' +
        '|45/50 − 1| = 0.1 ≤ 0.1: within the tolerance, the count stays',
    );
    expect(decision.desiredReplicas).toBe(4);
  });

  it('uses the conservative recommendation when it stays beyond the band', () => {
    const hpa = new HorizontalAutoscaler(spec());
    const explained = explainDecision(hpa.decide(T0, 3, [pod('a', 90), pod('b', 90), pod('c', undefined)]));
    // avg(90, 90, 0) = 60 %, ratio 1.2: ceil(3 × 1.2) = ceil(3.6) = 4.
    expect(step(explained, 'conservative')).toBe(
      'conservative re-computation for a scale-up (1 without metrics counted at 0 %): ' +
        'avg(90, 90, 0) = 60 %, ceil(3 × 60 % / 50 %) = ceil(3.6) = 4; |60/50 − 1| = 0.2 > 0.1; recommendation 4',
    );
    expect(step(explained, 'result')).toBe('3 → 4');
  });

  it('lists the recommendations in the scale-down window and the one kept', () => {
    const hpa = new HorizontalAutoscaler(spec({ minReplicas: 1 }));
    const four = (cpu: number) => ['a', 'b', 'c', 'd'].map((name) => pod(name, cpu));
    hpa.decide(T0, 4, four(50));
    // 20 % on 4: ceil(4 × 0.4) = ceil(1.6) = 2; the window still holds 4 from 15 s ago.
    const explained = explainDecision(hpa.decide(T0 + 15_000, 4, four(20)));
    expect(step(explained, 'stabilization')).toBe(
      'scale-up window 0 s: [2 (now)] → lowest 2; scale-down window 300 s: [4 (-15 s), 2 (now)] → highest 4; ' +
        'recommendation 2, current 4 → kept 4',
    );
    expect(step(explained, 'result')).toBe('keep 4 (limited by scaleDownStabilization)');
  });

  it('shows the max clamp after the policies', () => {
    const hpa = new HorizontalAutoscaler(spec({ maxReplicas: 5 }));
    const explained = explainDecision(hpa.decide(T0, 3, [pod('a', 100), pod('b', 100), pod('c', 100)]));
    // ceil(3 × 2) = 6; the policies allow 7; maxReplicas 5 cuts it.
    expect(step(explained, 'clamp')).toBe('min/max [2, 5]: clamped to maxReplicas 5');
    expect(step(explained, 'result')).toBe('3 → 5 (limited by max)');
  });

  it('says why terminating and never-ready pods were left out, and explains a guard', () => {
    const hpa = new HorizontalAutoscaler(spec());
    const explained = explainDecision(
      hpa.decide(T0, 2, [pod('a', undefined, { terminating: true }), pod('b', undefined, { pending: true })]),
    );
    expect(explained?.inputs.map((input) => input.leftOut)).toEqual([
      'terminating',
      'not running yet (pending)',
    ]);
    expect(step(explained, 'guard')).toBe('no ready replica has a CPU metric: the count stays');
    expect(step(explained, 'result')).toBe('keep 2 (limited by noMetrics)');
  });

  it('gives nothing for a decision without a trace (the real HPA on Kubernetes)', () => {
    const decision = new HorizontalAutoscaler(spec()).decide(T0, 2, [pod('a', 50), pod('b', 50)]);
    delete decision.trace;
    expect(explainDecision(decision)).toBeNull();
  });
});

describe('markMismatch', () => {
  it('adds a step when the reconstruction differs from the recorded count, and nothing when it agrees', () => {
    const hpa = new HorizontalAutoscaler(spec());
    const explained = explainDecision(hpa.decide(T0, 2, [pod('a', 50), pod('b', 50)]));
    if (!explained) throw new Error('no explanation');
    expect(markMismatch(explained, 2)).toBe(explained);
    expect(step(markMismatch(explained, 3), 'mismatch')).toBe(
      'the recording says 3; this reconstruction gives 2',
    );
  });
});
