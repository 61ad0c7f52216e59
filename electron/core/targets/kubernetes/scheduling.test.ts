import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { componentReason, componentState } from './pod-state.ts';
import { UnschedulableWatch, describePending, unschedulableReason } from './scheduling.ts';

const INSUFFICIENT =
  '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';

function pod(name: string, state: 'unschedulable' | 'ready' | 'starting' | 'terminating'): V1Pod {
  const conditions =
    state === 'unschedulable'
      ? [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: INSUFFICIENT }]
      : [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: state === 'ready' ? 'True' : 'False' },
        ];
  return {
    metadata: {
      name,
      ...(state === 'terminating' ? { deletionTimestamp: new Date() } : {}),
    },
    status: { phase: state === 'unschedulable' ? 'Pending' : 'Running', conditions },
  };
}

describe('unschedulableReason', () => {
  it('is the scheduler message without its preemption sentence', () => {
    const p = pod('api-1', 'unschedulable');
    expect(unschedulableReason(p)).toBe('0/1 nodes are available: 1 Insufficient cpu');
    expect(describePending(p, unschedulableReason(p) ?? '')).toBe(
      'pod api-1 Pending: 0/1 nodes are available: 1 Insufficient cpu',
    );
  });

  it('is null for a scheduled pod, one not yet looked at, and one being deleted', () => {
    expect(unschedulableReason(pod('a', 'starting'))).toBeNull();
    expect(unschedulableReason({ metadata: { name: 'b' }, status: { phase: 'Pending' } })).toBeNull();
    const leaving = pod('c', 'unschedulable');
    leaving.metadata = { ...leaving.metadata, deletionTimestamp: new Date() };
    expect(unschedulableReason(leaving)).toBeNull();
  });
});

describe('UnschedulableWatch', () => {
  it('reports the pending pods once every missing pod stayed unschedulable for the grace period', () => {
    const watch = new UnschedulableWatch(20_000);
    const pods = [pod('a', 'ready'), pod('b', 'unschedulable')];
    expect(watch.check(pods, 0)).toBeNull();
    expect(watch.check(pods, 19_999)).toBeNull();
    const stuck = watch.check(pods, 20_000);
    expect(stuck?.pending.map((p) => p.pod.metadata?.name)).toEqual(['b']);
    expect(stuck?.forMs).toBe(20_000);
  });

  it('starts the clock again on progress, and never fires while a pod starts or terminates', () => {
    const watch = new UnschedulableWatch(20_000);
    expect(watch.check([pod('a', 'starting'), pod('b', 'unschedulable')], 0)).toBeNull();
    // a starting pod may still become Ready: not stuck however long it takes
    expect(watch.check([pod('a', 'starting'), pod('b', 'unschedulable')], 60_000)).toBeNull();
    // a became Ready at 60 s: the clock starts there
    expect(watch.check([pod('a', 'ready'), pod('b', 'unschedulable')], 60_000)).toBeNull();
    expect(watch.check([pod('a', 'ready'), pod('b', 'unschedulable')], 79_000)).toBeNull();
    // a terminating pod frees room when it goes
    const draining = [pod('a', 'ready'), pod('x', 'terminating'), pod('b', 'unschedulable')];
    expect(watch.check(draining, 80_000)).toBeNull();
    expect(watch.check(draining, 200_000)).toBeNull();
    expect(watch.check([pod('a', 'ready'), pod('b', 'unschedulable')], 200_000)).toBeNull();
    expect(watch.check([pod('a', 'ready'), pod('b', 'unschedulable')], 220_000)).not.toBeNull();
  });

  it('is never stuck when every pod is Ready', () => {
    const watch = new UnschedulableWatch(0);
    expect(watch.check([pod('a', 'ready')], 0)).toBeNull();
    expect(watch.check([], 100)).toBeNull();
  });
});

describe('a part (PostgreSQL, Redis, Prometheus) whose pod no node can take', () => {
  it('is pending with the scheduler message, not starting', () => {
    expect(componentState([pod('postgres-0', 'unschedulable')])).toBe('pending');
    expect(componentReason([pod('postgres-0', 'unschedulable')])).toBe(
      '0/1 nodes are available: 1 Insufficient cpu',
    );
  });

  it('is starting once scheduled, healthy with a Ready pod, and then has no reason', () => {
    expect(componentState([pod('redis-1', 'starting')])).toBe('starting');
    expect(componentReason([pod('redis-1', 'starting')])).toBeNull();
    const rolling = [pod('redis-1', 'ready'), pod('redis-2', 'unschedulable')];
    expect(componentState(rolling)).toBe('healthy');
    expect(componentReason(rolling)).toBeNull();
    expect(componentState([])).toBe('missing');
  });
});
