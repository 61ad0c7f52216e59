/**
 * The stack's status as the contract shapes it, read from the cluster: the API Deployment, the
 * stack's pods, the HPA, the data claim, the Service's endpoints and the capacity estimate. The
 * load balancer is the API Service, so it is healthy only while it has ready endpoints.
 */
import type { V1PersistentVolume, V1Pod } from '@kubernetes/client-node';
import type { CapacityCache } from '../../capacity.ts';
import type { ComponentRole, ComponentState, ReplicaStatus, StackStatus } from '../../contract.ts';
import { NAMES, type Component } from '../../../../k8s/manifests.ts';
import { stackPhase } from '../kit/readiness.ts';
import { cpuMillicores, kubernetesCapacity } from './capacity.ts';
import { dataLocalityNote } from './data-locality.ts';
import { isNotFound } from './connect.ts';
import { readyEndpoints } from './endpoint-slices.ts';
import { autoscalerFromHpa } from './hpa-decision.ts';
import { componentReason, componentState, notRunningReason, replicaState } from './pod-state.ts';
import type { StackReach } from './reach.ts';
import { readHpa } from './replicas.ts';
import type { StackApi } from './stack-api.ts';
import { componentOf } from './stack-state.ts';
import { podsOf } from './waits.ts';

/** The parts that run as pods (the load balancer is the API's Service). */
const COMPONENT_PODS = ['postgres', 'redis', 'prometheus'] as const satisfies readonly Component[];

function replicaStatus(pod: V1Pod): ReplicaStatus {
  const replica: ReplicaStatus = {
    name: pod.metadata?.name ?? '',
    id: pod.metadata?.uid ?? '',
    state: replicaState(pod),
    startedAt: pod.status?.startTime?.getTime() ?? null,
  };
  const node = pod.spec?.nodeName;
  if (node) replica.node = node;
  const reason = notRunningReason(pod);
  return reason === null ? replica : { ...replica, reason };
}

// A bound volume's source and node affinity are immutable, so each is read once, not on every poll.
const volumes = new Map<string, V1PersistentVolume | null>();

/** The claim's PersistentVolume; null when unbound or when the user may not read volumes (cluster-scoped). */
async function boundVolume(api: StackApi, name: string | undefined): Promise<V1PersistentVolume | null> {
  if (!name) return null;
  const key = `${api.contextName}/${name}`;
  if (!volumes.has(key)) {
    try {
      volumes.set(
        key,
        await api.optional(`PersistentVolume ${name}`, () => api.core.readPersistentVolume({ name })),
      );
    } catch {
      // Not allowed or not reachable now: the status goes on without the note, and asks again next time.
      return null;
    }
  }
  return volumes.get(key) ?? null;
}

/**
 * The Service as a load balancer: healthy with at least one ready endpoint; starting while API
 * pods are on their way; unhealthy with none coming. Without permission to read EndpointSlices
 * (routed is null), a Ready API pod has to do.
 */
export function loadBalancerState(
  deployed: boolean,
  replicas: ReplicaStatus[],
  routed: ReadonlySet<string> | null,
): ComponentState {
  if (!deployed) return 'missing';
  const serving = routed === null ? replicas.some((replica) => replica.state === 'ready') : routed.size > 0;
  if (serving) return 'healthy';
  return replicas.some((replica) => replica.state === 'starting' || replica.state === 'ready')
    ? 'starting'
    : 'unhealthy';
}

export async function readStatus(
  api: StackApi,
  capacityCache: CapacityCache,
  reach: StackReach,
): Promise<StackStatus> {
  const [deployment, pods, hpa, claim, capacity] = await Promise.all([
    api.optional(api.where(`Deployment ${NAMES.api}`), () =>
      api.apps.readNamespacedDeployment({ name: NAMES.api, namespace: api.namespace }),
    ),
    podsOf(api).catch((error: unknown) => {
      if (isNotFound(error)) return [];
      throw error;
    }),
    readHpa(api),
    api.optional(api.where(`PersistentVolumeClaim ${NAMES.dataClaim}`), () =>
      api.core.readNamespacedPersistentVolumeClaim({ name: NAMES.dataClaim, namespace: api.namespace }),
    ),
    capacityCache.get(),
  ]);
  const byComponent = (component: Component) => pods.filter((pod) => componentOf(pod) === component);
  const replicas = byComponent('api')
    .sort(
      (a, b) =>
        (a.metadata?.creationTimestamp?.getTime() ?? 0) - (b.metadata?.creationTimestamp?.getTime() ?? 0),
    )
    .map(replicaStatus);
  const deployed = deployment !== null;
  const routed = deployed ? await readyEndpoints(api) : null;
  const components: Record<ComponentRole, ComponentState> = {
    postgres: componentState(byComponent('postgres')),
    redis: componentState(byComponent('redis')),
    prometheus: componentState(byComponent('prometheus')),
    lb: loadBalancerState(deployed, replicas, routed),
  };
  const componentReasons: Partial<Record<ComponentRole, string>> = {};
  for (const role of COMPONENT_PODS) {
    const reason = componentReason(byComponent(role));
    if (reason !== null) componentReasons[role] = reason;
  }
  const dataLocality = dataLocalityNote(
    await boundVolume(api, claim?.spec?.volumeName),
    byComponent('postgres')[0]?.spec?.nodeName,
  );
  const desiredReplicas = deployment?.spec?.replicas ?? 0;
  const readyReplicas = replicas.filter((replica) => replica.state === 'ready').length;
  const [loadBalancer, prometheus] = deployed
    ? await Promise.all([
        reach.endpoint(NAMES.api, 'api', readyReplicas > 0),
        reach.endpoint(NAMES.prometheus, 'prometheus', components.prometheus === 'healthy'),
      ])
    : [null, null];
  return {
    target: 'kubernetes',
    stack: api.stack,
    phase: stackPhase({ deployed, components, readyReplicas, desiredReplicas }),
    desiredReplicas,
    readyReplicas,
    replicas,
    components,
    ...(Object.keys(componentReasons).length > 0 ? { componentReasons } : {}),
    capacity,
    endpoints: { loadBalancer, prometheus },
    autoscaler: hpa === null ? null : autoscalerFromHpa(hpa),
    dataVolume: claim === null ? null : `${api.namespace}/${NAMES.dataClaim}`,
    ...(dataLocality === null ? {} : { dataLocality }),
  };
}

/**
 * The capacity estimate (see kubernetesCapacity) from every node and every pod in the cluster.
 * The API pod's request is the Deployment's when deployed, else settings.replicaCpus. A user
 * who may not list nodes or pods gets null from the cache, and the status goes on without it.
 */
export async function readCapacity(api: StackApi, replicaCpus: number) {
  const [nodes, pods, deployment] = await Promise.all([
    api.core.listNode(),
    api.core.listPodForAllNamespaces({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }),
    api.optional(api.where(`Deployment ${NAMES.api}`), () =>
      api.apps.readNamespacedDeployment({ name: NAMES.api, namespace: api.namespace }),
    ),
  ]);
  const declared = deployment?.spec?.template.spec?.containers.reduce(
    (sum, container) => sum + cpuMillicores(container.resources?.requests?.cpu),
    0,
  );
  const request = declared || Math.round(replicaCpus * 1000);
  return kubernetesCapacity(
    nodes.items,
    pods.items,
    request,
    (pod) => pod.metadata?.namespace === api.namespace && componentOf(pod) === 'api',
  );
}
