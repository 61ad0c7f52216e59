/** The stack as the UI and the CLI see it, read from the engine on every call. */
import type { ContainerInfo } from 'dockerode';
import type {
  ComponentRole,
  ComponentState,
  ReplicaState,
  ReplicaStatus,
  StackStatus,
} from '../../contract.ts';
import type { CapacityCache } from '../../capacity.ts';
import { stackPhase } from '../kit/readiness.ts';
import { containerName, healthOf } from './containers.ts';
import type { FrontNetwork } from './front-network.ts';
import { LABEL, type Role } from './labels.ts';
import type { ReplicaTransitions } from './replica-transitions.ts';
import { isAlive, type StackRuntime } from './runtime.ts';
import { LB_PORT, PROMETHEUS_PORT } from './stack-spec.ts';
import type { DesiredStateStore } from './state-store.ts';
import { parseStoredAutoscaler } from './stored-state.ts';

const COMPONENT_ROLES: ComponentRole[] = ['postgres', 'redis', 'lb', 'prometheus'];

export interface StatusParts {
  runtime: StackRuntime;
  store: DesiredStateStore;
  front: FrontNetwork;
  transitions: ReplicaTransitions;
  capacity: CapacityCache;
}

export async function readStatus(parts: StatusParts): Promise<StackStatus> {
  const { runtime, store, capacity } = parts;
  const [containers, state, fit] = await Promise.all([runtime.list(), store.read(), capacity.get()]);
  const byRole = (role: Role) => containers.filter((info) => info.Labels[LABEL.role] === role);
  const now = Date.now();
  const replicas: ReplicaStatus[] = byRole('api')
    .sort((a, b) => a.Created - b.Created)
    .map((info) => {
      const replicaState = stateOf(parts, info);
      const name = containerName(info);
      parts.transitions.track(info.Id, name, replicaState, now);
      return { name, id: info.Id, state: replicaState, startedAt: info.Created * 1000 };
    });
  const components = Object.fromEntries(
    COMPONENT_ROLES.map((role) => [role, componentState(byRole(role)[0])]),
  ) as Record<ComponentRole, ComponentState>;
  const published = (role: Role, port: number) => {
    const binding = byRole(role)[0]?.Ports.find((entry) => entry.PrivatePort === port && entry.PublicPort);
    return binding ? `http://${runtime.publishedHost}:${binding.PublicPort}` : null;
  };
  const readyReplicas = replicas.filter((replica) => replica.state === 'ready').length;
  const desiredReplicas = state?.desiredReplicas ?? 0;
  const dataVolume = await runtime.docker
    .getVolume(runtime.names.dataVolume)
    .inspect()
    .then(
      () => runtime.names.dataVolume,
      () => null,
    );
  return {
    target: 'docker',
    stack: runtime.stack,
    phase: stackPhase({ deployed: state !== null, components, readyReplicas, desiredReplicas }),
    desiredReplicas,
    readyReplicas,
    replicas,
    components,
    capacity: fit,
    endpoints: {
      loadBalancer: published('lb', LB_PORT),
      prometheus: published('prometheus', PROMETHEUS_PORT),
    },
    autoscaler: state?.autoscaler
      ? parseStoredAutoscaler(runtime.names.state(state.seq), state.autoscaler)
      : null,
    dataVolume,
  };
}

function stateOf({ runtime, front }: StatusParts, info: ContainerInfo): ReplicaState {
  if (runtime.isDraining(info)) return 'draining';
  if (!isAlive(info) || info.State === 'paused') return 'stopped';
  const health = healthOf(info);
  // On the front network = passed the readiness probe; the engine's own check may lag a second.
  if (health !== 'unhealthy' && front.has(info)) return 'ready';
  if (health === 'unhealthy') return 'unhealthy';
  return 'starting';
}

function componentState(info: ContainerInfo | undefined): ComponentState {
  if (info === undefined) return 'missing';
  if (info.State !== 'running')
    return info.State === 'restarting' || info.State === 'created' ? 'starting' : 'stopped';
  const health = healthOf(info);
  if (health === 'starting') return 'starting';
  if (health === 'unhealthy') return 'unhealthy';
  return 'healthy';
}
