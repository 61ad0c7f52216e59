/**
 * The controller's own loop records what it saw and decided, and attaches each decision's
 * explanation: replaying that recording with its settings gives the same decisions, sync by sync.
 * (A small fake Target: the loop's logic is pure once the samples are given.)
 */
import { describe, expect, it } from 'vitest';
import type { PodSample } from '../autoscaler.ts';
import type { AutoscalerInput, CoreEvent, EnabledAutoscaler, StackStatus } from '../contract.ts';
import { Controller } from '../controller.ts';
import { HpaShadow } from '../targets/kubernetes/hpa-shadow.ts';
import type { ReplicaMetricsSource, Target, TargetKind } from '../targets/target.ts';
import { parseRecording } from './recording.ts';
import { replay } from './replay.ts';

const T0 = Date.UTC(2026, 0, 1);

/** A stack whose total CPU demand follows `demandAt`, spread over its replicas. */
class FakeTarget implements Target, ReplicaMetricsSource {
  kind: TargetKind = 'docker';
  /** What the target itself reports (Kubernetes: the observer's events). */
  listener: ((event: CoreEvent) => void) | null = null;
  readonly stack = 'fake';
  replicas = 2;
  autoscaler: EnabledAutoscaler | null = null;
  now = T0;
  private started = new Map<string, number>();

  private readonly demandAt: (now: number) => number;

  constructor(demandAt: (now: number) => number) {
    this.demandAt = demandAt;
  }

