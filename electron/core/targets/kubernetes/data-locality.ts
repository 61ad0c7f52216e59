/**
 * Where PostgreSQL's data lives, said plainly: a hostPath or local volume (kind, Minikube, k3d's
 * local-path, the local test cluster) stays on one node's disk, so when that node goes away the
 * data goes with it and PostgreSQL cannot start elsewhere. Pure.
 */
import type { V1PersistentVolume } from '@kubernetes/client-node';

/** The node a volume is pinned to by its nodeAffinity (local volumes, local-path), if one. */
function pinnedNode(pv: V1PersistentVolume): string | undefined {
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [])
    for (const expression of term.matchExpressions ?? [])
      if (expression.key === 'kubernetes.io/hostname' && expression.operator === 'In')
        return expression.values?.[0];
  return undefined;
}

/**
 * One sentence for the status, or null when the volume is network storage (it follows the pod)
 * or cannot be read. `postgresNode` is where the PostgreSQL pod runs, for volumes that do not
 * name their node.
 */
export function dataLocalityNote(
  pv: V1PersistentVolume | null,
  postgresNode: string | undefined,
): string | null {
  if (pv === null) return null;
  const kind = pv.spec?.hostPath ? 'hostPath' : pv.spec?.local ? 'local' : null;
  const node = pinnedNode(pv) ?? postgresNode;
  if (kind === null && pinnedNode(pv) === undefined) return null;
  const where = node === undefined ? 'one node’s disk' : `node ${node}’s disk`;
  return (
    `PostgreSQL’s data is on ${where} (${kind ?? 'node-pinned'} volume ${pv.metadata?.name ?? ''}): ` +
    'it survives pod restarts and redeploys, but if that node goes away the data goes with it and ' +
    'PostgreSQL stays Pending until the node returns'
  );
}
