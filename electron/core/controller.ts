/**
 * The controller owns the current stack: it validates every command against the contract,
 * forwards it to the target, and runs two loops while attached: reconcile (restores the
 * desired replica count when a replica dies or is removed) and, for targets without a native
 * HPA, the autoscaler (samples CPU -> HorizontalAutoscaler.decide -> scale).
 *
 * Neither loop reads the engine more than it needs: where the target reports changes
 * (watchChanges), reconcile runs on them and then every second while the stack settles (a
 * restarted replica comes back without an event of its own), else only a slow safety pass; the
 * autoscaler loop reads the
 * full status at its tick only while an autoscaler is on; while it is off, a slow check notices
 * one turned on by another process (the CLI's `autoscale`).
 */
import {
  AutoscalerInputError,
  HorizontalAutoscaler,
  type AutoscalerSpec,
  type ScaleDecision,
} from './autoscaler.ts';
import {
  commandSchemas,
  type CommandSchemas,
  type CoreEvent,
  type CoreEventListener,
  type EnabledAutoscaler,
  type ProgressListener,
  type StackStatus,
} from './contract.ts';
import { explainDecision } from './decisions/explain.ts';
import { DecisionRecorder, type Recording } from './decisions/recording.ts';
import { ValidationError, parseOrThrow, toErrorData } from './errors.ts';
import { withTraffic } from './metrics/traffic.ts';
import type { ReplicaMetricsSource, Target } from './targets/target.ts';

export interface ControllerOptions {
  maxReplicas: number;
  /** Reconcile period of a target without change events. */
  reconcileIntervalMs?: number;
  /** Reconcile period of a quiet target with change events (a missed event, a stream that broke). */
  reconcileSafetyIntervalMs?: number;
  /** After a change (an event, a scale, a deploy): how long reconcile keeps the fast period. */
  reconcileSettleMs?: number;
  /** While the autoscaler is off: how often the status is read to see whether it was turned on. */
  autoscalerIdleCheckMs?: number;
  /** How often the loop checks whether an autoscaler sync is due (the sync period comes from the profile). */
  autoscalerTickMs?: number;
  /** How many of its own autoscaler syncs the controller keeps for explain/export (the oldest go first). */
  recordedSyncs?: number;
}

function autoscalerSpec(config: EnabledAutoscaler): AutoscalerSpec {
  const { minReplicas, maxReplicas, targetCpuUtilizationPercent, profile, behavior, metrics } = config;
  return {
    minReplicas,
    maxReplicas,
    targetCpuUtilizationPercent,
    profile,
    behavior,
    ...(metrics === undefined ? {} : { metrics }),
  };
}

function hasMetrics(target: Target): target is Target & ReplicaMetricsSource {
  return typeof (target as Partial<ReplicaMetricsSource>).samplePods === 'function';
}

export class Controller {
  readonly target: Target;
  private readonly schemas: CommandSchemas;
  private readonly options: Required<ControllerOptions>;
  private readonly listeners = new Set<CoreEventListener>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly cancelTargetEvents: () => void;
  private autoscaler: { key: string; hpa: HorizontalAutoscaler; lastSyncAt: number } | null = null;
  private reconciling = false;
  private reconcileAgain = false;
  private lastReconcileAt = 0;
  /** Until when reconcile runs at the fast period (a change is settling). */
  private settlingUntil = 0;
  private watching = false;
  private readonly cancels: (() => void)[] = [];
  private autoscaling = false;
  /** Whether the stored autoscaler is on, as last seen, and when (null: not seen yet). */
  private autoscalerSeen: { on: boolean; at: number } | null = null;
  private readonly recorder: DecisionRecorder;
  private readonly recentDecisions: ScaleDecision[] = [];
  /** The history start of the target's reconstruction last recorded: a new one is a new run. */
  private targetRun: number | null = null;

  constructor(target: Target, options: ControllerOptions) {
    this.target = target;
    this.options = {
      reconcileIntervalMs: 1000,
      reconcileSafetyIntervalMs: 10_000,
      reconcileSettleMs: 30_000,
      autoscalerTickMs: 500,
      autoscalerIdleCheckMs: 10_000,
      recordedSyncs: 2000,
      ...options,
    };
    this.recorder = new DecisionRecorder(target.kind, this.options.recordedSyncs);
    this.schemas = commandSchemas(options.maxReplicas);
    this.cancelTargetEvents = target.observe((event) => this.fromTarget(event));
  }

