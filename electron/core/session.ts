/**
 * A session: everything the UI, the CLI and HTTP need for one stack, behind one dispatcher,
 * `handle(channel, input)`, that validates input with the channel's schema and returns
 * { ok: true, value } or { ok: false, error }. It owns the Controller (reconcile + autoscaler
 * loops), one LoadGenerator at a time, the live metrics feed, the timeline and chaos actions.
 * The target, its controller and its metrics feed are one unit (TargetParts, session-parts.ts, from
 * the target registry): target:select (session-switch.ts) opens another target, re-attaches to what
 * runs there, and only then swaps the parts and disposes the old ones (the old stack keeps running).
 * The load generator lives in session-load.ts, chaos in session-chaos.ts. dispose() stops every
 * loop and poller.
 */
import type Dockerode from 'dockerode';
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
  type UiEvent,
  type ValueOf,
} from './contract.ts';
import type { Controller } from './controller.ts';
import { ScaledeckError, parseOrThrow, toErrorData } from './errors.ts';
import type { LiveMetrics } from './live-metrics.ts';
import { drainNode, kill, restore, uncordonNode } from './session-chaos.ts';
import { FeedErrors, failureEvent, normalizeError } from './session-errors.ts';
import { SessionLoad, type SessionLoadHost } from './session-load.ts';
import { SessionScenario, type SessionScenarioHost } from './session-scenario.ts';
import { createParts, disposeParts, type TargetParts } from './session-parts.ts';
import { TargetSwitch, type SwitchHost } from './session-switch.ts';
import type { Settings } from './settings.ts';
import { createDockerClient } from './targets/docker/connect.ts';
import { DEFAULT_TARGET, listTargets } from './targets/registry.ts';
import type { LiveTarget, TargetChoice, TargetContext } from './targets/target.ts';
import { SCRAPE_INTERVAL_MS } from './targets/kit/scrape.ts';
import { Timeline, type SequencedListener } from './timeline.ts';
import { whatIf } from './decisions/whatif.ts';

