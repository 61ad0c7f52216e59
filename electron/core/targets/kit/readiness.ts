/**
 * When a stack counts as ready and which phase it is in: the same rules on every target, so the
 * dashboard and the CLI mean the same thing by "running" whichever target answers.
 */
import type { ComponentRole, ComponentState, StackStatus } from '../../contract.ts';

/**
 * Every desired replica is ready and no other one is still around (starting, stopped or left
 * over from an older template); draining replicas are on their way out and do not count.
 */
export function everyReplicaReady(status: StackStatus): boolean {
  const live = status.replicas.filter((replica) => replica.state !== 'draining');
  return status.readyReplicas === status.desiredReplicas && live.length === status.desiredReplicas;
}

export function everyPartHealthy(components: Record<ComponentRole, ComponentState>): boolean {
  return Object.values(components).every((state) => state === 'healthy');
}

/** absent: nothing deployed; running: every part healthy and every desired replica ready; degraded otherwise. */
export function stackPhase(input: {
  deployed: boolean;
  components: Record<ComponentRole, ComponentState>;
  readyReplicas: number;
  desiredReplicas: number;
}): StackStatus['phase'] {
  if (!input.deployed) return 'absent';
  return everyPartHealthy(input.components) && input.readyReplicas === input.desiredReplicas
    ? 'running'
    : 'degraded';
}
