/**
 * What the target needs to know of a cluster's nodes, on one node or many: which ones can run a
 * pod now, which images all of them hold, and an address that reaches a NodePort. Pure.
 */
import type { V1Node } from '@kubernetes/client-node';

export function isNodeReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Where a new pod could land: Ready, not cordoned, no NoSchedule/NoExecute taint. */
export function isNodeSchedulable(node: V1Node): boolean {
  return (
    isNodeReady(node) &&
    node.spec?.unschedulable !== true &&
    !(node.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
  );
}

/**
 * The image names every schedulable node reports. An image on only some nodes is absent: a pod
 * may land on a node without it and fail with ErrImagePull. `status.images` is truncated (50 per
 * node by default), so "not reported" must mean "load it", never "probably there". With no
 * schedulable node nothing is known to be present.
 */
export function imagesOnEveryNode(nodes: readonly V1Node[]): Set<string> {
  const schedulable = nodes.filter(isNodeSchedulable);
  const perNode = schedulable.map(
    (node) => new Set((node.status?.images ?? []).flatMap((image) => image.names ?? [])),
  );
  const [first, ...rest] = perNode;
  if (first === undefined) return new Set();
  return new Set([...first].filter((name) => rest.every((names) => names.has(name))));
}

function internalIp(node: V1Node): string | undefined {
  return node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address;
}

/**
 * The InternalIP to reach a NodePort on: kube-proxy opens it on every node, but a NotReady node
 * may be gone, so a Ready one is taken, schedulable first (a cordoned node still forwards).
 */
export function nodePortAddress(nodes: readonly V1Node[]): string | undefined {
  const ranked = [
    ...nodes.filter(isNodeSchedulable),
    ...nodes.filter((n) => isNodeReady(n) && !isNodeSchedulable(n)),
  ];
  for (const node of ranked) {
    const ip = internalIp(node);
    if (ip !== undefined) return ip;
  }
  return undefined;
}
