/**
 * The Docker target: one stack (network, data volume, PostgreSQL, Redis, N API replicas, NGINX,
 * Prometheus) on the local engine, driven through dockerode. Desired state lives on the engine,
 * so any process can re-attach to a running stack. This class only wires the parts together:
 * each job lives in its own module beside it.
 */
import type Dockerode from 'dockerode';
import type { PodSample } from '../../autoscaler.ts';
import { CapacityCache, dockerCapacity } from '../../capacity.ts';
import type {
  AutoscalerInput,
  CoreEventListener,
  DeployInput,
  EnabledAutoscaler,
  ProgressListener,
  StackStatus,
  TeardownInput,
} from '../../contract.ts';
import { ScaledeckError } from '../../errors.ts';
import type { Settings } from '../../settings.ts';
import { Mutex } from '../kit/mutex.ts';
import { pollUntil } from '../kit/poll.ts';
import { everyReplicaReady } from '../kit/readiness.ts';
import { validateStackName } from '../kit/stack-name.ts';
import type { LiveTarget, ReplicaMetricsSource } from '../target.ts';
import { execText, killContainer, killPart, pickReplica, restorePart } from './chaos.ts';
import { assertEngine } from './connect.ts';
import { containerName, inspectOrNull } from './containers.ts';
import { CpuSampler } from './cpu-sampler.ts';
import { deployStack } from './deploy.ts';
import { FrontNetwork } from './front-network.ts';
import { stackNames } from './names.ts';
import { samplePods } from './pod-samples.ts';
import { reconcileStack, watchStackChanges } from './reconcile.ts';
import { ReplicaSet } from './replica-set.ts';
import { ReplicaTransitions } from './replica-transitions.ts';
import { StackRuntime } from './runtime.ts';
import { StackContextCache } from './stack-context.ts';
import { DesiredStateStore } from './state-store.ts';
import { readStatus } from './status.ts';
import { teardownStack } from './teardown.ts';

export interface DockerTargetOptions {
  stack?: string;
  /** Where published ports are reached from this process (the engine binds them on 127.0.0.1). */
  publishedHost?: string;
}

export class DockerTarget implements LiveTarget, ReplicaMetricsSource {
  readonly kind = 'docker' as const;
  readonly stack: string;
  private readonly runtime: StackRuntime;
  private readonly store: DesiredStateStore;
  private readonly contexts: StackContextCache;
  private readonly front: FrontNetwork;
  private readonly replicas: ReplicaSet;
  private readonly transitions: ReplicaTransitions;
  private readonly sampler: CpuSampler;
  /** Mutations run one at a time within this process, so scale and reconcile never interleave. */
  private readonly mutex = new Mutex();
  /** The engine's CPUs over the replica limit; NCPU changes only when Docker Desktop's VM is resized. */
  private readonly capacity: CapacityCache;

  constructor(docker: Dockerode, settings: Settings, options: DockerTargetOptions = {}) {
    this.stack = validateStackName(options.stack ?? 'default');
    this.runtime = new StackRuntime(
      docker,
      settings,
      this.stack,
      stackNames(this.stack),
      options.publishedHost ?? '127.0.0.1',
    );
    this.store = new DesiredStateStore(this.runtime);
    this.contexts = new StackContextCache(this.runtime);
    this.front = new FrontNetwork(this.runtime);
    this.replicas = new ReplicaSet(this.runtime, this.front);
    this.transitions = new ReplicaTransitions(this.runtime);
    this.sampler = new CpuSampler(docker);
    this.capacity = new CapacityCache(async () =>
      dockerCapacity(Number((await docker.info()).NCPU), settings.replicaCpus),
    );
  }

  observe(listener: CoreEventListener): () => void {
    return this.runtime.observe(listener);
  }

  async deploy(input: DeployInput, onProgress: ProgressListener = () => {}): Promise<StackStatus> {
    return deployStack(
      {
        runtime: this.runtime,
        store: this.store,
        contexts: this.contexts,
        replicas: this.replicas,
        exclusive: (work) => this.mutex.run(work),
        waitReady: (timeoutMs) => this.waitReady(timeoutMs),
        status: () => this.status(),
      },
      input,
      onProgress,
    );
  }

