/**
 * A session: everything the UI, the CLI and HTTP need for one stack, behind one dispatcher,
 * `handle(channel, input)`, that validates input with the channel's schema and returns
 * { ok: true, value } or { ok: false, error }. It owns the Controller (reconcile + autoscaler
 * loops), one LoadGenerator at a time, the live metrics feed, the timeline and chaos actions.
 * The target, its controller and its metrics feed are one unit (TargetParts): target:select opens
 * another target, re-attaches to what runs there, and only then swaps the parts and disposes the old
 * ones (the old stack keeps running). dispose() stops every loop and poller.
 */
import Dockerode from 'dockerode';
import {
  COMMAND_CHANNELS,
  channelSchemas,
  isChannel,
  type Channel,
  type ChannelSchemas,
  type CoreEvent,
  type CurrentTarget,
  type ErrorData,
  type InputOf,
  type ParsedInputOf,
  type Result,
  type SequencedEvent,
  type StackStatus,
  type TargetInfo,
  type TargetRequest,
  type UiEvent,
  type ValueOf,
} from './contract.ts';
import { Controller } from './controller.ts';
import { ScaledeckError, ValidationError, httpStatusOf, parseOrThrow, toErrorData } from './errors.ts';
import { LiveMetrics } from './live-metrics.ts';
import { LoadGenerator, LoadOptionsError, TargetNotAllowedError, type LoadReport } from './loadgen.ts';
import type { Settings } from './settings.ts';
import { DockerTarget } from './targets/docker/docker-target.ts';
import { assertEngine, createDockerClient } from './targets/docker/connect.ts';
import { KubernetesTarget } from './targets/kubernetes/kubernetes-target.ts';
import { loadKubeConfig } from './targets/kubernetes/connect.ts';
import { KUBE_CONTEXT_FIX, listKubeContexts } from './targets/kubernetes/contexts.ts';
import type { LiveTarget } from './targets/target.ts';
import { Timeline, type SequencedListener } from './timeline.ts';

/** Where the session's stack runs: the local Docker engine (default) or a kube context. */
export type TargetChoice =
  | { kind: 'docker' }
  | {
      kind: 'kubernetes';
      /** Default: the kubeconfig's current context. */
      context?: string | undefined;
      /** Default: scaledeck-<stack>. */
      namespace?: string | undefined;
      /** A path list like KUBECONFIG; default: $KUBECONFIG, else ~/.kube/config. */
      kubeconfig?: string | undefined;
    };

export interface SessionOptions {
  settings: Settings;
  stack?: string;
  target?: TargetChoice;
  /**
   * A path list like KUBECONFIG that targets:list and target:select read; default: the kubernetes
   * target's kubeconfig, else $KUBECONFIG, else ~/.kube/config.
   */
  kubeconfig?: string;
  /** Docker client: the Docker target's engine, and the API image build for Kubernetes. */
  docker?: Dockerode;
  /** Metrics feed period (default 2000 ms, the scrape interval). */
  metricsStepMs?: number;
  /** How far back the feed backfills from Prometheus when it starts (default 15 min). */
  backfillMs?: number;
  timelineCapacity?: number;
}

type Handlers = { [C in Channel]: (input: ParsedInputOf<C>) => Promise<ValueOf<C>> };

const LOAD_ACTIVE = new Set(['starting', 'running', 'draining']);
const DOCKER_FIX =
  'start the Docker engine (e.g. `sudo systemctl start docker` or `dockerd &`), then refresh';

/** Everything that belongs to one target; a switch replaces it as a whole. */
interface TargetParts {
  readonly current: CurrentTarget;
  readonly target: LiveTarget;
  readonly controller: Controller;
  readonly metrics: LiveMetrics;
  attached: boolean;
}

type LongOperation = 'deploy' | 'teardown';

export class Session {
  readonly settings: Settings;
  readonly timeline: Timeline;
  private readonly docker: Dockerode;
  private readonly schemas: ChannelSchemas;
  private readonly options: SessionOptions;
  private readonly handlers: Handlers;
  /** The kubeconfig path list the session was opened with; switches read the same files. */
  private readonly kubeconfig: string | undefined;
  private live: TargetParts;
  /** The target a switch in flight is opening; commands wait for nothing and are refused meanwhile. */
  private switching: CurrentTarget | null = null;
  private readonly operations: LongOperation[] = [];
  private load: LoadGenerator | null = null;
  private loadStarting = false;
  private disposed = false;
  private lastProgressStep = '';
  private readonly recentFeedErrors = new Map<string, number>();

