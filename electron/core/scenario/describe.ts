/**
 * A scenario's steps in the words the dashboard and the CLI show: one line per action and per
 * expectation, with relative rates in req/s once the calibration has sized them.
 */
import type { ScenarioStepInfo, ScenarioSummary } from './types.ts';
import type { ChaosAction, RateSpec, ScenarioFile, ScenarioStep, StepExpectations } from './schema.ts';

/** req/s of a rate; relative rates need perReplicaRps (null before calibration). */
export function resolveRate(rate: RateSpec, perReplicaRps: number | null): number | null {
  if (rate.kind === 'rps') return rate.value;
  return perReplicaRps === null ? null : Math.round(rate.factor * perReplicaRps * 10) / 10;
}

function formatNumber(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export function describeRate(rate: RateSpec, perReplicaRps: number | null): string {
  if (rate.kind === 'rps') return `${formatNumber(rate.value)} req/s`;
  const rps = resolveRate(rate, perReplicaRps);
  return rps === null
    ? `${formatNumber(rate.factor)}×`
    : `${formatNumber(rate.factor)}× (${formatNumber(rps)} req/s)`;
}

function describeChaos(chaos: ChaosAction): string {
  if (chaos.restore !== undefined) return `restore ${chaos.restore === 'redis' ? 'Redis' : 'PostgreSQL'}`;
  if (chaos.kill === 'replica')
    return chaos.replica === undefined ? 'kill a replica' : `kill replica ${chaos.replica}`;
  return `kill ${chaos.kill === 'redis' ? 'Redis' : 'PostgreSQL'}`;
}

function describeLoad(step: ScenarioStep, perReplicaRps: number | null): string[] {
  const load = step.load;
  if (load === undefined) return [];
  if (load === 'stop') return ['load stops'];
  const parts: string[] = [];
  if (load.rate !== undefined) parts.push(`load at ${describeRate(load.rate, perReplicaRps)}`);
  if (load.ramp !== undefined)
    parts.push(
      `load ramps to ${describeRate(load.ramp.to, perReplicaRps)} over ${formatNumber(load.ramp.over)} s`,
    );
  if (load.mix !== undefined)
    parts.push(
      `mix ${Object.entries(load.mix)
        .map(([operation, weight]) => `${operation} ${formatNumber(weight)}`)
        .join(', ')}`,
    );
  if (load.zipf !== undefined)
    parts.push(
      load.zipf === 0 ? 'keys uniform (cold cache)' : `keys skewed (zipf ${formatNumber(load.zipf)})`,
    );
  return parts;
}

export function describeActions(step: ScenarioStep, perReplicaRps: number | null): string[] {
  const actions: string[] = [];
  if (step.autoscaler !== undefined)
    actions.push(
      step.autoscaler.enabled
        ? `autoscaler on: ${step.autoscaler.minReplicas}–${step.autoscaler.maxReplicas} replicas at ${step.autoscaler.targetCpuUtilizationPercent} % CPU (${step.autoscaler.profile} profile)`
        : 'autoscaler off',
    );
  if (step.scale !== undefined) actions.push(`scale to ${step.scale} replica${step.scale === 1 ? '' : 's'}`);
  if (step.chaos !== undefined) actions.push(describeChaos(step.chaos));
  actions.push(...describeLoad(step, perReplicaRps));
  if (step.endsWhenMet === true) actions.push('moves on as soon as its expectations are met');
  return actions;
}

export type ExpectationKind = keyof StepExpectations;

/** One line per expectation, in the file's order. */
export function describeExpectations(
  expect: StepExpectations | undefined,
): { kind: ExpectationKind; text: string }[] {
  if (expect === undefined) return [];
  const lines: { kind: ExpectationKind; text: string }[] = [];
  if (expect.scalesOut)
    lines.push({ kind: 'scalesOut', text: `scales out within ${expect.scalesOut.within} s` });
  if (expect.scalesIn) lines.push({ kind: 'scalesIn', text: `scales in within ${expect.scalesIn.within} s` });
  if (expect.replicas) {
    const { atLeast, atMost, within } = expect.replicas;
    const range =
      atLeast !== undefined && atMost !== undefined
        ? atLeast === atMost
          ? `${atLeast}`
          : `${atLeast}–${atMost}`
        : atLeast !== undefined
          ? `at least ${atLeast}`
          : `at most ${atMost}`;
    lines.push({ kind: 'replicas', text: `${range} ready replicas within ${within} s` });
  }
  if (expect.healthy)
    lines.push({ kind: 'healthy', text: `every part healthy within ${expect.healthy.within} s` });
  if (expect.noFailedRequests)
    lines.push({ kind: 'noFailedRequests', text: 'no failed requests during the step' });
  if (expect.failedRequests)
    lines.push({
      kind: 'failedRequests',
      text: `at most ${formatNumber(expect.failedRequests.atMostPercent)} % failed requests during the step`,
    });
  if (expect.cacheHitRatio) {
    const { atLeast, atMost } = expect.cacheHitRatio;
    const percent = (ratio: number) => `${Math.round(ratio * 100)} %`;
    const bound = [
      atLeast === undefined ? null : `at least ${percent(atLeast)}`,
      atMost === undefined ? null : `at most ${percent(atMost)}`,
    ]
      .filter((part) => part !== null)
      .join(' and ');
    lines.push({ kind: 'cacheHitRatio', text: `cache hit ratio ${bound} during the step` });
  }
  return lines;
}

export function describeSteps(file: ScenarioFile, perReplicaRps: number | null): ScenarioStepInfo[] {
  return file.steps.map((step, index) => ({
    index,
    caption: step.caption ?? null,
    seconds: step.for,
    actions: describeActions(step, perReplicaRps),
    expects: describeExpectations(step.expect).map((line) => line.text),
  }));
}

export function summarize(file: ScenarioFile): ScenarioSummary {
  return {
    name: file.name,
    title: file.title,
    description: file.description,
    seconds: file.steps.reduce((sum, step) => sum + step.for, 0),
    steps: file.steps.length,
  };
}
