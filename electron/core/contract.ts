/**
 * The one contract between the control plane and its callers (CLI, IPC and HTTP/SSE): commands with their input schemas, and the events the core pushes. Transport-free.
 */
import { z } from 'zod';
import { effectiveBehavior, hpaBehaviorInputSchema, type ScaleDecision } from './autoscaler.ts';
import { autoscalerMetricsSchema, type AutoscalerMetric } from './autoscaler-metrics.ts';
import type { Channel } from './channels.ts';
import { targetSelectSchema, type TargetKind } from './targets/registry.ts';
import { recordingSchema } from './decisions/recording.ts';
import type { WhatIfResult } from './decisions/whatif.ts';
import type { Recording } from './decisions/recording.ts';
import type { ErrorData } from './errors.ts';
import type { LoadReport } from './loadgen.ts';
import { clientModelSchema } from './loadgen/options.ts';
import type { SeriesSnapshot } from './metrics/feed.ts';
import type {
  ExpectationResult,
  ScenarioEventStatus,
  ScenarioStatus,
  ScenarioSummary,
} from './scenario/types.ts';

export type * from './scenario/types.ts';

export type { ErrorData } from './errors.ts';

export const AUTOSCALER_PROFILES = ['kubernetes', 'demo'] as const;

/** Replica counts are bounded by settings.maxReplicas, so the schemas are built from it. */
export function replicasSchema(maxReplicas: number) {
  return z
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(maxReplicas, `must be at most ${maxReplicas} (settings.maxReplicas)`);
}

/** The autoscaler's bounds and target, shared by autoscaler:set and decisions:whatif. */
export function autoscalerFieldSchemas(maxReplicas: number) {
  const bound = z
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(maxReplicas, `must be at most ${maxReplicas} (settings.maxReplicas)`);
  return {
    minReplicas: bound,
    maxReplicas: bound,
    targetCpuUtilizationPercent: z
      .int('must be a whole number')
      .min(1, 'must be between 1 and 100')
      .max(100, 'must be between 1 and 100 (percent of each replica’s CPU limit)'),
  };
}

/** The CPU target a spec keeps when its metrics list leaves CPU out (the panel's default). */
export const DEFAULT_CPU_TARGET = 50;

/** Either targetCpuUtilizationPercent (today's CPU-only input) or a metrics list; one CPU target. */
function checkCpuTarget(
  v: { targetCpuUtilizationPercent?: number | undefined; metrics?: AutoscalerMetric[] | undefined },
  ctx: z.RefinementCtx,
): void {
  if (v.metrics === undefined && v.targetCpuUtilizationPercent === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['targetCpuUtilizationPercent'],
      message: 'required: give targetCpuUtilizationPercent (CPU only) or a metrics list',
    });
    return;
  }
  const i = v.metrics?.findIndex((m) => m.metric === 'cpu') ?? -1;
  const cpu = v.metrics?.[i];
  if (cpu && v.targetCpuUtilizationPercent !== undefined && cpu.target !== v.targetCpuUtilizationPercent) {
    ctx.addIssue({
      code: 'custom',
      path: ['metrics', i, 'target'],
      message: `differs from targetCpuUtilizationPercent ${v.targetCpuUtilizationPercent}; give the CPU target once`,
    });
  }
}

/**
 * A CPU-only list is stored exactly as today's input (no metrics key), so status, saved settings,
 * recordings and exports of CPU-only users do not change shape.
 */
export function normalizeMetrics(
  targetCpuUtilizationPercent: number | undefined,
  metrics: AutoscalerMetric[] | undefined,
): { targetCpuUtilizationPercent: number; metrics?: AutoscalerMetric[] } {
  const cpu = metrics?.find((m) => m.metric === 'cpu');
  const target = cpu?.target ?? targetCpuUtilizationPercent ?? DEFAULT_CPU_TARGET;
  if (metrics === undefined || (metrics.length === 1 && cpu)) return { targetCpuUtilizationPercent: target };
  return { targetCpuUtilizationPercent: target, metrics: metrics.map((m) => ({ ...m })) };
}

