/** The session's chaos actions: break a part of the deployed stack on purpose, or bring it back. */
import type { ChaosTarget, DrainResult, RestorableTarget, UiEvent } from './contract.ts';
import { ScaledeckError } from './errors.ts';
import type { LiveTarget, NodeChaos } from './targets/target.ts';

async function requireDeployed(target: LiveTarget): Promise<void> {
  const status = await target.status();
  if (status.phase === 'absent')
    throw new ScaledeckError('NOT_DEPLOYED', `stack ${status.stack} is not deployed; deploy it first`);
}

/** Kills a replica (a random one without a name) or a part; the timeline gets a chaos event. */
export async function kill(
  target: LiveTarget,
  emit: (event: UiEvent) => void,
  what: ChaosTarget,
  replica?: string,
): Promise<{ killed: string }> {
  await requireDeployed(target);
  const killed = what === 'replica' ? await target.killReplica(replica) : await target.killPart(what);
  emit({ type: 'chaos', at: Date.now(), action: 'kill', what, target: killed });
  return { killed };
}

export async function restore(
  target: LiveTarget,
  emit: (event: UiEvent) => void,
  what: RestorableTarget,
): Promise<{ restored: string }> {
  await requireDeployed(target);
  const restored = await target.restorePart(what);
  emit({ type: 'chaos', at: Date.now(), action: 'restore', what, target: restored });
  return { restored };
}

/** The target's node chaos, or the error that says it has no nodes (Docker) and where to go instead. */
export function nodeChaosOf(target: Pick<LiveTarget, 'kind' | 'nodes'>): NodeChaos {
  if (target.nodes === undefined)
    throw new ScaledeckError(
      'NOT_SUPPORTED',
      `node: the ${target.kind} target has no nodes to drain or uncordon; node chaos is for a Kubernetes ` +
        'target (pick a context in the target picker, or --target kubernetes --context NAME)',
      'node',
    );
  return target.nodes;
}

/** Cordons the node and evicts the stack's pods from it; the timeline gets the drain and each eviction. */
export async function drainNode(
  target: LiveTarget,
  emit: (event: UiEvent) => void,
  node: string,
): Promise<DrainResult> {
  const nodes = nodeChaosOf(target);
  await requireDeployed(target);
  emit({ type: 'chaos', at: Date.now(), action: 'drain', what: 'node', target: node });
  return nodes.drain(node, (pod, component) =>
    emit({ type: 'chaos', at: Date.now(), action: 'evict', what: evictedPart(component), target: pod }),
  );
}

export async function uncordonNode(
  target: LiveTarget,
  emit: (event: UiEvent) => void,
  node: string,
): Promise<{ node: string }> {
  await nodeChaosOf(target).uncordon(node);
  emit({ type: 'chaos', at: Date.now(), action: 'uncordon', what: 'node', target: node });
  return { node };
}

function evictedPart(component: string): ChaosTarget | 'prometheus' {
  return component === 'redis' || component === 'prometheus' || component === 'postgres'
    ? component
    : 'replica';
}
