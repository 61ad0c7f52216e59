/** The session's chaos actions: break a part of the deployed stack on purpose, or bring it back. */
import type { ChaosTarget, RestorableTarget, UiEvent } from './contract.ts';
import { ScaledeckError } from './errors.ts';
import type { LiveTarget } from './targets/target.ts';

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
