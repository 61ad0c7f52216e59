import { describe, expect, it } from 'vitest';
import type { Api } from '../../api/api.ts';
import { createAppStore } from '../store.ts';

function setup() {
  const frames: (() => void)[] = [];
  const api = {
    mode: 'browser',
    invoke: async () => null,
    subscribe: () => () => undefined,
    capturePage: async () => null,
  } as unknown as Api;
  const store = createAppStore(api, (f) => frames.push(f));
  return { store, flushFrames: () => frames.splice(0).forEach((f) => f()) };
}

describe('timeline slice', () => {
  it('keeps scaling events in order and drops replays of seen sequence numbers', () => {
    const { store } = setup();
    const s = store.getState();
    s.applyEvent({ type: 'scale', at: 1, source: 'manual', from: 1, to: 3, seq: 1 });
    s.applyEvent({ type: 'chaos', at: 2, action: 'kill', what: 'replica', target: 'api-1', seq: 2 });
    // A reconnect replays from Last-Event-ID, overlapping what the page already has.
    s.applyEvent({ type: 'scale', at: 1, source: 'manual', from: 1, to: 3, seq: 1 });
    expect(store.getState().events.map((e) => e.seq)).toEqual([1, 2]);
    expect(store.getState().lastSeq).toBe(2);
  });

  it('sends metrics to the series and progress to the progress panel, not to the timeline', () => {
    const { store, flushFrames } = setup();
    const s = store.getState();
    s.applyEvent({
      type: 'metrics',
      at: 5,
      points: [{ chart: 'requestRate', name: 'requests', t: 5, v: 10 }],
      seq: 3,
    });
    s.applyEvent({ type: 'progress', at: 6, step: 'building image', percent: 40, log: 'Step 1/24', seq: 4 });
    flushFrames();
    expect(store.getState().events).toEqual([]);
    expect(store.getState().seriesOf('requestRate')[0]!.buffer.last).toEqual({ t: 5, v: 10 });
    expect(store.getState().progress).toMatchObject({
      step: 'building image',
      percent: 40,
      log: ['Step 1/24'],
    });
    expect(store.getState().lastSeq).toBe(4);
  });

  it('keeps the last autoscaler decision for the panel', () => {
    const { store } = setup();
    const decision = { desiredReplicas: 3, currentReplicas: 2, reason: 'CPU 90% of 50% target' };
    store.getState().applyEvent({ type: 'autoscaler', at: 7, decision, seq: 5 } as never);
    expect(store.getState().lastDecision).toBe(decision);
    expect(store.getState().events).toHaveLength(1);
  });
});
