/**
 * Editable HPA behavior: the contract fills what is not given from the profile and names the
 * field of anything out of range; the Docker target's loop (Controller + HorizontalAutoscaler)
 * scales in when the edited scale-down window says so. Pure logic: time is passed in, no timers.
 */
import { describe, expect, it } from 'vitest';
import { PROFILES, type PodSample } from './autoscaler.ts';
import { commandSchemas, type AutoscalerInput, type CoreEvent, type StackStatus } from './contract.ts';
import { Controller } from './controller.ts';
import { ValidationError, parseOrThrow } from './errors.ts';
import type { ReplicaMetricsSource, Target } from './targets/target.ts';

const schema = commandSchemas(10).setAutoscaler;
const base = { enabled: true, minReplicas: 1, maxReplicas: 5, targetCpuUtilizationPercent: 50 } as const;

function parse(input: unknown): AutoscalerInput {
  return parseOrThrow(schema, input);
}

function rejection(input: unknown): ValidationError {
  try {
    parse(input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('autoscaler:set behavior: defaults filled from the profile', () => {
  it('no behavior: the whole profile default, for each profile', () => {
    for (const profile of ['kubernetes', 'demo'] as const) {
      const parsed = parse({ ...base, profile });
      expect(parsed.enabled && parsed.behavior).toEqual(PROFILES[profile].behavior);
    }
  });

  it('one field given: that field changes, every other comes from the profile', () => {
    const parsed = parse({
      ...base,
      profile: 'demo',
      behavior: { scaleDown: { stabilizationWindowSeconds: 90 } },
    });
    const demo = PROFILES.demo.behavior;
    expect(parsed.enabled && parsed.behavior).toEqual({
      scaleUp: demo.scaleUp,
      scaleDown: { ...demo.scaleDown, stabilizationWindowSeconds: 90 },
    });
    // The defaults are copied, never shared: editing the result leaves the profile as it was.
    if (parsed.enabled) parsed.behavior.scaleDown.policies[0]!.value = 1;
    expect(PROFILES.demo.behavior.scaleDown.policies[0]!.value).toBe(100);
  });

  it('a full direction given replaces that direction only', () => {
    const scaleUp = {
      stabilizationWindowSeconds: 10,
      selectPolicy: 'Min',
      policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }],
    } as const;
    const parsed = parse({ ...base, behavior: { scaleUp } });
    expect(parsed.enabled && parsed.behavior).toEqual({
      scaleUp,
      scaleDown: PROFILES.kubernetes.behavior.scaleDown,
    });
  });

  it('the limits of the autoscaling/v2 API are accepted', () => {
    const edge = {
      scaleUp: {
        stabilizationWindowSeconds: 3600,
        policies: [{ type: 'Percent', value: 1, periodSeconds: 1800 }],
      },
      scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 1 }] },
    };
    expect(() => parse({ ...base, behavior: edge })).not.toThrow();
  });
});

describe('autoscaler:set behavior: each bad field rejected with its path and the allowed range', () => {
  const cases: [name: string, behavior: unknown, field: string, message: RegExp][] = [
    [
      'window above 3600',
      { scaleDown: { stabilizationWindowSeconds: 3601 } },
      'behavior.scaleDown.stabilizationWindowSeconds',
      /between 0 and 3600/,
    ],
    [
      'negative window',
      { scaleUp: { stabilizationWindowSeconds: -1 } },
      'behavior.scaleUp.stabilizationWindowSeconds',
      /between 0 and 3600/,
    ],
    [
      'fractional window',
      { scaleUp: { stabilizationWindowSeconds: 1.5 } },
      'behavior.scaleUp.stabilizationWindowSeconds',
      /whole number/,
    ],
    [
      'window not a number',
      { scaleUp: { stabilizationWindowSeconds: null } },
      'behavior.scaleUp.stabilizationWindowSeconds',
      /between 0 and 3600/,
    ],
    [
      'unknown selectPolicy',
      { scaleDown: { selectPolicy: 'Fastest' } },
      'behavior.scaleDown.selectPolicy',
      /Max, Min or Disabled/,
    ],
    [
      'empty policy list',
      { scaleDown: { policies: [] } },
      'behavior.scaleDown.policies',
      /at least one policy/,
    ],
    [
      'policy value 0',
      { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] } },
      'behavior.scaleUp.policies.0.value',
      /at least 1/,
    ],
    [
      'policy period 0',
      { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 0 }] } },
      'behavior.scaleUp.policies.0.periodSeconds',
      /between 1 and 1800/,
    ],
    [
      'policy period above 1800',
      {
        scaleDown: {
          policies: [
            { type: 'Percent', value: 50, periodSeconds: 15 },
            { type: 'Pods', value: 1, periodSeconds: 1801 },
          ],
        },
      },
      'behavior.scaleDown.policies.1.periodSeconds',
      /between 1 and 1800/,
    ],
    [
      'unknown policy type',
      { scaleUp: { policies: [{ type: 'Replicas', value: 1, periodSeconds: 15 }] } },
      'behavior.scaleUp.policies.0.type',
      /Pods or Percent/,
    ],
    ['unknown key in a direction', { scaleUp: { tolerance: 0.2 } }, 'behavior.scaleUp.tolerance', /./],
    ['unknown direction', { scaleSideways: {} }, 'behavior.scaleSideways', /./],
  ];
  for (const [name, behavior, field, message] of cases) {
    it(name, () => {
      const error = rejection({ ...base, behavior });
      expect(error.field).toBe(field);
      expect(error.message).toContain(field);
      expect(error.message).toMatch(message);
    });
  }
});

