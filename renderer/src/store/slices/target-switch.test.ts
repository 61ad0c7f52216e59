// The picker's state: the current target is the session's (target:current, 'target' events), a
// switch shows while in flight, a refusal snaps back with the reason, and entering another target
// drops the old one's status, series and load while the timeline keeps a mark. A saved export
// on screen closes when this page switches target (choosing a target is going live on it), and
// stays through a refused switch or one made by another client (the file belongs to no target).
import { describe, expect, it } from 'vitest';
import { ApiError, type Api } from '../../api/api.ts';
import type { CurrentTarget, StackStatus, TargetInfo, TimelineEvent } from '../../api/channels.ts';
import { createAppStore } from '../store.ts';

const DOCKER: CurrentTarget = { kind: 'docker', id: 'docker', label: 'Local Docker engine' };
const LOCAL: CurrentTarget = {
  kind: 'kubernetes',
  id: 'kubernetes:local',
  label: 'Kubernetes: local',
  context: 'local',
  namespace: 'scaledeck-default',
};
const TARGETS: TargetInfo[] = [
  {
    kind: 'kubernetes',
    id: 'kubernetes:gone',
    label: 'Kubernetes: gone',
    available: false,
    reason: 'refused',
  },
  { kind: 'docker', id: 'docker', label: 'Local Docker engine', available: true },
  { kind: 'kubernetes', id: 'kubernetes:local', label: 'Kubernetes: local', available: true },
];

function status(target: 'docker' | 'kubernetes', desiredReplicas: number): StackStatus {
  return {
    target,
    stack: 'default',
    phase: desiredReplicas > 0 ? 'running' : 'absent',
    desiredReplicas,
    readyReplicas: desiredReplicas,
    replicas: [],
    components: { postgres: 'healthy', redis: 'healthy', lb: 'healthy', prometheus: 'healthy' },
    endpoints: { loadBalancer: null, prometheus: null },
    autoscaler: null,
    dataVolume: null,
    capacity: null,
  };
}