  constructor(options: SessionOptions) {
    this.options = options;
    this.settings = options.settings;
    this.docker = options.docker ?? createDockerClient();
    this.kubeconfig =
      options.kubeconfig ?? (options.target?.kind === 'kubernetes' ? options.target.kubeconfig : undefined);
    this.timeline = new Timeline(options.timelineCapacity);
    this.live = this.createParts(options.target ?? { kind: 'docker' });
    this.schemas = channelSchemas({
      maxReplicas: this.settings.maxReplicas,
      maxLoadRps: this.settings.maxLoadRps,
    });
    this.handlers = {
      'targets:list': () => this.listTargets(),
      'stack:status': () => this.status(),
      'stack:deploy': (input) => this.deploy(input.replicas),
      'stack:scale': async (input) => {
        await this.attach();
        await this.controller.scale(input);
        return this.controller.status();
      },
      'stack:teardown': (input) => this.teardown(input.deleteVolumes ?? false),
      'autoscaler:set': async (input) => {
        await this.attach();
        return this.controller.setAutoscaler(input);
      },
      'load:start': (input) => this.startLoad(input),
      'load:update': async (input) => this.updateLoad(input),
      'load:stop': () => this.stopLoad(),
      'load:status': async () => this.load?.report() ?? null,
      'chaos:kill': (input) => this.kill(input.what, input.replica),
      'chaos:restore': (input) => this.restore(input.what),
      'metrics:charts': async () => this.metrics.charts(),
      'metrics:snapshot': async (input) => this.metrics.snapshot(input.since),
      'timeline:list': async (input) => this.timeline.list(input.since),
      'target:current': async () => this.live.current,
      'target:select': (input) => this.selectTarget(input),
    };
  }

  /** The target the session talks to now (it changes with target:select). */
  get target(): LiveTarget {
    return this.live.target;
  }

  get controller(): Controller {
    return this.live.controller;
  }

  get metrics(): LiveMetrics {
    return this.live.metrics;
  }

  get currentTarget(): CurrentTarget {
    return this.live.current;
  }

  /** Builds a target with its controller and feed; its events reach the timeline once it is the live one. */
  private createParts(choice: TargetChoice): TargetParts {
    const target = createTarget(choice, this.docker, this.options);
    const controller = new Controller(target, { maxReplicas: this.settings.maxReplicas });
    const metrics = new LiveMetrics(target, {
      cpuLimitCores: this.settings.replicaCpus,
      load: () => this.load?.report() ?? null,
      stepMs: this.options.metricsStepMs ?? 2000,
    });
    const parts: TargetParts = {
      current: describeTarget(target),
      target,
      controller,
      metrics,
      attached: false,
    };
    controller.observe((event) => {
      if (this.live === parts) this.onCoreEvent(event);
    });
    return parts;
  }

  /**
   * Attaches to the stack when the engine answers: starts the reconcile/autoscaler loops and,
   * when the stack is deployed, the metrics feed. Without an engine the session still answers
   * (targets:list says what to do); the commands that need one fail with ENGINE_UNAVAILABLE.
   */
  async open(): Promise<this> {
    try {
      await this.attach();
    } catch (error) {
      this.emit({ type: 'error', at: Date.now(), error: toErrorData(error) });
    }
    return this;
  }

  // ---- the dispatcher ------------------------------------------------------------------------

  /** Validates and runs one channel; never throws (errors come back as data). */
  async handle(channel: string, input: unknown): Promise<Result<unknown>> {
    try {
      if (!isChannel(channel))
        throw new ScaledeckError('UNKNOWN_CHANNEL', `no channel named "${channel}"`, 'channel');
      return { ok: true, value: await this.run(channel, input) };
    } catch (error) {
      const data = toErrorData(normalizeError(error));
      this.recordFailure(channel, data);
      return { ok: false, error: data };
    }
  }

