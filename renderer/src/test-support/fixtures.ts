// Values of the contract's types for component tests, each overridable field by field.
import type {
  LoadReport,
  ScaleDecision,
  ScenarioStatus,
  ScenarioSummary,
  StackStatus,
} from '../api/channels.ts';

/** A running Docker stack with two ready replicas, no autoscaler and no capacity estimate. */
export function stackStatus(overrides: Partial<StackStatus> = {}): StackStatus {
  return {
    target: 'docker',
    stack: 'default',
    phase: 'running',
    desiredReplicas: 2,
    readyReplicas: 2,
    replicas: [],
    components: { postgres: 'healthy', redis: 'healthy', lb: 'healthy', prometheus: 'healthy' },
    capacity: null,
    endpoints: { loadBalancer: 'http://127.0.0.1:8080', prometheus: 'http://127.0.0.1:9090' },
    autoscaler: null,
    dataVolume: null,
    ...overrides,
  };
}

export const ABSENT: StackStatus = stackStatus({
  phase: 'absent',
  desiredReplicas: 0,
  readyReplicas: 0,
  endpoints: { loadBalancer: null, prometheus: null },
});

const latency = (p99: number, count: number) => ({
  count,
  p50: p99 / 4,
  p90: p99 / 2,
  p95: p99 / 1.5,
  p99,
  p999: p99,
  max: p99,
  mean: p99 / 4,
});

const noCalls = { completed: 0, ok: 0, errors: 0, latencyMs: latency(0, 0) };

/** A generator running at 50 req/s with the default 95 % reads and skew 1.1. */
export function loadReport(overrides: Partial<LoadReport> = {}): LoadReport {
  return {
    state: 'running',
    stopReason: null,
    rate: 50,
    maxRate: 2000,
    averageTargetRate: 50,
    concurrency: 64,
    clients: 'many',
    connectionsOpened: 380,
    mix: { getUser: 85, listUsers: 10, signUp: 2, token: 3 },
    zipfExponent: 1.1,
    keySpace: 1000,
    elapsedSeconds: 30,
    scheduled: 1500,
    sent: 1500,
    dropped: 3,
    completed: 1440,
    ok: 1433,
    inFlight: 4,
    maxInFlight: 20,
    achievedRate: 48.2,
    sentRate: 50,
    errors: { total: 7, byKind: { http: 7 }, byStatus: { '503': 7 } },
    latencyMs: latency(12.34, 1440),
    serviceTimeMs: latency(11, 1440),
    cache: { hits: 900, misses: 100, hitRatio: 0.9 },
    operations: { getUser: noCalls, listUsers: noCalls, signUp: noCalls, token: noCalls },
    ...overrides,
  };
}

export function scaleDecision(overrides: Partial<ScaleDecision> = {}): ScaleDecision {
  return {
    at: Date.UTC(2026, 0, 1, 12, 30, 5),
    profile: 'demo',
    currentReplicas: 3,
    desiredReplicas: 5,
    recommendation: 5,
    averageUtilizationPercent: 81.6,
    targetUtilizationPercent: 50,
    usageRatio: 1.63,
    reason: 'CPU 82 % of requests over a 50 % target: 3 × 1.63 rounds up to 5',
    limitedBy: 'none',
    inputs: { pods: [], readyWithMetrics: 3, missingMetrics: 0, notReady: 0 },
    ...overrides,
  };
}

export const DEMO_SUMMARY: ScenarioSummary = {
  name: 'autoscaling-90s',
  title: 'Autoscaling in 90 seconds',
  description: 'Load ramps until CPU crosses the target; the autoscaler scales out, then in.',
  seconds: 90,
  steps: 3,
};

/** The demo playing its second step (of three), 12 s left in it, one expectation met, one pending. */
export function scenarioStatus(overrides: Partial<ScenarioStatus> = {}): ScenarioStatus {
  const startedAt = Date.UTC(2026, 11, 4, 10, 0, 0);
  return {
    name: 'autoscaling-90s',
    title: 'Autoscaling in 90 seconds',
    description: DEMO_SUMMARY.description,
    state: 'playing',
    startedAt,
    step: 1,
    stepStartedAt: startedAt + 20_000,
    nextStepAt: startedAt + 60_000,
    remainingMs: 12_000,
    steps: [
      {
        index: 0,
        caption: 'Steady load: two replicas idle along',
        seconds: 20,
        actions: ['load at 1× (28 req/s)'],
        expects: [],
      },
      {
        index: 1,
        caption: 'Now the load triples: watch CPU cross the 50 % line',
        seconds: 40,
        actions: ['load ramps to 3× (84 req/s) over 20 s'],
        expects: ['scales out within 60 s'],
      },
      {
        index: 2,
        caption: null,
        seconds: 30,
        actions: ['load drops to 0.5× (14 req/s)'],
        expects: ['scales in within 60 s'],
      },
    ],
    expectations: [
      {
        step: 1,
        text: 'scales out within 60 s',
        state: 'met',
        detail: '2 → 4 at 0:41',
        at: startedAt + 41_000,
      },
      { step: 2, text: 'scales in within 60 s', state: 'pending' },
    ],
    calibration: { perReplicaRps: 28, basis: 'measured for 10 s on one replica at 50 % CPU' },
    ...overrides,
  };
}