export function commandSchemas(maxReplicas: number) {
  const replicas = replicasSchema(maxReplicas);
  return {
    deploy: z.strictObject({ replicas: replicas.default(2) }),
    scale: z.strictObject({ replicas }),
    setAutoscaler: z.discriminatedUnion('enabled', [
      z.strictObject({ enabled: z.literal(false) }),
      z
        .strictObject({
          enabled: z.literal(true),
          ...autoscalerFieldSchemas(maxReplicas),
          // Optional once a metrics list is given (its CPU entry, if any, carries the target).
          targetCpuUtilizationPercent:
            autoscalerFieldSchemas(maxReplicas).targetCpuUtilizationPercent.optional(),
          profile: z.enum(AUTOSCALER_PROFILES).default('kubernetes'),
          // Partial: what is not given comes from the profile, so the value (and the status)
          // always carries the whole behavior in effect.
          behavior: hpaBehaviorInputSchema.optional(),
          metrics: autoscalerMetricsSchema.optional(),
        })
        .refine((v) => v.minReplicas <= v.maxReplicas, {
          message: 'must not exceed maxReplicas',
          path: ['minReplicas'],
        })
        .superRefine(checkCpuTarget)
        .transform(({ behavior, metrics, targetCpuUtilizationPercent, ...rest }) => ({
          ...rest,
          ...normalizeMetrics(targetCpuUtilizationPercent, metrics),
          behavior: effectiveBehavior(rest.profile, behavior),
        })),
    ]),
    status: z.strictObject({}),
    teardown: z.strictObject({ deleteVolumes: z.boolean().default(false) }),
  };
}

export type CommandSchemas = ReturnType<typeof commandSchemas>;
export type DeployInput = z.output<CommandSchemas['deploy']>;
export type ScaleInput = z.output<CommandSchemas['scale']>;
export type AutoscalerInput = z.output<CommandSchemas['setAutoscaler']>;
export type TeardownInput = z.output<CommandSchemas['teardown']>;
export type EnabledAutoscaler = Extract<AutoscalerInput, { enabled: true }>;

/** pending: no node can take the replica yet (Kubernetes: PodScheduled False, reason Unschedulable). */
export type ReplicaState = 'pending' | 'starting' | 'ready' | 'unhealthy' | 'stopped' | 'draining';
export type ComponentRole = 'postgres' | 'redis' | 'lb' | 'prometheus';
/** pending: as for replicas, no node can take the part's pod yet (its reason is in componentReasons). */
export type ComponentState = 'missing' | 'pending' | 'starting' | 'healthy' | 'unhealthy' | 'stopped';

/**
 * How many API replicas can each get the CPU they ask for, an estimate for the slider and the
 * autoscaler form: more still works, but on Kubernetes the rest stay Pending and on Docker the
 * replicas share the CPU. basis says how it was reckoned, in one sentence.
 */
export interface Capacity {
  replicas: number;
  basis: string;
  /** Each node of a cluster, for the node strip; absent on Docker. */
  nodes?: NodeSummary[];
}

/** tainted: Ready, but a NoSchedule/NoExecute taint keeps new pods off (a control-plane node, say). */
export type NodeState = 'ready' | 'cordoned' | 'tainted' | 'notReady';

export interface NodeSummary {
  name: string;
  state: NodeState;
  allocatableCpus: number;
  /** The stack's API pods bound to it. */
  apiPods: number;
}

export interface ReplicaStatus {
  name: string;
  id: string;
  state: ReplicaState;
  startedAt: number | null;
  /** Why the replica is not running yet, in the cluster's words (the scheduler's message when pending). */
  reason?: string;
  /** The node it runs on, where the target has nodes (Kubernetes, once scheduled). */
  node?: string;
}