  /** Typed call for in-process callers (CLI, tests); throws ScaledeckError on failure. */
  async invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<ValueOf<C>> {
    try {
      return await this.run(channel, input);
    } catch (error) {
      const normalized = normalizeError(error);
      this.recordFailure(channel, toErrorData(normalized));
      throw normalized;
    }
  }

  /**
   * A command that failed in the system (engine, stack, network) goes on the timeline; deploy
   * records its own. Refused requests and reads do not: they changed nothing.
   */
  private recordFailure(channel: string, error: ErrorData): void {
    if (
      this.disposed ||
      !isChannel(channel) ||
      !COMMAND_CHANNELS.has(channel) ||
      channel === 'stack:deploy' ||
      channel === 'target:select'
    )
      return;
    // Refused requests (bad input, nothing to stop, not deployed) are the caller's to show.
    if (httpStatusOf(error) < 500 || error.code === 'DISPOSED') return;
    this.emit({
      type: 'error',
      at: Date.now(),
      error: { ...error, message: `${channel}: ${error.message}` },
    });
  }

  private run<C extends Channel>(channel: C, input: unknown): Promise<ValueOf<C>> {
    if (this.disposed) throw new ScaledeckError('DISPOSED', 'the session has ended');
    // A command now would land on the target being left; target:select says so itself.
    if (this.switching !== null && COMMAND_CHANNELS.has(channel) && channel !== 'target:select')
      throw new ScaledeckError(
        'BUSY',
        `${channel}: the session is switching to ${this.switching.label}; try again once it has switched`,
      );
    const parsed = parseOrThrow(this.schemas[channel], input ?? {}) as ParsedInputOf<C>;
    return (this.handlers[channel] as (input: ParsedInputOf<C>) => Promise<ValueOf<C>>)(parsed);
  }

  /** Every pushed event, numbered; returns cancel(). */
  subscribe(listener: SequencedListener): () => void {
    return this.timeline.subscribe(listener);
  }

  private emit(event: UiEvent): SequencedEvent {
    return this.timeline.push(event);
  }

  private onCoreEvent(event: CoreEvent): void {
    this.emit(event);
    if (event.type === 'progress' && event.step !== this.lastProgressStep) {
      this.lastProgressStep = event.step;
      const detail = event.log === undefined ? {} : { detail: event.log };
      this.emit({ type: 'deploy', at: event.at, step: event.step, status: 'step', ...detail });
    }
  }

  // ---- stack ---------------------------------------------------------------------------------

  private async attach(parts: TargetParts = this.live): Promise<void> {
    await parts.target.assertReachable();
    if (!parts.attached && !this.disposed) {
      parts.attached = true;
      parts.controller.start();
    }
    if (!parts.metrics.running) {
      const status = await parts.target.status();
      if (status.phase !== 'absent' && status.endpoints.prometheus !== null)
        await this.startMetrics(status.endpoints.prometheus, parts);
    }
  }

  private async startMetrics(prometheusUrl: string, parts: TargetParts = this.live): Promise<void> {
    await parts.metrics.start(
      prometheusUrl,
      this.options.backfillMs ?? 15 * 60_000,
      (at, points) => {
        // The running load's report rides along, so the UI's numbers move without polling.
        if (!this.disposed && this.live === parts)
          this.emit({ type: 'metrics', at, points, load: this.load?.report() ?? null });
      },
      (message, query) => {
        if (this.live === parts) this.feedError(message, query);
      },
    );
  }

  /** Deploy and teardown run to the end on the target they started on: a switch is refused meanwhile. */
  private async longOperation<T>(operation: LongOperation, work: () => Promise<T>): Promise<T> {
    this.operations.push(operation);
    try {
      return await work();
    } finally {
      this.operations.splice(this.operations.indexOf(operation), 1);
    }
  }

  /** A failing query fails every tick: one error event per query and message per minute. */
  private feedError(message: string, query: string): void {
    const key = `${query}\u0000${message}`;
    const now = Date.now();
    if (now - (this.recentFeedErrors.get(key) ?? 0) < 60_000) return;
    this.recentFeedErrors.set(key, now);
    this.emit({ type: 'error', at: now, error: { code: 'METRICS', message: `${message} (${query})` } });
  }

  private async status(): Promise<StackStatus> {
    await this.target.assertReachable();
    return this.controller.status();
  }

