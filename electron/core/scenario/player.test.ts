/**
 * The player over a fake host: a fake clock whose timers run in order, a session that records
 * every channel call and answers with a stack and a load generator's report.
 */
import { describe, expect, it } from 'vitest';
import type { Channel, StackStatus, UiEvent } from '../contract.ts';
import { ScaledeckError } from '../errors.ts';
import type { LoadReport } from '../loadgen.ts';
import type { SeriesSnapshot } from '../metrics/feed.ts';
import { parseScenario } from './parse.ts';
import { ScenarioPlayer, type PlayerHost, type ScenarioEvent } from './player.ts';

const limits = { maxReplicas: 20, maxLoadRps: 10_000 };
const T0 = 1_700_000_000_000;

interface Call {
  channel: Channel;
  input: unknown;
  /** ms since T0 */
  at: number;
}

class FakeSession implements PlayerHost {
  readonly maxLoadRps = 10_000;
  readonly replicaCpus = 0.5;
  readonly calls: Call[] = [];
  readonly events: ScenarioEvent[] = [];
  private clock = T0;
  private timers: { at: number; seq: number; callback: () => void }[] = [];
  private seq = 0;
  private readonly listeners = new Set<(event: UiEvent) => void>();
  stack: StackStatus = stackStatus('running', 2);
  load: LoadReport | null = null;
  cpu: SeriesSnapshot[] = [];
  timeline: UiEvent[] = [];
  failOn: Channel | null = null;
  failCode = 'NOTHING_TO_KILL';

  now(): number {
    return this.clock;
  }