export interface StackStatus {
  target: TargetKind;
  stack: string;
  /** absent: nothing deployed; running: every part healthy and desired = ready; degraded otherwise. */
  phase: 'absent' | 'running' | 'degraded';
  desiredReplicas: number;
  readyReplicas: number;
  replicas: ReplicaStatus[];
  components: Record<ComponentRole, ComponentState>;
  /** Why a part is not running yet, in the cluster's words (the scheduler's message when pending). */
  componentReasons?: Partial<Record<ComponentRole, string>>;
  /** null when it cannot be reckoned (e.g. no permission to list nodes). */
  capacity: Capacity | null;
  endpoints: { loadBalancer: string | null; prometheus: string | null };
  autoscaler: EnabledAutoscaler | null;
  dataVolume: string | null;
  /** What happens to that data when its node goes away, where the volume is tied to one node. */
  dataLocality?: string;
}

export type ReplicaEventKind = 'created' | 'ready' | 'stopped' | 'failed';
export type ScaleSource = 'manual' | 'autoscaler' | 'reconcile' | 'deploy';

export type CoreEvent =
  | { type: 'progress'; at: number; step: string; percent: number; log?: string }
  | { type: 'replica'; at: number; kind: ReplicaEventKind; name: string; detail?: string }
  | { type: 'scale'; at: number; source: ScaleSource; from: number; to: number }
  | { type: 'autoscaler'; at: number; decision: ScaleDecision }
  | { type: 'error'; at: number; error: ErrorData };

export type CoreEventListener = (event: CoreEvent) => void;

/** Progress of long work (build, deploy, teardown); percent is 0..100 for the whole operation. */
export type ProgressListener = (progress: { step: string; percent: number; log?: string }) => void;

// ---- the invoke map: every channel the UI, the CLI and HTTP call --------------------------------
// Channel names are `domain:verb`. Each has a zod input schema (built from settings.maxReplicas
// where replica counts are involved) and a value type; errors cross as { ok: false, error }.
// The names and whether each is a read or a command live in channels.ts (no zod there).

export { CHANNEL_KINDS, CHANNELS, COMMAND_CHANNELS, isChannel } from './channels.ts';
export type { Channel, ChannelKind } from './channels.ts';

export const CHAOS_TARGETS = ['replica', 'redis', 'postgres'] as const;
export type ChaosTarget = (typeof CHAOS_TARGETS)[number];
export type RestorableTarget = Exclude<ChaosTarget, 'replica'>;
/** drain and uncordon act on a node; evict is one pod a drain moved. */
export type ChaosAction = 'kill' | 'restore' | 'drain' | 'uncordon' | 'evict';

/** What a node drain did: the stack's pods it evicted, and the ones it left there on purpose. */
export interface DrainResult {
  node: string;
  evicted: string[];
  kept: { pod: string; reason: string }[];
}

const rps = (maxRps: number) =>
  z
    .number('must be a number')
    .finite('must be a finite number')
    .min(0, 'must be at least 0')
    .max(maxRps, `must be at most ${maxRps} (settings.maxLoadRps)`);
const mix = z.strictObject({
  getUser: z.number().finite().min(0, 'must be at least 0').optional(),
  listUsers: z.number().finite().min(0, 'must be at least 0').optional(),
  signUp: z.number().finite().min(0, 'must be at least 0').optional(),
  token: z.number().finite().min(0, 'must be at least 0').optional(),
});
const zipfExponent = z
  .number('must be a number')
  .finite()
  .min(0, 'must be between 0 and 5')
  .max(5, 'must be between 0 and 5');
const since = z.strictObject({ since: z.number('must be epoch milliseconds').finite().optional() });
const empty = z.strictObject({});

// Each target kind brings its own target:select shape (targets/<kind>/descriptor.ts).
export { targetSelectSchema } from './targets/registry.ts';
export type { TargetKind, TargetRequest } from './targets/registry.ts';