export type { TargetChoice } from './targets/target.ts';

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
  private readonly switcher: TargetSwitch;
  private readonly operations: LongOperation[] = [];
  private readonly load: SessionLoad;
  private readonly scenario: SessionScenario;
  private disposed = false;
  private lastProgressStep = '';
  private readonly feedErrors = new FeedErrors();

  constructor(options: SessionOptions) {
    this.options = options;
    this.settings = options.settings;
    this.docker = options.docker ?? createDockerClient();
    this.kubeconfig = options.kubeconfig ?? options.target?.kubeconfig;
    this.timeline = new Timeline(options.timelineCapacity);
    this.load = new SessionLoad(this.loadHost());
    this.scenario = new SessionScenario(this.scenarioHost());
    this.live = this.createParts(options.target ?? { kind: DEFAULT_TARGET });
    this.switcher = new TargetSwitch(this.switchHost());
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
      'load:start': (input) => this.load.start(input),
      'load:update': async (input) => this.load.update(input),
      'load:stop': () => this.load.stop(),
      'load:status': async () => this.load.report(),
      'chaos:kill': async (input) => {
        await this.attach();
        return kill(this.target, (event) => this.emit(event), input.what, input.replica);
      },
      'chaos:restore': async (input) => {
        await this.attach();
        return restore(this.target, (event) => this.emit(event), input.what);
      },
      'chaos:drainNode': async (input) => {
        await this.attach();
        return drainNode(this.target, (event) => this.emit(event), input.node);
      },
      'chaos:uncordonNode': async (input) =>
        uncordonNode(this.target, (event) => this.emit(event), input.node),
      'metrics:charts': async () => this.metrics.charts(),
      'metrics:snapshot': async (input) => this.metrics.snapshot(input.since),
      'timeline:list': async (input) => this.timeline.list(input.since),
      'target:current': async () => this.live.current,
      'target:select': (input) => this.switcher.select(input),
      'scenarios:list': async () => this.scenario.list(),
      'scenario:status': async () => this.scenario.status(),
      'scenario:play': (input) => this.scenario.play(input),
      'scenario:pause': async () => this.scenario.pause(),
      'scenario:resume': async () => this.scenario.resume(),
      'scenario:stop': () => this.scenario.stop(),
      'decisions:recording': async () => ({
        recording: this.controller.recording(),
        decisions: this.controller.decisions(),
      }),
      'decisions:whatif': async ({ recording, ...overrides }) =>
        whatIf(recording ?? this.controller.recording(), overrides),
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

  private get context(): TargetContext {
    return {
      settings: this.settings,
      stack: this.options.stack ?? 'default',
      docker: this.docker,
      kubeconfig: this.kubeconfig,
    };
  }

  /** Builds a target with its controller and feed; its events reach the timeline once it is the live one. */
  private createParts(choice: TargetChoice): TargetParts {
    return createParts(choice, {
      context: this.context,
      metricsStepMs: this.options.metricsStepMs ?? SCRAPE_INTERVAL_MS,
      load: () => this.load.report(),
      onEvent: (parts, event) => {
        if (this.live === parts) this.onCoreEvent(event);
      },
    });
  }

  private loadHost(): SessionLoadHost {
    return {
      status: () => this.status(),
      emit: (event) => this.emit(event),
      maxLoadRps: this.settings.maxLoadRps,
      isDisposed: () => this.disposed,
    };
  }

  /** The scenario plays through the session's own channels, like a user clicking. */
  private scenarioHost(): SessionScenarioHost {
    return {
      invoke: (channel, input) => this.invoke(channel, input),
      emit: (event) => this.emit(event),
      subscribe: (listener) => this.subscribe(listener),
      limits: { maxReplicas: this.settings.maxReplicas, maxLoadRps: this.settings.maxLoadRps },
      replicaCpus: this.settings.replicaCpus,
    };
  }

  private switchHost(): SwitchHost {
    return {
      live: () => this.live,
      isDisposed: () => this.disposed,
      kubeconfig: this.kubeconfig,
      busyReason: (from) => {
        const operation = this.operations[0];
        if (operation !== undefined)
          return `a ${operation} is running on ${from.label}; switch target once it has finished (switching does not queue behind it)`;
        if (this.load.starting) return 'a load is starting; switch target once it runs (the switch stops it)';
        return null;
      },
      createParts: (choice) => this.createParts(choice),
      attach: (parts) => this.attach(parts),
      emit: (event) => this.emit(event),
      swap: async (parts) => {
        await this.scenario.halt('the session switched target');
        await this.load.drop();
        const old = this.live;
        this.live = parts;
        this.feedErrors.clear();
        return old;
      },
    };
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

  private recordFailure(channel: string, error: ErrorData): void {
    const event = this.disposed ? null : failureEvent(channel, error);
    if (event !== null) this.emit(event);
  }

  private run<C extends Channel>(channel: C, input: unknown): Promise<ValueOf<C>> {
    if (this.disposed) throw new ScaledeckError('DISPOSED', 'the session has ended');
    // A command now would land on the target being left; target:select says so itself.
    const switching = this.switcher.switching;
    if (switching !== null && COMMAND_CHANNELS.has(channel) && channel !== 'target:select')
      throw new ScaledeckError(
        'BUSY',
        `${channel}: the session is switching to ${switching.label}; try again once it has switched`,
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
      const status = await parts.controller.status();
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
          this.emit({ type: 'metrics', at, points, load: this.load.report() });
      },
      (message, query) => {
        const event = this.live === parts ? this.feedErrors.admit(message, query) : null;
        if (event !== null) this.emit(event);
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
    await this.scenario.halt('the stack was torn down');
    await this.load.halt();
    this.metrics.stop();
    await this.controller.teardown({ deleteVolumes });
    this.emit({ type: 'deploy', at: Date.now(), step: 'teardown', status: 'done' });
    return { removed: true };
  }

  /** Every target of every kind with its reachability; target:select switches the session to one. */
  private listTargets(): Promise<TargetInfo[]> {
    return listTargets(this.context);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Stops the load, the metrics feed and the controller's loops; the stack keeps running. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.scenario.halt();
    await this.load.halt();
    this.timeline.clearListeners();
    await disposeParts(this.live);
  }
}

export async function openSession(options: SessionOptions): Promise<Session> {
  return new Session(options).open();
}
