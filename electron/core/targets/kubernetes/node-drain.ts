/**
 * Node chaos: cordon a node and evict the stack's pods on it through the Eviction API, so every
 * PodDisruptionBudget holds (the API's allows one pod at a time), the way `kubectl drain` does;
 * and uncordon it. Only this stack's pods are evicted: other workloads on a user's cluster stay
 * where they are (a full drain is kubectl's job). PostgreSQL stays too: its volume is often on
 * that node's disk (hostPath, local-path), where evicting it would stop the database until the
 * node returns — `chaos kill postgres` shows that on purpose.
 */
import { PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import type { DrainResult } from '../../contract.ts';
import { ScaledeckError } from '../../errors.ts';
import { isNotFound, statusCodeOf } from './connect.ts';
import { isLive } from './pod-state.ts';
import type { StackApi } from './stack-api.ts';
import { componentOf } from './stack-state.ts';
import { podsOf } from './waits.ts';

export interface DrainOptions {
  /** Called as each eviction is accepted, for the timeline. */
  onEvicted?: (pod: string, component: string) => void;
  /** How long evictions the budget refuses are retried (kubectl drain retries forever). */
  timeoutMs?: number;
  retryMs?: number;
}

const POSTGRES_KEPT = 'PostgreSQL stays: its data may be on this node’s disk';

async function nodeNames(api: StackApi): Promise<string[]> {
  const nodes = await api.call('list', 'nodes', () => api.core.listNode());
  return nodes.items.map((node) => node.metadata?.name ?? '').filter(Boolean);
}

async function setUnschedulable(api: StackApi, name: string, unschedulable: boolean): Promise<void> {
  try {
    await api.call('patch', `node ${name}`, () =>
      api.core.patchNode(
        { name, body: { spec: { unschedulable } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const known = await nodeNames(api);
    throw new ScaledeckError(
      'NO_SUCH_NODE',
      `node: no node named "${name}" in this cluster (nodes: ${known.join(', ') || 'none'})`,
      'node',
    );
  }
}

/** Evicts one pod; false when a disruption budget refuses it for now (HTTP 429). */
async function evict(api: StackApi, pod: string): Promise<boolean> {
  try {
    await api.call('create', api.where(`pods/eviction ${pod}`), () =>
      api.core.createNamespacedPodEviction({
        name: pod,
        namespace: api.namespace,
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: pod, namespace: api.namespace },
        },
      }),
    );
    return true;
  } catch (error) {
    if (statusCodeOf(error) === 429) return false;
    // Gone already: nothing left to evict.
    if (isNotFound(error)) return true;
    throw error;
  }
}

function onNode(pods: V1Pod[], node: string): V1Pod[] {
  return pods.filter((pod) => pod.spec?.nodeName === node && isLive(pod));
}

export async function drainNode(
  api: StackApi,
  node: string,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const retryMs = options.retryMs ?? 1_000;
  await setUnschedulable(api, node, true);
  const here = onNode(await podsOf(api), node);
  const kept = here
    .filter((pod) => componentOf(pod) === 'postgres')
    .map((pod) => ({ pod: pod.metadata?.name ?? '', reason: POSTGRES_KEPT }));
  let waiting = here.filter((pod) => componentOf(pod) !== 'postgres');
  const evicted: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (waiting.length > 0) {
    const refused: V1Pod[] = [];
    for (const pod of waiting) {
      const name = pod.metadata?.name ?? '';
      if (await evict(api, name)) {
        evicted.push(name);
        options.onEvicted?.(name, componentOf(pod) ?? 'pod');
      } else refused.push(pod);
    }
    waiting = refused;
    if (waiting.length === 0) break;
    if (Date.now() > deadline)
      throw new ScaledeckError(
        'DRAIN_BLOCKED',
        `node: the drain of ${node} stopped after ${Math.round(timeoutMs / 1000)} s with ` +
          `${waiting.map((pod) => pod.metadata?.name).join(', ')} still on it: the PodDisruptionBudget allows ` +
          'no more evictions until the evicted pods’ replacements are Ready elsewhere (is there another ' +
          `schedulable node with room?). ${node} stays cordoned; evicted so far: ${evicted.join(', ') || 'none'}. ` +
          `Uncordon it with \`scaledeck chaos uncordon-node ${node}\`.`,
        'node',
      );
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  return { node, evicted, kept };
}

export async function uncordonNode(api: StackApi, node: string): Promise<void> {
  await setUnschedulable(api, node, false);
}
