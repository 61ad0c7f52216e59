/**
 * Chaos on the cluster: pods deleted at once (no grace), which their Deployment or StatefulSet
 * replaces by itself, and Redis INFO read through exec (Redis is not exposed outside the cluster).
 */
import { ScaledeckError } from '../../errors.ts';
import { execInStackPod } from './exec.ts';
import { isLive, isPodReady } from './pod-state.ts';
import type { StackApi } from './stack-api.ts';
import { podsOf, waitComponent } from './waits.ts';

async function deletePod(api: StackApi, name: string): Promise<void> {
  await api.call('delete', api.where(`pod ${name}`), () =>
    api.core.deleteNamespacedPod({ name, namespace: api.namespace, gracePeriodSeconds: 0 }),
  );
}

/** Deletes an API pod at once (no grace); its Deployment replaces it. */
export async function killReplica(api: StackApi, name?: string): Promise<string> {
  const running = (await podsOf(api, 'api')).filter((pod) => isLive(pod) && pod.status?.phase === 'Running');
  const victim =
    name === undefined
      ? running[Math.floor(Math.random() * running.length)]
      : running.find((pod) => pod.metadata?.name === name);
  if (!victim?.metadata?.name)
    throw new ScaledeckError(
      'NOTHING_TO_KILL',
      name === undefined ? 'no running API pod to kill' : `no running API pod named ${name}`,
      'replica',
    );
  await deletePod(api, victim.metadata.name);
  return victim.metadata.name;
}

/**
 * Deletes the Redis or PostgreSQL pod at once. Unlike on Docker it does not stay down: its
 * Deployment/StatefulSet brings it back by itself (restore only waits for that).
 */
export async function killPart(api: StackApi, what: 'redis' | 'postgres'): Promise<string> {
  const pod = (await podsOf(api, what)).find(isLive);
  if (!pod?.metadata?.name) throw new ScaledeckError('NOTHING_TO_KILL', `no ${what} pod is running`, 'what');
  await deletePod(api, pod.metadata.name);
  return pod.metadata.name;
}

export async function restorePart(api: StackApi, what: 'redis' | 'postgres'): Promise<string> {
  await waitComponent(api, what, 120_000);
  const pod = (await podsOf(api, what)).find((p) => isLive(p) && isPodReady(p));
  return pod?.metadata?.name ?? what;
}

/** Redis INFO through exec; null without a ready Redis pod or when the command's exit is not 0. */
export async function redisInfo(api: StackApi, section: string): Promise<string | null> {
  const pod = (await podsOf(api, 'redis')).find((p) => isLive(p) && isPodReady(p));
  if (!pod?.metadata?.name) return null;
  const result = await execInStackPod(api, pod.metadata.name, 'redis', ['redis-cli', 'INFO', section]);
  return result.exitCode === 0 ? result.stdout : null;
}
