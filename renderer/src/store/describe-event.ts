// One human sentence per timeline event, shared by the timeline panel, chart markers and exports.
import type { UiEvent } from '../api/channels.ts';

/** scaledeck-<stack>-api-1a2b3c -> api-1a2b3c: the stack is the same for every event shown. */
function shortName(name: string): string {
  return /^scaledeck-.+-((?:api|redis|postgres|lb|prometheus)(?:-[0-9a-z]+)?)$/.exec(name)?.[1] ?? name;
}

export type MarkerKind =
  'scale' | 'autoscaler' | 'chaos' | 'replica' | 'load' | 'deploy' | 'error' | 'target' | 'scenario';

const CHAOS_VERBS: Record<Extract<UiEvent, { type: 'chaos' }>['action'], string> = {
  kill: 'killed',
  restore: 'restored',
  drain: 'draining',
  uncordon: 'uncordoned',
  evict: 'evicted',
};

export function describeEvent(event: UiEvent): string {
  switch (event.type) {
    case 'progress':
      return `${event.step} (${Math.round(event.percent)} %)${event.log ? `: ${event.log}` : ''}`;
    case 'replica':
      return `Replica ${shortName(event.name)} ${event.kind}${event.detail ? `: ${event.detail}` : ''}`;
    case 'scale':
      return `Scaled ${event.from} → ${event.to} (${event.source})`;
    case 'autoscaler': {
      // The decision's reason already names CPU, target and replicas.
      const d = event.decision;
      // The HPA's shortened lines already end in their outcome ("→ keeps 2"): say it once.
      if (/→ (keeps )?\d+/.test(d.reason)) return `Autoscaler: ${d.reason}`;
      const change =
        d.desiredReplicas === d.currentReplicas
          ? `keeps ${d.currentReplicas}`
          : `${d.currentReplicas} → ${d.desiredReplicas}`;
      return `Autoscaler ${change}: ${d.reason}`;
    }
    case 'error':
      return `Error: ${event.error.message}`;
    case 'load':
      return `Load ${event.kind} at ${Math.round(event.report.rate)} req/s`;
    case 'chaos':
      return `Chaos: ${CHAOS_VERBS[event.action]} ${event.what === 'node' ? 'node ' : ''}${shortName(event.target)}`;
    case 'deploy':
      return deploySentence(event.step, event.status, event.detail);
    case 'metrics':
      return `${event.points.length} metric points`;
    case 'target':
      return targetSentence(event.status, event.from.label, event.to.label, event.detail);
    case 'scenario':
      return scenarioSentence(event);
  }
}

type ScenarioEvent = Extract<UiEvent, { type: 'scenario' }>;

/** The number people read: steps count from 1 on the dashboard, the CLI and the charts. */
export const stepNumber = (index: number): number => index + 1;

function scenarioSentence(event: ScenarioEvent): string {
  const tail = event.detail ? `: ${event.detail}` : '';
  switch (event.status) {
    case 'step': {
      const step = event.step === undefined ? 'Step' : `Step ${stepNumber(event.step)}`;
      return `${step}${event.caption ? `: ${event.caption}` : ` of ${event.title}`}`;
    }
    case 'expectation': {
      const e = event.expectation;
      if (e === undefined) return `${event.title}: expectation${tail}`;
      const outcome = e.state === 'met' ? 'met' : e.state === 'missed' ? 'missed' : 'pending';
      return `Expectation ${outcome}: ${e.text}${e.detail ? ` (${e.detail})` : ''}`;
    }
    case 'started':
      return `Scenario started: ${event.title}${tail}`;
    case 'paused':
      return `Scenario paused: ${event.title}`;
    case 'resumed':
      return `Scenario resumed: ${event.title}`;
    case 'finished':
      return `Scenario finished: ${event.title}${tail}`;
    case 'stopped':
      return `Scenario stopped: ${event.title}${tail}`;
    case 'failed':
      return `Scenario failed: ${event.title}${tail}`;
  }
}

/** The short label a chart marker carries beside its line: the step number of a scenario step. */
export function markerLabel(event: UiEvent): string | null {
  return event.type === 'scenario' && event.status === 'step' && event.step !== undefined
    ? String(stepNumber(event.step))
    : null;
}

function targetSentence(
  status: 'switching' | 'switched' | 'failed',
  from: string,
  to: string,
  detail?: string,
): string {
  switch (status) {
    case 'switching':
      return `Switching target: ${from} → ${to}`;
    case 'switched':
      return `Switched target: ${from} → ${to}`;
    case 'failed':
      return `Switch to ${to} failed, still on ${from}${detail ? `: ${detail}` : ''}`;
  }
}

/** Events worth a vertical marker on every chart (progress and metrics ticks are not). */
export function markerKind(event: UiEvent): MarkerKind | null {
  switch (event.type) {
    case 'scale':
      return event.source === 'autoscaler' ? 'autoscaler' : 'scale';
    case 'chaos':
    case 'load':
    case 'error':
      return event.type;
    // Decisions arrive every sync period; the scale event they cause is what gets a marker.
    case 'replica':
      // A failure is news; stops after a scale-down already have the scale marker.
      return event.kind === 'failed' ? 'replica' : null;
    case 'deploy':
      return event.status === 'step' ? null : 'deploy';
    // Series before the mark came from the other target.
    case 'target':
      return event.status === 'switched' ? 'target' : null;
    // A scenario's steps mark the charts; its other news (expectations, pauses) is on the timeline.
    case 'scenario':
      return event.status === 'step' ? 'scenario' : null;
    default:
      return null;
  }
}

function deploySentence(
  step: string,
  status: 'started' | 'step' | 'done' | 'failed',
  detail?: string,
): string {
  const what = step === 'teardown' ? 'Tear down' : step === 'deploy' ? 'Deploy' : step;
  const tail = detail ? `: ${detail}` : '';
  switch (status) {
    case 'started':
      return `${what} started${tail}`;
    case 'done':
      return `${what} finished${tail}`;
    case 'failed':
      return `${what} failed${tail}`;
    default:
      return `${what}${tail}`;
  }
}
