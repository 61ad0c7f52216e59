/**
 * How often the controller's loops read the target (pure logic, so a small fake Target and fake
 * timers): the full status only while an autoscaler is on, reconcile on change events with a slow
 * safety pass where the target has them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AutoscalerInput, EnabledAutoscaler, StackStatus } from './contract.ts';
import { Controller } from './controller.ts';
import type { ReplicaMetricsSource, Target } from './targets/target.ts';

const AUTOSCALER: EnabledAutoscaler = {
  enabled: true,
  minReplicas: 1,
  maxReplicas: 4,
  targetCpuUtilizationPercent: 50,
  profile: 'kubernetes',
  behavior: {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [] },
    scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [] },
  },
} as unknown as EnabledAutoscaler;

/** A deployed stack of 2 replicas whose stored autoscaler and change events the test controls. */
class FakeTarget implements Target, ReplicaMetricsSource {
  readonly kind = 'docker' as const;
  readonly stack = 'fake';
  statusCalls = 0;
  reconcileCalls = 0;
  autoscaler: EnabledAutoscaler | null = null;
  changed: (() => void) | null = null;
  /** The engine's change events (Docker has them); absent on a target without. */
  watchChanges?: (onChange: () => void) => () => void;

  constructor(withEvents: boolean) {
    if (withEvents)
      this.watchChanges = (onChange) => {
        this.changed = onChange;
        return () => (this.changed = null);
      };
  }

  async status(): Promise<StackStatus> {
    this.statusCalls++;
    return {
      target: 'docker',
      stack: this.stack,
      phase: 'running',
      desiredReplicas: 2,
      readyReplicas: 2,
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
  async scale(): Promise<void> {}
  async setAutoscaler(input: AutoscalerInput): Promise<EnabledAutoscaler | null> {
    this.autoscaler = input.enabled ? (input as EnabledAutoscaler) : null;
    return this.autoscaler;
  }
  async reconcile(): Promise<{ replaced: string[]; created: number }> {
    this.reconcileCalls++;
    return { replaced: [], created: 0 };
  }
  observe(): () => void {
    return () => undefined;
  }
  async samplePods() {
    return [];
  }
  async teardown(): Promise<void> {}
  async dispose(): Promise<void> {}
}

let controllers: Controller[] = [];

function attach(target: FakeTarget): Controller {
  const controller = new Controller(target, { maxReplicas: 10 });
  controllers.push(controller);
  controller.start();
  return controller;
}

/** Lets every timer due in the next `ms` run, and the promises they start settle. */
async function elapse(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  for (const controller of controllers) await controller.dispose();
  controllers = [];
  vi.useRealTimers();
});

describe('controller loops', () => {
  it('with the autoscaler off, read the status only now and then (not twice a second)', async () => {
    const target = new FakeTarget(true);
    attach(target);
    await elapse(60_000);
    // Twice a second would be 120 reads in a minute; the idle check is one per 10 s.
    expect(target.statusCalls).toBeLessThanOrEqual(7);
    expect(target.statusCalls).toBeGreaterThanOrEqual(1);
  });

  it('with the autoscaler on, read it at every tick again', async () => {
    const target = new FakeTarget(true);
    const controller = attach(target);
    await elapse(5_000);
    await controller.setAutoscaler({
      enabled: true,
      minReplicas: 1,
      maxReplicas: 4,
      targetCpuUtilizationPercent: 50,
    });
    const before = target.statusCalls;
    await elapse(10_000);
    expect(target.statusCalls - before).toBeGreaterThanOrEqual(18);
    await controller.setAutoscaler({ enabled: false });
    const off = target.statusCalls;
    await elapse(9_000);
    expect(target.statusCalls - off).toBeLessThanOrEqual(1);
  });

  it('notice an autoscaler another process turned on, at the next idle check', async () => {
    const target = new FakeTarget(true);
    attach(target);
    await elapse(1_000);
    target.autoscaler = AUTOSCALER;
    await elapse(11_000);
    const before = target.statusCalls;
    await elapse(5_000);
    expect(target.statusCalls - before).toBeGreaterThanOrEqual(9);
  });

  it('reconcile on change events, with a slow safety pass, where the target has them', async () => {
    const target = new FakeTarget(true);
    attach(target);
    // Attaching reconciles at once and every second while it settles (30 s).
    await elapse(40_000);
    const quiet = target.reconcileCalls;
    await elapse(60_000);
    // Once a second would be 60 passes; a quiet stack gets one per 10 s.
    expect(target.reconcileCalls - quiet).toBeLessThanOrEqual(7);
    expect(target.reconcileCalls - quiet).toBeGreaterThanOrEqual(1);
    const before = target.reconcileCalls;
    target.changed?.();
    await elapse(0);
    expect(target.reconcileCalls).toBe(before + 1);
  });

  it('after a change event, reconcile every second while the stack settles, then slow again', async () => {
    const target = new FakeTarget(true);
    attach(target);
    await elapse(45_000);
    target.changed?.();
    const atChange = target.reconcileCalls;
    // A replica the engine restarts sends no event of its own: the passes right after find it.
    await elapse(10_000);
    expect(target.reconcileCalls - atChange).toBeGreaterThanOrEqual(10);
    await elapse(30_000);
    const settled = target.reconcileCalls;
    await elapse(30_000);
    expect(target.reconcileCalls - settled).toBeLessThanOrEqual(3);
  });

  it('reconcile every second on a target without change events', async () => {
    const target = new FakeTarget(false);
    attach(target);
    await elapse(10_000);
    expect(target.reconcileCalls).toBeGreaterThanOrEqual(9);
  });
});
