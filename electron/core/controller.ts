/**
 * The controller owns the current stack: it validates every command against the contract,
 * forwards it to the target, and runs two loops while attached: reconcile (restores the
 * desired replica count when a replica dies or is removed) and, for targets without a native
 * HPA, the autoscaler (samples CPU -> HorizontalAutoscaler.decide -> scale).
 */
import { AutoscalerInputError, HorizontalAutoscaler, type AutoscalerSpec } from './autoscaler.ts';
import {
  commandSchemas,
  type CommandSchemas,
  type CoreEvent,
  type CoreEventListener,
  type EnabledAutoscaler,
  type ProgressListener,
  type StackStatus,
} from './contract.ts';
import { ValidationError, parseOrThrow, toErrorData } from './errors.ts';
import type { ReplicaMetricsSource, Target } from './targets/target.ts';

export interface ControllerOptions {
  maxReplicas: number;
  reconcileIntervalMs?: number;
  /** How often the loop checks whether an autoscaler sync is due (the sync period comes from the profile). */
  autoscalerTickMs?: number;
}

function autoscalerSpec(config: EnabledAutoscaler): AutoscalerSpec {
  const { minReplicas, maxReplicas, targetCpuUtilizationPercent, profile, behavior } = config;
  return { minReplicas, maxReplicas, targetCpuUtilizationPercent, profile, behavior };
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
  private readonly cancels: (() => void)[] = [];
  private autoscaling = false;

  constructor(target: Target, options: ControllerOptions) {
    this.target = target;
    this.options = { reconcileIntervalMs: 1000, autoscalerTickMs: 500, ...options };
    this.schemas = commandSchemas(options.maxReplicas);
    this.cancelTargetEvents = target.observe((event) => this.emit(event));
  }

  observe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: CoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  // ---- commands (input is untrusted: validated here) ---------------------------------------

  deploy(input: unknown, onProgress?: ProgressListener): Promise<StackStatus> {
    return this.target.deploy(parseOrThrow(this.schemas.deploy, input ?? {}), onProgress);
  }

  async scale(input: unknown): Promise<void> {
    const { replicas } = parseOrThrow(this.schemas.scale, input);
    await this.target.scale(replicas, 'manual');
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
    return stored;
  }

  status(): Promise<StackStatus> {
    return this.target.status();
  }

  teardown(input: unknown, onProgress?: ProgressListener): Promise<void> {
    return this.target.teardown(parseOrThrow(this.schemas.teardown, input ?? {}), onProgress);
  }

  // ---- loops -------------------------------------------------------------------------------

  /** Starts the reconcile and autoscaler loops; dispose() stops them. */
  start(): void {
    if (this.timers.length > 0) return;
    this.timers.push(setInterval(() => void this.reconcileOnce(), this.options.reconcileIntervalMs));
    const cancelWatch = this.target.watchChanges?.(() => void this.reconcileOnce());
    if (cancelWatch) this.cancels.push(cancelWatch);
    if (hasMetrics(this.target)) {
      const source = this.target;
      this.timers.push(setInterval(() => void this.autoscaleOnce(source), this.options.autoscalerTickMs));
    }
  }

  private async reconcileOnce(): Promise<void> {
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
      const status = await this.target.status();
      const config = status.autoscaler;
      if (config === null || status.phase === 'absent') {
        this.autoscaler = null;
        return;
      }
      const key = JSON.stringify(config);
      if (this.autoscaler?.key !== key) {
        this.autoscaler = { key, hpa: new HorizontalAutoscaler(autoscalerSpec(config)), lastSyncAt: 0 };
        // The first sample only primes the CPU counters; the first decision averages over a period.
        await source.samplePods();
        this.autoscaler.lastSyncAt = now;
        return;
      }
      if (now - this.autoscaler.lastSyncAt < this.autoscaler.hpa.syncPeriodMs) return;
      this.autoscaler.lastSyncAt = now;
      const pods = await source.samplePods();
      const decision = this.autoscaler.hpa.decide(now, status.desiredReplicas, pods);
      this.emit({ type: 'autoscaler', at: now, decision });
      if (decision.desiredReplicas !== status.desiredReplicas) {
        await this.target.scale(decision.desiredReplicas, 'autoscaler');
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
