import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CapacityCache, dockerCapacity } from '../../capacity.ts';
import { cpuMillicores, kubernetesCapacity, podCpuRequest } from './capacity.ts';

function node(name: string, cpu: string, extra: Partial<V1Node['spec']> = {}, ready = true): V1Node {
  return {
    metadata: { name },
    spec: { ...extra },
    status: {
      allocatable: { cpu },
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

function pod(name: string, nodeName: string | undefined, cpus: string[], phase = 'Running'): V1Pod {
  return {
    metadata: { name, labels: name.startsWith('api') ? { role: 'api' } : {} },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: cpus.map((cpu, i) => ({ name: `c${i}`, resources: { requests: { cpu } } })),
    },
    status: { phase },
  };
}

const isApi = (p: V1Pod) => p.metadata?.labels?.role === 'api';

describe('cpuMillicores', () => {
  it('reads the forms Kubernetes writes', () => {
    expect(cpuMillicores('500m')).toBe(500);
    expect(cpuMillicores('2')).toBe(2000);
    expect(cpuMillicores('0.5')).toBe(500);
    expect(cpuMillicores('250000u')).toBeCloseTo(250);
    expect(cpuMillicores(undefined)).toBe(0);
    expect(cpuMillicores('nonsense')).toBe(0);
  });

  it('counts the largest init container when it outweighs the containers, plus overhead', () => {
    const p = pod('x', 'n1', ['100m', '100m']);
    p.spec!.initContainers = [{ name: 'init', resources: { requests: { cpu: '300m' } } }];
    p.spec!.overhead = { cpu: '50m' };
    expect(podCpuRequest(p)).toBe(350);
  });
});

describe('kubernetesCapacity', () => {
  it('one 2-CPU node with 550m requested by others and 500m API pods: 2 fit, own API pods not counted', () => {
    const pods = [
      pod('coredns', 'n1', ['100m']),
      pod('postgres', 'n1', ['250m']),
      pod('redis', 'n1', ['100m', '100m']),
      pod('api-1', 'n1', ['500m']),
      pod('api-2', 'n1', ['500m']),
      pod('job-done', 'n1', ['1'], 'Succeeded'),
    ];
    expect(kubernetesCapacity([node('n1', '2')], pods, 500, isApi)).toEqual({
      replicas: 2,
      nodes: [{ name: 'n1', state: 'ready', allocatableCpus: 2, apiPods: 2 }],
      basis: '2 CPUs allocatable on 1 node, 0.55 requested by other pods, 0.5 CPU requested per replica',
    });
  });

  it('sums whole replicas per node: 2 nodes with 0.75 CPU free each hold 2 of 0.5, not 3', () => {
    const nodes = [node('a', '1'), node('b', '1000m')];
    const pods = [pod('x', 'a', ['250m']), pod('y', 'b', ['250m'])];
    expect(kubernetesCapacity(nodes, pods, 500, isApi)?.replicas).toBe(2);
  });

  it('leaves out cordoned, tainted and NotReady nodes and pods bound to them or to none', () => {
    const nodes = [
      node('ok', '1'),
      node('cordoned', '4', { unschedulable: true }),
      node('tainted', '4', { taints: [{ key: 'k', effect: 'NoSchedule' }] }),
      node('down', '4', {}, false),
      node('prefer', '1', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }),
    ];
    const pods = [
      pod('on-cordoned', 'cordoned', ['3']),
      pod('unbound', undefined, ['3']),
      pod('api-left-on-cordoned', 'cordoned', ['500m']),
    ];
    const capacity = kubernetesCapacity(nodes, pods, 500, isApi);
    // The strip shows every node with its state; an API pod still on a cordoned node counts there.
    expect(capacity?.nodes).toEqual([
      { name: 'ok', state: 'ready', allocatableCpus: 1, apiPods: 0 },
      { name: 'cordoned', state: 'cordoned', allocatableCpus: 4, apiPods: 1 },
      { name: 'tainted', state: 'tainted', allocatableCpus: 4, apiPods: 0 },
      { name: 'down', state: 'notReady', allocatableCpus: 4, apiPods: 0 },
      { name: 'prefer', state: 'ready', allocatableCpus: 1, apiPods: 0 },
    ]);
    expect(capacity).toMatchObject({
      replicas: 4,
      basis: '2 CPUs allocatable on 2 nodes, 0 requested by other pods, 0.5 CPU requested per replica',
    });
  });

  it('is 0 on a full node and null when the API asks for no CPU', () => {
    expect(kubernetesCapacity([node('n', '1')], [pod('big', 'n', ['900m'])], 500, isApi)?.replicas).toBe(0);
    expect(kubernetesCapacity([node('n', '1')], [], 0, isApi)).toBeNull();
  });
});

describe('dockerCapacity', () => {
  it('is how many replicas can each use their whole limit', () => {
    expect(dockerCapacity(2, 0.5)).toEqual({
      replicas: 4,
      basis: '2 CPUs on the Docker engine, a 0.5 CPU limit per replica',
    });
    expect(dockerCapacity(1, 0.3)?.replicas).toBe(3);
    expect(dockerCapacity(1, 1)?.basis).toBe('1 CPU on the Docker engine, a 1 CPU limit per replica');
    expect(dockerCapacity(0, 0.5)).toBeNull();
  });
});

describe('CapacityCache', () => {
  it('recomputes at most once per TTL, shares one computation, and turns a failure into null', async () => {
    let calls = 0;
    let fail = false;
    const cache = new CapacityCache(async () => {
      calls++;
      if (fail) throw new Error('forbidden');
      return { replicas: calls, basis: 'b' };
    }, 10_000);
    const [a, b] = await Promise.all([cache.get(0), cache.get(5)]);
    expect([a?.replicas, b?.replicas, calls]).toEqual([1, 1, 1]);
    expect((await cache.get(9_999))?.replicas).toBe(1);
    fail = true;
    expect(await cache.get(10_000)).toBeNull();
    expect(calls).toBe(2);
  });
});
