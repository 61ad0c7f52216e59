/**
 * The autoscale command's metric flags (--cpu, --rps-per-replica, --p95-ms) as the contract's
 * input, and the metrics in effect as `status` prints them. --cpu alone sends today's
 * targetCpuUtilizationPercent, so a CPU-only command line means exactly what it always meant.
 */
import { InvalidArgumentError } from 'commander';
import type { AutoscalerMetric } from './core/autoscaler-metrics.ts';
import { ValidationError } from './core/errors.ts';

export interface MetricFlags {
  cpu?: number;
  rpsPerReplica?: number;
  p95Ms?: number;
}

/** A flag's number, above 0 (a target of 0 or less can never be met). */
export function positiveNumber(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed))
      throw new InvalidArgumentError(`${flag} must be a number, got "${value}"`);
    if (parsed <= 0) throw new InvalidArgumentError(`${flag} must be above 0, got ${value}`);
    return parsed;
  };
}

export function metricsInput(
  flags: MetricFlags,
): { targetCpuUtilizationPercent: number } | { metrics: AutoscalerMetric[] } {
  const { cpu, rpsPerReplica, p95Ms } = flags;
  if (rpsPerReplica === undefined && p95Ms === undefined) {
    if (cpu === undefined)
      throw new ValidationError(
        '--cpu',
        'give at least one target to turn the autoscaler on: --cpu, --rps-per-replica or --p95-ms',
      );
    return { targetCpuUtilizationPercent: cpu };
  }
  const metrics: AutoscalerMetric[] = [];
  if (cpu !== undefined) metrics.push({ metric: 'cpu', target: cpu });
  if (rpsPerReplica !== undefined) metrics.push({ metric: 'rpsPerReplica', target: rpsPerReplica });
  if (p95Ms !== undefined) metrics.push({ metric: 'p95LatencyMs', target: p95Ms });
  return { metrics };
}

const TEXT: Record<AutoscalerMetric['metric'], (target: number) => string> = {
  cpu: (t) => `${t}% CPU`,
  rpsPerReplica: (t) => `${t} req/s per replica`,
  p95LatencyMs: (t) => `p95 ${t} ms`,
};

/** "at 70% CPU" as before, or "on 50 req/s per replica, 70% CPU (the largest proposal wins)". */
export function metricsText(a: {
  targetCpuUtilizationPercent: number;
  metrics?: AutoscalerMetric[];
}): string {
  if (a.metrics === undefined) return `at ${a.targetCpuUtilizationPercent}% CPU`;
  const listed = a.metrics.map((m) => TEXT[m.metric](m.target)).join(', ');
  return a.metrics.length === 1 ? `on ${listed}` : `on ${listed} (the largest proposal wins)`;
}
