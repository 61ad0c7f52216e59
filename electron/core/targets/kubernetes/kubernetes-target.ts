/**
 * The Kubernetes target: the stack as Deployments, a StatefulSet, Services, an RBAC'd Prometheus
 * and (when autoscaling) a real autoscaling/v2 HorizontalPodAutoscaler in namespace
 * `scaledeck-<stack>` of any kube context, applied with server-side apply (field manager
 * `scaledeck`). Desired state lives in the cluster, so any process re-attaches to it.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import {
  ApiregistrationV1Api,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  DiscoveryV1Api,
  Exec,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
  type V1Pod,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type Dockerode from 'dockerode';
import {
  NAMES,
  PROMETHEUS_PORT,
  SECRET_KEYS,
  hpaManifest,
  namespaceFor,
  stackManifests,
  stackSelector,
  type Component,
  type ManifestContext,
  type StackSecrets,
} from '../../../../k8s/manifests.ts';
import type {
  AutoscalerInput,
  ComponentRole,
  ComponentState,
  CoreEvent,
  CoreEventListener,
  DeployInput,
  EnabledAutoscaler,
  ProgressListener,
  ReplicaState,
  ReplicaStatus,
  StackStatus,
  TeardownInput,
} from '../../contract.ts';
import { ScaledeckError } from '../../errors.ts';
import { resolveImages, type Settings } from '../../settings.ts';
import { buildApiImage, ensureImage, imageExists } from '../kit/images.ts';
import { validateStackName } from '../kit/stack-name.ts';
import {
  describeKubeError,
  isNotFound,
  loadKubeConfig,
  type KubeConnectOptions,
} from './connect.ts';
import { CapacityCache } from '../../capacity.ts';
import { cpuMillicores, kubernetesCapacity } from './capacity.ts';
import { autoscalerFromHpa } from './hpa-decision.ts';
import { pickImageStrategy, type ImageStrategy } from './image-strategy.ts';
import { contentTag, shipImages } from './images.ts';
import { StackObserver, isPodReady } from './observer.ts';
import { PortForwardTunnel, connectsWithin } from './port-forward.ts';
import {
  UnschedulableWatch,
  describePending,
  unschedulableReason,
  type StuckPods,
} from './scheduling.ts';
import type { LiveTarget } from '../target.ts';

const FIELD_MANAGER = 'scaledeck';
/** A separate manager for the replica count, so applying the Deployment never touches it. */
const SCALE_MANAGER = 'scaledeck-scale';
/**
 * How long a NodePort may refuse connections after its first backend is Ready before the target
 * falls back to port-forward: kube-proxy programs the rules only after the EndpointSlice update
 * reaches it, which took several seconds on a loaded CI machine.
 */
const NODE_PORT_GRACE_MS = 20_000;
const LOAD_IMAGE_SCRIPT = path.resolve(import.meta.dirname, '../../../../e2e/cluster/load-image.sh');
const COMPONENTS: Record<Exclude<ComponentRole, 'lb'>, Component> = {
  postgres: 'postgres',
  redis: 'redis',
  prometheus: 'prometheus',
};
/** The parts that run as pods (the load balancer is the API's Service). */
const COMPONENT_PODS = Object.keys(COMPONENTS) as (keyof typeof COMPONENTS)[];

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

