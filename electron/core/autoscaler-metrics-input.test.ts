/**
 * A metrics list as callers send it (autoscaler:set), as the Docker state stores it and as a
 * recording keeps it: today's CPU-only input keeps its exact shape, bad lists name the field and
 * the fix, and a multi-metric recording replays to the decisions it recorded.
 */
import { describe, expect, it } from 'vitest';
import { HorizontalAutoscaler, type AutoscalerSpec, type PodSample } from './autoscaler.ts';
import { commandSchemas } from './contract.ts';
import { DecisionRecorder, parseRecording } from './decisions/recording.ts';
import { replay } from './decisions/replay.ts';
import { parseOrThrow } from './errors.ts';
import { parseStoredAutoscaler } from './targets/docker/stored-state.ts';
import { assertKubernetesMetrics } from './targets/kubernetes/hpa-metrics.ts';

const schema = commandSchemas(10).setAutoscaler;
const base = { enabled: true, minReplicas: 1, maxReplicas: 5 } as const;
const parse = (input: object) => {
  const parsed = parseOrThrow(schema, { ...base, ...input });
  if (!parsed.enabled) throw new Error('expected an enabled autoscaler');
  return parsed;
};

describe('autoscaler:set with a metrics list', () => {
  it('keeps today’s CPU-only input exactly as it was (no metrics key)', () => {
    const cpu = parse({ targetCpuUtilizationPercent: 70 });
    expect(cpu).not.toHaveProperty('metrics');
    expect(cpu).toMatchObject({ targetCpuUtilizationPercent: 70, profile: 'kubernetes' });
    // A list of CPU alone is the same thing, stored the same way.
    expect(parse({ metrics: [{ metric: 'cpu', target: 70 }] })).toEqual(cpu);
  });

  it('takes any non-empty subset; CPU’s target comes from the list', () => {
    const both = parse({
      metrics: [
        { metric: 'rpsPerReplica', target: 50 },
        { metric: 'cpu', target: 60 },
      ],
    });
    expect(both).toMatchObject({
      targetCpuUtilizationPercent: 60,
      metrics: [{ metric: 'rpsPerReplica' }, { metric: 'cpu' }],
    });
    expect(parse({ metrics: [{ metric: 'p95LatencyMs', target: 200 }] }).metrics).toEqual([
      { metric: 'p95LatencyMs', target: 200 },
    ]);
  });

  const refusals: [string, object, RegExp][] = [
    [
      'an empty list',
      { metrics: [] },
      /^metrics: must list at least one metric .*leave it out to scale on CPU only/,
    ],
    [
      'a duplicate metric',
      {
        metrics: [
          { metric: 'rpsPerReplica', target: 5 },
          { metric: 'rpsPerReplica', target: 9 },
        ],
      },
      /^metrics\.1\.metric: rpsPerReplica is listed twice; list each metric once/,
    ],
    [
      'a target of 0',
      { metrics: [{ metric: 'rpsPerReplica', target: 0 }] },
      /^metrics\.0\.target: must be requests per second each replica should serve, above 0/,
    ],
    [
      'a negative p95 target',
      { metrics: [{ metric: 'p95LatencyMs', target: -1 }] },
      /^metrics\.0\.target: must be the p95 latency in milliseconds .* above 0/,
    ],
    [
      'a CPU target over 100',
      { metrics: [{ metric: 'cpu', target: 150 }] },
      /^metrics\.0\.target: must be a whole percent/,
    ],
    [
      'an unknown metric',
      { metrics: [{ metric: 'memory', target: 5 }] },
      /^metrics\.0\.metric: must be one of cpu, rpsPerReplica, p95LatencyMs/,
    ],
    [
      'neither a CPU target nor a list',
      {},
      /^targetCpuUtilizationPercent: required: give targetCpuUtilizationPercent \(CPU only\) or a metrics list/,
    ],
    [
      'two different CPU targets',
      { targetCpuUtilizationPercent: 50, metrics: [{ metric: 'cpu', target: 60 }] },
      /^metrics\.0\.target: differs from targetCpuUtilizationPercent 50; give the CPU target once/,
    ],
  ];
  for (const [what, input, message] of refusals) {
    it(`refuses ${what}, naming the field and the fix`, () => {
      expect(() => parse(input)).toThrow(message);
    });
  }
});

describe('stored and recorded', () => {
  it('the Docker state label keeps the list (and reads one without it as CPU only)', () => {
    const config = parse({ metrics: [{ metric: 'rpsPerReplica', target: 50 }] });
    expect(parseStoredAutoscaler('state', JSON.stringify(config)).metrics).toEqual([
      { metric: 'rpsPerReplica', target: 50 },
    ]);
    const old = parseStoredAutoscaler('state', JSON.stringify({ ...base, targetCpuUtilizationPercent: 70 }));
    expect(old).not.toHaveProperty('metrics');
  });

  it('a multi-metric recording parses and replays to the counts it recorded', () => {
    const spec: AutoscalerSpec = {
      minReplicas: 1,
      maxReplicas: 10,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
      metrics: [
        { metric: 'cpu', target: 50 },
        { metric: 'rpsPerReplica', target: 20 },
        { metric: 'p95LatencyMs', target: 200 },
      ],
    };
    const hpa = new HorizontalAutoscaler(spec);
    const recorder = new DecisionRecorder('docker');
    const T0 = Date.UTC(2026, 0, 1);
    let current = 2;
    const load = [10, 60, 60, 60, 15, 5, 5, 5];
    load.forEach((rps, i) => {
      const at = T0 + i * 5000;
      const pods: PodSample[] = Array.from({ length: current }, (_, k) => ({
        name: `api-${k}`,
        ready: true,
        startedAt: T0 - 3_600_000,
        cpuUtilizationPercent: 20,
        requestsPerSecond: (rps * 2) / current,
      }));
      // p95 is unreadable at one sync: it must replay as unreadable too.
      const objects = i === 5 ? {} : { p95LatencyMs: 40 };
      const decision = hpa.decide(at, current, pods, objects);
      recorder.record({
        at,
        spec,
        currentReplicas: current,
        pods,
        ...objects,
        desiredReplicas: decision.desiredReplicas,
      });
      current = decision.desiredReplicas;
    });
    const recording = parseRecording(JSON.parse(JSON.stringify(recorder.recording())));
    const replayed = replay(recording);
    expect(replayed.decisions.map((d) => d?.desiredReplicas)).toEqual(
      recording.syncs.map((s) => s.desiredReplicas),
    );
    // It did scale on rps, so the check above is not a trivial all-equal one.
    expect(new Set(recording.syncs.map((s) => s.desiredReplicas)).size).toBeGreaterThan(1);
    // A what-if CPU target edits the list's CPU entry (one CPU target per spec), not a second one.
    const whatIf = replay(recording, { targetCpuUtilizationPercent: 10 });
    expect(
      whatIf.decisions.every(
        (d) => d?.trace?.metrics?.proposals.find((p) => p.metric === 'cpu')?.target === 10,
      ),
    ).toBe(true);
  });
});

describe('Kubernetes target', () => {
  it('refuses rps and p95 naming the field, and lets CPU through', () => {
    expect(() => assertKubernetesMetrics({ metrics: [{ metric: 'rpsPerReplica', target: 5 }] })).toThrow(
      'metrics: requests per second and p95 on Kubernetes need a custom metrics adapter, not yet installed by Scaledeck; use CPU',
    );
    expect(() => assertKubernetesMetrics({})).not.toThrow();
    expect(() => assertKubernetesMetrics({ metrics: [{ metric: 'cpu', target: 50 }] })).not.toThrow();
  });
});