  /**
   * A decision the target's own autoscaler made and Scaledeck reconstructed (the real HPA on
   * Kubernetes) is explained and recorded like the controller's own, so explain, export and
   * what-if cover it; the recorded count is the one the target decided.
   */
  private fromTarget(event: CoreEvent): void {
    const reconstruction = event.type === 'autoscaler' ? event.decision.reconstruction : undefined;
    if (event.type !== 'autoscaler' || reconstruction === undefined) {
      this.emit(event);
      return;
    }
    if (this.targetRun !== reconstruction.historySince) {
      this.targetRun = reconstruction.historySince;
      this.recorder.newRun();
    }
    const decision = this.explained(event.decision);
    this.recorder.record({
      at: decision.at,
      spec: reconstruction.spec,
      currentReplicas: decision.currentReplicas,
      pods: decision.inputs.pods,
      desiredReplicas: decision.desiredReplicas,
    });
    this.remember(decision);
    this.emit({ ...event, decision });
  }

  private explained(decided: ScaleDecision): ScaleDecision {
    const explanation = explainDecision(decided);
    return explanation ? { ...decided, explanation } : decided;
  }

  private remember(decision: ScaleDecision): void {
    this.recentDecisions.push(decision);
    if (this.recentDecisions.length > this.options.recordedSyncs) this.recentDecisions.shift();
  }

  observe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: CoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  // ---- commands (input is untrusted: validated here) ---------------------------------------

  async deploy(input: unknown, onProgress?: ProgressListener): Promise<StackStatus> {
    const parsed = parseOrThrow(this.schemas.deploy, input ?? {});
    this.settle();
    const status = this.seen(await this.target.deploy(parsed, onProgress));
    this.settle();
    return status;
  }

  async scale(input: unknown): Promise<void> {
    const { replicas } = parseOrThrow(this.schemas.scale, input);
    this.settle();
    await this.target.scale(replicas, 'manual');
    this.settle();
  }

  async setAutoscaler(input: unknown): Promise<EnabledAutoscaler | null> {
    const config = parseOrThrow(this.schemas.setAutoscaler, input);
    if (config.enabled) {
      // The algorithm's own checks run before anything is stored, so nothing is half-applied.
      try {
        new HorizontalAutoscaler(autoscalerSpec(config));
      } catch (error) {
        if (error instanceof AutoscalerInputError)
          throw new ValidationError(error.field, error.message.replace(`${error.field}: `, ''));
        throw error;
      }
    }
    const stored = await this.target.setAutoscaler(config);
    this.autoscaler = null;
    this.autoscalerSeen = { on: stored !== null, at: Date.now() };
    return stored;
  }

  async status(): Promise<StackStatus> {
    return this.seen(await this.target.status());
  }

  async teardown(input: unknown, onProgress?: ProgressListener): Promise<void> {
    await this.target.teardown(parseOrThrow(this.schemas.teardown, input ?? {}), onProgress);
    this.autoscalerSeen = { on: false, at: Date.now() };
  }

  /** Every status read tells whether the autoscaler loop has work. */
  private seen(status: StackStatus): StackStatus {
    this.autoscalerSeen = { on: status.autoscaler !== null && status.phase !== 'absent', at: Date.now() };
    return status;
  }

  /** The syncs this controller's own autoscaler loop made, for replay (decisions/replay.ts). */
  recording(): Recording {
    return this.recorder.recording();
  }

  /** Its latest decisions, oldest first, each with its explanation. */
  decisions(last = this.recentDecisions.length): ScaleDecision[] {
    return this.recentDecisions.slice(Math.max(0, this.recentDecisions.length - last));
  }

  // ---- loops -------------------------------------------------------------------------------