type Verb = 'get' | 'list' | 'create' | 'patch' | 'delete' | 'apply' | 'watch';

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
  private readonly discovery: DiscoveryV1Api;
  private readonly objects: KubernetesObjectApi;
  private readonly settings: Settings;
  private readonly docker: Dockerode | undefined;
  private readonly reach: 'auto' | 'port-forward';
  private readonly listeners = new Set<CoreEventListener>();
  private readonly tunnels = new Map<string, PortForwardTunnel>();
  /** One probe per Service, shared by concurrent status calls; settled once a backend was ready. */
  private readonly nodePortReachable = new Map<string, Promise<boolean>>();
  private observer: StackObserver | null = null;
  private lastOwnScale: { to: number; at: number } | null = null;
  private mutex: Promise<unknown> = Promise.resolve();
  private readonly capacity = new CapacityCache(() => this.readCapacity());

  constructor(settings: Settings, options: KubernetesTargetOptions = {}) {
    this.settings = settings;
    this.stack = validateStackName(options.stack ?? 'default');
    this.namespace = options.namespace ?? namespaceFor(this.stack);
    this.kc = options.kubeConfig ?? loadKubeConfig(options);
    if (options.context !== undefined && options.kubeConfig !== undefined)
      this.kc.setCurrentContext(options.context);
    this.contextName = this.kc.getCurrentContext();
    this.server = this.kc.getCurrentCluster()?.server ?? '(no server)';
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.apps = this.kc.makeApiClient(AppsV1Api);
    this.autoscaling = this.kc.makeApiClient(AutoscalingV2Api);
    this.discovery = this.kc.makeApiClient(DiscoveryV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(this.kc);
    this.docker = options.docker;
    this.reach = options.reach ?? settings.kubernetes?.reach ?? 'auto';
  }

  /** Runs one API call; failures become errors naming the context, server, verb and resource. */
  private async call<T>(verb: Verb, resource: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw describeKubeError(error, { context: this.contextName, server: this.server, verb, resource });
    }
  }

  /** Like call(), but a 404 is null. */
  private async optional<T>(resource: string, work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw describeKubeError(error, {
        context: this.contextName,
        server: this.server,
        verb: 'get',
        resource,
      });
    }
  }

  private where(resource: string): string {
    return `${resource} in namespace ${this.namespace}`;
  }

  /** Fails fast (5 s) when the cluster does not answer, with what to do. */
  async assertReachable(): Promise<void> {
    const version = this.kc.makeApiClient(VersionApi);
    await this.call('get', 'the server version (/version)', () =>
      Promise.race([
        version.getCode(),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(Object.assign(new Error('no answer within 5 s'), { code: 'ETIMEDOUT' })),
            5000,
          ).unref(),
        ),
      ]),
    );
  }

  observe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    if (this.observer === null) {
      this.observer = new StackObserver(
        { kc: this.kc, core: this.core, apps: this.apps, autoscaling: this.autoscaling },
        this.namespace,
        this.stack,
        (event) => this.emit(event),
        () => this.lastOwnScale,
      );
      this.observer.start();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stopObserver();
    };
  }

  private async stopObserver(): Promise<void> {
    const observer = this.observer;
    this.observer = null;
    await observer?.stop();
  }

  private emit(event: CoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.mutex.then(work, work);
    this.mutex = run.catch(() => undefined);
    return run;
  }

  private apply(object: KubernetesObject): Promise<KubernetesObject> {
    const kind = object.kind ?? 'object';
    return this.call('apply', this.where(`${kind} ${object.metadata?.name ?? ''}`), () =>
      this.objects.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    );
  }

  // ---- images --------------------------------------------------------------------------------

  private requireDocker(what: string): Dockerode {
    if (this.docker === undefined)
      throw new ScaledeckError(
        'ENGINE_UNAVAILABLE',
        `${what} needs the local Docker engine, and none was given`,
      );
    return this.docker;
  }

  async imageStrategy(): Promise<ImageStrategy> {
    const hosting = await this.optional('ConfigMap local-registry-hosting in namespace kube-public', () =>
      this.core.readNamespacedConfigMap({ name: 'local-registry-hosting', namespace: 'kube-public' }),
    );
    return pickImageStrategy(
      {
        contextName: this.contextName,
        clusterName: this.kc.getCurrentCluster()?.name ?? '',
        registry: this.settings.kubernetes?.registry,
        localRegistryHosting: hosting?.data?.['localRegistryHosting.v1'],
      },
      LOAD_IMAGE_SCRIPT,
    );
  }

  private async imagesOnNodes(): Promise<Set<string>> {
    const nodes = await this.call('list', 'nodes', () => this.core.listNode());
    const names = new Set<string>();
    for (const node of nodes.items)
      for (const image of node.status?.images ?? []) for (const name of image.names ?? []) names.add(name);
    return names;
  }

  /** Builds (or takes) the API image and gets every image the stack runs onto the nodes. */
  private async prepareImages(progress: (step: string, percent: number, log?: string) => void) {
    const images = resolveImages(this.settings);
    const docker = this.requireDocker('building the User API image');
    let api: string;
    if (images.api !== undefined) {
      api = images.api;
    } else {
      progress('build', 5, `building the User API image from service/ on ${images.nodeBase}`);
      await ensureImage(docker, images.nodeBase, 'images.nodeBase', (line) => progress('build', 5, line));
      let lines = 0;
      const built = await buildApiImage(docker, {
        nodeBase: images.nodeBase,
        onLog: (line) => progress('build', Math.min(30, 5 + ++lines / 4), line),
      });
      api = await contentTag(docker, built);
    }
    progress('images', 32, 'choosing how images reach the cluster');
    const strategy = await this.imageStrategy();
    const wanted = [api, images.postgres, images.redis, images.prometheus];
    // What exists in the local engine is shipped; anything else the nodes pull themselves.
    const local: string[] = [];
    for (const image of wanted) if (await imageExists(docker, image)) local.push(image);
    const onNode = strategy.kind === 'load' ? await this.imagesOnNodes() : new Set<string>();
    progress('images', 35, `${strategy.product}: ${strategy.kind}`);
    const shipped = await shipImages({
      strategy,
      docker,
      images: strategy.kind === 'registry' ? local.filter((image) => image === api) : local,
      onNode,
      onLog: (line) => progress('images', 40, line),
    });
    const ref = (image: string) => shipped.get(image) ?? image;
    return {
      images: {
        api: ref(api),
        postgres: ref(images.postgres),
        redis: ref(images.redis),
        prometheus: ref(images.prometheus),
      },
      pullPolicy: 'IfNotPresent' as const,
    };
  }

  // ---- deploy --------------------------------------------------------------------------------

  private manifestContext(images: ManifestContext['images'], pullPolicy: ManifestContext['pullPolicy']) {
    const ctx: ManifestContext = {
      stack: this.stack,
      namespace: this.namespace,
      images,
      replicaCpus: this.settings.replicaCpus,
      drainSeconds: this.settings.drainSeconds,
      rateLimitPerSecond: this.settings.rateLimitPerSecond,
      pullPolicy,
    };
    if (this.settings.scryptCost !== undefined) ctx.scryptCost = this.settings.scryptCost;
    return ctx;
  }

  private async readSecrets(): Promise<StackSecrets | null> {
    const secret = await this.optional(this.where(`Secret ${NAMES.secret}`), () =>
      this.core.readNamespacedSecret({ name: NAMES.secret, namespace: this.namespace }),
    );
    const read = (key: string) => {
      const value = secret?.data?.[key];
      return value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
    };
    const postgresPassword = read(SECRET_KEYS.postgresPassword);
    const jwtSecret = read(SECRET_KEYS.jwtSecret);
    const adminPassword = read(SECRET_KEYS.adminPassword);
    if (!postgresPassword || !jwtSecret || !adminPassword) return null;
    return { postgresPassword, jwtSecret, adminPassword };
  }

  async deploy(input: DeployInput, onProgress: ProgressListener = () => {}): Promise<StackStatus> {
    const progress = (step: string, percent: number, log?: string) => {
      const event = log === undefined ? { step, percent } : { step, percent, log };
      onProgress(event);
      this.emit({ type: 'progress', at: Date.now(), ...event });
    };
    await this.assertReachable();
    const { images, pullPolicy } = await this.prepareImages(progress);
    return this.exclusive(async () => {
      const ctx = this.manifestContext(images, pullPolicy);
      progress(
        'apply',
        45,
        `server-side apply to namespace ${this.namespace} of context ${this.contextName}`,
      );
      const existing = await this.readSecrets();
      const secrets = existing ?? generateSecrets();
      const manifests = stackManifests(ctx, secrets);
      await this.apply(manifests.namespace);
      // Applying the same generated values again is a no-op; new ones only when there were none.
      if (existing === null) await this.apply(manifests.secret);
      for (const object of [...manifests.postgres, ...manifests.redis, ...manifests.prometheus])
        await this.apply(object);
      // The API starts once its backends answer: replicas that come up before Redis would
      // serve their first reads with the cache circuit open.
      progress('database', 50, 'waiting for PostgreSQL and Redis');
      await Promise.all([this.waitComponent('postgres', 180_000), this.waitComponent('redis', 120_000)]);
      // A kept volume still holds the previous password: set the new one through the pod's
      // local socket (trusted by the image); the password stays in the pod's env, off any log.
      if (existing === null) await this.syncDatabasePassword();
      const hpa = await this.readHpa();
      const before = await this.readDeploymentReplicas();
      for (const object of manifests.api) await this.apply(object);
      if (hpa === null) {
        await this.setReplicas(input.replicas);
        if (before !== input.replicas)
          this.emit({
            type: 'scale',
            at: Date.now(),
            source: 'deploy',
            from: before ?? 0,
            to: input.replicas,
          });
      } else {
        progress(
          'apply',
          50,
          `the HorizontalPodAutoscaler owns the replica count (${hpa.spec?.minReplicas}..${hpa.spec?.maxReplicas}); deploy leaves it`,
        );
      }

      progress('replicas', 70, 'waiting for every API replica to be ready');
      await this.waitReady(180_000);
      await this.waitComponent('prometheus', 120_000);
      progress('health', 90, 'checking the URLs from this machine');
      const status = await this.status();
      await waitUntil('the API answering through its Service', 60_000, async () => {
        const url = status.endpoints.loadBalancer;
        return url !== null && (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
      });
      await waitUntil('Prometheus answering', 60_000, async () => {
        const url = status.endpoints.prometheus;
        return url !== null && (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok;
      });
      progress('done', 100, `stack ${this.stack} is running in ${this.namespace} on ${this.contextName}`);
      return this.status();
    });
  }

  private async podsOf(component: Component): Promise<V1Pod[]> {
    const pods = await this.call('list', this.where(`pods of ${component}`), () =>
      this.core.listNamespacedPod({
        namespace: this.namespace,
        labelSelector: stackSelector(this.stack, component),
      }),
    );
    return pods.items;
  }

  private async syncDatabasePassword(): Promise<void> {
    const command = [
      'sh',
      '-c',
      'psql -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "ALTER USER \\"$POSTGRES_USER\\" WITH PASSWORD \'$POSTGRES_PASSWORD\'"',
    ];
    const result = await this.exec(`${NAMES.postgres}-0`, 'postgres', command);
    if (result.exitCode !== 0)
      throw new ScaledeckError(
        'DATABASE',
        `setting the database password failed (psql exit ${result.exitCode})`,
      );
  }

  /** Runs a command in a pod's container; returns its stdout and exit code. */
  private async exec(
    pod: string,
    container: string,
    command: string[],
  ): Promise<{ stdout: string; exitCode: number }> {
    const chunks: Buffer[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const stderr = new PassThrough();
    stderr.resume();
    return this.call('create', this.where(`pods/exec ${pod}`), async () => {
      const exitCode = await new Promise<number>((resolve, reject) => {
        new Exec(this.kc)
          .exec(this.namespace, pod, container, command, stdout, stderr, null, false, (status) => {
            const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
            resolve(status.status === 'Success' ? 0 : Number(cause?.message ?? 1));
          })
          .then((socket) => socket.on('close', () => resolve(0)))
          .catch(reject);
      });
      return { stdout: Buffer.concat(chunks).toString('utf8'), exitCode };
    });
  }

  private async waitComponent(component: Component, timeoutMs: number): Promise<void> {
    const scheduling = new UnschedulableWatch();
    await waitUntil(`${component} ready`, timeoutMs, async () => {
      const pods = await this.podsOf(component);
      assertNoStartFailure(pods, this.namespace);
      const stuck = scheduling.check(pods, Date.now());
      if (stuck !== null)
        throw this.unschedulable(
          stuck,
          `${component} cannot be scheduled`,
          'free room on the nodes (fewer API replicas or a lower settings.replicaCpus, or other workloads stopped) or add nodes',
        );
      return pods.some((pod) => !pod.metadata?.deletionTimestamp && isPodReady(pod));
    });
  }

  /** The error a wait ends with when no node can take the pods it waits for. */
  private unschedulable(stuck: StuckPods, what: string, fix: string, field?: string): ScaledeckError {
    const pods = stuck.pending.map(({ pod, reason }) => describePending(pod, reason)).join('; ');
    const first = stuck.pending[0]?.pod.metadata?.name ?? '<pod>';
    return new ScaledeckError(
      'UNSCHEDULABLE',
      `${what} on context "${this.contextName}" (no progress for ${Math.round(stuck.forMs / 1000)} s): ${pods}. ` +
        `To fix: ${fix} (details: kubectl -n ${this.namespace} describe pod ${first})`,
      field,
    );
  }

  // ---- replicas ------------------------------------------------------------------------------

  private readHpa(): Promise<V2HorizontalPodAutoscaler | null> {
    return this.optional(this.where(`HorizontalPodAutoscaler ${NAMES.hpa}`), () =>
      this.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: NAMES.hpa, namespace: this.namespace }),
    );
  }

  private async readDeploymentReplicas(): Promise<number | null> {
    const deployment = await this.optional(this.where(`Deployment ${NAMES.api}`), () =>
      this.apps.readNamespacedDeployment({ name: NAMES.api, namespace: this.namespace }),
    );
    return deployment === null ? null : (deployment.spec?.replicas ?? 1);
  }

  /** The scale subresource, merge patch, its own field manager (never conflicts with apply). */
  private async setReplicas(replicas: number): Promise<void> {
    this.lastOwnScale = { to: replicas, at: Date.now() };
    await this.call('patch', this.where(`deployments/scale ${NAMES.api}`), () =>
      this.apps.patchNamespacedDeploymentScale(
        {
          name: NAMES.api,
          namespace: this.namespace,
          body: { spec: { replicas } },
          fieldManager: SCALE_MANAGER,
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  async scale(replicas: number, source: 'manual' | 'autoscaler' = 'manual'): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > this.settings.maxReplicas) {
      throw new ScaledeckError(
        'VALIDATION',
        `replicas: must be a whole number from 0 to ${this.settings.maxReplicas}`,
        'replicas',
      );
    }
    await this.exclusive(async () => {
      const current = await this.readDeploymentReplicas();
      if (current === null)
        throw new ScaledeckError(
          'NOT_DEPLOYED',
          `stack ${this.stack} is not deployed in namespace ${this.namespace} of context ${this.contextName}; run deploy first`,
        );
      const hpa = await this.readHpa();
      if (hpa !== null && source === 'manual') {
        throw new ScaledeckError(
          'AUTOSCALER_ACTIVE',
          `the HorizontalPodAutoscaler ${this.namespace}/${NAMES.hpa} owns the replica count ` +
            `(${hpa.spec?.minReplicas}..${hpa.spec?.maxReplicas} at ${autoscalerFromHpa(hpa).targetCpuUtilizationPercent}% CPU); ` +
            'scaling by hand would be undone at its next sync: turn it off first (autoscale off) or change its min/max',
          'replicas',
        );
      }
      if (current === replicas) return;
      await this.setReplicas(replicas);
      this.emit({ type: 'scale', at: Date.now(), source, from: current, to: replicas });
    });
  }

  /** Kubernetes' own controllers restore dead pods; nothing for Scaledeck to do. */
  async reconcile(): Promise<{ replaced: string[]; created: number }> {
    return { replaced: [], created: 0 };
  }

  /** Waits until the Deployment's pods are all updated and Ready, and no other API pod remains. */
  async waitReady(timeoutMs = 180_000): Promise<StackStatus> {
    const scheduling = new UnschedulableWatch();
    return waitUntil('every API replica ready', timeoutMs, async () => {
      const pods = await this.podsOf('api');
      assertNoStartFailure(pods, this.namespace);
      const stuck = scheduling.check(pods, Date.now());
      if (stuck !== null)
        throw this.unschedulable(
          stuck,
          `${stuck.pending.length} of ${pods.length} API replicas cannot be scheduled`,
          `lower the replicas, lower the API CPU request (settings.replicaCpus, now ${this.settings.replicaCpus} CPU per replica), or add nodes`,
          'replicas',
        );
      const status = await this.status();
      const live = status.replicas.filter((replica) => replica.state !== 'draining');
      if (status.readyReplicas !== status.desiredReplicas || live.length !== status.desiredReplicas)
        return null;
      return (await this.serviceRoutesTo(live.map((replica) => replica.name))) ? status : null;
    });
  }

  /**
   * Whether the API Service's EndpointSlices list every one of these pods as ready: a pod turns
   * Ready before the EndpointSlice controller adds it, and traffic reaches it only after that
   * (kube-proxy follows within about a second). Without permission to read EndpointSlices the
   * pods' readiness has to do.
   */
  private async serviceRoutesTo(pods: string[]): Promise<boolean> {
    try {
      const slices = await this.discovery.listNamespacedEndpointSlice({
        namespace: this.namespace,
        labelSelector: `kubernetes.io/service-name=${NAMES.api}`,
      });
      const routed = new Set(
        slices.items
          .flatMap((slice) => slice.endpoints ?? [])
          .filter((endpoint) => endpoint.conditions?.ready === true)
          .map((endpoint) => endpoint.targetRef?.name),
      );
      return pods.every((pod) => routed.has(pod));
    } catch (error) {
      if ((error as { code?: number }).code === 403) return true;
      throw error;
    }
  }

  // ---- status --------------------------------------------------------------------------------

  async status(): Promise<StackStatus> {
    const [deployment, pods, hpa, claim, capacity] = await Promise.all([
      this.optional(this.where(`Deployment ${NAMES.api}`), () =>
        this.apps.readNamespacedDeployment({ name: NAMES.api, namespace: this.namespace }),
      ),
      this.call('list', this.where('pods'), () =>
        this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: stackSelector(this.stack) }),
      ).catch((error: unknown) => {
        if (error instanceof ScaledeckError && error.message.includes('HTTP 404')) return { items: [] };
        throw error;
      }),
      this.readHpa(),
      this.optional(this.where(`PersistentVolumeClaim ${NAMES.dataClaim}`), () =>
        this.core.readNamespacedPersistentVolumeClaim({ name: NAMES.dataClaim, namespace: this.namespace }),
      ),
      this.capacity.get(),
    ]);
    const byComponent = (component: Component) =>
      pods.items.filter((pod) => pod.metadata?.labels?.['app.kubernetes.io/component'] === component);
    const replicas: ReplicaStatus[] = byComponent('api')
      .sort(
        (a, b) =>
          (a.metadata?.creationTimestamp?.getTime() ?? 0) - (b.metadata?.creationTimestamp?.getTime() ?? 0),
      )
      .map((pod) => {
        const replica: ReplicaStatus = {
          name: pod.metadata?.name ?? '',
          id: pod.metadata?.uid ?? '',
          state: replicaState(pod),
          startedAt: pod.status?.startTime?.getTime() ?? null,
        };
        const reason = notRunningReason(pod);
        return reason === null ? replica : { ...replica, reason };
      });
    const components = {
      postgres: componentState(byComponent(COMPONENTS.postgres)),
      redis: componentState(byComponent(COMPONENTS.redis)),
      prometheus: componentState(byComponent(COMPONENTS.prometheus)),
      lb: deployment === null ? 'missing' : 'healthy',
    } satisfies Record<ComponentRole, ComponentState>;
    const componentReasons = Object.fromEntries(
      COMPONENT_PODS.flatMap((role) => {
        const reason = componentReason(byComponent(COMPONENTS[role]));
        return reason === null ? [] : [[role, reason]];
      }),
    ) as Partial<Record<ComponentRole, string>>;
    const desiredReplicas = deployment?.spec?.replicas ?? 0;
    const readyReplicas = replicas.filter((replica) => replica.state === 'ready').length;
    const everyPartHealthy = Object.values(components).every((state) => state === 'healthy');
    const [loadBalancer, prometheus] =
      deployment === null
        ? [null, null]
        : await Promise.all([
            this.endpoint(NAMES.api, 'api', readyReplicas > 0),
            this.endpoint(NAMES.prometheus, 'prometheus', components.prometheus === 'healthy'),
          ]);
    return {
      target: 'kubernetes',
      stack: this.stack,
      phase:
        deployment === null
          ? 'absent'
          : everyPartHealthy && readyReplicas === desiredReplicas
            ? 'running'
            : 'degraded',
      desiredReplicas,
      readyReplicas,
      replicas,
      components,
      ...(Object.keys(componentReasons).length > 0 ? { componentReasons } : {}),
      capacity,
      endpoints: { loadBalancer, prometheus },
      autoscaler: hpa === null ? null : autoscalerFromHpa(hpa),
      dataVolume: claim === null ? null : `${this.namespace}/${NAMES.dataClaim}`,
    };
  }

  /**
   * The capacity estimate (see kubernetesCapacity) from every node and every pod in the cluster.
   * The API pod's request is the Deployment's when deployed, else settings.replicaCpus. A user
   * who may not list nodes or pods gets null from the cache, and the status goes on without it.
   */
  private async readCapacity() {
    const [nodes, pods, deployment] = await Promise.all([
      this.core.listNode(),
      this.core.listPodForAllNamespaces({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }),
      this.optional(this.where(`Deployment ${NAMES.api}`), () =>
        this.apps.readNamespacedDeployment({ name: NAMES.api, namespace: this.namespace }),
      ),
    ]);
    const declared = deployment?.spec?.template.spec?.containers.reduce(
      (sum, container) => sum + cpuMillicores(container.resources?.requests?.cpu),
      0,
    );
    const request = declared || Math.round(this.settings.replicaCpus * 1000);
    return kubernetesCapacity(
      nodes.items,
      pods.items,
      request,
      (pod) =>
        pod.metadata?.namespace === this.namespace &&
        pod.metadata.labels?.['app.kubernetes.io/component'] === ('api' satisfies Component),
    );
  }

  /**
   * A URL that works from this machine: the Service's NodePort on a node's InternalIP when a TCP
   * connection gets through within NODE_PORT_GRACE_MS of a backend being Ready, else a
   * port-forward tunnel on 127.0.0.1. The choice is kept for the life of this target.
   */
  private async endpoint(
    service: string,
    component: Component,
    backendReady: boolean,
  ): Promise<string | null> {
    const existing = this.tunnels.get(service);
    if (existing) return existing.url();
    const nodeUrl = await this.nodePortUrl(service);
    if (this.reach === 'auto' && nodeUrl !== null) {
      if (!backendReady && !this.nodePortReachable.has(service)) return nodeUrl.url;
      let probe = this.nodePortReachable.get(service);
      if (probe === undefined) {
        probe = connectsWithin(nodeUrl.host, nodeUrl.port, NODE_PORT_GRACE_MS);
        this.nodePortReachable.set(service, probe);
      }
      if (await probe) return nodeUrl.url;
      const opened = this.tunnels.get(service);
      if (opened) return opened.url();
    }
    if (!backendReady) return null;
    const targetPort = component === 'api' ? 8080 : PROMETHEUS_PORT;
    const tunnel = new PortForwardTunnel(
      this.kc,
      this.core,
      this.namespace,
      stackSelector(this.stack, component),
      targetPort,
    );
    this.tunnels.set(service, tunnel);
    return tunnel.listen();
  }

  private async nodePortUrl(service: string): Promise<{ url: string; host: string; port: number } | null> {
    const [svc, nodes] = await Promise.all([
      this.optional(this.where(`Service ${service}`), () =>
        this.core.readNamespacedService({ name: service, namespace: this.namespace }),
      ),
      this.call('list', 'nodes', () => this.core.listNode()),
    ]);
    const port = svc?.spec?.ports?.[0]?.nodePort;
    const host = nodes.items
      .flatMap((node) => node.status?.addresses ?? [])
      .find((address) => address.type === 'InternalIP')?.address;
    if (port === undefined || host === undefined) return null;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    return { url: `http://${hostPart}:${port}`, host, port };
  }

  // ---- autoscaler ----------------------------------------------------------------------------

  async setAutoscaler(input: AutoscalerInput): Promise<EnabledAutoscaler | null> {
    return this.exclusive(async () => {
      const replicas = await this.readDeploymentReplicas();
      if (replicas === null)
        throw new ScaledeckError(
          'NOT_DEPLOYED',
          `stack ${this.stack} is not deployed in namespace ${this.namespace} of context ${this.contextName}; run deploy first`,
        );
      if (!input.enabled) {
        // The Deployment keeps the count the HPA left; the slider owns it from here.
        await this.call('delete', this.where(`HorizontalPodAutoscaler ${NAMES.hpa}`), () =>
          this.autoscaling.deleteNamespacedHorizontalPodAutoscaler({
            name: NAMES.hpa,
            namespace: this.namespace,
          }),
        ).catch((error: unknown) => {
          if (!(error instanceof ScaledeckError && (error.cause as { code?: number })?.code === 404))
            throw error;
        });
        return null;
      }
      await this.assertMetricsApi();
      const ctx = this.manifestContext({ api: '', postgres: '', redis: '', prometheus: '' }, 'IfNotPresent');
      await this.apply(hpaManifest(ctx, input));
      return input;
    });
  }

  /** The HPA needs metrics.k8s.io; without it, it would sit at "unknown" forever. */
  private async assertMetricsApi(): Promise<void> {
    const registration = this.kc.makeApiClient(ApiregistrationV1Api);
    const service = await this.optional('APIService v1beta1.metrics.k8s.io', () =>
      registration.readAPIService({ name: 'v1beta1.metrics.k8s.io' }),
    );
    const available = service?.status?.conditions?.find((c) => c.type === 'Available');
    if (service === null || available?.status !== 'True') {
      throw new ScaledeckError(
        'METRICS_UNAVAILABLE',
        `context "${this.contextName}" does not serve the metrics API (metrics.k8s.io${service === null ? ' is not registered' : `: ${available?.message ?? 'not available'}`}), ` +
          'so a HorizontalPodAutoscaler cannot read CPU; install metrics-server (`minikube addons enable metrics-server`, ' +
          'or `kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml`) and try again',
        'autoscaler',
      );
    }
  }

  // ---- chaos ---------------------------------------------------------------------------------

  private async deletePod(name: string): Promise<void> {
    await this.call('delete', this.where(`pod ${name}`), () =>
      this.core.deleteNamespacedPod({ name, namespace: this.namespace, gracePeriodSeconds: 0 }),
    );
  }

  /** Deletes an API pod at once (no grace); its Deployment replaces it. */
  async killReplica(name?: string): Promise<string> {
    const running = (await this.podsOf('api')).filter(
      (pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running',
    );
    const victim =
      name === undefined
        ? running[Math.floor(Math.random() * running.length)]
        : running.find((pod) => pod.metadata?.name === name);
    if (!victim?.metadata?.name)
      throw new ScaledeckError(
        'NOTHING_TO_KILL',
        name === undefined ? 'no running API pod to kill' : `no running API pod named ${name}`,
        'replica',
      );
    await this.deletePod(victim.metadata.name);
    return victim.metadata.name;
  }

  /**
   * Deletes the Redis or PostgreSQL pod at once. Unlike on Docker it does not stay down: its
   * Deployment/StatefulSet brings it back by itself (restore only waits for that).
   */
  async killPart(what: 'redis' | 'postgres'): Promise<string> {
    const pod = (await this.podsOf(what)).find((p) => !p.metadata?.deletionTimestamp);
    if (!pod?.metadata?.name)
      throw new ScaledeckError('NOTHING_TO_KILL', `no ${what} pod is running`, 'what');
    await this.deletePod(pod.metadata.name);
    return pod.metadata.name;
  }

  async restorePart(what: 'redis' | 'postgres'): Promise<string> {
    await this.waitComponent(what, 120_000);
    const pod = (await this.podsOf(what)).find((p) => !p.metadata?.deletionTimestamp && isPodReady(p));
    return pod?.metadata?.name ?? what;
  }

  /** Redis INFO through `kubectl exec`'s API (Redis is not exposed outside the cluster). */
  async redisInfo(section = 'stats'): Promise<string | null> {
    const pod = (await this.podsOf('redis')).find((p) => !p.metadata?.deletionTimestamp && isPodReady(p));
    if (!pod?.metadata?.name) return null;
    const result = await this.exec(pod.metadata.name, 'redis', ['redis-cli', 'INFO', section]);
    return result.exitCode === 0 ? result.stdout : null;
  }

  // ---- teardown ------------------------------------------------------------------------------

  /**
   * Deletes every object the stack applied. The namespace and the PostgreSQL claim stay unless
   * deleteVolumes (then the namespace goes, and the claim with it).
   */
  async teardown(input: TeardownInput, onProgress: ProgressListener = () => {}): Promise<void> {
    await this.assertReachable();
    await this.exclusive(async () => {
      onProgress({ step: 'objects', percent: 10 });
      const ctx = this.manifestContext({ api: '', postgres: '', redis: '', prometheus: '' }, 'IfNotPresent');
      const m = stackManifests(ctx, { postgresPassword: '', jwtSecret: '', adminPassword: '' });
      const objects: KubernetesObject[] = [
        hpaManifest(ctx, {
          minReplicas: 1,
          maxReplicas: 1,
          targetCpuUtilizationPercent: 50,
          profile: 'kubernetes',
        }),
        ...m.api,
        ...m.prometheus,
        ...m.redis,
        ...m.postgres,
        m.secret,
      ];
      for (const object of objects) {
        await this.call('delete', this.where(`${object.kind} ${object.metadata?.name}`), () =>
          this.objects.delete(object, undefined, undefined, undefined, undefined, 'Background'),
        ).catch((error: unknown) => {
          if (!isNotFound((error as Error).cause)) throw error;
        });
      }
      onProgress({ step: 'pods', percent: 50 });
      await waitUntil('the stack’s pods gone', 120_000, async () => {
        const pods = await this.call('list', this.where('pods'), () =>
          this.core.listNamespacedPod({
            namespace: this.namespace,
            labelSelector: stackSelector(this.stack),
          }),
        );
        return pods.items.length === 0;
      });
      if (input.deleteVolumes) {
        onProgress({ step: 'volumes', percent: 80 });
        await this.call('delete', `namespace ${this.namespace}`, () =>
          this.core.deleteNamespace({ name: this.namespace }),
        ).catch((error: unknown) => {
          if (!isNotFound((error as Error).cause)) throw error;
        });
      }
      this.closeTunnels();
      onProgress({ step: 'done', percent: 100 });
    });
  }

  private closeTunnels(): void {
    for (const tunnel of this.tunnels.values()) tunnel.close();
    this.tunnels.clear();
    this.nodePortReachable.clear();
  }

  async dispose(): Promise<void> {
    this.listeners.clear();
    await this.stopObserver();
    await this.mutex;
    this.closeTunnels();
  }
}

function generateSecrets(): StackSecrets {
  return {
    postgresPassword: randomBytes(24).toString('hex'),
    jwtSecret: randomBytes(48).toString('base64url'),
    adminPassword: randomBytes(18).toString('base64url'),
  };
}

function replicaState(pod: V1Pod): ReplicaState {
  if (pod.metadata?.deletionTimestamp) return 'draining';
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return 'stopped';
  if (isPodReady(pod)) return 'ready';
  if (unschedulableReason(pod) !== null) return 'pending';
  const waiting = pod.status?.containerStatuses?.find((s) => s.state?.waiting)?.state?.waiting?.reason;
  if (
    waiting === 'CrashLoopBackOff' ||
    (pod.status?.containerStatuses?.some((s) => s.restartCount > 0) ?? false)
  )
    return 'unhealthy';
  return 'starting';
}

/** The scheduler's message for a pending pod, or what its container waits on when it keeps failing. */
function notRunningReason(pod: V1Pod): string | null {
  const pending = unschedulableReason(pod);
  if (pending !== null) return pending;
  if (replicaState(pod) !== 'unhealthy') return null;
  const waiting = pod.status?.containerStatuses?.find((s) => s.state?.waiting)?.state?.waiting;
  return waiting?.reason ? `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` : null;
}

export function componentState(pods: V1Pod[]): ComponentState {
  const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  if (live.length === 0) return pods.length > 0 ? 'stopped' : 'missing';
  if (live.some(isPodReady)) return 'healthy';
  if (live.some((pod) => replicaState(pod) === 'unhealthy')) return 'unhealthy';
  return live.every((pod) => replicaState(pod) === 'pending') ? 'pending' : 'starting';
}

/** Why a part with no Ready pod is not running: the first pod's scheduler message or failure. */
export function componentReason(pods: V1Pod[]): string | null {
  const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  if (live.length === 0 || live.some(isPodReady)) return null;
  for (const pod of live) {
    const reason = notRunningReason(pod);
    if (reason !== null) return reason;
  }
  return null;
}

const START_FAILURES = new Set([
  'ErrImageNeverPull',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
]);

/** Fails at once on a pod that cannot start (an image the node cannot get), instead of timing out. */
function assertNoStartFailure(pods: V1Pod[], namespace: string): void {
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const waiting = status.state?.waiting;
      if (waiting?.reason && START_FAILURES.has(waiting.reason)) {
        throw new ScaledeckError(
          'START_FAILED',
          `pod ${pod.metadata?.name} cannot start: ${waiting.reason}: ${waiting.message ?? ''} ` +
            `(kubectl -n ${namespace} describe pod ${pod.metadata?.name})`.trim(),
        );
      }
    }
  }
}

const FATAL_WAIT_CODES = new Set(['START_FAILED', 'UNSCHEDULABLE']);

async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | null | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== null && result !== false) return result;
    } catch (error) {
      // A pod that cannot start or cannot be placed will not get there by waiting longer.
      if (error instanceof ScaledeckError && FATAL_WAIT_CODES.has(error.code)) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new ScaledeckError(
        'TIMEOUT',
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${why}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