  setTimer(callback: () => void, ms: number): () => void {
    const timer = { at: this.clock + ms, seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  emit(event: ScenarioEvent): void {
    this.events.push(event);
  }

  observe(listener: (event: UiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(event: UiEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async invoke(channel: Channel, input: unknown): Promise<never> {
    this.calls.push({ channel, input, at: this.clock - T0 });
    await Promise.resolve();
    if (this.failOn === channel) throw new ScaledeckError(this.failCode, `${channel} refused`);
    return this.answer(channel, input) as never;
  }

  private answer(channel: Channel, input: unknown): unknown {
    const body = input as Record<string, unknown>;
    switch (channel) {
      case 'stack:status':
      case 'stack:scale':
        return this.stack;
      case 'stack:deploy':
        this.stack = stackStatus('running', 2);
        return this.stack;
      case 'autoscaler:set':
        return null;
      case 'load:status':
        return this.load;
      case 'load:start':
        this.load = loadReport({ state: 'running', rate: body.rps as number });
        return this.load;
      case 'load:update':
        if (this.load === null) throw new Error('no load');
        if (body.rps !== undefined) this.load = { ...this.load, rate: body.rps as number };
        return this.load;
      case 'load:stop':
        if (this.load === null) throw new Error('no load');
        this.load = { ...this.load, state: 'finished' };
        return this.load;
      case 'metrics:snapshot':
        return this.cpu;
      case 'timeline:list':
        return this.timeline;
      case 'chaos:kill':
        return { killed: 'r1' };
      case 'chaos:restore':
        return { restored: 'redis' };
      default:
        throw new Error(`unexpected ${channel}`);
    }
  }

  /** Runs every timer due within ms, in order, letting each one's awaits settle. */
  async advance(ms: number): Promise<void> {
    const until = this.clock + ms;
    for (;;) {
      await settle();
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined || next.at > until) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.clock = next.at;
      next.callback();
    }
    this.clock = until;
    await settle();
  }

  calledWith(channel: Channel): Call[] {
    return this.calls.filter((call) => call.channel === channel);
  }

  statuses(): string[] {
    return this.events.map((event) =>
      event.step === undefined ? event.status : `${event.status}:${event.step}`,
    );
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function stackStatus(phase: StackStatus['phase'], ready: number, desired = ready): StackStatus {
  return {
    target: 'docker',
    stack: 'test',
    phase,
    desiredReplicas: desired,
    readyReplicas: ready,
    replicas: [],
    components: { postgres: 'healthy', redis: 'healthy', lb: 'healthy', prometheus: 'healthy' },
    capacity: null,
    endpoints: { loadBalancer: 'http://127.0.0.1:1', prometheus: 'http://127.0.0.1:2' },
    autoscaler: null,
    dataVolume: null,
  };
}

function loadReport(patch: Partial<LoadReport>): LoadReport {
  const empty = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  return {
    state: 'running',
    stopReason: null,
    rate: 0,
    maxRate: 10_000,
    averageTargetRate: 0,
    concurrency: 256,
    clients: 'many',
    connectionsOpened: 0,
    mix: { getUser: 85, listUsers: 10, signUp: 2, token: 3 },
    zipfExponent: 1.1,
    keySpace: 10,
    elapsedSeconds: 0,
    scheduled: 0,
    sent: 0,
    dropped: 0,
    completed: 0,
    ok: 0,
    inFlight: 0,
    maxInFlight: 0,
    achievedRate: 0,
    sentRate: 0,
    errors: { total: 0, byKind: {}, byStatus: {} },
    latencyMs: empty,
    serviceTimeMs: empty,
    cache: { hits: 0, misses: 0, hitRatio: null },
    operations: {} as LoadReport['operations'],
    ...patch,
  } as LoadReport;
}

function player(session: FakeSession, text: string, deploy = false): ScenarioPlayer {
  return new ScenarioPlayer(parseScenario(text, limits), session, { deploy });
}

const THREE_STEPS = `
name: three
title: Three steps
steps:
  - for: 10
    caption: one
    load: { rate: 10 }
  - for: 20
    caption: two
    load: { rate: 10, ramp: { to: 50, over: 20 } }
  - for: 5
    caption: three
    load: stop
`;

describe('ScenarioPlayer: steps and ramps', () => {
  it('plays the steps in order on the scenario clock and stops its load at the end', async () => {
    const session = new FakeSession();
    const p = player(session, THREE_STEPS);
    const first = await p.start();
    expect(first.state).toBe('playing');
    await session.advance(0);
    expect(session.calledWith('load:start')).toEqual([
      { channel: 'load:start', input: { rps: 10, durationSeconds: 95 }, at: 0 },
    ]);
    const during = p.status();
    expect(during).toMatchObject({
      step: 0,
      remainingMs: 10_000,
      nextStepAt: T0 + 10_000,
      stepStartedAt: T0,
    });
    await session.advance(9_999);
    expect(p.status().step).toBe(0);
    await session.advance(1);
    expect(p.status()).toMatchObject({ step: 1, stepStartedAt: T0 + 10_000, remainingMs: 20_000 });
    await session.advance(20_000);
    expect(p.status().step).toBe(2);
    expect(session.load?.state).toBe('finished');
    await session.advance(5_000);
    expect(p.status()).toMatchObject({ state: 'finished', nextStepAt: null, remainingMs: null });
    expect(session.statuses()).toEqual(['started', 'step:0', 'step:1', 'step:2', 'finished']);
    expect(session.events.filter((e) => e.status === 'step').map((e) => e.caption)).toEqual([
      'one',
      'two',
      'three',
    ]);
  });

  it('moves a ramp along every 2 s to its end, linearly', async () => {
    const session = new FakeSession();
    await player(session, THREE_STEPS).start();
    await session.advance(30_000);
    const updates = session.calledWith('load:update');
    // The step's own rate first (the load already runs), then one move every 2 s.
    expect(updates[0]).toEqual({ channel: 'load:update', input: { rps: 10 }, at: 10_000 });
    const ramp = updates.slice(1).map((call) => [call.at, (call.input as { rps: number }).rps]);
    expect(ramp).toEqual(
      Array.from({ length: 10 }, (_, i) => [10_000 + (i + 1) * 2000, 10 + ((i + 1) * 40) / 10]),
    );
  });

  it('pause freezes the step clock and holds the rate; resume goes on from there', async () => {
    const session = new FakeSession();
    const p = player(session, THREE_STEPS);
    await p.start();
    await session.advance(15_000); // 5 s into the ramp: 10 → 18 req/s after two moves
    const paused = p.pause();
    expect(paused).toMatchObject({ state: 'paused', step: 1, remainingMs: 15_000, nextStepAt: null });
    const callsWhenPaused = session.calls.length;
    await session.advance(60_000);
    expect(session.calls.length).toBe(callsWhenPaused);
    expect(session.load?.rate).toBe(18);
    expect(p.status()).toMatchObject({ state: 'paused', step: 1, remainingMs: 15_000 });
    expect(() => p.pause()).toThrow(/already paused/);
    const resumed = p.resume();
    expect(resumed).toMatchObject({
      state: 'playing',
      remainingMs: 15_000,
      nextStepAt: T0 + 75_000 + 15_000,
    });
    await session.advance(15_000);
    expect(p.status().step).toBe(2);
    expect(session.statuses()).toEqual(['started', 'step:0', 'step:1', 'paused:1', 'resumed:1', 'step:2']);
    expect(() => p.resume()).toThrow(/not paused/);
  });

  it('stop stops the scenario load and calls nothing after', async () => {
    const session = new FakeSession();
    const p = player(session, THREE_STEPS);
    await p.start();
    await session.advance(12_000);
    const stopped = await p.stop();
    expect(stopped).toMatchObject({ state: 'stopped', detail: 'stopped by the user', remainingMs: null });
    expect(session.load?.state).toBe('finished');
    const calls = session.calls.length;
    await session.advance(60_000);
    expect(session.calls.length).toBe(calls);
    expect(session.statuses().at(-1)).toBe('stopped');
  });

  it('halt (teardown, target switch, dispose) ends it at once without calling the session', async () => {
    const session = new FakeSession();
    const p = player(session, THREE_STEPS);
    await p.start();
    await session.advance(12_000);
    const calls = session.calls.length;
    p.halt('the stack was torn down');
    expect(p.status()).toMatchObject({ state: 'stopped', detail: 'the stack was torn down' });
    await session.advance(60_000);
    expect(session.calls.length).toBe(calls);
    expect(session.events.at(-1)).toMatchObject({ status: 'stopped', detail: 'the stack was torn down' });
  });

  it('a load stopped by hand ends the ramp, not the scenario', async () => {
    const session = new FakeSession();
    const p = player(session, THREE_STEPS);
    await p.start();
    await session.advance(12_000);
    session.failOn = 'load:update';
    session.failCode = 'NO_LOAD';
    await session.advance(4_000);
    expect(p.status()).toMatchObject({ state: 'playing', step: 1 });
    const updates = session.calledWith('load:update').length;
    await session.advance(10_000);
    expect(session.calledWith('load:update').length).toBe(updates);
  });

  it('an action that fails ends the scenario as failed, naming the step', async () => {
    const session = new FakeSession();
    session.failOn = 'chaos:kill';
    const p = player(
      session,
      'name: c\ntitle: C\nsteps:\n  - for: 5\n    load: { rate: 5 }\n  - for: 5\n    chaos: { kill: redis }\n',
    );
    await p.start();
    await session.advance(6_000);
    expect(p.status()).toMatchObject({ state: 'failed', detail: 'step 2: chaos:kill refused' });
    expect(session.load?.state).toBe('finished');
  });

  it('refuses a stack that is not deployed, or deploys it first when asked', async () => {
    const session = new FakeSession();
    session.stack = stackStatus('absent', 0);
    await expect(player(session, THREE_STEPS).start()).rejects.toMatchObject({ code: 'NOT_DEPLOYED' });
    expect(session.events).toEqual([]);
    const deploying = await player(session, THREE_STEPS, true).start();
    expect(deploying.state).toBe('deploying');
    await session.advance(0);
    expect(session.calledWith('stack:deploy')).toHaveLength(1);
    expect(session.calledWith('load:start')).toHaveLength(1);
  });
});

describe('ScenarioPlayer: expectations', () => {
  const EXPECTING = `
name: expecting
title: Expecting
steps:
  - for: 10
    load: { rate: 20 }
    expect:
      scalesOut: { within: 30 }
      noFailedRequests: true
  - for: 20
    chaos: { kill: replica }
    expect:
      healthy: { within: 15 }
      scalesIn: { within: 20 }
`;

  it('meets a scale-out by the autoscaler’s scale event and a healthy stack by its status', async () => {
    const session = new FakeSession();
    const p = player(session, EXPECTING);
    await p.start();
    await session.advance(4_000);
    // A manual scale does not count; the autoscaler's does, with its decision's reason.
    session.push({ type: 'scale', at: session.now(), source: 'manual', from: 2, to: 3 });
    expect(p.status().expectations[0]?.state).toBe('pending');
    session.push({
      type: 'autoscaler',
      at: session.now(),
      decision: { desiredReplicas: 4, reason: 'CPU 80 % above the 50 % target' } as never,
    });
    session.push({ type: 'scale', at: session.now(), source: 'autoscaler', from: 2, to: 4 });
    expect(p.status().expectations[0]).toMatchObject({
      state: 'met',
      detail: '2 → 4 at 0:04: CPU 80 % above the 50 % target',
    });
    session.load = { ...session.load!, completed: 200, ok: 200 };
    session.stack = stackStatus('degraded', 1, 2);
    await session.advance(6_000); // step 1 begins: no failures in step 0
    expect(p.status().expectations[1]).toMatchObject({
      state: 'met',
      detail: '0 of 200 requests failed (0 %)',
    });
    await session.advance(5_000);
    expect(p.status().expectations[3]?.state).toBe('pending');
    session.stack = stackStatus('running', 2);
    await session.advance(1_000);
    expect(p.status().expectations[3]).toMatchObject({
      state: 'met',
      detail: expect.stringContaining('at 0:16'),
    });
    await session.advance(14_000);
    const end = p.status();
    expect(end.state).toBe('finished');
    // In the order the step lists them: scale expectations first.
    expect(end.expectations[2]).toMatchObject({
      state: 'missed',
      detail: expect.stringContaining('no scale-in within 20 s'),
    });
    expect(end.detail).toBe('1 of 4 expectations missed: scales in within 20 s');
    expect(session.events.filter((e) => e.status === 'expectation').map((e) => e.expectation?.state)).toEqual(
      ['met', 'met', 'met', 'missed'],
    );
  });

  it('healthy after a kill needs a recovery: seen degraded first, or running for 10 s', async () => {
    const session = new FakeSession();
    const p = player(session, EXPECTING);
    await p.start();
    // The status never shows the kill (too quick to be seen): met only after 10 s of running.
    await session.advance(19_000);
    expect(p.status().expectations[3]?.state).toBe('pending');
    await session.advance(1_000);
    expect(p.status().expectations[3]).toMatchObject({
      state: 'met',
      detail: expect.stringContaining('never seen degraded after the kill (0:20)'),
    });
  });

  it('misses a scale-out past its deadline and failed requests over the step', async () => {
    const session = new FakeSession();
    const p = player(session, EXPECTING);
    await p.start();
    await session.advance(1_000);
    session.load = {
      ...session.load!,
      completed: 100,
      ok: 97,
      errors: { total: 3, byKind: {}, byStatus: {} },
    };
    await session.advance(9_000);
    expect(p.status().expectations[1]).toMatchObject({
      state: 'missed',
      detail: '3 of 100 requests failed (3 %)',
    });
    await session.advance(20_000);
    expect(p.status().expectations[0]).toMatchObject({
      state: 'missed',
      detail: expect.stringContaining('no scale-out within 30 s'),
    });
    // A scale-out after the deadline changes nothing.
    session.push({ type: 'scale', at: session.now(), source: 'autoscaler', from: 2, to: 4 });
    expect(p.status().expectations[0]?.state).toBe('missed');
  });

  it('an endsWhenMet step moves on once its expectations are met; later deadlines count from then', async () => {
    const session = new FakeSession();
    const p = player(
      session,
      `
name: early
title: Early
steps:
  - for: 60
    endsWhenMet: true
    load: { rate: 5 }
    expect: { replicas: { atLeast: 3, within: 60 } }
  - for: 30
    expect: { scalesIn: { within: 20 } }
`,
    );
    await p.start();
    await session.advance(5_000);
    expect(p.status().step).toBe(0);
    session.stack = stackStatus('running', 3);
    await session.advance(1_000);
    expect(p.status()).toMatchObject({ step: 1, stepStartedAt: T0 + 6_000, remainingMs: 30_000 });
    expect(p.status().steps[0]?.actions).toContain('moves on as soon as its expectations are met');
    await session.advance(19_500);
    expect(p.status().expectations[1]?.state).toBe('pending');
    await session.advance(1_000);
    expect(p.status().expectations[1]?.state).toBe('missed');
    await session.advance(10_000);
    expect(p.status().state).toBe('finished');
  });

  it('pausing stops the deadlines too', async () => {
    const session = new FakeSession();
    const p = player(session, EXPECTING);
    await p.start();
    await session.advance(5_000);
    p.pause();
    await session.advance(120_000);
    expect(p.status().expectations[0]?.state).toBe('pending');
    session.push({ type: 'scale', at: session.now(), source: 'autoscaler', from: 2, to: 3 });
    expect(p.status().expectations[0]).toMatchObject({
      state: 'met',
      detail: expect.stringContaining('at 0:05'),
    });
  });
});

describe('ScenarioPlayer: calibration', () => {
  const RELATIVE = `
name: relative
title: Relative
steps:
  - for: 10
    autoscaler: { enabled: true, minReplicas: 1, maxReplicas: 4, targetCpuUtilizationPercent: 60 }
    load: { rate: 2x, mix: { getUser: 100, listUsers: 0, signUp: 0, token: 0 } }
`;

  function cpuSeries(points: { t: number; v: number }[], replica: string): SeriesSnapshot {
    return { chart: 'cpuPerReplica', name: replica, query: 'q', source: 'prometheus', points };
  }

  it('probes at 20 req/s with the scenario mix and sizes "2x" from the CPU it cost', async () => {
    const session = new FakeSession();
    // Idle 2 % per replica before, 17 % per replica during the probe: 30 % summed above idle.
    session.cpu = [
      cpuSeries(
        [
          { t: T0 - 2000, v: 2 },
          { t: T0 + 10_000, v: 17 },
          { t: T0 + 12_000, v: 17 },
        ],
        'a',
      ),
      cpuSeries(
        [
          { t: T0 - 2000, v: 2 },
          { t: T0 + 10_000, v: 17 },
          { t: T0 + 12_000, v: 17 },
        ],
        'b',
      ),
    ];
    const p = player(session, RELATIVE);
    expect((await p.start()).state).toBe('calibrating');
    await session.advance(0);
    expect(session.calledWith('load:start')[0]?.input).toEqual({
      rps: 20,
      durationSeconds: 44,
      mix: { getUser: 100, listUsers: 0, signUp: 0, token: 0 },
    });
    await session.advance(14_000);
    const status = p.status();
    // 20 req/s × 60 % / 30 % = 40 req/s per replica at the target; 2x = 80 req/s.
    expect(status.calibration?.perReplicaRps).toBe(40);
    expect(status.calibration?.basis).toMatch(/^measured: /);
    expect(status.state).toBe('playing');
    expect(status.steps[0]?.actions).toContain('load at 2× (80 req/s)');
    expect(session.calledWith('load:start')[1]?.input).toMatchObject({ rps: 80 });
  });

  it('stopped while the probe starts: the probe load stops too', async () => {
    const session = new FakeSession();
    const p = player(session, RELATIVE);
    await p.start();
    const stopping = p.stop();
    await session.advance(0);
    await stopping;
    await session.advance(60_000);
    expect(session.calledWith('load:start')).toHaveLength(1);
    expect(session.load?.state).toBe('finished');
    expect(p.status()).toMatchObject({ state: 'stopped', calibration: null });
  });

  it('reads no idle level from a window a load ran in (another scenario just before)', async () => {
    const session = new FakeSession();
    session.timeline = [{ type: 'load', at: T0 - 5000, kind: 'stopped', report: loadReport({}) }];
    session.cpu = [
      cpuSeries(
        [
          { t: T0 - 2000, v: 13 },
          { t: T0 + 10_000, v: 10 },
          { t: T0 + 12_000, v: 10 },
        ],
        'a',
      ),
    ];
    const p = player(session, RELATIVE);
    await p.start();
    await session.advance(14_000);
    // 20 req/s × 60 % / 10 %, the 13 % before the probe being the stopped load's tail.
    expect(p.status().calibration?.perReplicaRps).toBe(120);
    expect(p.status().calibration?.basis).not.toContain('idle');
  });

  it('falls back to an estimate when no CPU was read, and says so', async () => {
    const session = new FakeSession();
    const p = player(session, RELATIVE);
    await p.start();
    await session.advance(14_000);
    expect(p.status().calibration?.basis).toMatch(/^estimated \(no CPU reading/);
    expect(p.status().state).toBe('playing');
  });

  it('fails before step 1 when a sized rate exceeds settings.maxLoadRps, naming the field', async () => {
    const session = new FakeSession();
    session.cpu = [cpuSeries([{ t: T0 + 10_000, v: 0.1 }], 'a')];
    const p = player(session, RELATIVE.replace('rate: 2x', 'rate: 90x'));
    await p.start();
    await session.advance(14_000);
    expect(p.status()).toMatchObject({ state: 'failed', step: -1 });
    expect(p.status().detail).toMatch(
      /^steps\[0\]\.load\.rate: 90× \(.* req\/s\) is more than settings\.maxLoadRps/,
    );
  });
});
