import { describe, expect, it } from 'vitest';
import type { V1Node } from '@kubernetes/client-node';
import { imagesOnEveryNode, isNodeSchedulable, nodePortAddress } from './nodes.ts';

function node(
  name: string,
  options: { ready?: boolean; cordoned?: boolean; ip?: string; images?: string[][] } = {},
): V1Node {
  return {
    metadata: { name },
    spec: options.cordoned ? { unschedulable: true } : {},
    status: {
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
      addresses: [
        { type: 'Hostname', address: name },
        ...(options.ip ? [{ type: 'InternalIP', address: options.ip }] : []),
      ],
      images: (options.images ?? []).map((names) => ({ names })),
    },
  };
}

describe('imagesOnEveryNode', () => {
  it('counts an image only when every schedulable node holds it', () => {
    const nodes = [
      node('a', { images: [['docker.io/library/redis:7', 'sha256:1'], ['api:x']] }),
      node('b', { images: [['docker.io/library/redis:7']] }),
    ];
    expect([...imagesOnEveryNode(nodes)]).toEqual(['docker.io/library/redis:7']);
  });

  it('ignores NotReady and cordoned nodes (no pod lands there), and knows nothing without a schedulable node', () => {
    const nodes = [
      node('a', { images: [['api:x']] }),
      node('down', { ready: false }),
      node('cordoned', { cordoned: true }),
    ];
    expect([...imagesOnEveryNode(nodes)]).toEqual(['api:x']);
    expect(imagesOnEveryNode([node('down', { ready: false, images: [['api:x']] })]).size).toBe(0);
  });

  it('an image a node does not report (status.images is truncated) is absent', () => {
    expect(imagesOnEveryNode([node('a', { images: [['api:x']] }), node('b')]).has('api:x')).toBe(false);
  });
});

describe('nodePortAddress', () => {
  it('takes a Ready node, schedulable before cordoned, never a NotReady one', () => {
    const down = node('down', { ready: false, ip: '10.0.0.1' });
    const cordoned = node('cordoned', { cordoned: true, ip: '10.0.0.2' });
    const up = node('up', { ip: '10.0.0.3' });
    expect(nodePortAddress([down, cordoned, up])).toBe('10.0.0.3');
    expect(nodePortAddress([down, cordoned])).toBe('10.0.0.2');
    expect(nodePortAddress([down])).toBeUndefined();
    expect(isNodeSchedulable(cordoned)).toBe(false);
  });
});
