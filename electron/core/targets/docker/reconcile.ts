/** Brings a running stack back to its desired state after crashes, removals and stopped parts. */
import { toErrorData } from '../../errors.ts';
import { isDeliberatelyDown } from './chaos.ts';
import { containerName } from './containers.ts';
import { LABEL } from './labels.ts';
import type { ReplicaSet } from './replica-set.ts';
import { isAlive, type StackRuntime } from './runtime.ts';
import type { StackContextCache } from './stack-context.ts';
import type { DesiredStateStore } from './state-store.ts';

const PART_ROLES = new Set(['postgres', 'redis', 'lb', 'prometheus']);

export async function reconcileStack(
  runtime: StackRuntime,
  store: DesiredStateStore,
  contexts: StackContextCache,
  replicas: ReplicaSet,
): Promise<{ replaced: string[]; created: number }> {
  const state = await store.read();
  if (state === null) return { replaced: [], created: 0 };
  // Another process just changed the desired state and is converging to it: let it finish
  // rather than create replicas alongside it (the engine's Created has 1 s resolution).
  if (state.seq !== store.lastWrittenSeq && Date.now() - state.writtenAtMs < 3000)
    return { replaced: [], created: 0 };
  const before = await runtime.list('api');
  const template = await contexts.template();
  // Parts of the stack that stopped (not removed) are started again.
  const stopped = (await runtime.list()).filter(
    (info) => PART_ROLES.has(info.Labels[LABEL.role] ?? '') && info.State === 'exited',
  );
  await Promise.all(
    stopped.map(async (info) => {
      // A part killed on purpose (chaos) stays down until restored.
      if (await isDeliberatelyDown(runtime.docker, info.Id)) return;
      await runtime.docker
        .getContainer(info.Id)
        .start()
        .catch(() => undefined);
    }),
  );
  const replaced = before
    .filter((info) => !isAlive(info) && !runtime.draining.has(info.Id))
    .map(containerName);
  const activeBefore = before.filter((info) => runtime.isActive(info)).length;
  const { drained } = await replicas.converge(template, state.desiredReplicas);
  drained.catch((error: unknown) =>
    runtime.emit({ type: 'error', at: Date.now(), error: toErrorData(error) }),
  );
  const created = Math.max(0, state.desiredReplicas - activeBefore);
  if (created > 0)
    runtime.emit({
      type: 'scale',
      at: Date.now(),
      source: 'reconcile',
      from: activeBefore,
      to: state.desiredReplicas,
    });
  return { replaced, created };
}

/**
 * The engine's event stream, filtered to this stack's containers dying or being destroyed:
 * lets the reconcile loop react at once instead of at its next tick.
 */
export function watchStackChanges(runtime: StackRuntime, onChange: () => void): () => void {
  let cancelled = false;
  let stream: NodeJS.ReadableStream | null = null;
  void runtime.docker
    .getEvents({
      filters: { type: ['container'], event: ['die', 'destroy'], label: [`${LABEL.stack}=${runtime.stack}`] },
    })
    .then((events) => {
      stream = events;
      if (cancelled) (events as unknown as { destroy(): void }).destroy();
      events.on('data', () => onChange());
      events.on('error', () => undefined);
    })
    .catch(() => undefined);
  return () => {
    cancelled = true;
    (stream as unknown as { destroy(): void } | null)?.destroy();
  };
}