  private deploy(replicas: number | undefined): Promise<StackStatus> {
    return this.longOperation('deploy', () => this.deployNow(replicas));
  }

  private async deployNow(replicas: number | undefined): Promise<StackStatus> {
    await this.attach();
    this.lastProgressStep = '';
    const at = Date.now();
    this.emit({
      type: 'deploy',
      at,
      step: 'deploy',
      status: 'started',
      ...(replicas === undefined ? {} : { replicas }),
    });
    try {
      const status = await this.controller.deploy(replicas === undefined ? {} : { replicas });
      this.emit({
        type: 'deploy',
        at: Date.now(),
        step: 'deploy',
        status: 'done',
        replicas: status.desiredReplicas,
      });
      if (status.endpoints.prometheus !== null && this.metrics.prometheusUrl !== status.endpoints.prometheus)
        await this.startMetrics(status.endpoints.prometheus);
      return status;
    } catch (error) {
      const data = toErrorData(error);
      this.emit({ type: 'deploy', at: Date.now(), step: 'deploy', status: 'failed', detail: data.message });
      this.emit({ type: 'error', at: Date.now(), error: data });
      throw error;
    }
  }

  private teardown(deleteVolumes: boolean): Promise<{ removed: true }> {
    return this.longOperation('teardown', () => this.teardownNow(deleteVolumes));
  }

  private async teardownNow(deleteVolumes: boolean): Promise<{ removed: true }> {
    await this.target.assertReachable();
    this.emit({ type: 'deploy', at: Date.now(), step: 'teardown', status: 'started' });
    await this.load?.stop({ drain: false });
    this.metrics.stop();
    await this.controller.teardown({ deleteVolumes });
    this.emit({ type: 'deploy', at: Date.now(), step: 'teardown', status: 'done' });
    return { removed: true };
  }

  private async listTargets(): Promise<TargetInfo[]> {
    const docker: TargetInfo = {
      kind: 'docker',
      id: 'docker',
      label: 'Local Docker engine',
      available: true,
    };
    try {
      await assertEngine(this.docker);
    } catch (error) {
      docker.available = false;
      docker.reason = toErrorData(error).message;
      docker.fix = DOCKER_FIX;
    }
    // Every kube context with its reachability; target:select switches the session to one.
    return [docker, ...(await listKubeContexts(this.kubeconfig))];
  }

  // ---- switching target ----------------------------------------------------------------------

  /**
   * Opens the requested target and re-attaches to the stack running there, then swaps it in and
   * disposes the old target's loops, informers and tunnels (its stack keeps running: switching
   * back re-attaches). Refused while a deploy or teardown runs (it does not queue: the user would
   * not see which target it ends on). A running load stops, since it aims at the old stack's load
   * balancer. Any failure leaves the session on its current target, with nothing changed.
   */
  private async selectTarget(request: TargetRequest): Promise<CurrentTarget> {
    const from = this.live.current;
    if (this.switching !== null)
      throw new ScaledeckError(
        'BUSY',
        `already switching to ${this.switching.label}; choose again once that switch has finished`,
      );
    const operation = this.operations[0];
    if (operation !== undefined)
      throw new ScaledeckError(
        'BUSY',
        `a ${operation} is running on ${from.label}; switch target once it has finished (switching does not queue behind it)`,
      );
    if (this.loadStarting)
      throw new ScaledeckError(
        'BUSY',
        'a load is starting; switch target once it runs (the switch stops it)',
      );
    const choice = this.choiceFor(request);
    const wanted = requestedTarget(request);
    const sameTarget =
      wanted.id === from.id &&
      (request.kind === 'docker' || request.namespace === undefined || request.namespace === from.namespace);
    if (sameTarget) {
      await this.attachOrExplain(this.live, from);
      return from;
    }
    let parts: TargetParts;
    try {
      parts = this.createParts(choice);
    } catch (error) {
      throw unavailable(wanted, from, error);
    }
    this.switching = wanted;
    this.emit({ type: 'target', at: Date.now(), status: 'switching', from, to: wanted });
    try {
      await this.attachOrExplain(parts, from);
      if (this.disposed) throw new ScaledeckError('DISPOSED', 'the session has ended');
    } catch (error) {
      parts.metrics.stop();
      await parts.controller.dispose();
      this.switching = null;
      if (!this.disposed)
        this.emit({
          type: 'target',
          at: Date.now(),
          status: 'failed',
          from,
          to: wanted,
          detail: toErrorData(error).message,
        });
      throw error;
    }
    // The generator aims at the old stack's load balancer: it stops with the switch.
    if (this.load !== null && LOAD_ACTIVE.has(this.load.report().state))
      await this.load.stop({ drain: false });
    this.load = null;
    const old = this.live;
    this.live = parts;
    this.switching = null;
    this.recentFeedErrors.clear();
    old.metrics.stop();
    await old.controller.dispose();
    this.emit({ type: 'target', at: Date.now(), status: 'switched', from, to: parts.current });
    return parts.current;
  }

