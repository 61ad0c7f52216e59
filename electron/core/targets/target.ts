import type {
  AutoscalerInput,
  CoreEventListener,
  DeployInput,
  EnabledAutoscaler,
  ProgressListener,
  StackStatus,
  TeardownInput,
} from '../contract.ts';
import type { PodSample } from '../autoscaler.ts';

/** What the autoscaler loop needs from a target that has no native HPA. */
export interface ReplicaMetricsSource {
  samplePods(): Promise<PodSample[]>;
}

/**
 * One deployment target (the local Docker engine, a Kubernetes context). Inputs arrive
 * validated against the contract schemas; the target re-checks what depends on its state.
 */
export interface Target {
  readonly kind: 'docker' | 'kubernetes';
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
}
