import type Dockerode from 'dockerode';
import type { z } from 'zod';
import type {
  AutoscalerInput,
  CoreEventListener,
  CurrentTarget,
  DeployInput,
  DrainResult,
  EnabledAutoscaler,
  ProgressListener,
  StackStatus,
  TargetInfo,
  TeardownInput,
} from '../contract.ts';
import type { PodSample } from '../autoscaler.ts';
import type { Settings } from '../settings.ts';
import type { TargetKind } from './registry.ts';

export type { TargetKind } from './registry.ts';

/** What the autoscaler loop needs from a target that has no native HPA. */
export interface ReplicaMetricsSource {
  samplePods(): Promise<PodSample[]>;
}

/**
 * One deployment target (the local Docker engine, a Kubernetes context). Inputs arrive
 * validated against the contract schemas; the target re-checks what depends on its state.
 */
export interface Target {
  readonly kind: TargetKind;
  readonly stack: string;
  status(): Promise<StackStatus>;
  deploy(input: DeployInput, onProgress?: ProgressListener): Promise<StackStatus>;
  scale(replicas: number, source?: 'manual' | 'autoscaler'): Promise<void>;
  /** Stores the autoscaler configuration on the target (it survives a controller restart). */
  setAutoscaler(input: AutoscalerInput): Promise<EnabledAutoscaler | null>;
  /** Brings the running stack back to its desired state; returns what it changed. */
  reconcile(): Promise<{ replaced: string[]; created: number }>;
  /** Calls onChange as soon as the engine reports a replica died or vanished; returns cancel(). */
  watchChanges?(onChange: () => void): () => void;
  /** Pushes replica/scale events; returns cancel(). */
  observe(listener: CoreEventListener): () => void;
  teardown(input: TeardownInput, onProgress?: ProgressListener): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * What a session needs beyond Target for its live features, so it drives Docker and Kubernetes
 * alike: chaos actions, Redis INFO for the keyspace chart, a reachability check and waitReady.
 */
export interface LiveTarget extends Target {
  /** Fails with an error that says what to do when the engine or cluster does not answer. */
  assertReachable(): Promise<void>;
  waitReady(timeoutMs?: number): Promise<StackStatus>;
  /** Kills one API replica (a random one without a name); returns its name. */
  killReplica(name?: string): Promise<string>;
  killPart(what: 'redis' | 'postgres'): Promise<string>;
  restorePart(what: 'redis' | 'postgres'): Promise<string>;
  /** Redis INFO text of the stack's Redis, or null when it is not running. */
  redisInfo(section?: string): Promise<string | null>;
  /** Node chaos, where the target has nodes (Kubernetes); absent on Docker. */
  readonly nodes?: NodeChaos;
}

/** Cordon a node and evict the stack's pods from it (disruption budgets hold), or uncordon it. */
export interface NodeChaos {
  /** timeoutMs: how long evictions a disruption budget refuses are retried (default 120 s). */
  drain(
    node: string,
    onEvicted: (pod: string, component: string) => void,
    options?: { timeoutMs?: number },
  ): Promise<DrainResult>;
  uncordon(node: string): Promise<void>;
}

// ---- what a target kind is: its descriptor, listed once in registry.ts ---------------------------

/**
 * Where a stack runs, as the flags or target:select name it: the kind and its own options as
 * strings (Kubernetes: context, namespace, kubeconfig). Absent options take the kind's defaults.
 */
export type TargetChoice = { readonly kind: TargetKind } & { readonly [option: string]: string | undefined };

/** What every kind gets to open its target or list what it can reach. */
export interface TargetContext {
  settings: Settings;
  stack: string;
  /** The engine of the Docker target, and the API image build of the others. */
  docker: Dockerode;
  /** A path list like KUBECONFIG that listing and target:select read (the kinds that use one). */
  kubeconfig?: string | undefined;
}

/** A `--name <value>` flag of the CLI and browser mode that only goes with its kind's --target. */
export interface TargetFlag {
  /** Also the TargetChoice option it fills. */
  name: string;
  value: string;
  description: string;
}

/** What a kind can do, where callers would otherwise ask which class a target is. */
export interface TargetCapabilities {
  /** What replicas past the capacity estimate do: wait as Pending (a scheduler) or share the CPU. */
  pastCapacity: 'pending' | 'shared';
}

/**
 * One target kind: how to open it from flags or a target:select request, what it can do and how
 * it names itself. R is its target:select request (the select schema's output, kind included).
 * Methods (not function properties) so each descriptor is a TargetDescriptor of the whole union.
 */
export interface TargetDescriptor<K extends string = string, R extends { kind: K } = { kind: K }> {
  readonly kind: K;
  /** How --help and errors name it, e.g. "the local Docker engine". */
  readonly title: string;
  /** Its own flags beside --target (none for Docker). */
  readonly flags: readonly TargetFlag[];
  readonly capabilities: TargetCapabilities;
  /** The target:select input of this kind: a strict object whose kind is the literal K. */
  readonly selectSchema: z.ZodObject;
  /** What to do when it does not answer (targets:list and target:select say the same). */
  readonly fix: string;
  /** The request field a failure to open it names. */
  readonly failureField: string;
  /** The choice its flags make (the values are already known to be this kind's). */
  fromFlags(values: Readonly<Record<string, string | undefined>>): TargetChoice;
  /** The choice a target:select request makes; fails naming the field when it names nothing known. */
  fromRequest(request: R, context: Pick<TargetContext, 'kubeconfig'>): TargetChoice;
  /** Builds the target (no network yet: assertReachable() is the first call that needs it). */
  open(choice: TargetChoice, context: TargetContext): LiveTarget;
  /** The open target as targets:list names it. */
  describe(target: LiveTarget): CurrentTarget;
  /** The requested target's id and label, before it is open. */
  requested(request: R): CurrentTarget;
  /** Whether the request names the target the session is on already (a no-op switch). */
  isCurrent(request: R, current: CurrentTarget): boolean;
  /**
   * What the CLI says after a chaos kill: what was done to `name` and what brings it back
   * (`restore` is the command that restores a part).
   */
  killed(what: 'replica' | 'part', name: string, restore: string): string;
  /** Every target of this kind the machine can reach, with why not and what to do. */
  list(context: TargetContext): Promise<TargetInfo[]>;
}
