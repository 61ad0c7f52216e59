// One human sentence per timeline event, shared by the timeline panel, chart markers and exports.
import type { UiEvent } from '../api/channels.ts';

export type MarkerKind = 'scale' | 'autoscaler' | 'chaos' | 'replica' | 'load' | 'deploy' | 'error';

export function describeEvent(event: UiEvent): string {
  switch (event.type) {
    case 'progress':
      return `${event.step} (${Math.round(event.percent)} %)${event.log ? `: ${event.log}` : ''}`;
    case 'replica':
      return `Replica ${event.name} ${event.kind}${event.detail ? `: ${event.detail}` : ''}`;
    case 'scale':
      return `Scaled ${event.from} → ${event.to} (${event.source})`;
    case 'autoscaler': {
      const d = event.decision;
      const cpu =
        d.averageUtilizationPercent === null
          ? 'no CPU metrics'
          : `CPU ${Math.round(d.averageUtilizationPercent)} %`;
      const change =
        d.desiredReplicas === d.currentReplicas
          ? `keeps ${d.currentReplicas}`
          : `${d.currentReplicas} → ${d.desiredReplicas}`;
      return `Autoscaler ${change} (${cpu}, target ${d.targetUtilizationPercent} %): ${d.reason}`;
    }
    case 'error':
      return `Error: ${event.error.message}`;
    case 'load':
      return `Load ${event.kind} at ${Math.round(event.report.rate)} req/s`;
    case 'chaos':
      return event.action === 'kill' ? `Chaos: killed ${event.target}` : `Chaos: restored ${event.target}`;
    case 'deploy':
      return deploySentence(event.step, event.status, event.detail);
    case 'metrics':
      return `${event.points.length} metric points`;
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
      return event.kind === 'failed' || event.kind === 'stopped' ? 'replica' : null;
    case 'deploy':
      return event.status === 'step' ? null : 'deploy';
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
