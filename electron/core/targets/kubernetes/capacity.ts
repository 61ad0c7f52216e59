/**
 * How many API pods the cluster's nodes can still place, reckoned the way the scheduler's CPU
 * check does: per node, allocatable CPU less the requests of the pods bound to it. Pure, so the
 * arithmetic is tested without a cluster.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Capacity, NodeState, NodeSummary } from '../../contract.ts';
import { formatCpus, plural } from '../../capacity.ts';
import { isNodeReady, isNodeSchedulable } from './nodes.ts';

const SUFFIX: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1, k: 1e6, M: 1e9, G: 1e12 };

/** A CPU quantity in millicores: "500m" -> 500, "2" -> 2000, "0.5" -> 500, "250000u" -> 250. */
export function cpuMillicores(quantity: string | number | undefined): number {
  if (quantity === undefined) return 0;
  if (typeof quantity === 'number') return quantity * 1000;
  const match = /^([0-9.eE+-]+)([numkMG]?)$/.exec(quantity.trim());
  if (!match) return 0;
  const value = Number(match[1]);
  if (!Number.isFinite(value)) return 0;
  return match[2] ? value * (SUFFIX[match[2]] ?? 0) : value * 1000;
}

/** A pod's CPU request as the scheduler counts it: containers, or the largest init container, plus overhead. */
export function podCpuRequest(pod: V1Pod): number {
  const sum = (pod.spec?.containers ?? []).reduce(
    (total, c) => total + cpuMillicores(c.resources?.requests?.cpu),
    0,
  );
  const init = Math.max(
    0,
    ...(pod.spec?.initContainers ?? []).map((c) => cpuMillicores(c.resources?.requests?.cpu)),
  );
  return Math.max(sum, init) + cpuMillicores(pod.spec?.overhead?.cpu);
}

/** Nodes a new API pod could land on (nodes.ts isNodeSchedulable). */
export function schedulableNodes(nodes: V1Node[]): V1Node[] {
  return nodes.filter(isNodeSchedulable);
}

/**
 * API replicas that fit: the sum over schedulable nodes of floor((allocatable − requests of every
 * other pod bound there) / the API pod's request). The stack's own API pods are left out so the
 * figure is the total, not how many more. null when the API asks for no CPU (nothing limits it).
 */
export function kubernetesCapacity(
  nodes: V1Node[],
  pods: V1Pod[],
  apiRequestMillicores: number,
  isApiPod: (pod: V1Pod) => boolean,
): Capacity | null {
  if (!(apiRequestMillicores > 0)) return null;
  const usable = schedulableNodes(nodes);
  const names = new Set(usable.map((node) => node.metadata?.name));
  const usedByNode = new Map<string, number>();
  const apiPodsByNode = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    if (isApiPod(pod)) apiPodsByNode.set(node, (apiPodsByNode.get(node) ?? 0) + 1);
    else if (names.has(node)) usedByNode.set(node, (usedByNode.get(node) ?? 0) + podCpuRequest(pod));
  }
  let allocatable = 0;
  let used = 0;
  let replicas = 0;
  for (const node of usable) {
    const free = cpuMillicores(node.status?.allocatable?.cpu);
    const taken = usedByNode.get(node.metadata?.name ?? '') ?? 0;
    allocatable += free;
    used += taken;
    replicas += Math.max(0, Math.floor((free - taken + 1e-6) / apiRequestMillicores));
  }
  return {
    replicas,
    nodes: nodes.map((node) => nodeSummary(node, apiPodsByNode)),
    basis:
      `${plural(Number(formatCpus(allocatable)), 'CPU')} allocatable on ${plural(usable.length, 'node')}, ` +
      `${formatCpus(used)} requested by other pods, ${formatCpus(apiRequestMillicores)} CPU requested per replica`,
  };
}

function nodeState(node: V1Node): NodeState {
  if (!isNodeReady(node)) return 'notReady';
  if (node.spec?.unschedulable === true) return 'cordoned';
  return isNodeSchedulable(node) ? 'ready' : 'tainted';
}

function nodeSummary(node: V1Node, apiPodsByNode: ReadonlyMap<string, number>): NodeSummary {
  const name = node.metadata?.name ?? '';
  return {
    name,
    state: nodeState(node),
    allocatableCpus: cpuMillicores(node.status?.allocatable?.cpu) / 1000,
    apiPods: apiPodsByNode.get(name) ?? 0,
  };
}