export function channelSchemas(limits: { maxReplicas: number; maxLoadRps: number }) {
  const commands = commandSchemas(limits.maxReplicas);
  const autoscaler = autoscalerFieldSchemas(limits.maxReplicas);
  return {
    'targets:list': empty,
    'stack:status': empty,
    'stack:deploy': z.strictObject({ replicas: replicasSchema(limits.maxReplicas).optional() }),
    'stack:scale': commands.scale,
    'stack:teardown': z.strictObject({ deleteVolumes: z.boolean('must be true or false').optional() }),
    'autoscaler:set': commands.setAutoscaler,
    'load:start': z.strictObject({
      rps: rps(limits.maxLoadRps),
      durationSeconds: z
        .number('must be a number of seconds')
        .finite()
        .positive('must be more than 0')
        .max(24 * 3600, 'must be at most 86400 (a day)'),
      concurrency: z
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(10_000, 'must be at most 10000')
        .optional(),
      mix: mix.optional(),
      zipfExponent: zipfExponent.optional(),
      clients: clientModelSchema.optional(),
    }),
    'load:update': z.strictObject({
      rps: rps(limits.maxLoadRps).optional(),
      mix: mix.optional(),
      zipfExponent: zipfExponent.optional(),
    }),
    'load:stop': empty,
    'load:status': empty,
    'chaos:kill': z
      .strictObject({
        what: z.enum(CHAOS_TARGETS, 'must be one of replica, redis, postgres'),
        replica: z.string().min(1, 'must be a replica name').optional(),
      })
      .refine((v) => v.replica === undefined || v.what === 'replica', {
        message: 'only applies when what is "replica"',
        path: ['replica'],
      }),
    'chaos:restore': z.strictObject({ what: z.enum(['redis', 'postgres'], 'must be redis or postgres') }),
    'chaos:drainNode': z.strictObject({ node: z.string().min(1, 'must be a node name') }),
    'chaos:uncordonNode': z.strictObject({ node: z.string().min(1, 'must be a node name') }),
    'metrics:charts': empty,
    'metrics:snapshot': since,
    'timeline:list': since,
    'target:current': empty,
    'target:select': targetSelectSchema,
    'scenarios:list': empty,
    'scenario:status': empty,
    // A built-in by name, or a scenario file's text (YAML or JSON): exactly one of the two.
    'scenario:play': z
      .strictObject({
        name: z.string('must be a scenario name').min(1, 'must be a scenario name').optional(),
        source: z
          .string('must be the text of a scenario file (YAML or JSON)')
          .min(1, 'must not be empty')
          .max(256 * 1024, 'must be at most 256 KiB')
          .optional(),
        // Deploy the stack first when none is running (the first-run demo).
        deploy: z.boolean('must be true or false').optional(),
      })
      .refine((v) => (v.name === undefined) !== (v.source === undefined), {
        message: 'give either name (a built-in scenario) or source (a scenario file), not both',
        path: ['name'],
      }),
    'scenario:pause': empty,
    'scenario:resume': empty,
    'scenario:stop': empty,
    'decisions:recording': empty,
    // The autoscaler form's fields, each optional (what is not given stays as recorded), over the
    // given recording (an export opened offline) or the controller's own.
    'decisions:whatif': z.strictObject({
      minReplicas: autoscaler.minReplicas.optional(),
      maxReplicas: autoscaler.maxReplicas.optional(),
      targetCpuUtilizationPercent: autoscaler.targetCpuUtilizationPercent.optional(),
      profile: z.enum(AUTOSCALER_PROFILES, 'must be kubernetes or demo').optional(),
      behavior: hpaBehaviorInputSchema.optional(),
      recording: recordingSchema.optional(),
    }),
  } satisfies Record<Channel, z.ZodType>;
}

export type ChannelSchemas = ReturnType<typeof channelSchemas>;
export type InputOf<C extends Channel> = z.input<ChannelSchemas[C]>;
export type ParsedInputOf<C extends Channel> = z.output<ChannelSchemas[C]>;

export interface TargetInfo {
  kind: TargetKind;
  id: string;
  label: string;
  available: boolean;
  /** Why it is not available, in a sentence. */
  reason?: string;
  /** What to do about it (a command, a setting). */
  fix?: string;
}

/** The target the session talks to now; its id is the one targets:list gives it. */
export interface CurrentTarget {
  kind: TargetKind;
  id: string;
  label: string;
  /** Kubernetes only: the kube context and the stack's namespace in it. */
  context?: string;
  namespace?: string;
}

