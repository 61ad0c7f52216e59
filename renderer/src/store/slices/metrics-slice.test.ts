import { describe, expect, it } from 'vitest';
import type { Api } from '../../api/api.ts';
import { createAppStore } from '../store.ts';

/** A store over a scripted API; frames are flushed by hand. */
function setup(snapshot: { chart: string; name: string; points: { t: number; v: number | null }[] }[]) {
  let frame: (() => void) | undefined;
  let resolveSnapshot: (v: unknown) => void = () => undefined;
  const api = {
    mode: 'browser',
    invoke: (channel: string) =>
      channel === 'metrics:snapshot'
        ? new Promise((r) => (resolveSnapshot = r))
        : Promise.resolve(channel === 'metrics:charts' ? [] : null),
    subscribe: () => () => undefined,
    capturePage: async () => null,
  } as unknown as Api;
  const store = createAppStore(api, (f) => (frame = f));
  const flush = () => {
    const f = frame;
    frame = undefined;
    f?.();
  };
  const answerSnapshot = () =>
    resolveSnapshot(snapshot.map((s) => ({ ...s, query: 'q', source: 'prometheus' as const })));
  return { store, flush, answerSnapshot };
}

describe('metrics slice', () => {
  it('applies queued points once per frame', () => {
    const { store, flush } = setup([]);
    const before = store.getState().metricsVersion;
    store.getState().queuePoints([{ chart: 'c', name: 's', t: 1000, v: 1 }]);
    store.getState().queuePoints([{ chart: 'c', name: 's', t: 2000, v: 2 }]);
    expect(store.getState().metricsVersion).toBe(before);
    flush();
    expect(store.getState().metricsVersion).toBe(before + 1);
    expect(store.getState().seriesOf('c')[0]!.buffer.toArray()).toEqual([
      { t: 1000, v: 1 },
      { t: 2000, v: 2 },
    ]);
  });

  it('puts a backfill that answers after live points in front of them', async () => {
    const history = Array.from({ length: 5 }, (_, i) => ({ t: (i + 1) * 1000, v: i }));
    const { store, flush, answerSnapshot } = setup([{ chart: 'c', name: 's', points: history }]);
    const backfill = store.getState().backfill();
    store.getState().queuePoints([{ chart: 'c', name: 's', t: 5000, v: 50 }]);
    store.getState().queuePoints([{ chart: 'c', name: 's', t: 6000, v: 60 }]);
    flush();
    answerSnapshot();
    await backfill;
    const points = store.getState().seriesOf('c')[0]!.buffer.toArray();
    expect(points.map((p) => p.t)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    // The live reading of an instant wins over the history's.
    expect(points.find((p) => p.t === 5000)!.v).toBe(50);
  });
});