// ---- the Docker target's loop with an edited window ---------------------------------------------

const SYNC_MS = PROFILES.kubernetes.syncPeriodSeconds * 1000;
const T0 = Date.UTC(2026, 0, 1);

/** An in-memory target: the desired count, the stored autoscaler, CPU the test sets per sync. */
class MemoryTarget implements ReplicaMetricsSource {
  readonly kind = 'docker' as const;
  readonly stack = 'memory';
  desired = 4;
  cpu = 50;
  autoscaler: AutoscalerInput = { enabled: false };

  async status(): Promise<StackStatus> {
    return {
      target: 'docker',
      stack: this.stack,
      phase: 'running',
      desiredReplicas: this.desired,
      readyReplicas: this.desired,
      replicas: [],
      components: { postgres: 'healthy', redis: 'healthy', lb: 'healthy', prometheus: 'healthy' },
      endpoints: { loadBalancer: null, prometheus: null },
      autoscaler: this.autoscaler.enabled ? this.autoscaler : null,
      dataVolume: null,
      capacity: null,
    };
  }
  async scale(replicas: number): Promise<void> {
    this.desired = replicas;
  }
  async setAutoscaler(input: AutoscalerInput) {
    this.autoscaler = input;
    return input.enabled ? input : null;
  }
  async samplePods(): Promise<PodSample[]> {
    return Array.from({ length: this.desired }, (_, i) => ({
      name: `api-${i}`,
      ready: true,
      startedAt: T0 - 3_600_000,
      cpuUtilizationPercent: this.cpu,
    }));
  }
  observe(): () => void {
    return () => {};
  }
}

/** Seconds after the load stops at which the loop first scales in (load at target until t=0). */
async function secondsToScaleIn(behavior: unknown): Promise<number> {
  const target = new MemoryTarget();
  const controller = new Controller(target as unknown as Target, { maxReplicas: 10 });
  const events: CoreEvent[] = [];
  controller.observe((event) => events.push(event));
  await controller.setAutoscaler({ ...base, maxReplicas: 8, profile: 'kubernetes', behavior });
  let now = T0 - 2 * SYNC_MS;
  await controller.autoscaleOnce(target, now); // primes
  now += SYNC_MS;
  await controller.autoscaleOnce(target, now); // at target: 4 stays 4, and is remembered
  expect(target.desired).toBe(4);
  target.cpu = 5; // the load stops
  for (now += SYNC_MS; now <= T0 + 600_000; now += SYNC_MS) {
    await controller.autoscaleOnce(target, now);
    if (target.desired < 4) {
      expect(events.some((e) => e.type === 'error')).toBe(false);
      return (now - (T0 - SYNC_MS)) / 1000;
    }
  }
  throw new Error(`no scale-in within 600 s: ${JSON.stringify(events.at(-1))}`);
}

describe('the Docker target loop follows the edited scale-down window', () => {
  it('the Kubernetes default (300 s) and an edited 60 s window scale in at different times', async () => {
    const byDefault = await secondsToScaleIn(undefined);
    const edited = await secondsToScaleIn({ scaleDown: { stabilizationWindowSeconds: 60 } });
    // The last at-target recommendation leaves the window once it is a full window old.
    expect(byDefault).toBe(300);
    expect(edited).toBe(60);
  });
});
