/**
 * What a pod's status says about it, in the contract's words: a replica's state, a part's state,
 * why it is not running, and whether it can never start. Pure functions of V1Pod.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ComponentState, ReplicaState } from '../../contract.ts';
import { ScaledeckError } from '../../errors.ts';
import { unschedulableReason } from './scheduling.ts';

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function isLive(pod: V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp;
}

export function replicaState(pod: V1Pod): ReplicaState {
  if (!isLive(pod)) return 'draining';
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return 'stopped';
  if (isPodReady(pod)) return 'ready';
  if (unschedulableReason(pod) !== null) return 'pending';
  const waiting = pod.status?.containerStatuses?.find((s) => s.state?.waiting)?.state?.waiting?.reason;
  if (
    waiting === 'CrashLoopBackOff' ||
    (pod.status?.containerStatuses?.some((s) => s.restartCount > 0) ?? false)
  )
    return 'unhealthy';
  return 'starting';
}

/** The scheduler's message for a pending pod, or what its container waits on when it keeps failing. */
export function notRunningReason(pod: V1Pod): string | null {
  const pending = unschedulableReason(pod);
  if (pending !== null) return pending;
  if (replicaState(pod) !== 'unhealthy') return null;
  const waiting = pod.status?.containerStatuses?.find((s) => s.state?.waiting)?.state?.waiting;
  return waiting?.reason ? `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` : null;
}

export function componentState(pods: V1Pod[]): ComponentState {
  const live = pods.filter(isLive);
  if (live.length === 0) return pods.length > 0 ? 'stopped' : 'missing';
  if (live.some(isPodReady)) return 'healthy';
  if (live.some((pod) => replicaState(pod) === 'unhealthy')) return 'unhealthy';
  return live.every((pod) => replicaState(pod) === 'pending') ? 'pending' : 'starting';
}

/** Why a part with no Ready pod is not running: the first pod's scheduler message or failure. */
export function componentReason(pods: V1Pod[]): string | null {
  const live = pods.filter(isLive);
  if (live.length === 0 || live.some(isPodReady)) return null;
  for (const pod of live) {
    const reason = notRunningReason(pod);
    if (reason !== null) return reason;
  }
  return null;
}

const START_FAILURES = new Set([
  'ErrImageNeverPull',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
]);

/** Fails at once on a pod that cannot start (an image the node cannot get), instead of timing out. */
export function assertNoStartFailure(pods: V1Pod[], namespace: string): void {
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const waiting = status.state?.waiting;
      if (waiting?.reason && START_FAILURES.has(waiting.reason)) {
        throw new ScaledeckError(
          'START_FAILED',
          `pod ${pod.metadata?.name} cannot start: ${waiting.reason}: ${waiting.message ?? ''} ` +
            `(kubectl -n ${namespace} describe pod ${pod.metadata?.name})`.trim(),
        );
      }
    }
  }
}
