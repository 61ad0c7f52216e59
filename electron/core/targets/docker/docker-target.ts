/**
 * The Docker target: one stack (network, data volume, PostgreSQL, Redis, N API replicas, NGINX,
 * Prometheus) on the local engine, driven through dockerode. Desired state lives on the engine,
 * so any process can re-attach to a running stack.
 */
import type Dockerode from 'dockerode';
import type { ContainerInfo } from 'dockerode';
import { effectiveBehavior, type HpaBehaviorInput, type PodSample } from '../../autoscaler.ts';
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
import { ScaledeckError, toErrorData } from '../../errors.ts';
import { resolveImages, type Settings } from '../../settings.ts';
import { execText, isDeliberatelyDown, killContainer, killPart, pickReplica, restorePart } from './chaos.ts';
import { CapacityCache, dockerCapacity } from '../../capacity.ts';
import { assertEngine } from './connect.ts';
import {
  containerName,
  ensureContainer,
  healthOf,
  inspectOrNull,
  removeContainer,
  waitFor,
} from './containers.ts';
import { CpuSampler } from './cpu-sampler.ts';
import { probeReadyz } from './direct-probe.ts';
import { buildApiImage, ensureImage } from '../kit/images.ts';
import { LABEL, stackFilter, stackLabels, type Role } from './labels.ts';
import { stackNames, type StackNames } from './names.ts';
import { validateStackName } from '../kit/stack-name.ts';
import { nginxConfig } from './nginx-config.ts';
import { prometheusConfig } from './prometheus-config.ts';
import {
  API_PORT,
  LB_PORT,
  PROMETHEUS_PORT,
  generateSecrets,
  loadBalancerSpec,
  postgresSpec,
  prometheusSpec,
  redisSpec,
  replicaSpec,
  READINESS_PROBE,
  frontEndpoint,
  secretsFromEnv,
  stateSpec,
  type DesiredState,
  type StackContext,
  type StackSecrets,
} from './stack-spec.ts';
import type { LiveTarget, ReplicaMetricsSource } from '../target.ts';

const DRAINING_SUFFIX = '-draining';
const ALIVE = new Set(['created', 'running', 'restarting', 'paused']);
const COMPONENT_ROLES: ComponentRole[] = ['postgres', 'redis', 'lb', 'prometheus'];

export interface DockerTargetOptions {
  stack?: string;
  /** Where published ports are reached from this process (the engine binds them on 127.0.0.1). */
  publishedHost?: string;
}

export class DockerTarget implements LiveTarget, ReplicaMetricsSource {
  readonly kind = 'docker' as const;
  readonly stack: string;
  private readonly docker: Dockerode;
  private readonly settings: Settings;
  private readonly names: StackNames;
  private readonly publishedHost: string;
  private readonly listeners = new Set<CoreEventListener>();
  /**
   * Replicas being drained are excluded from the count. This process remembers its own; the
   * engine-side mark is a rename (labels are immutable), so other controllers see it too.
   */
  private readonly draining = new Set<string>();
  private readonly sampler: CpuSampler;
  private readonly readySince = new Map<string, number>();
  private readonly lastReplicaState = new Map<string, ReplicaState>();
  /** Whether replicas' addresses answer from this process (learned on the first start-up probe). */
  private directProbe: 'unknown' | 'works' | 'unavailable' = 'unknown';
  private apiImage: string | null = null;
  private secrets: StackSecrets | null = null;
  private mutex: Promise<unknown> = Promise.resolve();
  /** The engine's CPUs over the replica limit; NCPU changes only when Docker Desktop's VM is resized. */
  private readonly capacity = new CapacityCache(async () =>
    dockerCapacity(Number((await this.docker.info()).NCPU), this.settings.replicaCpus),
  );
  private lastWrittenSeq = -1;
  private disposed = false;

  constructor(docker: Dockerode, settings: Settings, options: DockerTargetOptions = {}) {
    this.docker = docker;
    this.settings = settings;
    this.stack = validateStackName(options.stack ?? 'default');
    this.names = stackNames(this.stack);
    this.publishedHost = options.publishedHost ?? '127.0.0.1';
    this.sampler = new CpuSampler(docker);
  }

