// What the capacity estimate means for a replica count, in the words the Replicas panel and the
// autoscaler form both use.
import type { StackStatus } from '../api/channels.ts';

type Capacity = NonNullable<StackStatus['capacity']>;

/** The soft limit for a replica slider: "about 4 fit", with how it was reckoned as its title. */
export function capacityMark(capacity: Capacity | null) {
  if (capacity === null) return undefined;
  // Where pods can spread, say over how many nodes; one node goes without saying.
  const usable = (capacity.nodes ?? []).filter((node) => node.state === 'ready').length;
  const where = usable > 1 ? ` on ${usable} nodes` : '';
  return { at: capacity.replicas, text: `about ${capacity.replicas} fit${where}`, title: capacity.basis };
}

/** One line on what happens past the estimate on this target; undefined while within it. */
export function beyondCapacity(
  target: StackStatus['target'] | undefined,
  capacity: Capacity | null,
  replicas: number,
): string | undefined {
  if (capacity === null || target === undefined || replicas <= capacity.replicas) return undefined;
  const about = `About ${capacity.replicas} fit`;
  return target === 'kubernetes'
    ? `${about}: the rest will stay Pending until a node has CPU for them.`
    : `${about}: past that, replicas share the CPU, so each gets less than its limit.`;
}