  async status(): Promise<StackStatus> {
    return {
      target: 'docker',
      stack: this.stack,
      phase: 'running',
      desiredReplicas: this.replicas,
      readyReplicas: this.replicas,
      replicas: [],
      components: { postgres: 'healthy', redis: 'healthy', lb: 'healthy', prometheus: 'healthy' },
      capacity: null,
      endpoints: { loadBalancer: null, prometheus: null },
      autoscaler: this.autoscaler,
      dataVolume: null,
    };
  }
  async deploy(): Promise<StackStatus> {
    return this.status();
  }
  async scale(replicas: number): Promise<void> {
    this.replicas = replicas;
  }
  async setAutoscaler(input: AutoscalerInput): Promise<EnabledAutoscaler | null> {
    this.autoscaler = input.enabled ? (input as EnabledAutoscaler) : null;
    return this.autoscaler;
  }
  async reconcile(): Promise<{ replaced: string[]; created: number }> {
    return { replaced: [], created: 0 };
  }
  observe(listener: (event: CoreEvent) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  async samplePods(): Promise<PodSample[]> {
    const names = Array.from({ length: this.replicas }, (_, i) => `api-${i + 1}`);
    const demand = this.demandAt(this.now);
    return names.map((name) => {
      if (!this.started.has(name)) this.started.set(name, name <= 'api-2' ? T0 - 3_600_000 : this.now);
      const startedAt = this.started.get(name) ?? T0;
      const ready = this.now - startedAt >= 5_000;
      return {
        name,
        ready,
        startedAt,
        ...(ready ? { readySince: startedAt + 5_000 } : {}),
        cpuUtilizationPercent: ready ? demand / this.replicas : 0,
      };
    });
  }
  async teardown(): Promise<void> {}
  async dispose(): Promise<void> {}
}

describe('the controller records its own syncs', () => {
  it('and a replay of the recording with its settings reproduces every decision', async () => {
    // Demand rises to 400 % (four replicas' worth at 100 %) for a minute, then falls to 60 %.
    const target = new FakeTarget((now) => (now - T0 < 60_000 ? 400 : 60));
    const controller = new Controller(target, { maxReplicas: 10 });
    const events: CoreEvent[] = [];
    controller.observe((event) => events.push(event));
    await controller.setAutoscaler({
      enabled: true,
      minReplicas: 1,
      maxReplicas: 6,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
    });
    for (let s = 0; s <= 120; s += 5) {
      target.now = T0 + s * 1000;
      await controller.autoscaleOnce(target, target.now);
    }
    const decisions = events.flatMap((event) => (event.type === 'autoscaler' ? [event.decision] : []));
    // The first pass only primes the CPU counters: 24 decisions for 25 passes.
    expect(decisions).toHaveLength(24);
    expect(
      decisions.every((decision) => decision.explanation?.steps.some((step) => step.kind === 'result')),
    ).toBe(true);
    expect(Math.max(...decisions.map((decision) => decision.desiredReplicas))).toBe(6);
    expect(controller.decisions(3)).toEqual(decisions.slice(-3));

    const recording = parseRecording(JSON.parse(JSON.stringify(controller.recording())));
    expect(recording.syncs.map((sync) => sync.desiredReplicas)).toEqual(
      decisions.map((decision) => decision.desiredReplicas),
    );
    const result = replay(recording);
    expect(result.whatIf).toEqual(result.actual);
    expect(result.decisions.map((decision) => decision?.reason)).toEqual(
      decisions.map((decision) => decision.reason),
    );
    const capped = replay(recording, { maxReplicas: 3 });
    expect(Math.max(...capped.whatIf.map((point) => point.replicas))).toBe(3);
    expect(capped.summary.text).toMatch(
      /^would never have reached 6 replicas \(at most 3\); \d+ % fewer replica-seconds$/,
    );
    await controller.dispose();
  });
});

describe('the controller records the real HPA’s decisions that the target reconstructed', () => {
  it('with the HPA’s count, the reconstruction’s inputs and its explanation, a difference marked', async () => {
    const target = new FakeTarget(() => 0);
    target.kind = 'kubernetes';
    const controller = new Controller(target, { maxReplicas: 10 });
    const events: CoreEvent[] = [];
    controller.observe((event) => events.push(event));
    const shadow = new HpaShadow();
    const iso = (ms: number) => new Date(ms).toISOString();
    const hpa = (current: number, desired: number, max = 5) => ({
      metadata: { name: 'api' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'api' },
        minReplicas: 1,
        maxReplicas: max,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
          },
        ],
      },
      status: { currentReplicas: current, desiredReplicas: desired },
    });
    const pods = ['api-a', 'api-b'].map((name) => ({
      metadata: { name },
      spec: { containers: [{ resources: { requests: { cpu: '100m' } } }] },
      status: {
        phase: 'Running',
        startTime: iso(T0 - 3_600_000),
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(T0 - 3_599_000) }],
      },
    }));
    const sync = (at: number, h: ReturnType<typeof hpa>, millis: number) =>
      target.listener?.({
        type: 'autoscaler',
        at,
        decision: shadow.observe({
          hpa: h,
          pods,
          podMetrics: pods.map((p) => ({
            metadata: { name: p.metadata.name },
            timestamp: iso(at),
            window: '15s',
            containers: [{ usage: { cpu: `${millis}m` } }],
          })),
          at,
        }),
      });
    // 90 % on 2 against 50 %: ceil(3.6) = 4, as the HPA says; then it says 3 where 150 % on 2 gives
    // ceil(6) = 6, clamped to the max of 5.
    sync(T0, hpa(2, 4), 90);
    sync(T0 + 15_000, hpa(4, 3), 150);
    // A new spec (max 8): a new run, whose history starts over.
    sync(T0 + 30_000, hpa(3, 3, 8), 50);

    const decisions = events.flatMap((event) => (event.type === 'autoscaler' ? [event.decision] : []));
    expect(decisions.map((d) => d.reconstruction?.matches)).toEqual([true, false, true]);
    expect(decisions[1]?.explanation?.steps.at(-1)).toMatchObject({ kind: 'mismatch' });
    expect(decisions[1]?.explanation?.steps.at(-1)?.text).toMatch(
      /^Scaledeck's reconstruction: 5, the HPA decided 3 — they differ/,
    );
    expect(controller.decisions()).toEqual(decisions);

    const recording = parseRecording(JSON.parse(JSON.stringify(controller.recording())));
    expect(recording.target).toBe('kubernetes');
    expect(
      recording.syncs.map((s) => [s.run, s.currentReplicas, s.desiredReplicas, s.spec.maxReplicas]),
    ).toEqual([
      [1, 2, 4, 5],
      [1, 4, 3, 5],
      [2, 3, 3, 8],
    ]);
    expect(recording.syncs[0]?.pods.map((p) => p.cpuUtilizationPercent)).toEqual([90, 90]);
    // The replay reproduces the reconstruction where it agreed, and shows where it did not.
    const replayed = replay(recording).decisions.map((d) => d?.desiredReplicas);
    expect(replayed.slice(0, 2)).toEqual([4, 5]);
    await controller.dispose();
  });
});
