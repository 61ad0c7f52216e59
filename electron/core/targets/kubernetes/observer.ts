/**
 * Watches (informers) on the stack's pods, Deployments, HPAs and events, each restarted with
 * exponential backoff after an error; they feed the same CoreEvents as the Docker target:
 * replica created/ready/stopped/failed, scale changes made by the HPA, HPA decisions with their
 * metrics, the cluster's warnings, and once per pod of the stack that no node can take, the
 * scheduler's reason.
 *
 * Each HPA sync it sees (the controller wrote a new status) is reconstructed by Scaledeck's own
 * algorithm from the API pods and their metrics.k8s.io samples (hpa-shadow.ts): the decision
 * carries that arithmetic and says whether it agrees with the HPA's desiredReplicas.
 */
import {
  makeInformer,
  Metrics,
  type AppsV1Api,
  type AutoscalingV2Api,
  type CoreV1Api,
  type CoreV1Event,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  type V1Deployment,
  type V1Pod,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type { CoreEvent } from '../../contract.ts';
import { NAMES, stackSelector } from '../../../../k8s/manifests.ts';
import { decisionFromHpa } from './hpa-decision.ts';
import { HpaShadow, type InputSample } from './hpa-shadow.ts';
import type { PodMetricsForSample } from './pod-samples.ts';
import { isPodReady } from './pod-state.ts';
import { describePending, unschedulableReason } from './scheduling.ts';
import { componentOf } from './stack-state.ts';

export interface ObserverClients {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  /** The namespace's metrics.k8s.io PodMetrics; defaults to client-node's Metrics on `kc`. */
  podMetrics?: (namespace: string) => Promise<PodMetricsForSample[]>;
}

const MAX_BACKOFF_MS = 30_000;
/** Well under the HPA's 15 s sync period (5 s in the replay test), so a missed sync has a sample. */
const SAMPLE_EVERY_MS = 2000;
const SAMPLES_KEPT_MS = 60_000;

function timeOf(value: Date | string | undefined): number {
  return value === undefined ? 0 : new Date(value).getTime();
}

function restarts(pod: V1Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((sum, status) => sum + status.restartCount, 0);
}

/**
 * The controller writes an HPA's status only at a sync, and only when it changed: a new status is
 * a sync. (Watch events carry times as strings, lists as Dates: JSON makes them alike.)
 */
function hpaStatusKey(hpa: V2HorizontalPodAutoscaler): string {
  return JSON.stringify(hpa.status ?? null);
}

export class StackObserver {
  private readonly clients: ObserverClients;
  private readonly namespace: string;
  private readonly stack: string;
  private readonly emit: (event: CoreEvent) => void;
  /** The target's own scale() calls, so an informer echo of them is not reported twice. */
  private readonly ownScale: () => { to: number; at: number } | null;
  private readonly informers: Informer<KubernetesObject>[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly podState = new Map<string, { ready: boolean; restarts: number }>();
  private readonly hpaSeen = new Map<string, string>();
  /** Per HPA: Scaledeck's reconstruction, and whether it saw the HPA before its first sync. */
  private readonly shadows = new Map<string, HpaShadow>();
  /** The API pods as the informer last delivered them: what the HPA's pod lister holds too. */
  private readonly apiPods = new Map<string, V1Pod>();
  /**
   * Pods and metrics sampled between the HPA's status writes: a sync that changed nothing writes
   * nothing, and the shadow fills it in from what the metrics API served then.
   */
  private inputSamples: InputSample[] = [];
  private sampling = false;
  /** HPA syncs are reconstructed one at a time, in the order they came. */
  private hpaWork: Promise<void> = Promise.resolve();
  /** Pods whose Pending reason was reported: once per pod, not on every update of it. */
  private readonly pendingReported = new Set<string>();
  private replicas: number | null = null;
  private hpaPresent = false;
  private readonly startedAt = Date.now();
  private stopped = false;
  private metrics: Metrics | null = null;

  constructor(
    clients: ObserverClients,
    namespace: string,
    stack: string,
    emit: (event: CoreEvent) => void,
    ownScale: () => { to: number; at: number } | null,
  ) {
    this.clients = clients;
    this.namespace = namespace;
    this.stack = stack;
    this.emit = emit;
    this.ownScale = ownScale;
  }

  start(): void {
    const { kc, core, apps, autoscaling } = this.clients;
    const ns = this.namespace;
    const apiSelector = stackSelector(this.stack, 'api');
    // Every pod of the stack: PostgreSQL, Redis and Prometheus can be left Pending too.
    const stackPods = stackSelector(this.stack);
    this.watch<V1Pod>(
      makeInformer(
        kc,
        `/api/v1/namespaces/${ns}/pods`,
        () => core.listNamespacedPod({ namespace: ns, labelSelector: stackPods }),
        stackPods,
      ),
      (verb, pod) => {
        this.onPending(verb, pod);
        if (componentOf(pod) === 'api') this.onPod(verb, pod);
      },
    );
    this.watch<V1Deployment>(
      makeInformer(
        kc,
        `/apis/apps/v1/namespaces/${ns}/deployments`,
        () => apps.listNamespacedDeployment({ namespace: ns, labelSelector: apiSelector }),
        apiSelector,
      ),
      (verb, deployment) => this.onDeployment(verb, deployment),
    );
    this.watch<V2HorizontalPodAutoscaler>(
      makeInformer(
        kc,
        `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
        () =>
          autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: ns, labelSelector: apiSelector }),
        apiSelector,
      ),
      (verb, hpa) => this.onHpa(verb, hpa),
    );
    this.watch<CoreV1Event>(
      makeInformer(kc, `/api/v1/namespaces/${ns}/events`, () => core.listNamespacedEvent({ namespace: ns })),
      (verb, event) => this.onClusterEvent(verb, event),
    );
  }

  private watch<T extends KubernetesObject>(
    informer: Informer<T>,
    handle: (verb: 'add' | 'update' | 'delete', object: T) => void,
  ): void {
    this.informers.push(informer as unknown as Informer<KubernetesObject>);
    let backoffMs = 1000;
    const safe = (verb: 'add' | 'update' | 'delete') => (object: T) => {
      backoffMs = 1000;
      try {
        handle(verb, object);
      } catch {
        // A malformed object must not stop the watch.
      }
    };
    informer.on('add', safe('add'));
    informer.on('update', safe('update'));
    informer.on('delete', safe('delete'));
    const restart = () => {
      if (this.stopped) return;
      this.schedule(async () => {
        if (!this.stopped) informer.start().catch(restart);
      }, backoffMs);
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    };
    informer.on('error', restart);
    informer.start().catch(restart);
  }

  private onPod(verb: 'add' | 'update' | 'delete', pod: V1Pod): void {
    const name = pod.metadata?.name;
    if (!name) return;
    const at = Date.now();
    if (verb === 'delete') this.apiPods.delete(name);
    else this.apiPods.set(name, pod);
    if (verb === 'delete') {
      this.podState.delete(name);
      this.emit({ type: 'replica', at, kind: 'stopped', name });
      return;
    }
    const previous = this.podState.get(name);
    const now = { ready: isPodReady(pod), restarts: restarts(pod) };
    this.podState.set(name, now);
    if (previous === undefined) {
      // Watch events carry timestamps as strings (only typed list calls make Dates).
      const created = timeOf(pod.metadata?.creationTimestamp);
      // The informer's first list reports every existing pod as added: only new ones are news.
      if (created >= this.startedAt - 1000) this.emit({ type: 'replica', at, kind: 'created', name });
      return;
    }
    if (now.restarts > previous.restarts) {
      const last = pod.status?.containerStatuses?.find((s) => s.lastState?.terminated)?.lastState?.terminated;
      const detail = last ? `restarted: ${last.reason ?? 'exited'} (exit ${last.exitCode})` : 'restarted';
      this.emit({ type: 'replica', at, kind: 'failed', name, detail });
    }
    if (now.ready && !previous.ready) this.emit({ type: 'replica', at, kind: 'ready', name });
  }

  private onPending(verb: 'add' | 'update' | 'delete', pod: V1Pod): void {
    const name = pod.metadata?.name;
    if (!name) return;
    if (verb === 'delete') {
      this.pendingReported.delete(name);
      return;
    }
    const reason = unschedulableReason(pod);
    if (reason === null || this.pendingReported.has(name)) return;
    this.pendingReported.add(name);
    this.emit({
      type: 'error',
      at: Date.now(),
      error: { code: 'CLUSTER_WARNING', message: describePending(pod, reason) },
    });
  }

  private onDeployment(verb: 'add' | 'update' | 'delete', deployment: V1Deployment): void {
    if (deployment.metadata?.name !== NAMES.api) return;
    if (verb === 'delete') {
      this.replicas = null;
      return;
    }
    const to = deployment.spec?.replicas ?? 1;
    const from = this.replicas;
    this.replicas = to;
    if (from === null || from === to) return;
    const own = this.ownScale();
    if (own !== null && own.to === to && Date.now() - own.at < 30_000) return;
    this.emit({ type: 'scale', at: Date.now(), source: this.hpaPresent ? 'autoscaler' : 'manual', from, to });
  }

  private onHpa(verb: 'add' | 'update' | 'delete', hpa: V2HorizontalPodAutoscaler): void {
    const name = hpa.metadata?.name ?? '';
    if (verb === 'delete') {
      this.hpaPresent = false;
      this.hpaSeen.delete(name);
      this.shadows.delete(name);
      return;
    }
    this.hpaPresent = true;
    const key = hpaStatusKey(hpa);
    const previous = this.hpaSeen.get(name);
    if (previous === key) return;
    this.hpaSeen.set(name, key);
    if (hpa.status?.currentReplicas === undefined) {
      // Seen before the controller's first sync: that sync starts its history, and the shadow's.
      if (!this.shadows.has(name)) this.shadows.set(name, new HpaShadow({ seenBeforeFirstSync: true }));
      return;
    }
    const at = Date.now();
    this.startSampling();
    let shadow = this.shadows.get(name);
    if (shadow === undefined) {
      shadow = new HpaShadow();
      this.shadows.set(name, shadow);
      // A status from before Scaledeck looked: the pods now are not the ones that sync read.
      if (previous === undefined) {
        this.emit({ type: 'autoscaler', at, decision: decisionFromHpa(hpa, at) });
        return;
      }
    }
    const pods = [...this.apiPods.values()].flatMap((pod) => (pod.metadata?.name ? [pod] : []));
    this.hpaWork = this.hpaWork.then(async () => {
      if (this.stopped) return;
      let decision;
      try {
        const podMetrics = await this.readPodMetrics();
        decision = shadow.observe({
          hpa,
          pods: pods as (V1Pod & { metadata: { name: string } })[],
          podMetrics,
          at,
          samples: this.inputSamples.filter((sample) => sample.at < at),
        });
      } catch {
        // Without the pods' metrics there is nothing to reconstruct: the HPA's decision alone.
        decision = decisionFromHpa(hpa, at);
      }
      if (!this.stopped) this.emit({ type: 'autoscaler', at, decision });
    });
  }

  /** Samples every few seconds while an HPA has a count, keeping about two sync periods' worth. */
  private startSampling(): void {
    if (this.sampling || this.stopped) return;
    this.sampling = true;
    const tick = async () => {
      if (this.stopped || !this.hpaPresent) {
        this.sampling = false;
        return;
      }
      try {
        const at = Date.now();
        const podMetrics = await this.readPodMetrics();
        const pods = [...this.apiPods.values()].filter(
          (pod): pod is V1Pod & { metadata: { name: string } } => pod.metadata?.name !== undefined,
        );
        this.inputSamples.push({ at, pods, podMetrics });
        this.inputSamples = this.inputSamples.filter((sample) => sample.at > at - SAMPLES_KEPT_MS);
      } catch {
        // A failed read leaves a gap; the fill-in then uses the last observed sync's inputs.
      }
      this.schedule(tick, SAMPLE_EVERY_MS);
    };
    this.schedule(tick, SAMPLE_EVERY_MS);
  }

  private schedule(work: () => Promise<void>, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void work();
    }, ms);
    this.timers.add(timer);
  }

  private async readPodMetrics(): Promise<PodMetricsForSample[]> {
    if (this.clients.podMetrics) return this.clients.podMetrics(this.namespace);
    this.metrics ??= new Metrics(this.clients.kc);
    return (await this.metrics.getPodMetrics(this.namespace)).items;
  }

  private onClusterEvent(verb: 'add' | 'update' | 'delete', event: CoreV1Event): void {
    if (verb === 'delete' || event.type !== 'Warning') return;
    // Reported once per pod from the pod itself (onPending); the event repeats on every retry.
    if (event.reason === 'FailedScheduling' && event.involvedObject.kind === 'Pod') return;
    const when =
      (event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp)?.getTime() ?? 0;
    if (when < this.startedAt - 1000) return;
    const object = event.involvedObject;
    const part = object.name ? `${object.kind?.toLowerCase() ?? 'object'} ${object.name}` : 'the stack';
    this.emit({
      type: 'error',
      at: Date.now(),
      error: {
        code: 'CLUSTER_WARNING',
        message: `${part}: ${event.reason ?? 'Warning'}: ${event.message ?? ''}`.trim(),
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.informers.map((informer) => informer.stop().catch(() => undefined)));
    this.informers.length = 0;
    await this.hpaWork;
  }
}
