/**
 * Replay: the recorded settings reproduce the recorded decisions exactly (recorded by running the
 * real HorizontalAutoscaler over the reference traces), and other settings give the hand-worked
 * what-if below, with its load model and summary.
 */
import { describe, expect, it } from 'vitest';
import { HorizontalAutoscaler, type AutoscalerSpec, type PodSample } from '../autoscaler.ts';
import { REFERENCE_TRACES, toPodSample } from '../../test-support/autoscaler-reference.ts';
import { DecisionRecorder, parseRecording, type Recording } from './recording.ts';
import { recordedStartupMs, replay } from './replay.ts';

const T0 = Date.UTC(2026, 0, 1);

/** Runs the real autoscaler over (at, current, pods) rows, as the controller does, recording each sync. */
function record(
  spec: AutoscalerSpec,
  rows: { at: number; current?: number; pods: PodSample[] }[],
): Recording {
  const recorder = new DecisionRecorder('docker');
  const hpa = new HorizontalAutoscaler(spec);
  let current: number | null = null;
  for (const row of rows) {
    const count: number = row.current ?? current ?? row.pods.length;
    const decision = hpa.decide(row.at, count, row.pods);
    recorder.record({
      at: row.at,
      spec,
      currentReplicas: count,
      pods: row.pods,
      desiredReplicas: decision.desiredReplicas,
    });
    current = decision.desiredReplicas;
  }
  return recorder.recording();
}

describe('replay with the recorded settings', () => {
  for (const trace of REFERENCE_TRACES) {
    it(`reproduces every decision: ${trace.name}`, () => {
      const rows = trace.rows.map((row) => ({
        at: T0 + row.at * 1000,
        current: row.current,
        pods: row.pods.map((pod) => toPodSample(pod, T0)),
      }));
      const recording = record(trace.spec, rows);
      // Through JSON, as a file would carry it.
      const result = replay(parseRecording(JSON.parse(JSON.stringify(recording))));
      expect(result.whatIf).toEqual(result.actual);
      expect(result.decisions.map((decision) => decision?.desiredReplicas)).toEqual(
        trace.rows.map((row) => row.expect.desired),
      );
      expect(result.decisions.map((decision) => decision?.limitedBy)).toEqual(
        trace.rows.map((row) => row.expect.limitedBy),
      );
      expect(result.summary.text).toMatch(/at the same time; the same replica-seconds$/);
    });
  }
});

describe('replay with other settings', () => {
  const spec: AutoscalerSpec = {
    minReplicas: 1,
    maxReplicas: 10,
    targetCpuUtilizationPercent: 80,
    profile: 'kubernetes',
  };
  const old = (name: string, cpu: number): PodSample => ({
    name,
    ready: true,
    startedAt: T0 - 3_600_000,
    cpuUtilizationPercent: cpu,
  });
  // c starts at 15 s and is ready at 27 s: the recorded start-up time is 12 s.
  const c = (cpu: number, ready = true): PodSample => ({
    name: 'c',
    ready,
    startedAt: T0 + 15_000,
    ...(ready ? { readySince: T0 + 27_000 } : {}),
    cpuUtilizationPercent: cpu,
  });
  const recording = record(spec, [
    { at: T0, pods: [old('a', 50), old('b', 50)] },
    { at: T0 + 15_000, pods: [old('a', 100), old('b', 100)] },
    { at: T0 + 30_000, current: 3, pods: [old('a', 67), old('b', 67), c(66)] },
    { at: T0 + 45_000, current: 3, pods: [old('a', 67), old('b', 67), c(66)] },
  ]);

  it('records 2, 3, 3, 3 at 80 % (hand-worked)', () => {
    // t15: 100/80 = 1.25, ceil(2.5) = 3. t30: c inside its initialization (sample before 27 + 15 s):
    // a, b at 67 → 0.8375, ceil(1.675) = 2, held at 3 by the 300 s window. t45: avg(67, 67, 66) = 66,
    // 0.825 × 3 = 2.475 → 3.
    expect(recording.syncs.map((sync) => sync.desiredReplicas)).toEqual([2, 3, 3, 3]);
    expect(recordedStartupMs(recording)).toBe(12_000);
  });

  it('at 50 % scales to 4 at 15 s and holds, with the demand spread over its replicas', () => {
    const result = replay(recording, { targetCpuUtilizationPercent: 50 });
    // t0: 50/50 → 2. t15: 100/50 = 2 → ceil(4) = 4 (policies allow 6): diverges from the recorded 3,
    // two what-if replicas start at 15 s, ready at 27 s. t30: demand 200 over 4 ready = 50 %, the
    // new two inside initialization → a, b at 50 %: ratio 1, keep 4. t45: all four at 50 %: keep 4.
    expect(result.whatIf.map((point) => point.replicas)).toEqual([2, 4, 4, 4]);
    expect(result.whatIf.map((point) => point.perReplicaCpu)).toEqual([50, 100, 50, 50]);
    expect(result.actual.map((point) => point.replicas)).toEqual([2, 3, 3, 3]);
    expect(result.decisions[2]?.inputs.notReady).toBe(2);
    expect(result.decisions[3]?.inputs.readyWithMetrics).toBe(4);
    // replica-seconds: actual 2×15 + 3×15 + 3×15 = 120, what-if 2×15 + 4×15 + 4×15 = 150: +25 %.
    expect(result.summary).toMatchObject({
      peakReplicas: 3,
      reachedPeakEarlierMs: 0,
      actualReplicaSeconds: 120,
      whatIfReplicaSeconds: 150,
      replicaSecondsChangePercent: 25,
      text: 'would have reached 3 replicas at the same time; 25 % more replica-seconds',
    });
  });

  it('at maxReplicas 2 never reaches the recorded peak', () => {
    const result = replay(recording, { maxReplicas: 2 });
    // 100/80 → 3, clamped to 2; then 200 % over 2 = 100 each, 1.25 → 3 → 2 again.
    expect(result.whatIf.map((point) => point.replicas)).toEqual([2, 2, 2, 2]);
    expect(result.summary.text).toBe(
      'would never have reached 3 replicas (at most 2); 25 % fewer replica-seconds',
    );
  });

  it('decides only every 15 s when the recording came from 5 s syncs', () => {
    const demo: AutoscalerSpec = { ...spec, profile: 'demo', targetCpuUtilizationPercent: 50 };
    const rows = [0, 5, 10, 15].map((s) => ({
      at: T0 + s * 1000,
      current: 2,
      pods: [old('a', 50), old('b', 50)],
    }));
    const result = replay(record(demo, rows), { profile: 'kubernetes' });
    expect(result.decisions.map((decision) => decision !== null)).toEqual([true, false, false, true]);
  });
});

describe('parseRecording', () => {
  it('names the bad field', () => {
    expect(() => parseRecording({ version: 1, target: 'docker', syncs: [{ at: 1 }] })).toThrow(
      /recording\.syncs\.0\.run/,
    );
    expect(() => parseRecording({ version: 2, target: 'docker', syncs: [] })).toThrow(/recording\.version/);
  });

  it('keeps only the newest syncs once full', () => {
    const recorder = new DecisionRecorder('docker', 2);
    const spec: AutoscalerSpec = {
      minReplicas: 1,
      maxReplicas: 2,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
    };
    for (const at of [1, 2, 3])
      recorder.record({ at, spec, currentReplicas: 1, pods: [], desiredReplicas: 1 });
    expect(recorder.recording().syncs.map((sync) => sync.at)).toEqual([2, 3]);
  });
});
