import { describe, expect, it } from 'vitest';
import type { ComponentRole, ComponentState, ReplicaState, StackStatus } from '../../contract.ts';
import { everyReplicaReady, stackPhase } from './readiness.ts';

const healthy: Record<ComponentRole, ComponentState> = {
  postgres: 'healthy',
  redis: 'healthy',
  lb: 'healthy',
  prometheus: 'healthy',
};

function status(desired: number, states: ReplicaState[]): StackStatus {
  const replicas = states.map((state, i) => ({ name: `api-${i}`, id: `${i}`, state, startedAt: null }));
  return {
    target: 'docker',
    stack: 's',
    phase: 'running',
    desiredReplicas: desired,
    readyReplicas: states.filter((state) => state === 'ready').length,
    replicas,
    components: healthy,
    capacity: null,
    endpoints: { loadBalancer: null, prometheus: null },
    autoscaler: null,
    dataVolume: null,
  };
}

describe('everyReplicaReady', () => {
  it('is true when the desired count is ready and only draining ones are extra', () => {
    expect(everyReplicaReady(status(2, ['ready', 'ready']))).toBe(true);
    expect(everyReplicaReady(status(2, ['ready', 'ready', 'draining']))).toBe(true);
    expect(everyReplicaReady(status(0, []))).toBe(true);
  });

  it('is false while one is missing, starting, or an extra one is still around', () => {
    expect(everyReplicaReady(status(2, ['ready']))).toBe(false);
    expect(everyReplicaReady(status(2, ['ready', 'starting']))).toBe(false);
    // Ready count matches but a stopped leftover of an older template is still live.
    expect(everyReplicaReady(status(2, ['ready', 'ready', 'stopped']))).toBe(false);
  });
});

describe('stackPhase', () => {
  const base = { components: healthy, readyReplicas: 2, desiredReplicas: 2 };

  it('absent when nothing is deployed, whatever else says', () => {
    expect(stackPhase({ ...base, deployed: false })).toBe('absent');
  });

  it('running only with every part healthy and every desired replica ready', () => {
    expect(stackPhase({ ...base, deployed: true })).toBe('running');
    expect(stackPhase({ ...base, deployed: true, readyReplicas: 1 })).toBe('degraded');
    expect(stackPhase({ ...base, deployed: true, components: { ...healthy, lb: 'starting' } })).toBe(
      'degraded',
    );
  });
});