export interface ChartInfo {
  id: string;
  title: string;
  unit: string;
  /** query: the PromQL, or a description of the source for values that do not come from Prometheus. */
  series: { name: string; query: string }[];
}

export interface ValueMap {
  'targets:list': TargetInfo[];
  'stack:status': StackStatus;
  'stack:deploy': StackStatus;
  'stack:scale': StackStatus;
  'stack:teardown': { removed: true };
  'autoscaler:set': EnabledAutoscaler | null;
  'load:start': LoadReport;
  'load:update': LoadReport;
  'load:stop': LoadReport;
  'load:status': LoadReport | null;
  'chaos:kill': { killed: string };
  'chaos:restore': { restored: string };
  'chaos:drainNode': DrainResult;
  'chaos:uncordonNode': { node: string };
  'metrics:charts': ChartInfo[];
  'metrics:snapshot': SeriesSnapshot[];
  'timeline:list': TimelineEvent[];
  'target:current': CurrentTarget;
  'target:select': CurrentTarget;
  'scenarios:list': ScenarioSummary[];
  'scenario:status': ScenarioStatus | null;
  'scenario:play': ScenarioStatus;
  'scenario:pause': ScenarioStatus;
  'scenario:resume': ScenarioStatus;
  'scenario:stop': ScenarioStatus;
  'decisions:recording': RecordingSnapshot;
  /** null: no recording yet (the autoscaler has not run). */
  'decisions:whatif': WhatIfResult | null;
}

/**
 * The controller's own recording (decisions/recording.ts, the shape parseRecording reads) and its
 * latest decisions with their explanations: what an export carries for the offline view.
 */
export interface RecordingSnapshot {
  recording: Recording;
  decisions: ScaleDecision[];
}

export type ValueOf<C extends Channel> = ValueMap[C];
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

// ---- the one event stream pushed to the UI ------------------------------------------------------

export interface MetricPoint {
  chart: string;
  name: string;
  t: number;
  v: number | null;
}

export type LoadEventKind = 'started' | 'changed' | 'stopped';
export type DeployEventStatus = 'started' | 'step' | 'done' | 'failed';
export type TargetSwitchStatus = 'switching' | 'switched' | 'failed';

export type UiEvent =
  | CoreEvent
  | { type: 'load'; at: number; kind: LoadEventKind; report: LoadReport }
  | {
      type: 'chaos';
      at: number;
      action: ChaosAction;
      /** evict: the evicted pod's part (replica for an API pod). */
      what: ChaosTarget | 'prometheus' | 'node';
      target: string;
    }
  | {
      /** The session's target switch: every client follows 'switched'; 'failed' left it where it was. */
      type: 'target';
      at: number;
      status: TargetSwitchStatus;
      from: CurrentTarget;
      /** The full target once switched; the requested one's id and label before. */
      to: CurrentTarget;
      detail?: string;
    }
  | {
      type: 'deploy';
      at: number;
      /** 'deploy' or 'teardown' for started/done/failed; the progress step otherwise. */
      step: string;
      status: DeployEventStatus;
      replicas?: number;
      detail?: string;
    }
  | {
      /** A scenario's progress: its steps (with captions) and expectations mark the charts and the timeline. */
      type: 'scenario';
      at: number;
      status: ScenarioEventStatus;
      name: string;
      title: string;
      /** The step this is about (status 'step', 'expectation'). */
      step?: number;
      caption?: string;
      expectation?: ExpectationResult;
      detail?: string;
    }
  | {
      type: 'metrics';
      at: number;
      points: MetricPoint[];
      /** The load generator's report at this tick (null when none ran yet), for live numbers. */
      load?: LoadReport | null;
    };

/** Every pushed event carries a monotonic seq; the timeline keeps all but metrics and progress. */
export type SequencedEvent = UiEvent & { seq: number };
/** The events the timeline keeps, before numbering (Omit<TimelineEvent, 'seq'> would collapse the union). */
export type TimelineEntry = Exclude<UiEvent, { type: 'metrics' } | { type: 'progress' }>;
export type TimelineEvent = TimelineEntry & { seq: number };
