// A saved export made by the product's own code, for the offline e2e: the real Controller runs
// its HPA loop (demo profile) over a small stand-in stack whose CPU demand rises and falls, so the
// recording, the explained decisions and the timeline lines are exactly what a live Docker run
// records; the renderer's own toJson writes the file "Export JSON" would. Only the metrics are
// synthetic (no Prometheus): the replica and per-replica CPU series are drawn from the samples.
import type { PodSample } from '../../../electron/core/autoscaler.ts';
import type {
  AutoscalerInput,
  CoreEvent,
  EnabledAutoscaler,
  StackStatus,
  TimelineEvent,
} from '../../../electron/core/contract.ts';
import { Controller } from '../../../electron/core/controller.ts';
import type { ReplicaMetricsSource, Target } from '../../../electron/core/targets/target.ts';
import type { VisibleSeries } from '../../../renderer/src/export/tabular.ts';
import { toJson } from '../../../renderer/src/export/tabular.ts';

/** The recorded run begins here (a fixed date, so the file is the same every run). */
export const T0 = Date.UTC(2026, 2, 14, 9, 30);
export const SYNC_MS = 5_000;
export const SYNCS = 31;
/** A new replica is ready this long after it starts (the replay measures it from the recording). */
const STARTUP_MS = 10_000;

/** Total CPU demand in % of one replica: 40 % (one replica is enough), 300 % for 80 s, 40 % again. */
export function demandAt(ms: number): number {
  const s = (ms - T0) / 1000;
  return s < 20 ? 40 : s < 100 ? 300 : 40;
}

class DemoStack implements Target, ReplicaMetricsSource {
  readonly kind = 'docker' as const;
  readonly stack = 'offline-demo';
  replicas = 1;
  autoscaler: EnabledAutoscaler | null = null;
  now = T0;
  readonly samples: { at: number; pods: PodSample[] }[] = [];
  private readonly started = new Map<string, number>();

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
  /** The demand spread evenly over the ready replicas; a starting one reports no CPU yet. */
  async samplePods(): Promise<PodSample[]> {
    const names = Array.from({ length: this.replicas }, (_, i) => `api-${i + 1}`);
    for (const name of names) if (!this.started.has(name)) this.started.set(name, this.now);
    for (const name of [...this.started.keys()]) if (!names.includes(name)) this.started.delete(name);
    const isReady = (name: string) =>
      name === 'api-1' || this.now - (this.started.get(name) ?? this.now) >= STARTUP_MS;
    const ready = names.filter(isReady).length;
    const pods = names.map((name): PodSample => {
      // api-1 ran long before the recording began.
      const startedAt = name === 'api-1' ? T0 - 3_600_000 : (this.started.get(name) ?? this.now);
      return isReady(name)
        ? {
            name,
            ready: true,
            startedAt,
            readySince: startedAt + STARTUP_MS,
            cpuUtilizationPercent: demandAt(this.now) / ready,
          }
        : { name, ready: false, startedAt, cpuUtilizationPercent: 0 };
    });
    this.samples.push({ at: this.now, pods });
    return pods;
  }
  async teardown(): Promise<void> {}
  async dispose(): Promise<void> {}
}

export interface DemoExport {
  json: string;
  /** The replica count after each sync, as the controller decided it. */
  decided: number[];
}

export async function buildDemoExport(): Promise<DemoExport> {
  const stack = new DemoStack();
  const controller = new Controller(stack, { maxReplicas: 10 });
  const events: CoreEvent[] = [];
  controller.observe((event) => events.push(event));
  await controller.setAutoscaler({
    enabled: true,
    minReplicas: 1,
    maxReplicas: 6,
    targetCpuUtilizationPercent: 50,
    profile: 'demo',
  });
  // One pass more than SYNCS: the first only primes the CPU counters.
  for (let i = 0; i <= SYNCS; i++) {
    stack.now = T0 + i * SYNC_MS;
    await controller.autoscaleOnce(stack, stack.now);
  }
  const recording = controller.recording();
  const decisions = controller.decisions();
  await controller.dispose();

  const timeline: TimelineEvent[] = events
    .filter((event) => event.type === 'autoscaler' || event.type === 'scale')
    .map((event, i) => ({ ...(event as TimelineEvent), seq: i + 1 }));
  const point = (t: number, v: number) => ({ t, v });
  const series: VisibleSeries[] = [
    ...(['desired', 'ready'] as const).map((name) => ({
      chart: 'replicas',
      title: 'Desired vs ready replicas',
      unit: 'replicas',
      name,
      query: 'the target: desired and ready replicas',
      points: recording.syncs.map((sync) =>
        point(
          sync.at,
          name === 'desired' ? sync.desiredReplicas : sync.pods.filter((pod) => pod.ready).length,
        ),
      ),
    })),
    ...['api-1', 'api-2', 'api-3', 'api-4', 'api-5', 'api-6'].map((pod) => ({
      chart: 'cpuPerReplica',
      title: 'CPU per replica (% of limit)',
      unit: 'percent',
      name: pod,
      query: 'sum by (replica) (rate(process_cpu_seconds_total{job="api"}[8s])) * 100 / 0.5',
      points: stack.samples.flatMap(({ at, pods }) =>
        pods
          .filter((p) => p.name === pod && p.ready && p.cpuUtilizationPercent !== undefined)
          .map((p) => point(at, p.cpuUtilizationPercent!)),
      ),
    })),
  ].filter((s) => s.points.length > 0);
  const json = toJson({
    window: { from: T0 - 10_000, to: T0 + (SYNCS + 2) * SYNC_MS },
    series,
    events: timeline,
    recording,
    decisions,
  });
  return { json, decided: recording.syncs.map((sync) => sync.desiredReplicas) };
}
