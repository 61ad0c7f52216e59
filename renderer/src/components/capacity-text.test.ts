import { describe, expect, it } from 'vitest';
import { beyondCapacity, capacityMark } from './capacity-text.ts';

const capacity = { replicas: 3, basis: '2 CPUs allocatable on 1 node, 0.25 requested by other pods' };

describe('capacity text', () => {
  it('marks the slider at the estimate, with the basis as its title', () => {
    expect(capacityMark(capacity)).toEqual({ at: 3, text: 'about 3 fit', title: capacity.basis });
    expect(capacityMark(null)).toBeUndefined();
  });

  it('says over how many nodes the pods can go when there are several (cordoned ones not counted)', () => {
    const node = (name: string, state: 'ready' | 'cordoned') => ({
      name,
      state,
      allocatableCpus: 1,
      apiPods: 0,
    });
    const three = { ...capacity, nodes: [node('a', 'ready'), node('b', 'ready'), node('c', 'ready')] };
    expect(capacityMark(three)?.text).toBe('about 3 fit on 3 nodes');
    const oneLeft = { ...capacity, nodes: [node('a', 'ready'), node('b', 'cordoned')] };
    expect(capacityMark(oneLeft)?.text).toBe('about 3 fit');
  });

  it('says nothing up to the estimate, and what happens past it on each target', () => {
    expect(beyondCapacity('kubernetes', capacity, 3)).toBeUndefined();
    expect(beyondCapacity('kubernetes', capacity, 4)).toBe(
      'About 3 fit: the rest will stay Pending until a node has CPU for them.',
    );
    expect(beyondCapacity('docker', capacity, 10)).toBe(
      'About 3 fit: past that, replicas share the CPU, so each gets less than its limit.',
    );
    expect(beyondCapacity('docker', null, 10)).toBeUndefined();
    expect(beyondCapacity(undefined, capacity, 10)).toBeUndefined();
  });
});
