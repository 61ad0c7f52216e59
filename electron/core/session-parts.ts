/**
 * The session's target factory: a target (from the registry) with its controller and metrics
 * feed, one unit that a target switch replaces as a whole.
 */
import type { CoreEvent, CurrentTarget } from './contract.ts';
import { Controller } from './controller.ts';
import type { LoadReport } from './loadgen.ts';
import { LiveMetrics } from './live-metrics.ts';
import { describeTarget, openTarget } from './targets/registry.ts';
import type { LiveTarget, TargetChoice, TargetContext } from './targets/target.ts';

/** Everything that belongs to one target. */
export interface TargetParts {
  readonly current: CurrentTarget;
  readonly target: LiveTarget;
  readonly controller: Controller;
  readonly metrics: LiveMetrics;
  attached: boolean;
}

export interface PartsOptions {
  context: TargetContext;
  /** Metrics feed period (ms). */
  metricsStepMs: number;
  /** The running load's report, for the feed's live numbers. */
  load: () => LoadReport | null;
  /** The controller's events; the caller drops them unless these parts are the live ones. */
  onEvent: (parts: TargetParts, event: CoreEvent) => void;
}

/** Builds the parts (nothing reaches the engine yet: attaching is the session's). */
export function createParts(choice: TargetChoice, options: PartsOptions): TargetParts {
  const { settings } = options.context;
  const target = openTarget(choice, options.context);
  const controller = new Controller(target, { maxReplicas: settings.maxReplicas });
  const metrics = new LiveMetrics(target, {
    cpuLimitCores: settings.replicaCpus,
    load: options.load,
    stepMs: options.metricsStepMs,
  });
  const parts: TargetParts = {
    current: describeTarget(target),
    target,
    controller,
    metrics,
    attached: false,
  };
  controller.observe((event) => options.onEvent(parts, event));
  return parts;
}

/** Stops the parts' loops and pollers (the stack keeps running). */
export async function disposeParts(parts: TargetParts): Promise<void> {
  parts.metrics.stop();
  await parts.controller.dispose();
}