  /** Starts the reconcile and autoscaler loops; dispose() stops them. */
  start(): void {
    if (this.timers.length > 0) return;
    const cancelWatch = this.target.watchChanges?.(() => {
      this.settle();
      void this.reconcileOnce();
    });
    if (cancelWatch) this.cancels.push(cancelWatch);
    this.watching = cancelWatch !== undefined;
    this.timers.push(setInterval(() => this.reconcileTick(), this.options.reconcileIntervalMs));
    // An attaching controller restores what changed while none was attached: a pass at once, and
    // the fast period while that settles.
    this.settle();
    void this.reconcileOnce();
    if (hasMetrics(this.target)) {
      const source = this.target;
      this.timers.push(setInterval(() => void this.autoscaleTick(source), this.options.autoscalerTickMs));
    }
  }

  /** The autoscaler loop's tick: a step while an autoscaler is on, else now and then a look. */
  private autoscaleTick(source: ReplicaMetricsSource, now = Date.now()): Promise<void> {
    const seen = this.autoscalerSeen;
    if (seen !== null && !seen.on && now - seen.at < this.options.autoscalerIdleCheckMs)
      return Promise.resolve();
    return this.autoscaleOnce(source, now);
  }

  /** Something changed: reconcile at the fast period for a while. */
  private settle(): void {
    this.settlingUntil = Date.now() + this.options.reconcileSettleMs;
  }

  private reconcileTick(now = Date.now()): void {
    const quiet = this.watching && now >= this.settlingUntil;
    if (quiet && now - this.lastReconcileAt < this.options.reconcileSafetyIntervalMs) return;
    void this.reconcileOnce();
  }

  private async reconcileOnce(): Promise<void> {
    this.lastReconcileAt = Date.now();
    // A change that arrives mid-pass gets its own pass right after, not a skipped one.
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = true;
    try {
      do {
        this.reconcileAgain = false;
        await this.target.reconcile();
      } while (this.reconcileAgain && this.timers.length > 0);
    } catch (error) {
      this.emit({ type: 'error', at: Date.now(), error: toErrorData(error) });
    } finally {
      this.reconciling = false;
    }
  }

  /** One autoscaler step when a sync is due; exposed for tests that drive time themselves. */
  async autoscaleOnce(source: ReplicaMetricsSource, now = Date.now()): Promise<void> {
    if (this.autoscaling) return;
    this.autoscaling = true;
    try {
      const status = this.seen(await this.target.status());
      const config = status.autoscaler;
      if (config === null || status.phase === 'absent') {
        this.autoscaler = null;
        return;
      }
      const key = JSON.stringify(config);
      if (this.autoscaler?.key !== key) {
        this.autoscaler = { key, hpa: new HorizontalAutoscaler(autoscalerSpec(config)), lastSyncAt: 0 };
        this.recorder.newRun();
        // The first sample only primes the CPU counters; the first decision averages over a period.
        await source.samplePods();
        this.autoscaler.lastSyncAt = now;
        return;
      }
      if (now - this.autoscaler.lastSyncAt < this.autoscaler.hpa.syncPeriodMs) return;
      this.autoscaler.lastSyncAt = now;
      // Prometheus is asked only for the traffic metrics the spec lists (none for CPU only).
      const { pods, objects } = await withTraffic(
        await source.samplePods(),
        config.metrics,
        status.endpoints.prometheus,
      );
      const decided = this.autoscaler.hpa.decide(now, status.desiredReplicas, pods, objects);
      const decision = this.explained(decided);
      this.recorder.record({
        at: now,
        spec: autoscalerSpec(config),
        currentReplicas: status.desiredReplicas,
        pods,
        ...objects,
        desiredReplicas: decision.desiredReplicas,
      });
      this.remember(decision);
      this.emit({ type: 'autoscaler', at: now, decision });
      if (decision.desiredReplicas !== status.desiredReplicas) {
        this.settle();
        await this.target.scale(decision.desiredReplicas, 'autoscaler');
        this.settle();
      }
    } catch (error) {
      this.emit({ type: 'error', at: Date.now(), error: toErrorData(error) });
    } finally {
      this.autoscaling = false;
    }
  }

  async dispose(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    for (const cancel of this.cancels.splice(0)) cancel();
    this.cancelTargetEvents();
    this.listeners.clear();
    await this.target.dispose();
  }
}