  async scale(replicas: number, source: 'manual' | 'autoscaler' = 'manual'): Promise<void> {
    const { maxReplicas } = this.runtime.settings;
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > maxReplicas) {
      throw new ScaledeckError(
        'VALIDATION',
        `replicas: must be a whole number from 0 to ${maxReplicas}`,
        'replicas',
      );
    }
    const drains = await this.mutex.run(async () => {
      const state = await this.store.require();
      if (source === 'manual' && state.autoscaler !== null) {
        throw new ScaledeckError(
          'AUTOSCALER_ACTIVE',
          'the autoscaler owns the replica count of this stack; turn it off first (autoscale off)',
          'replicas',
        );
      }
      const template = await this.contexts.template();
      if (state.desiredReplicas !== replicas) {
        await this.store.write({ desiredReplicas: replicas });
        this.runtime.emit({
          type: 'scale',
          at: Date.now(),
          source,
          from: state.desiredReplicas,
          to: replicas,
        });
      }
      return this.replicas.converge(template, replicas);
    });
    await drains.drained;
  }

  reconcile(): Promise<{ replaced: string[]; created: number }> {
    return this.mutex.run(() => reconcileStack(this.runtime, this.store, this.contexts, this.replicas));
  }

  watchChanges(onChange: () => void): () => void {
    return watchStackChanges(this.runtime, onChange);
  }

  async assertReachable(): Promise<void> {
    await assertEngine(this.runtime.docker);
  }

  /** Waits until every desired replica is ready (healthy) and no other replica is starting. */
  async waitReady(timeoutMs = 120_000): Promise<StackStatus> {
    return pollUntil('every replica ready', { timeoutMs }, async () => {
      const status = await this.status();
      const failed = status.replicas.find((replica) => replica.state === 'stopped');
      if (failed)
        throw new ScaledeckError(
          'START_FAILED',
          `replica ${failed.name} stopped; see \`docker logs ${failed.name}\``,
        );
      return everyReplicaReady(status) ? status : null;
    });
  }

  status(): Promise<StackStatus> {
    return readStatus({
      runtime: this.runtime,
      store: this.store,
      front: this.front,
      transitions: this.transitions,
      capacity: this.capacity,
    });
  }

  samplePods(): Promise<PodSample[]> {
    return samplePods(this.runtime, this.front, this.transitions, this.sampler);
  }

  /** SIGKILLs a replica (named, or a random running one); the engine and reconcile bring it back. */
  async killReplica(name?: string): Promise<string> {
    const running = (await this.runtime.list('api')).filter(
      (info) => info.State === 'running' && !this.runtime.isDraining(info),
    );
    const victim = pickReplica(running, name);
    await killContainer(this.runtime.docker, victim.Id);
    return containerName(victim);
  }

  /** SIGKILLs Redis or PostgreSQL; it stays down until restore(). */
  async killPart(what: 'redis' | 'postgres'): Promise<string> {
    const name = this.runtime.names[what];
    await killPart(this.runtime.docker, name);
    return name;
  }

  /** Starts a part killed by killPart() again and waits until it is healthy. */
  async restorePart(what: 'redis' | 'postgres'): Promise<string> {
    const name = this.runtime.names[what];
    await restorePart(this.runtime.docker, name);
    return name;
  }

  /**
   * Redis INFO of the stack's Redis, read through the engine (Redis is deliberately not
   * published to the host). Null when Redis is not running.
   */
  async redisInfo(section = 'stats'): Promise<string | null> {
    const { docker, names } = this.runtime;
    const info = await inspectOrNull(docker, names.redis);
    if (info === null || !info.State.Running) return null;
    return execText(docker, names.redis, ['redis-cli', 'INFO', section]);
  }

  async setAutoscaler(input: AutoscalerInput): Promise<EnabledAutoscaler | null> {
    return this.mutex.run(async () => {
      const state = await this.store.require();
      if (!input.enabled) {
        if (state.autoscaler !== null) await this.store.write({ autoscaler: null });
        return null;
      }
      await this.store.write({ autoscaler: JSON.stringify(input) });
      return input;
    });
  }

  async teardown(input: TeardownInput, onProgress: ProgressListener = () => {}): Promise<void> {
    await assertEngine(this.runtime.docker);
    await this.mutex.run(async () => {
      await teardownStack(this.runtime, this.store, input, onProgress);
      this.contexts.forget();
      this.transitions.clear();
      onProgress({ step: 'done', percent: 100 });
    });
  }

  async dispose(): Promise<void> {
    this.runtime.disposed = true;
    this.runtime.clearListeners();
    await this.mutex.idle();
  }
}
