/**
 * Why a pod is Pending, read from the pod itself (its PodScheduled condition) rather than from
 * the namespace's events: one read per pod, already in every list the target makes.
 */
import type { V1Pod } from '@kubernetes/client-node';

/**
 * How long every pod still missing has to have stayed unschedulable, with nothing else changing,
 * before a wait gives up: long enough for a draining pod to free its CPU and for the scheduler's
 * retry backoff (at most 10 s), short next to the 180 s the wait would otherwise sit out.
 */
export const UNSCHEDULABLE_GRACE_MS = 20_000;

/**
 * The scheduler's message when the pod cannot be placed on any node (PodScheduled False, reason
 * Unschedulable), else null. The preemption sentence is dropped: it restates the first part.
 */
export function unschedulableReason(pod: V1Pod): string | null {
  if (pod.metadata?.deletionTimestamp) return null;
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') return null;
  const message = (scheduled.message ?? '').split(' preemption:')[0]?.trim().replace(/\.$/, '') ?? '';
  return message === '' ? 'no node can take it' : message;
}

/** "pod api-7d9-x Pending: 0/1 nodes are available: 1 Insufficient cpu" */
export function describePending(pod: V1Pod, reason: string): string {
  return `pod ${pod.metadata?.name ?? '(unnamed)'} Pending: ${reason}`;
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export interface StuckPods {
  /** The unschedulable pods with the scheduler's message for each. */
  pending: { pod: V1Pod; reason: string }[];
  /** How long nothing has changed, in ms. */
  forMs: number;
}

/**
 * Tells a wait when it cannot succeed: every pod that is not Ready is unschedulable, no pod is
 * terminating (which would free room), and that picture has not changed for the grace period.
 * Any change (a pod Ready, created, deleted, scheduled) starts the clock again.
 */
export class UnschedulableWatch {
  private readonly graceMs: number;
  private signature = '';
  private since = 0;

  constructor(graceMs = UNSCHEDULABLE_GRACE_MS) {
    this.graceMs = graceMs;
  }

  /** The stuck pods once the grace period has passed with no progress; null otherwise. */
  check(pods: V1Pod[], now: number): StuckPods | null {
    const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
    const terminating = pods.length - live.length;
    const notReady = live.filter((pod) => !isReady(pod));
    const pending = notReady.flatMap((pod) => {
      const reason = unschedulableReason(pod);
      return reason === null ? [] : [{ pod, reason }];
    });
    const signature = JSON.stringify([
      live.map((pod) => [pod.metadata?.name, isReady(pod), unschedulableReason(pod) !== null]).sort(),
      terminating,
    ]);
    if (signature !== this.signature) {
      this.signature = signature;
      this.since = now;
    }
    const stuck = terminating === 0 && notReady.length > 0 && pending.length === notReady.length;
    if (!stuck || now - this.since < this.graceMs) return null;
    return { pending, forMs: now - this.since };
  }
}
