/**
 * Waiting for the stack's pods: a part Ready, every API replica Ready and routed by its Service.
 * A wait ends early, with the cluster's reason and what to change, when a pod cannot start or no
 * node can take it: waiting longer would not get it there.
 */
import type { StackStatus } from '../../contract.ts';
import { ScaledeckError } from '../../errors.ts';
import { stackSelector, type Component } from '../../../../k8s/manifests.ts';
import { pollUntil, type PollStep } from '../kit/poll.ts';
import { everyReplicaReady } from '../kit/readiness.ts';
import { readyEndpoints } from './endpoint-slices.ts';
import { assertNoStartFailure, isLive, isPodReady } from './pod-state.ts';
import { UnschedulableWatch, describePending, type StuckPods } from './scheduling.ts';
import type { StackApi } from './stack-api.ts';
import type { V1Pod } from '@kubernetes/client-node';

const FATAL_WAIT_CODES = new Set(['START_FAILED', 'UNSCHEDULABLE']);

/** Polls until check gives a value; a pod that cannot start or be placed ends the wait at once. */
export function waitUntil<T>(what: string, timeoutMs: number, check: PollStep<T>): Promise<T> {
  return pollUntil(
    what,
    {
      timeoutMs,
      isFatal: (error) => error instanceof ScaledeckError && FATAL_WAIT_CODES.has(error.code),
    },
    check,
  );
}

export async function podsOf(api: StackApi, component?: Component): Promise<V1Pod[]> {
  const pods = await api.call('list', api.where(component ? `pods of ${component}` : 'pods'), () =>
    api.core.listNamespacedPod({
      namespace: api.namespace,
      labelSelector: stackSelector(api.stack, component),
    }),
  );
  return pods.items;
}

/** The error a wait ends with when no node can take the pods it waits for. */
function unschedulable(
  api: StackApi,
  stuck: StuckPods,
  what: string,
  fix: string,
  field?: string,
): ScaledeckError {
  const pods = stuck.pending.map(({ pod, reason }) => describePending(pod, reason)).join('; ');
  const first = stuck.pending[0]?.pod.metadata?.name ?? '<pod>';
  return new ScaledeckError(
    'UNSCHEDULABLE',
    `${what} on context "${api.contextName}" (no progress for ${Math.round(stuck.forMs / 1000)} s): ${pods}. ` +
      `To fix: ${fix} (details: kubectl -n ${api.namespace} describe pod ${first})`,
    field,
  );
}

/** Waits until one pod of a part (PostgreSQL, Redis, Prometheus) is Ready. */
export async function waitComponent(api: StackApi, component: Component, timeoutMs: number): Promise<void> {
  const scheduling = new UnschedulableWatch();
  await waitUntil(`${component} ready`, timeoutMs, async () => {
    const pods = await podsOf(api, component);
    assertNoStartFailure(pods, api.namespace);
    const stuck = scheduling.check(pods, Date.now());
    if (stuck !== null)
      throw unschedulable(
        api,
        stuck,
        `${component} cannot be scheduled`,
        'free room on the nodes (fewer API replicas or a lower settings.replicaCpus, or other workloads stopped) or add nodes',
      );
    return pods.some((pod) => isLive(pod) && isPodReady(pod));
  });
}

/**
 * Waits until the Deployment's pods are all updated and Ready, no other API pod remains, and the
 * Service's EndpointSlices route to every one of them (without permission to read EndpointSlices,
 * the pods' readiness has to do).
 */
export function waitApiReady(
  api: StackApi,
  replicaCpus: number,
  status: () => Promise<StackStatus>,
  timeoutMs: number,
): Promise<StackStatus> {
  const scheduling = new UnschedulableWatch();
  return waitUntil('every API replica ready', timeoutMs, async () => {
    const pods = await podsOf(api, 'api');
    assertNoStartFailure(pods, api.namespace);
    const stuck = scheduling.check(pods, Date.now());
    if (stuck !== null)
      throw unschedulable(
        api,
        stuck,
        `${stuck.pending.length} of ${pods.length} API replicas cannot be scheduled`,
        `lower the replicas, lower the API CPU request (settings.replicaCpus, now ${replicaCpus} CPU per replica), or add nodes`,
        'replicas',
      );
    const current = await status();
    if (!everyReplicaReady(current)) return null;
    const routed = await readyEndpoints(api);
    const live = current.replicas.filter((replica) => replica.state !== 'draining');
    return routed === null || live.every((replica) => routed.has(replica.name)) ? current : null;
  });
}
