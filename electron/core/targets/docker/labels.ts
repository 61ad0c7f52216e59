/** Every Docker object Scaledeck creates carries these labels; teardown and re-attach find them by label. */
export const LABEL = {
  managedBy: 'scaledeck.managed-by',
  stack: 'scaledeck.stack',
  role: 'scaledeck.role',
  desiredReplicas: 'scaledeck.desired-replicas',
  autoscaler: 'scaledeck.autoscaler',
  stateSeq: 'scaledeck.state-seq',
  /** On each replica: the hash of the spec it was created from (image ID and settings), see replicaSpecHash. */
  replicaSpec: 'scaledeck.replica-spec',
} as const;

export type Role = 'api' | 'postgres' | 'redis' | 'lb' | 'prometheus' | 'state' | 'network' | 'data';

export function stackLabels(stack: string, role: Role): Record<string, string> {
  return { [LABEL.managedBy]: 'scaledeck', [LABEL.stack]: stack, [LABEL.role]: role };
}

/** A filter for the engine's list calls: everything of one stack, optionally one role. */
export function stackFilter(stack: string, role?: Role): { label: string[] } {
  const label = [`${LABEL.stack}=${stack}`];
  if (role !== undefined) label.push(`${LABEL.role}=${role}`);
  return { label };
}
