/**
 * The controller's own loop records what it saw and decided, and attaches each decision's
 * explanation: replaying that recording with its settings gives the same decisions, sync by sync.
 * (A small fake Target: the loop's logic is pure once the samples are given.)
 */
import { describe, expect, it } from 'vitest';
import type { PodSample } from '../autoscaler.ts';
import type { AutoscalerInput, CoreEvent, EnabledAutoscaler, StackStatus } from '../contract.ts';
import { Controller } from '../controller.ts';
import type { ReplicaMetricsSource, Target } from '../targets/target.ts';
import { parseRecording } from './recording.ts';
import { replay } from './replay.ts';

const T0 = Date.UTC(2026, 0, 1);

/** A stack whose total CPU demand follows `demandAt`, spread over its replicas. */
class FakeTarget implements Target, ReplicaMetricsSource {
  readonly kind = 'docker' as const;
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
  observe(): () => void {
    return () => undefined;
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