  /** A kube context must exist in the kubeconfig the session reads: else a clear error naming context. */
  private choiceFor(request: TargetRequest): TargetChoice {
    if (request.kind === 'docker') return { kind: 'docker' };
    let known: string[];
    try {
      known = loadKubeConfig({ kubeconfig: this.kubeconfig })
        .getContexts()
        .map((context) => context.name);
    } catch (error) {
      throw new ScaledeckError('TARGET_UNAVAILABLE', toErrorData(error).message, 'context');
    }
    if (!known.includes(request.context))
      throw new ValidationError(
        'context',
        `no kube context named "${request.context}" in the kubeconfig; known: ${known.join(', ') || 'none'} (targets:list shows each with its reachability)`,
      );
    return {
      kind: 'kubernetes',
      context: request.context,
      namespace: request.namespace,
      kubeconfig: this.kubeconfig,
    };
  }

  private async attachOrExplain(parts: TargetParts, from: CurrentTarget): Promise<void> {
    try {
      await this.attach(parts);
    } catch (error) {
      throw unavailable(parts.current, from, error);
    }
  }

  // ---- load ----------------------------------------------------------------------------------

  private async startLoad(input: ParsedInputOf<'load:start'>): Promise<LoadReport> {
    if (this.loadStarting || (this.load !== null && LOAD_ACTIVE.has(this.load.report().state)))
      throw new ScaledeckError(
        'LOAD_RUNNING',
        'a load is already running; stop it or change it with load:update',
      );
    this.loadStarting = true;
    try {
      const status = await this.status();
      const baseUrl = status.endpoints.loadBalancer;
      if (status.phase === 'absent' || baseUrl === null)
        throw new ScaledeckError('NOT_DEPLOYED', `stack ${status.stack} is not deployed; deploy it first`);
      // The generator only ever gets the stack's own load balancer as its target.
      const generator = new LoadGenerator({
        baseUrl,
        rate: input.rps,
        maxRate: this.settings.maxLoadRps,
        durationSeconds: input.durationSeconds,
        ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }),
        ...(input.mix === undefined ? {} : { mix: input.mix }),
        ...(input.zipfExponent === undefined ? {} : { zipfExponent: input.zipfExponent }),
      });
      this.load = generator;
      await generator.start();
      const report = generator.report();
      this.emit({ type: 'load', at: Date.now(), kind: 'started', report });
      void generator.done().then((final) => {
        if (!this.disposed) this.emit({ type: 'load', at: Date.now(), kind: 'stopped', report: final });
      });
      return report;
    } finally {
      this.loadStarting = false;
    }
  }

  private activeLoad(): LoadGenerator {
    if (this.load === null || !LOAD_ACTIVE.has(this.load.report().state))
      throw new ScaledeckError('NO_LOAD', 'no load is running; start one with load:start');
    return this.load;
  }

  private updateLoad(input: ParsedInputOf<'load:update'>): LoadReport {
    const load = this.activeLoad();
    if (input.rps === undefined && input.mix === undefined && input.zipfExponent === undefined)
      throw new ValidationError('rps', 'give at least one of rps, mix, zipfExponent');
    // Checked together first, so nothing is half-applied.
    if (input.mix !== undefined) {
      const merged = { ...load.report().mix, ...input.mix };
      if (Object.values(merged).every((weight) => weight === 0))
        throw new ValidationError('mix', 'at least one weight must be > 0');
    }
    if (input.rps !== undefined) load.setRate(input.rps);
    if (input.mix !== undefined) load.setMix(input.mix);
    if (input.zipfExponent !== undefined) load.setZipfExponent(input.zipfExponent);
    const report = load.report();
    this.emit({ type: 'load', at: Date.now(), kind: 'changed', report });
    return report;
  }

  private async stopLoad(): Promise<LoadReport> {
    const load = this.activeLoad();
    return load.stop();
  }

  // ---- chaos ---------------------------------------------------------------------------------

  private async kill(what: 'replica' | 'redis' | 'postgres', replica?: string): Promise<{ killed: string }> {
    await this.attach();
    await this.requireDeployed();
    const killed =
      what === 'replica' ? await this.target.killReplica(replica) : await this.target.killPart(what);
    this.emit({ type: 'chaos', at: Date.now(), action: 'kill', what, target: killed });
    return { killed };
  }

  private async restore(what: 'redis' | 'postgres'): Promise<{ restored: string }> {
    await this.attach();
    await this.requireDeployed();
    const restored = await this.target.restorePart(what);
    this.emit({ type: 'chaos', at: Date.now(), action: 'restore', what, target: restored });
    return { restored };
  }

  private async requireDeployed(): Promise<void> {
    const status = await this.target.status();
    if (status.phase === 'absent')
      throw new ScaledeckError('NOT_DEPLOYED', `stack ${status.stack} is not deployed; deploy it first`);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Stops the load, the metrics feed and the controller's loops; the stack keeps running. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.load?.stop({ drain: false });
    this.metrics.stop();
    this.timeline.clearListeners();
    await this.controller.dispose();
  }
}