  observe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: CoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Mutations run one at a time within this process, so scale and reconcile never interleave. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.mutex.then(work, work);
    this.mutex = run.catch(() => undefined);
    return run;
  }

  private isDraining(info: ContainerInfo): boolean {
    return this.draining.has(info.Id) || containerName(info).endsWith(DRAINING_SUFFIX);
  }

  private list(role?: Role): Promise<ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: stackFilter(this.stack, role) });
  }

  // ---- desired state on the engine -------------------------------------------------------

  private async readState(): Promise<(DesiredState & { writtenAtMs: number }) | null> {
    const states = await this.list('state');
    let best: (DesiredState & { writtenAtMs: number }) | null = null;
    for (const info of states) {
      const seq = Number(info.Labels[LABEL.stateSeq]);
      if (best !== null && seq <= best.seq) continue;
      best = {
        seq,
        desiredReplicas: Number(info.Labels[LABEL.desiredReplicas] ?? 0),
        autoscaler: info.Labels[LABEL.autoscaler] ?? null,
        writtenAtMs: info.Created * 1000,
      };
    }
    return best;
  }

  private async writeState(change: Partial<Omit<DesiredState, 'seq'>>): Promise<DesiredState> {
    const current = await this.readState();
    const next: DesiredState = {
      desiredReplicas: change.desiredReplicas ?? current?.desiredReplicas ?? 0,
      autoscaler: change.autoscaler !== undefined ? change.autoscaler : (current?.autoscaler ?? null),
      seq: (current?.seq ?? 0) + 1,
    };
    await this.docker.createContainer(
      stateSpec({ stack: this.stack, names: this.names }, resolveImages(this.settings).redis, next),
    );
    this.lastWrittenSeq = next.seq;
    // Older records go only after the new one exists: a crash in between leaves the newest winning.
    const stale = (await this.list('state')).filter((info) => Number(info.Labels[LABEL.stateSeq]) < next.seq);
    await Promise.all(stale.map((info) => removeContainer(this.docker, info.Id)));
    return next;
  }

  private async requireState(): Promise<DesiredState> {
    const state = await this.readState();
    if (state === null) {
      throw new ScaledeckError(
        'NOT_DEPLOYED',
        `stack ${this.stack} is not deployed on this engine; run deploy first`,
      );
    }
    return state;
  }

  private async context(): Promise<StackContext> {
    if (this.secrets === null) {
      const postgres = await inspectOrNull(this.docker, this.names.postgres);
      const secrets = postgres === null ? null : secretsFromEnv(postgres.Config.Env ?? []);
      if (secrets === null)
        throw new ScaledeckError('NOT_DEPLOYED', `stack ${this.stack} has no database; run deploy first`);
      this.secrets = secrets;
    }
    if (this.apiImage === null) {
      const replica = (await this.list('api'))[0];
      this.apiImage = replica?.Image ?? resolveImages(this.settings).api ?? null;
      if (this.apiImage === null)
        throw new ScaledeckError('NOT_DEPLOYED', `stack ${this.stack} has no API image; run deploy first`);
    }
    const images = { ...resolveImages(this.settings), api: this.apiImage };
    return { stack: this.stack, names: this.names, images, settings: this.settings, secrets: this.secrets };
  }

  // ---- deploy ----------------------------------------------------------------------------

  async deploy(input: DeployInput, onProgress: ProgressListener = () => {}): Promise<StackStatus> {
    const progress = (step: string, percent: number, log?: string) => {
      const event = log === undefined ? { step, percent } : { step, percent, log };
      onProgress(event);
      this.emit({ type: 'progress', at: Date.now(), ...event });
    };
    await assertEngine(this.docker);
    progress('images', 2);
    const images = resolveImages(this.settings);
    const roles = ['postgres', 'redis', 'nginx', 'prometheus'] as const;
    for (const [i, key] of roles.entries()) {
      await ensureImage(this.docker, images[key], `images.${key}`, (line) =>
        progress('images', 2 + i * 3, line),
      );
    }
    if (images.api !== undefined) {
      await ensureImage(this.docker, images.api, 'images.api', (line) => progress('build', 20, line));
      this.apiImage = images.api;
    } else {
      progress('build', 15, `building the User API image from service/ on ${images.nodeBase}`);
      await ensureImage(this.docker, images.nodeBase, 'images.nodeBase', (line) =>
        progress('build', 15, line),
      );
      let lines = 0;
      this.apiImage = await buildApiImage(this.docker, {
        nodeBase: images.nodeBase,
        onLog: (line) => progress('build', Math.min(40, 15 + ++lines / 4), line),
      });
    }

    return this.exclusive(async () => {
      progress('network', 42);
      await this.ensureNetworkAndVolume();
      const postgres = await inspectOrNull(this.docker, this.names.postgres);
      const reused = postgres === null ? null : secretsFromEnv(postgres.Config.Env ?? []);
      this.secrets = reused ?? generateSecrets();
      const ctx = await this.context();

      progress('database', 45, 'starting PostgreSQL and Redis');
      await Promise.all([
        ensureContainer(this.docker, this.stack, { ...postgresSpec(ctx), name: this.names.postgres }),
        ensureContainer(this.docker, this.stack, { ...redisSpec(ctx), name: this.names.redis }),
      ]);
      await Promise.all([
        this.waitHealthy(this.names.postgres, 120_000),
        this.waitHealthy(this.names.redis, 60_000),
      ]);
      if (reused === null) await this.syncDatabasePassword();

      progress('replicas', 55, `starting ${input.replicas} API replica(s)`);
      const previous = await this.readState();
      await this.writeState({ desiredReplicas: input.replicas });
      this.emit({
        type: 'scale',
        at: Date.now(),
        source: 'deploy',
        from: previous?.desiredReplicas ?? 0,
        to: input.replicas,
      });
      const edge = Promise.all([
        ensureContainer(
          this.docker,
          this.stack,
          { ...loadBalancerSpec(ctx), name: this.names.lb },
          {
            dir: '/etc/nginx/conf.d',
            content: { 'default.conf': nginxConfig() },
          },
        ),
        ensureContainer(
          this.docker,
          this.stack,
          { ...prometheusSpec(ctx), name: this.names.prometheus },
          {
            dir: '/etc/prometheus',
            content: { 'prometheus.yml': prometheusConfig() },
          },
        ),
      ]);
      const { drained } = await this.converge(ctx, input.replicas);
      await edge;
      await drained;

      progress('health', 75, 'waiting for every replica to be ready');
      await this.waitReadyUnlocked(120_000);
      const status = await this.status();
      progress('health', 90, 'waiting for the load balancer and Prometheus');
      await waitFor('the load balancer answering', 60_000, async () => {
        const response = await fetch(`${status.endpoints.loadBalancer}/lb-healthz`);
        return response.ok;
      });
      await waitFor('Prometheus answering', 60_000, async () => {
        const response = await fetch(`${status.endpoints.prometheus}/-/ready`);
        return response.ok;
      });
      progress('done', 100, `stack ${this.stack} is running`);
      return this.status();
    });
  }

  private async ensureNetworkAndVolume(): Promise<void> {
    await Promise.all([this.ensureNetwork(this.names.network), this.ensureNetwork(this.names.frontNetwork)]);
    try {
      await this.docker.getVolume(this.names.dataVolume).inspect();
    } catch {
      await this.docker.createVolume({
        Name: this.names.dataVolume,
        Labels: stackLabels(this.stack, 'data'),
      });
    }
  }

  private async ensureNetwork(name: string): Promise<void> {
    const networks = await this.docker.listNetworks({ filters: { name: [name] } });
    if (!networks.some((network) => network.Name === name)) {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: stackLabels(this.stack, 'network'),
      });
    }
  }

  /**
   * Secrets are generated on every fresh deploy, but a kept data volume still holds the
   * previous password: set it through the container's local socket, which the image trusts.
   * The password travels in the container's env, never on this process' command line or logs.
   */
  private async syncDatabasePassword(): Promise<void> {
    const exec = await this.docker.getContainer(this.names.postgres).exec({
      Cmd: [
        'sh',
        '-c',
        'psql -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "ALTER USER \\"$POSTGRES_USER\\" WITH PASSWORD \'$POSTGRES_PASSWORD\'"',
      ],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({});
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('error', reject);
      stream.resume();
    });
    const result = await exec.inspect();
    if (result.ExitCode !== 0) {
      throw new ScaledeckError(
        'DATABASE',
        `setting the database password failed (psql exit ${result.ExitCode})`,
      );
    }
  }

  private async waitHealthy(name: string, timeoutMs: number): Promise<void> {
    await waitFor(`${name} healthy`, timeoutMs, async () => {
      const info = await this.docker.getContainer(name).inspect();
      if (info.State.Status === 'exited' || info.State.Status === 'dead') {
        throw new ScaledeckError(
          'START_FAILED',
          `${name} exited with code ${info.State.ExitCode}; see \`docker logs ${name}\``,
        );
      }
      return info.State.Health?.Status === 'healthy';
    });
  }

  // ---- replicas --------------------------------------------------------------------------

  async scale(replicas: number, source: 'manual' | 'autoscaler' = 'manual'): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > this.settings.maxReplicas) {
      throw new ScaledeckError(
        'VALIDATION',
        `replicas: must be a whole number from 0 to ${this.settings.maxReplicas}`,
        'replicas',
      );
    }
    const drains = await this.exclusive(async () => {
      const state = await this.requireState();
      if (source === 'manual' && state.autoscaler !== null) {
        throw new ScaledeckError(
          'AUTOSCALER_ACTIVE',
          'the autoscaler owns the replica count of this stack; turn it off first (autoscale off)',
          'replicas',
        );
      }
      const ctx = await this.context();
      if (state.desiredReplicas !== replicas) {
        await this.writeState({ desiredReplicas: replicas });
        this.emit({ type: 'scale', at: Date.now(), source, from: state.desiredReplicas, to: replicas });
      }
      return this.converge(ctx, replicas);
    });
    await drains.drained;
  }

  /**
   * Brings the replica set to `desired`: removes dead ones, creates missing ones in parallel,
   * picks surplus ones (not ready first, then newest) to drain. Returns the drains so callers
   * can release the lock while replicas finish their in-flight requests.
   */
  private async converge(ctx: StackContext, desired: number): Promise<{ drained: Promise<void> }> {
    const all = await this.list('api');
    // Healthy replicas whose promoter died with its process (a CLI interrupted mid-scale) go behind the LB now.
    await this.syncFront(all);
    // Exited ones go even when marked draining: their drainer may have died with its process.
    const dead = all.filter((info) => !ALIVE.has(info.State) && !this.draining.has(info.Id));
    await Promise.all(
      dead.map(async (info) => {
        this.emit({
          type: 'replica',
          at: Date.now(),
          kind: 'failed',
          name: containerName(info),
          detail: info.Status,
        });
        await removeContainer(this.docker, info.Id);
      }),
    );
    const active = all.filter((info) => ALIVE.has(info.State) && !this.isDraining(info));
    if (active.length < desired) {
      await Promise.all(Array.from({ length: desired - active.length }, () => this.createReplica(ctx)));
      return { drained: Promise.resolve() };
    }
    const surplus = [...active]
      .sort(
        (a, b) =>
          Number(healthOf(a) === 'healthy') - Number(healthOf(b) === 'healthy') || b.Created - a.Created,
      )
      .slice(0, active.length - desired);
    for (const info of surplus) this.draining.add(info.Id);
    // Wrapped in an object: awaiting a bare promise of a promise would wait for the drains too.
    return { drained: Promise.all(surplus.map((info) => this.drain(info))).then(() => undefined) };
  }

  private async createReplica(ctx: StackContext): Promise<void> {
    const name = this.names.replica();
    const container = await this.docker.createContainer(replicaSpec(ctx, name));
    await container.start();
    this.emit({ type: 'replica', at: Date.now(), kind: 'created', name });
    void this.promoteWhenHealthy(container.id);
  }

  private isOnFront(info: { NetworkSettings?: { Networks?: Record<string, unknown> } }): boolean {
    return info.NetworkSettings?.Networks?.[this.names.frontNetwork] !== undefined;
  }

  /** Puts a healthy replica behind the load balancer (alias `api` on the front network). */
  private async promote(id: string): Promise<void> {
    try {
      await this.docker
        .getNetwork(this.names.frontNetwork)
        .connect({ Container: id, EndpointConfig: frontEndpoint() });
    } catch (error) {
      // Already connected (another pass got there first) or gone: both fine.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 403 && status !== 404 && status !== 409 && !/already exists/.test(String(error)))
        throw error;
    }
  }

  /**
   * Promotes a new replica as soon as it is ready. The engine's healthcheck runs once a second
   * (often enough in steady state, not during start-up), so until it passes the same readiness
   * probe is run here every ~150 ms. reconcile() covers a process that died meanwhile.
   */
  private async promoteWhenHealthy(id: string, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.disposed && Date.now() < deadline) {
      const info = await this.docker
        .getContainer(id)
        .inspect()
        .catch(() => null);
      if (info === null || !info.State.Running || this.isOnFront(info)) return;
      if (info.State.Health?.Status === 'healthy' || (await this.probeReady(info))) {
        await this.promote(id).catch(() => undefined);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  /** Asks the replica over HTTP where its address routes from here (see direct-probe.ts), else by exec. */
  private async probeReady(info: Dockerode.ContainerInspectInfo): Promise<boolean> {
    const address = info.NetworkSettings.Networks[this.names.network]?.IPAddress;
    if (this.directProbe !== 'unavailable' && address) {
      const answer = await probeReadyz(address, API_PORT, info.Name.replace(/^\//, ''));
      if (answer === 'ready' || answer === 'not-ready') {
        this.directProbe = 'works';
        return answer === 'ready';
      }
      // Nothing listens yet; if the route is foreign, the engine's own healthcheck still promotes.
      if (answer === 'refused') return false;
      // Once it has worked, a miss is this replica being slow, not the route: try again next pass.
      if (this.directProbe === 'works') return false;
      this.directProbe = 'unavailable';
    }
    return this.probeByExec(info.Id);
  }

  private async probeByExec(id: string): Promise<boolean> {
    try {
      const exec = await this.docker
        .getContainer(id)
        .exec({ Cmd: READINESS_PROBE, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({});
      await new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('error', reject);
        stream.resume();
      });
      return (await exec.inspect()).ExitCode === 0;
    } catch {
      return false;
    }
  }

  /** Keeps the front network equal to the healthy replicas: promotes missed ones, takes unhealthy ones out. */
  private async syncFront(replicas: ContainerInfo[]): Promise<void> {
    // When no replica is healthy (PostgreSQL is down: readiness fails everywhere), the unhealthy
    // ones stay behind the load balancer, like an LB's panic mode: clients get the API's own 503
    // with Retry-After, and cached reads keep working, instead of NGINX's 502 for an empty pool.
    const anyHealthy = replicas.some(
      (info) => info.State === 'running' && !this.isDraining(info) && healthOf(info) === 'healthy',
    );
    await Promise.all(
      replicas.map(async (info) => {
        if (info.State !== 'running' || this.isDraining(info)) return;
        const health = healthOf(info);
        const onFront = this.isOnFront(info);
        if (health === 'healthy' && !onFront) await this.promote(info.Id);
        if (health === 'unhealthy' && onFront && anyHealthy) {
          await this.docker
            .getNetwork(this.names.frontNetwork)
            .disconnect({ Container: info.Id })
            .catch(() => undefined);
        }
      }),
    );
  }

  /**
   * SIGTERM first: the API stops accepting connections and finishes in-flight requests, and
   * NGINX retries a refused connection on the next replica. Removing the container (which
   * takes it out of the `api` DNS alias) only after it exited keeps in-flight requests intact;
   * disconnecting the network first would cut them.
   */
  private async drain(info: ContainerInfo): Promise<void> {
    const container = this.docker.getContainer(info.Id);
    try {
      const name = containerName(info);
      if (!name.endsWith(DRAINING_SUFFIX))
        await container.rename({ name: `${name}${DRAINING_SUFFIX}` }).catch(() => undefined);
      await container.stop({ t: this.settings.drainSeconds }).catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 304 && error.statusCode !== 404) throw error;
      });
      await removeContainer(this.docker, info.Id);
      this.emit({ type: 'replica', at: Date.now(), kind: 'stopped', name: containerName(info) });
    } finally {
      this.draining.delete(info.Id);
    }
  }

  async reconcile(): Promise<{ replaced: string[]; created: number }> {
    return this.exclusive(async () => {
      const state = await this.readState();
      if (state === null) return { replaced: [], created: 0 };
      // Another process just changed the desired state and is converging to it: let it finish
      // rather than create replicas alongside it (the engine's Created has 1 s resolution).
      if (state.seq !== this.lastWrittenSeq && Date.now() - state.writtenAtMs < 3000)
        return { replaced: [], created: 0 };
      const before = await this.list('api');
      const ctx = await this.context();
      // Parts of the stack that stopped (not removed) are started again.
      const parts = (await this.list()).filter(
        (info) =>
          ['postgres', 'redis', 'lb', 'prometheus'].includes(info.Labels[LABEL.role] ?? '') &&
          info.State === 'exited',
      );
      await Promise.all(
        parts.map(async (info) => {
          // A part killed on purpose (chaos) stays down until restored.
          if (await isDeliberatelyDown(this.docker, info.Id)) return;
          await this.docker
            .getContainer(info.Id)
            .start()
            .catch(() => undefined);
        }),
      );
      const replaced = before
        .filter((info) => !ALIVE.has(info.State) && !this.draining.has(info.Id))
        .map(containerName);
      const activeBefore = before.filter((info) => ALIVE.has(info.State) && !this.isDraining(info)).length;
      const { drained } = await this.converge(ctx, state.desiredReplicas);
      drained.catch((error: unknown) =>
        this.emit({ type: 'error', at: Date.now(), error: toErrorData(error) }),
      );
      const created = Math.max(0, state.desiredReplicas - activeBefore);
      if (created > 0)
        this.emit({
          type: 'scale',
          at: Date.now(),
          source: 'reconcile',
          from: activeBefore,
          to: state.desiredReplicas,
        });
      return { replaced, created };
    });
  }

  /**
   * The engine's event stream, filtered to this stack's containers dying or being destroyed:
   * lets the reconcile loop react at once instead of at its next tick.
   */
  watchChanges(onChange: () => void): () => void {
    let cancelled = false;
    let stream: NodeJS.ReadableStream | null = null;
    void this.docker
      .getEvents({
        filters: { type: ['container'], event: ['die', 'destroy'], label: [`${LABEL.stack}=${this.stack}`] },
      })
      .then((events) => {
        stream = events;
        if (cancelled) (events as unknown as { destroy(): void }).destroy();
        events.on('data', () => onChange());
        events.on('error', () => undefined);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      (stream as unknown as { destroy(): void } | null)?.destroy();
    };
  }

  async assertReachable(): Promise<void> {
    await assertEngine(this.docker);
  }

  /** Waits until every desired replica is ready (healthy) and no other replica is starting. */
  async waitReady(timeoutMs = 120_000): Promise<StackStatus> {
    return this.waitReadyUnlocked(timeoutMs);
  }

  private async waitReadyUnlocked(timeoutMs: number): Promise<StackStatus> {
    return waitFor('every replica ready', timeoutMs, async () => {
      const status = await this.status();
      const failed = status.replicas.find((replica) => replica.state === 'stopped');
      if (failed)
        throw new ScaledeckError(
          'START_FAILED',
          `replica ${failed.name} stopped; see \`docker logs ${failed.name}\``,
        );
      const live = status.replicas.filter((replica) => replica.state !== 'draining');
      return status.readyReplicas === status.desiredReplicas && live.length === status.desiredReplicas
        ? status
        : null;
    });
  }

  // ---- status and metrics ----------------------------------------------------------------

  private replicaState(info: ContainerInfo): ReplicaState {
    if (this.isDraining(info)) return 'draining';
    if (!ALIVE.has(info.State) || info.State === 'paused') return 'stopped';
    const health = healthOf(info);
    // On the front network = passed the readiness probe; the engine's own check may lag a second.
    if (health !== 'unhealthy' && this.isOnFront(info)) return 'ready';
    if (health === 'unhealthy') return 'unhealthy';
    return 'starting';
  }

  async status(): Promise<StackStatus> {
    const [containers, state, capacity] = await Promise.all([
      this.list(),
      this.readState(),
      this.capacity.get(),
    ]);
    const byRole = (role: Role) => containers.filter((info) => info.Labels[LABEL.role] === role);
    const now = Date.now();
    const replicas: ReplicaStatus[] = byRole('api')
      .sort((a, b) => a.Created - b.Created)
      .map((info) => {
        const replicaState = this.replicaState(info);
        const name = containerName(info);
        this.trackTransition(info.Id, name, replicaState, now);
        return { name, id: info.Id, state: replicaState, startedAt: info.Created * 1000 };
      });
    const components = Object.fromEntries(
      COMPONENT_ROLES.map((role) => [role, componentState(byRole(role)[0])]),
    ) as Record<ComponentRole, ComponentState>;
    const published = (role: Role, port: number) => {
      const binding = byRole(role)[0]?.Ports.find((entry) => entry.PrivatePort === port && entry.PublicPort);
      return binding ? `http://${this.publishedHost}:${binding.PublicPort}` : null;
    };
    const readyReplicas = replicas.filter((replica) => replica.state === 'ready').length;
    const desiredReplicas = state?.desiredReplicas ?? 0;
    const everyPartHealthy =
      components.postgres === 'healthy' &&
      components.redis === 'healthy' &&
      components.lb === 'healthy' &&
      components.prometheus === 'healthy';
    const dataVolume = await this.docker
      .getVolume(this.names.dataVolume)
      .inspect()
      .then(
        () => this.names.dataVolume,
        () => null,
      );
    return {
      target: 'docker',
      stack: this.stack,
      phase:
        state === null
          ? 'absent'
          : everyPartHealthy && readyReplicas === desiredReplicas
            ? 'running'
            : 'degraded',
      desiredReplicas,
      readyReplicas,
      replicas,
      components,
      capacity,
      endpoints: {
        loadBalancer: published('lb', LB_PORT),
        prometheus: published('prometheus', PROMETHEUS_PORT),
      },
      autoscaler: state?.autoscaler ? storedAutoscaler(state.autoscaler) : null,
      dataVolume,
    };
  }

  private trackTransition(id: string, name: string, state: ReplicaState, now: number): void {
    const previous = this.lastReplicaState.get(id);
    if (previous === state) return;
    this.lastReplicaState.set(id, state);
    if (state === 'ready') {
      this.readySince.set(id, now);
      if (previous !== undefined) this.emit({ type: 'replica', at: now, kind: 'ready', name });
    }
  }

  /** The autoscaler's view of the replicas: readiness, start times, CPU of each one's limit. */
  async samplePods(): Promise<PodSample[]> {
    const replicas = (await this.list('api')).filter(
      (info) => info.State === 'running' && !this.isDraining(info),
    );
    this.sampler.retain(replicas.map((info) => info.Id));
    const now = Date.now();
    return Promise.all(
      replicas.map(async (info) => {
        const details = await this.docker.getContainer(info.Id).inspect();
        const startedAt = Date.parse(details.State.StartedAt);
        const ready = details.State.Health?.Status !== 'unhealthy' && this.isOnFront(details);
        const name = containerName(info);
        this.trackTransition(info.Id, name, ready ? 'ready' : 'starting', now);
        const cpuLimit = (details.HostConfig.NanoCpus ?? 0) / 1e9 || this.settings.replicaCpus;
        const sample: PodSample = {
          name,
          ready,
          startedAt,
          cpuUtilizationPercent: await this.sampler.sample(info.Id, cpuLimit),
        };
        if (ready) sample.readySince = this.readySince.get(info.Id) ?? startedAt;
        return sample;
      }),
    );
  }

  // ---- chaos -----------------------------------------------------------------------------

  /** SIGKILLs a replica (named, or a random running one); the engine and reconcile bring it back. */
  async killReplica(name?: string): Promise<string> {
    const running = (await this.list('api')).filter(
      (info) => info.State === 'running' && !this.isDraining(info),
    );
    const victim = pickReplica(running, name);
    await killContainer(this.docker, victim.Id);
    return containerName(victim);
  }

  /** SIGKILLs Redis or PostgreSQL; it stays down until restore(). */
  async killPart(what: 'redis' | 'postgres'): Promise<string> {
    const name = this.names[what];
    await killPart(this.docker, name);
    return name;
  }

  /** Starts a part killed by killPart() again and waits until it is healthy. */
  async restorePart(what: 'redis' | 'postgres'): Promise<string> {
    const name = this.names[what];
    await restorePart(this.docker, name);
    return name;
  }

  /**
   * Redis INFO of the stack's Redis, read through the engine (Redis is deliberately not
   * published to the host). Null when Redis is not running.
   */
  async redisInfo(section = 'stats'): Promise<string | null> {
    const info = await inspectOrNull(this.docker, this.names.redis);
    if (info === null || !info.State.Running) return null;
    return execText(this.docker, this.names.redis, ['redis-cli', 'INFO', section]);
  }

  // ---- autoscaler config -----------------------------------------------------------------

  async setAutoscaler(input: AutoscalerInput): Promise<EnabledAutoscaler | null> {
    return this.exclusive(async () => {
      const state = await this.requireState();
      if (!input.enabled) {
        if (state.autoscaler !== null) await this.writeState({ autoscaler: null });
        return null;
      }
      await this.writeState({ autoscaler: JSON.stringify(input) });
      return input;
    });
  }

  // ---- teardown --------------------------------------------------------------------------

  async teardown(input: TeardownInput, onProgress: ProgressListener = () => {}): Promise<void> {
    await assertEngine(this.docker);
    await this.exclusive(async () => {
      onProgress({ step: 'containers', percent: 10 });
      // The desired-state record goes first, so a controller elsewhere stops reconciling.
      for (const info of await this.list('state')) await removeContainer(this.docker, info.Id);
      const containers = await this.list();
      await Promise.all(containers.map((info) => removeContainer(this.docker, info.Id)));
      onProgress({ step: 'network', percent: 70 });
      const networks = await this.docker.listNetworks({ filters: stackFilter(this.stack) });
      await Promise.all(
        networks.map((network) =>
          this.docker
            .getNetwork(network.Id)
            .remove()
            .catch(() => undefined),
        ),
      );
      if (input.deleteVolumes) {
        onProgress({ step: 'volumes', percent: 85 });
        const { Volumes } = await this.docker.listVolumes({ filters: stackFilter(this.stack) });
        await Promise.all((Volumes ?? []).map((volume) => this.docker.getVolume(volume.Name).remove()));
      }
      this.secrets = null;
      this.apiImage = null;
      this.lastReplicaState.clear();
      this.readySince.clear();
      onProgress({ step: 'done', percent: 100 });
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.listeners.clear();
    await this.mutex;
  }
}

/** The stored record with its behavior completed: records written before behavior was editable have none. */
function storedAutoscaler(json: string): EnabledAutoscaler {
  const stored = JSON.parse(json) as Omit<EnabledAutoscaler, 'behavior'> & { behavior?: HpaBehaviorInput };
  return { ...stored, behavior: effectiveBehavior(stored.profile, stored.behavior) };
}

function componentState(info: ContainerInfo | undefined): ComponentState {
  if (info === undefined) return 'missing';
  if (info.State !== 'running')
    return info.State === 'restarting' || info.State === 'created' ? 'starting' : 'stopped';
  const health = healthOf(info);
  if (health === 'starting') return 'starting';
  if (health === 'unhealthy') return 'unhealthy';
  return 'healthy';
}
