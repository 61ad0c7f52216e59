/**
 * The Kubernetes target: the stack as Deployments, a StatefulSet, Services, an RBAC'd Prometheus
 * and (when autoscaling) a real autoscaling/v2 HorizontalPodAutoscaler in namespace
 * `scaledeck-<stack>` of any kube context, applied with server-side apply (field manager
 * `scaledeck`). Desired state lives in the cluster, so any process re-attaches to it.
 *
 * This class is the facade: it holds the target's state (clients, listeners, tunnels, the
 * observer, the one-at-a-time lock) and hands each job to its module.
 */
import type { AppsV1Api, AutoscalingV2Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type Dockerode from 'dockerode';
import { namespaceFor } from '../../../../k8s/manifests.ts';
import { CapacityCache } from '../../capacity.ts';
import type {
  AutoscalerInput,
  CoreEventListener,
  DeployInput,
  EnabledAutoscaler,
  ProgressListener,
  StackStatus,
  TeardownInput,
} from '../../contract.ts';
import type { Settings } from '../../settings.ts';
import { Mutex } from '../kit/mutex.ts';
import { EventFanout, progressReporter } from '../kit/progress.ts';
import { validateStackName } from '../kit/stack-name.ts';
import type { LiveTarget, NodeChaos } from '../target.ts';
import { killPart, killReplica, redisInfo, restorePart } from './chaos.ts';
import { drainNode, uncordonNode } from './node-drain.ts';
import { loadKubeConfig, type KubeConnectOptions } from './connect.ts';
import { applyStack, type DeployParts } from './deploy.ts';
import { applyAutoscaler } from './hpa.ts';
import { imageStrategy, prepareImages } from './image-shipping.ts';
import type { ImageStrategy } from './image-strategy.ts';
import { StackObserver } from './observer.ts';
import { StackReach } from './reach.ts';
import { ReplicaControl } from './replicas.ts';
import { StackApi } from './stack-api.ts';
import { readCapacity, readStatus } from './status.ts';
import { removeStack } from './teardown.ts';
import { waitApiReady } from './waits.ts';

export interface KubernetesTargetOptions extends KubeConnectOptions {
  stack?: string;
  /** Namespace of the stack; default `scaledeck-<stack>`. */
  namespace?: string;
  /** For the API image build and for loading images into local clusters. */
  docker?: Dockerode;
  /** Loaded config (tests); otherwise read from KUBECONFIG / --context. */
  kubeConfig?: KubeConfig;
  /** How the host reaches the API and Prometheus: NodePort first (default), or always port-forward. */
  reach?: 'auto' | 'port-forward';
}

export class KubernetesTarget implements LiveTarget {
  readonly kind = 'kubernetes' as const;
  readonly stack: string;
  readonly namespace: string;
  readonly contextName: string;
  readonly server: string;
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly autoscaling: AutoscalingV2Api;
  private readonly api: StackApi;
  private readonly settings: Settings;
  private readonly docker: Dockerode | undefined;
  private readonly events = new EventFanout();
  private readonly reach: StackReach;
  private readonly replicas: ReplicaControl;
  private readonly mutex = new Mutex();
  private readonly capacity: CapacityCache;
  private observer: StackObserver | null = null;

  constructor(settings: Settings, options: KubernetesTargetOptions = {}) {
    this.settings = settings;
    this.stack = validateStackName(options.stack ?? 'default');
    this.namespace = options.namespace ?? namespaceFor(this.stack);
    this.kc = options.kubeConfig ?? loadKubeConfig(options);
    if (options.context !== undefined && options.kubeConfig !== undefined)
      this.kc.setCurrentContext(options.context);
    this.api = new StackApi(this.kc, this.stack, this.namespace);
    this.contextName = this.api.contextName;
    this.server = this.api.server;
    this.core = this.api.core;
    this.apps = this.api.apps;
    this.autoscaling = this.api.autoscaling;
    this.docker = options.docker;
    this.reach = new StackReach(this.api, options.reach ?? settings.kubernetes?.reach ?? 'auto');
    this.replicas = new ReplicaControl(this.api, settings.maxReplicas, (event) => this.events.emit(event));
    this.capacity = new CapacityCache(() => readCapacity(this.api, this.settings.replicaCpus));
  }

  /** Fails fast (5 s) when the cluster does not answer, with what to do. */
  assertReachable(): Promise<void> {
    return this.api.assertReachable();
  }

  observe(listener: CoreEventListener): () => void {
    this.events.add(listener);
    if (this.observer === null) {
      this.observer = new StackObserver(
        { kc: this.kc, core: this.core, apps: this.apps, autoscaling: this.autoscaling },
        this.namespace,
        this.stack,
        (event) => this.events.emit(event),
        () => this.replicas.lastOwnScale(),
      );
      this.observer.start();
    }
    return () => {
      this.events.remove(listener);
      if (this.events.size === 0) void this.stopObserver();
    };
  }

  private async stopObserver(): Promise<void> {
    const observer = this.observer;
    this.observer = null;
    await observer?.stop();
  }

  imageStrategy(): Promise<ImageStrategy> {
    return imageStrategy(this.api, this.settings);
  }

  async deploy(input: DeployInput, onProgress: ProgressListener = () => {}): Promise<StackStatus> {
    const progress = progressReporter(onProgress, (event) => this.events.emit(event));
    await this.assertReachable();
    const prepared = await prepareImages(this.api, this.settings, this.docker, progress);
    const parts: DeployParts = {
      api: this.api,
      settings: this.settings,
      replicas: this.replicas,
      emit: (event) => this.events.emit(event),
      status: () => this.status(),
      waitReady: (timeoutMs) => this.waitReady(timeoutMs),
    };
    return this.mutex.run(() => applyStack(parts, input, prepared, progress));
  }

  async scale(replicas: number, source: 'manual' | 'autoscaler' = 'manual'): Promise<void> {
    this.replicas.validate(replicas);
    await this.mutex.run(() => this.replicas.scale(replicas, source));
  }

  /** Kubernetes' own controllers restore dead pods; nothing for Scaledeck to do. */
  async reconcile(): Promise<{ replaced: string[]; created: number }> {
    return { replaced: [], created: 0 };
  }

  /** Waits until the Deployment's pods are all updated, Ready and routed, and no other API pod remains. */
  waitReady(timeoutMs = 180_000): Promise<StackStatus> {
    return waitApiReady(this.api, this.settings.replicaCpus, () => this.status(), timeoutMs);
  }

  status(): Promise<StackStatus> {
    return readStatus(this.api, this.capacity, this.reach);
  }

  setAutoscaler(input: AutoscalerInput): Promise<EnabledAutoscaler | null> {
    return this.mutex.run(() => applyAutoscaler(this.api, this.settings, input));
  }

  /** Deletes an API pod at once (no grace); its Deployment replaces it. */
  killReplica(name?: string): Promise<string> {
    return killReplica(this.api, name);
  }

  /** Deletes the Redis or PostgreSQL pod at once; its controller brings it back by itself. */
  killPart(what: 'redis' | 'postgres'): Promise<string> {
    return killPart(this.api, what);
  }

  restorePart(what: 'redis' | 'postgres'): Promise<string> {
    return restorePart(this.api, what);
  }

  /** Cordon + evict through the Eviction API (node-drain.ts), and uncordon. */
  readonly nodes: NodeChaos = {
    drain: (node, onEvicted, options) => drainNode(this.api, node, { ...options, onEvicted }),
    uncordon: (node) => uncordonNode(this.api, node),
  };

  /** Redis INFO through the exec API (Redis is not exposed outside the cluster). */
  redisInfo(section = 'stats'): Promise<string | null> {
    return redisInfo(this.api, section);
  }

  /**
   * Deletes every object the stack applied. The namespace and the PostgreSQL claim stay unless
   * deleteVolumes (then the namespace goes, and the claim with it).
   */
  async teardown(input: TeardownInput, onProgress: ProgressListener = () => {}): Promise<void> {
    await this.assertReachable();
    await this.mutex.run(async () => {
      await removeStack(this.api, this.settings, input, onProgress);
      this.reach.close();
      onProgress({ step: 'done', percent: 100 });
    });
  }

  async dispose(): Promise<void> {
    this.events.clear();
    await this.stopObserver();
    await this.mutex.idle();
    this.reach.close();
  }
}