/** The session's target as targets:list names it. */
function describeTarget(target: LiveTarget): CurrentTarget {
  if (target instanceof KubernetesTarget)
    return {
      kind: 'kubernetes',
      id: `kubernetes:${target.contextName}`,
      label: `Kubernetes: ${target.contextName}`,
      context: target.contextName,
      namespace: target.namespace,
    };
  return { kind: 'docker', id: 'docker', label: 'Local Docker engine' };
}

function requestedTarget(request: TargetRequest): CurrentTarget {
  if (request.kind === 'docker') return { kind: 'docker', id: 'docker', label: 'Local Docker engine' };
  return {
    kind: 'kubernetes',
    id: `kubernetes:${request.context}`,
    label: `Kubernetes: ${request.context}`,
    context: request.context,
    ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
  };
}

/** Why a target cannot be opened and what to do, as targets:list says it; already a session error passes as is. */
function unavailable(wanted: CurrentTarget, from: CurrentTarget, error: unknown): ScaledeckError {
  if (error instanceof ScaledeckError && (error.code === 'VALIDATION' || error.code === 'DISPOSED'))
    return error;
  const reason = toErrorData(error).message;
  const fix = wanted.kind === 'docker' ? DOCKER_FIX : KUBE_CONTEXT_FIX;
  const stays = wanted.id === from.id ? '' : `; the session stays on ${from.label}`;
  return new ScaledeckError(
    'TARGET_UNAVAILABLE',
    `${wanted.label} is unavailable: ${reason}. Fix: ${fix}${stays}`,
    wanted.kind === 'docker' ? 'kind' : 'context',
    { cause: error },
  );
}

/** Errors from the load generator's own validation become contract errors naming the field. */
function normalizeError(error: unknown): unknown {
  if (error instanceof LoadOptionsError)
    return new ValidationError(error.field, error.message.replace(`${error.field}: `, ''));
  if (error instanceof TargetNotAllowedError) return new ValidationError(error.field, error.message);
  return error;
}

function createTarget(choice: TargetChoice, docker: Dockerode, options: SessionOptions): LiveTarget {
  const stack = options.stack ?? 'default';
  if (choice.kind === 'docker') return new DockerTarget(docker, options.settings, { stack });
  // KUBECONFIG (several files) and the context are read the way kubectl reads them.
  return new KubernetesTarget(options.settings, {
    stack,
    docker,
    context: choice.context,
    kubeconfig: choice.kubeconfig,
    ...(choice.namespace === undefined ? {} : { namespace: choice.namespace }),
  });
}

export async function openSession(options: SessionOptions): Promise<Session> {
  return new Session(options).open();
}