function setup() {
  let session = DOCKER;
  const calls: [string, unknown][] = [];
  const pending: { resolve(value: CurrentTarget): void; reject(error: Error): void }[] = [];
  const api = {
    mode: 'browser',
    async invoke(channel: string, input: unknown) {
      calls.push([channel, input]);
      switch (channel) {
        case 'targets:list':
          return TARGETS;
        case 'target:current':
          return session;
        case 'target:select':
          return new Promise<CurrentTarget>((resolve, reject) =>
            pending.push({
              resolve: (value) => {
                session = value;
                resolve(value);
              },
              reject,
            }),
          );
        case 'stack:status':
          return status(session.kind, session.kind === 'docker' ? 3 : 0);
        case 'metrics:snapshot':
        case 'timeline:list':
          return [];
        default:
          return null;
      }
    },
    subscribe: () => () => undefined,
    capturePage: async () => null,
  } as unknown as Api;
  const store = createAppStore(api, (flush) => flush());
  /** Another client moved the session (the fake's stack:status follows it). */
  const elsewhere = (target: CurrentTarget) => {
    session = target;
  };
  return { store, calls, pending, elsewhere };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('target switching in the store', () => {
  it('shows the session’s target, not the first available one of the list', async () => {
    const { store } = setup();
    await store.getState().loadTargets();
    await store.getState().loadCurrentTarget();
    expect(store.getState().targetId).toBe('docker');
    expect(store.getState().currentTarget).toEqual(DOCKER);
  });

  it('a refused switch shows while in flight, then the reason, and stays on the real target', async () => {
    const { store, calls, pending } = setup();
    await store.getState().loadTargets();
    await store.getState().loadCurrentTarget();
    const switching = store.getState().selectTarget('kubernetes:gone');
    expect(store.getState().switching).toEqual({ id: 'kubernetes:gone', label: 'Kubernetes: gone' });
    expect(calls.at(-1)).toEqual(['target:select', { kind: 'kubernetes', context: 'gone' }]);
    // A second choice while one is in flight is not sent.
    await store.getState().selectTarget('kubernetes:local');
    expect(calls.filter(([c]) => c === 'target:select')).toHaveLength(1);
    pending[0]!.reject(
      new ApiError({
        code: 'TARGET_UNAVAILABLE',
        message: 'Kubernetes: gone is unavailable',
        field: 'context',
      }),
    );
    await switching;
    expect(store.getState().switching).toBeNull();
    expect(store.getState().switchError?.message).toBe('Kubernetes: gone is unavailable');
    expect(store.getState().targetId).toBe('docker');
  });

  it('a switch from another client: per-target state resets, the timeline keeps a mark', async () => {
    const { store } = setup();
    await store.getState().loadCurrentTarget();
    await store.getState().refreshStatus();
    store.getState().queuePoints([{ chart: 'requestRate', name: 'requests', t: 1, v: 5 }]);
    store.getState().applyEvent({ type: 'scale', at: 1, source: 'manual', from: 1, to: 3, seq: 1 });
    expect(store.getState().series.size).toBe(1);
    expect(store.getState().status?.desiredReplicas).toBe(3);

    store
      .getState()
      .applyEvent({ type: 'target', at: 2, status: 'switching', from: DOCKER, to: LOCAL, seq: 2 });
    expect(store.getState().switching?.id).toBe('kubernetes:local');
    store
      .getState()
      .applyEvent({ type: 'target', at: 3, status: 'switched', from: DOCKER, to: LOCAL, seq: 3 });
    expect(store.getState().switching).toBeNull();
    expect(store.getState().targetId).toBe('kubernetes:local');
    expect(store.getState().series.size).toBe(0);
    expect(store.getState().status).toBeNull();
    expect(store.getState().events.map((e) => e.type)).toEqual(['scale', 'target', 'target']);
  });

  it('a switch in the history (timeline:list) is recorded but does not move the picker', () => {
    const { store } = setup();
    store.getState().enterTarget(DOCKER);
    const past: TimelineEvent = {
      type: 'target',
      at: 1,
      status: 'switched',
      from: LOCAL,
      to: DOCKER,
      seq: 2,
    };
    const older: TimelineEvent = {
      type: 'target',
      at: 0,
      status: 'switched',
      from: DOCKER,
      to: LOCAL,
      seq: 1,
    };
    store.getState().applyEvent(older, true);
    store.getState().applyEvent(past, true);
    expect(store.getState().targetId).toBe('docker');
    expect(store.getState().events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('a successful switch from this page takes the session’s answer and refreshes status', async () => {
    const { store, pending } = setup();
    await store.getState().loadTargets();
    await store.getState().loadCurrentTarget();
    const switching = store.getState().selectTarget('kubernetes:local');
    pending[0]!.resolve(LOCAL);
    await switching;
    await settle();
    expect(store.getState().targetId).toBe('kubernetes:local');
    expect(store.getState().status?.target).toBe('kubernetes');
    expect(store.getState().switchError).toBeNull();
  });

  describe('with a saved export open', () => {
    const FILE = {
      name: 'demo.json',
      text: async () =>
        JSON.stringify({
          window: { from: 0, to: 60_000 },
          series: [{ chart: 'replicas', title: 'Replicas', unit: 'replicas', name: 'ready', points: [] }],
          events: [],
        }),
    };

    async function opened() {
      const setup_ = setup();
      const { store } = setup_;
      await store.getState().loadTargets();
      await store.getState().loadCurrentTarget();
      expect(await store.getState().openExport(FILE)).toBe(true);
      expect(store.getState().offline?.fileName).toBe('demo.json');
      return setup_;
    }

    it('closes when this page switches target, and the what-if forgets the old answer', async () => {
      const { store, pending } = await opened();
      store.setState({ whatIf: null });
      const switching = store.getState().selectTarget('kubernetes:local');
      // Still shown while the switch is in flight: a refusal would keep it.
      expect(store.getState().offline).not.toBeNull();
      pending[0]!.resolve(LOCAL);
      await switching;
      expect(store.getState().offline).toBeNull();
      expect(store.getState().targetId).toBe('kubernetes:local');
      expect(store.getState().whatIf).toBeUndefined();
    });

    it('stays open when the switch is refused', async () => {
      const { store, pending } = await opened();
      const switching = store.getState().selectTarget('kubernetes:local');
      pending[0]!.reject(new ApiError({ code: 'TARGET_UNAVAILABLE', message: 'unreachable' }));
      await switching;
      expect(store.getState().offline?.fileName).toBe('demo.json');
      expect(store.getState().targetId).toBe('docker');
    });

    it('stays open through a switch by another client; Back to live then shows the new target', async () => {
      const { store, elsewhere } = await opened();
      elsewhere(LOCAL);
      store
        .getState()
        .applyEvent({ type: 'target', at: 3, status: 'switched', from: DOCKER, to: LOCAL, seq: 3 });
      expect(store.getState().offline?.fileName).toBe('demo.json');
      expect(store.getState().targetId).toBe('kubernetes:local');
      store.getState().closeOffline();
      expect(store.getState().offline).toBeNull();
      await settle();
      expect(store.getState().status?.target).toBe('kubernetes');
    });
  });
});
