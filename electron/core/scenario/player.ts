/**
 * Plays one scenario against the session through its own channels (host.invoke), so every step is
 * validated and lands on the timeline like a click. Pure logic over the host: the clock, timers
 * and the event stream come from it, so tests drive it with a fake clock.
 *
 * Time: steps run on a scenario clock that stops while paused. Pausing holds the load at the rate
 * it has (a ramp stops where it is) and freezes step and expectation deadlines; resume goes on
 * from there. Events seen while paused still count (a scale-out then meets its expectation).
 * Stop stops the scenario's load and leaves the stack as it is; so does the end of the scenario.
 */
import type { Channel, InputOf, ParsedInputOf, StackStatus, UiEvent, ValueOf } from '../contract.ts';
import { ScaledeckError, toErrorData } from '../errors.ts';
import type { LoadReport } from '../loadgen.ts';
import {
  DEFAULT_PROBE_RPS,
  DEFAULT_PROBE_SECONDS,
  IDLE_LOOKBACK_MS,
  calibrationFrom,
  estimateCalibration,
  totalCpuByTick,
} from './calibration.ts';
import {
  describeExpectations,
  describeRate,
  describeSteps,
  resolveRate,
  type ExpectationKind,
} from './describe.ts';
import {
  WINDOW_KINDS,
  clockText,
  judgeStatus,
  judgeWindow,
  missedDetail,
  type WindowKind,
} from './expectations.ts';
import { isRelativeLoad, usesRelativeRates } from './parse.ts';
import type { RateSpec, ScenarioFile, ScenarioStep } from './schema.ts';
import type {
  ExpectationResult,
  ScenarioCalibration,
  ScenarioEventStatus,
  ScenarioState,
  ScenarioStatus,
} from './types.ts';

export type ScenarioEvent = Extract<UiEvent, { type: 'scenario' }>;

export interface PlayerHost {
  invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<ValueOf<C>>;
  emit(event: ScenarioEvent): void;
  /** Every event the session pushes; returns cancel(). */
  observe(listener: (event: UiEvent) => void): () => void;
  now(): number;
  /** Calls back once after ms; returns cancel(). */
  setTimer(callback: () => void, ms: number): () => void;
  readonly maxLoadRps: number;
  /** Each replica's CPU limit (settings.replicaCpus), for the estimate when CPU cannot be read. */
  readonly replicaCpus: number;
}

export interface PlayerOptions {
  /** Deploy first when no stack runs. */
  deploy?: boolean;
  /** How often the player looks at the stack and the deadlines (default 1 s). */
  tickMs?: number;
  /** How often a ramp moves the rate (default 2 s). */
  rampUpdateMs?: number;
  /** The metrics' rate() window: CPU read before this much probe time still holds idle time. */
  cpuWindowMs?: number;
}

const LOAD_ACTIVE = new Set(['starting', 'running', 'draining']);
/** Prometheus' scrape interval: a rate() point lags the counters by up to one. */
const SCRAPE_MS = 2000;

/**
 * "Healthy again" after a kill means recovered, not "the status had not noticed yet": met once the
 * stack was seen degraded and then running, or, if a recovery was too quick to be seen, once it
 * has kept running this long after the kill.
 */
export const HEALTHY_HOLD_MS = 10_000;
const ENDED: ReadonlySet<ScenarioState> = new Set(['finished', 'stopped', 'failed']);

interface Tracked {
  result: ExpectationResult;
  kind: ExpectationKind;
  step: number;
  /** Scenario-clock ms by which it must be met; null for the request ones (judged at the step's end). */
  deadline: number | null;
  within: number;
  /** healthy after a kill: the stack was seen degraded since, or running since when (scenario ms). */
  sawDegraded?: boolean;
  runningSince?: number | null;
}

interface Ramp {
  from: number;
  to: number;
  startMs: number;
  overMs: number;
  lastUpdateMs: number;
}

export class ScenarioPlayer {
  readonly file: ScenarioFile;
  private readonly host: PlayerHost;
  private readonly tickMs: number;
  private readonly rampUpdateMs: number;
  private readonly cpuWindowMs: number;
  private readonly deploy: boolean;
  /** Planned step starts on the scenario clock; a step that ends early (endsWhenMet) moves the later ones. */
  private readonly stepStarts: number[];
  private readonly totalMs: number;
  private readonly expectations: Tracked[];
  private state: ScenarioState = 'deploying';
  private startedAt = 0;
  private step = -1;
  private calibration: ScenarioCalibration | null = null;
  private detail: string | undefined;
  /** Scenario clock: played ms before the current run, and when the current run started (real ms). */
  private playedMs = 0;
  private runningSince: number | null = null;
  private ramp: Ramp | null = null;
  private ownsLoad = false;
  private stepLoad: LoadReport | null = null;
  private lastStatus: StackStatus | null = null;
  private lastDecision: { desired: number; reason: string } | null = null;
  private timer: (() => void) | null = null;
  private ticking = false;
  private unobserve: (() => void) | null = null;
  private readonly wakers = new Set<() => void>();

  constructor(file: ScenarioFile, host: PlayerHost, options: PlayerOptions = {}) {
    this.file = file;
    this.host = host;
    this.deploy = options.deploy ?? false;
    this.tickMs = options.tickMs ?? 1000;
    this.rampUpdateMs = options.rampUpdateMs ?? 2000;
    this.cpuWindowMs = options.cpuWindowMs ?? 8000;
    let at = 0;
    this.stepStarts = file.steps.map((step) => {
      const start = at;
      at += step.for * 1000;
      return start;
    });
    this.totalMs = at;
    this.expectations = file.steps.flatMap((step, index) =>
      describeExpectations(step.expect).map(({ kind, text }) => {
        const within = (step.expect?.[kind] as { within?: number } | undefined)?.within ?? 0;
        return {
          result: { step: index, text, state: 'pending' as const },
          kind,
          step: index,
          deadline: WINDOW_KINDS.has(kind) ? null : (this.stepStarts[index] ?? 0) + within * 1000,
          within,
        };
      }),
    );
  }

  get ended(): boolean {
    return ENDED.has(this.state);
  }

  /**
   * Checks the stack, then plays in the background; resolves with the first status. No stack and
   * no deploy: refused with NOT_DEPLOYED before anything starts.
   */
  async start(): Promise<ScenarioStatus> {
    const stack = await this.host.invoke('stack:status', {});
    if (stack.phase === 'absent' && !this.deploy)
      throw new ScaledeckError(
        'NOT_DEPLOYED',
        `stack ${stack.stack} is not deployed; deploy it first, or play with deploy: true`,
      );
    this.lastStatus = stack;
    this.startedAt = this.host.now();
    this.unobserve = this.host.observe((event) => this.onEvent(event));
    this.state =
      stack.phase === 'absent' ? 'deploying' : usesRelativeRates(this.file) ? 'calibrating' : 'playing';
    this.announce('started', { detail: this.file.description || undefined });
    void this.run().catch((error: unknown) => this.fail(toErrorData(error).message));
    return this.status();
  }

  status(): ScenarioStatus {
    const playing = this.step >= 0 && !this.ended;
    const remaining = playing ? Math.max(0, this.stepEndMs(this.step) - this.elapsed()) : null;
    return {
      name: this.file.name,
      title: this.file.title,
      description: this.file.description,
      state: this.state,
      startedAt: this.startedAt,
      step: this.step,
      stepStartedAt: this.step >= 0 ? this.realTimeOf(this.stepStarts[this.step] ?? 0) : null,
      nextStepAt:
        playing && this.state === 'playing' && remaining !== null ? this.host.now() + remaining : null,
      remainingMs: remaining,
      steps: describeSteps(this.file, this.calibration?.perReplicaRps ?? null),
      expectations: this.expectations.map((tracked) => ({ ...tracked.result })),
      calibration: this.calibration,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
    };
  }

  pause(): ScenarioStatus {
    if (this.state !== 'playing' || this.step < 0)
      throw new ScaledeckError(
        'NOT_PLAYING',
        this.state === 'paused'
          ? 'the scenario is already paused; resume it'
          : `the scenario is ${this.state}; it can be paused while its steps play`,
      );
    this.playedMs = this.elapsed();
    this.runningSince = null;
    this.state = 'paused';
    this.cancelTimer();
    this.announce('paused', { step: this.step, detail: 'the load holds its current rate' });
    return this.status();
  }

  resume(): ScenarioStatus {
    if (this.state !== 'paused')
      throw new ScaledeckError('NOT_PAUSED', `the scenario is ${this.state}, not paused`);
    this.state = 'playing';
    this.runningSince = this.host.now();
    this.announce('resumed', { step: this.step });
    if (!this.ticking) this.scheduleTick(0);
    return this.status();
  }

  /** The user's stop: the scenario's load stops, the stack stays as it is. */
  async stop(detail = 'stopped by the user'): Promise<ScenarioStatus> {
    if (this.ended) return this.status();
    this.end('stopped', detail);
    await this.stopOwnLoad();
    return this.status();
  }

  /**
   * The session goes away or changes target: ends at once without calling the session (its load
   * is stopped by the session itself).
   */
  halt(detail: string): void {
    if (!this.ended) this.end('stopped', detail);
  }

  // ---- the run ---------------------------------------------------------------------------------

  private async run(): Promise<void> {
    if (this.state === 'deploying') {
      const deployed = await this.host.invoke('stack:deploy', {});
      if (this.ended) return;
      this.lastStatus = deployed;
      this.state = usesRelativeRates(this.file) ? 'calibrating' : 'playing';
    }
    if (this.state === 'calibrating') {
      await this.calibrate();
      if (this.ended) return;
      this.checkPlannedRates();
      this.state = 'playing';
    }
    this.runningSince = this.host.now();
    this.scheduleTick(0);
  }

  private targetPercent(): number {
    const first = this.file.steps.find((step) => step.autoscaler?.enabled === true)?.autoscaler;
    if (first !== undefined && first.enabled) return first.targetCpuUtilizationPercent;
    return this.file.autoscalerTarget ?? this.lastStatus?.autoscaler?.targetCpuUtilizationPercent ?? 50;
  }

  /** Runs the scenario's first mix at a modest probe rate and reads what it cost in CPU. */
  private async calibrate(): Promise<void> {
    const target = this.targetPercent();
    const probeRps = Math.min(this.file.calibration?.rps ?? DEFAULT_PROBE_RPS, this.host.maxLoadRps);
    const probeMs = (this.file.calibration?.seconds ?? DEFAULT_PROBE_SECONDS) * 1000;
    // The mix that the relative rates will carry is the one whose cost matters.
    const firstLoad = this.file.steps.map((step) => step.load).find(isRelativeLoad);
    // A load already running would count in the probe; the scenario takes the load over.
    const stopped = await this.stopAnyLoad();
    const beforeProbe = this.host.now();
    const idleFrom = await this.quietSince(beforeProbe, stopped);
    await this.host.invoke('load:start', {
      rps: probeRps,
      durationSeconds: probeMs / 1000 + 30,
      ...(firstLoad?.mix === undefined ? {} : { mix: firstLoad.mix }),
      ...(firstLoad?.zipf === undefined ? {} : { zipfExponent: firstLoad.zipf }),
    });
    if (await this.stoppedMeanwhile()) return;
    this.ownsLoad = true;
    const runningAt = this.host.now();
    await this.sleep(probeMs);
    if (this.ended) return;
    const report = await this.host.invoke('load:status', {});
    const snapshots = await this.host
      .invoke('metrics:snapshot', { since: beforeProbe - IDLE_LOOKBACK_MS })
      .catch(() => null);
    await this.stopOwnLoad();
    if (this.ended) return;
    const now = this.host.now();
    this.calibration =
      snapshots === null
        ? estimateCalibration(target, this.host.replicaCpus, 'the metrics feed did not answer')
        : calibrationFrom({
            probeRps,
            achievedRps: report?.achievedRate ?? null,
            targetPercent: target,
            probeTotals: totalCpuByTick(snapshots, runningAt + this.cpuWindowMs, now),
            idleTotals: totalCpuByTick(snapshots, idleFrom, beforeProbe),
            replicaCpus: this.host.replicaCpus,
          });
  }

  /** Once sized, every rate must fit settings.maxLoadRps; the error names the step and field. */
  private checkPlannedRates(): void {
    const perReplica = this.calibration?.perReplicaRps ?? null;
    this.file.steps.forEach((step, index) => {
      if (typeof step.load !== 'object') return;
      const rates: [string, RateSpec | undefined][] = [
        ['rate', step.load.rate],
        ['ramp.to', step.load.ramp?.to],
      ];
      for (const [field, rate] of rates) {
        if (rate === undefined) continue;
        const rps = resolveRate(rate, perReplica);
        if (rps !== null && rps > this.host.maxLoadRps)
          throw new ScaledeckError(
            'VALIDATION',
            `steps[${index}].load.${field}: ${describeRate(rate, perReplica)} is more than settings.maxLoadRps (${this.host.maxLoadRps})`,
            `steps[${index}].load.${field}`,
          );
      }
    });
  }

  private scheduleTick(ms: number): void {
    this.cancelTimer();
    if (this.ended || this.state !== 'playing') return;
    this.timer = this.host.setTimer(
      () => {
        this.timer = null;
        void this.tick();
      },
      Math.max(0, ms),
    );
  }

  private cancelTimer(): void {
    this.timer?.();
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.ended || this.state !== 'playing') return;
    this.ticking = true;
    try {
      await this.advance();
    } catch (error) {
      this.fail(`step ${this.step + 1}: ${toErrorData(error).message}`);
    } finally {
      this.ticking = false;
    }
    if (this.ended || this.state !== 'playing') return;
    const now = this.elapsed();
    const untilStepEnd = this.step >= 0 ? this.stepEndMs(this.step) - now : 0;
    const untilRamp = this.ramp === null ? Infinity : this.ramp.lastUpdateMs + this.rampUpdateMs - now;
    this.scheduleTick(Math.min(this.tickMs, untilStepEnd, untilRamp));
  }

  /** One look: step boundaries, the ramp, the polled expectations, the deadlines. */
  private async advance(): Promise<void> {
    while (!this.ended && this.state === 'playing') {
      const now = this.elapsed();
      if (this.step >= 0 && now < this.stepEndMs(this.step)) {
        if (!this.metEarly(this.step)) break;
        const early = this.stepEndMs(this.step) - now;
        for (let later = this.step + 1; later < this.stepStarts.length; later++)
          this.stepStarts[later] = (this.stepStarts[later] ?? 0) - early;
      }
      if (this.step >= 0) await this.endStep(this.step);
      if (this.ended) return;
      if (this.step + 1 >= this.file.steps.length) return this.finish();
      await this.beginStep(this.step + 1);
    }
    if (this.ended) return;
    await this.moveRamp();
    await this.pollStatus();
    this.checkDeadlines();
    // Met just now: move on in this same look rather than a tick later.
    if (!this.ended && this.state === 'playing' && this.metEarly(this.step)) await this.advance();
  }

  /** An endsWhenMet step whose deadline expectations are all settled moves on at once. */
  private metEarly(index: number): boolean {
    if (this.file.steps[index]?.endsWhenMet !== true) return false;
    const own = this.expectations.filter((t) => t.step === index && t.deadline !== null);
    return own.length > 0 && own.every((t) => t.result.state !== 'pending');
  }

  private async beginStep(index: number): Promise<void> {
    const step = this.file.steps[index];
    if (step === undefined) return;
    this.step = index;
    this.ramp = null;
    const start = this.stepStarts[index] ?? 0;
    for (const tracked of this.expectations)
      if (tracked.step === index && tracked.deadline !== null)
        tracked.deadline = start + tracked.within * 1000;
    this.announce('step', { step: index, ...(step.caption === undefined ? {} : { caption: step.caption }) });
    await this.applyActions(step);
    if (this.ended) return;
    this.stepLoad = await this.host.invoke('load:status', {});
  }

  private async applyActions(step: ScenarioStep): Promise<void> {
    // Off before a manual scale, on after it: stack:scale is refused while the autoscaler owns the count.
    const offFirst = step.autoscaler !== undefined && (!step.autoscaler.enabled || step.scale !== undefined);
    if (offFirst) await this.host.invoke('autoscaler:set', { enabled: false });
    if (step.scale !== undefined) await this.host.invoke('stack:scale', { replicas: step.scale });
    if (step.autoscaler?.enabled === true)
      await this.host.invoke('autoscaler:set', step.autoscaler as InputOf<'autoscaler:set'>);
    if (step.chaos !== undefined) {
      if (step.chaos.restore !== undefined)
        await this.host.invoke('chaos:restore', { what: step.chaos.restore });
      else if (step.chaos.kill !== undefined)
        await this.host.invoke('chaos:kill', {
          what: step.chaos.kill,
          ...(step.chaos.replica === undefined ? {} : { replica: step.chaos.replica }),
        });
    }
    if (step.load !== undefined) await this.applyLoad(step);
  }

  private async applyLoad(step: ScenarioStep): Promise<void> {
    const load = step.load;
    if (load === undefined) return;
    if (load === 'stop') {
      await this.stopAnyLoad();
      return;
    }
    const perReplica = this.calibration?.perReplicaRps ?? null;
    const rate = load.rate === undefined ? null : this.rateOf(load.rate, perReplica);
    const current = await this.host.invoke('load:status', {});
    const active = current !== null && LOAD_ACTIVE.has(current.state);
    let from: number;
    if (active) {
      const update: ParsedInputOf<'load:update'> = {
        ...(rate === null ? {} : { rps: rate }),
        ...(load.mix === undefined ? {} : { mix: load.mix }),
        ...(load.zipf === undefined ? {} : { zipfExponent: load.zipf }),
      };
      from = rate ?? current.rate;
      if (Object.keys(update).length > 0) await this.host.invoke('load:update', update);
    } else {
      from = rate ?? 0;
      const leftSeconds = Math.ceil((this.totalMs - this.elapsed()) / 1000);
      await this.host.invoke('load:start', {
        rps: from,
        // Bounded even if the player were never to stop it: the rest of the scenario and a margin.
        durationSeconds: Math.max(1, leftSeconds) + 60,
        ...(load.mix === undefined ? {} : { mix: load.mix }),
        ...(load.zipf === undefined ? {} : { zipfExponent: load.zipf }),
      });
      if (await this.stoppedMeanwhile()) return;
    }
    this.ownsLoad = true;
    if (load.ramp !== undefined) {
      const start = this.stepStarts[this.step] ?? 0;
      this.ramp = {
        from,
        to: this.rateOf(load.ramp.to, perReplica),
        startMs: start,
        overMs: load.ramp.over * 1000,
        lastUpdateMs: start,
      };
    }
  }

  private rateOf(rate: RateSpec, perReplica: number | null): number {
    const rps = resolveRate(rate, perReplica);
    if (rps === null) throw new ScaledeckError('NOT_CALIBRATED', 'a relative rate before calibration');
    return Math.min(rps, this.host.maxLoadRps);
  }

  private async moveRamp(): Promise<void> {
    const ramp = this.ramp;
    if (ramp === null) return;
    const now = this.elapsed();
    const done = now >= ramp.startMs + ramp.overMs;
    if (!done && now - ramp.lastUpdateMs < this.rampUpdateMs) return;
    const progress = Math.min(1, (now - ramp.startMs) / ramp.overMs);
    const rps = Math.round((ramp.from + (ramp.to - ramp.from) * progress) * 10) / 10;
    ramp.lastUpdateMs = now;
    if (done) this.ramp = null;
    await this.updateRamp(rps);
  }

  /** Someone stopped the load by hand (load:stop): the ramp ends there, the scenario goes on. */
  private async updateRamp(rps: number): Promise<void> {
    try {
      await this.host.invoke('load:update', { rps });
    } catch (error) {
      if (!(error instanceof ScaledeckError && error.code === 'NO_LOAD')) throw error;
      this.ramp = null;
    }
  }

  private async pollStatus(): Promise<void> {
    const polled = this.active().filter((t) => t.kind === 'healthy' || t.kind === 'replicas');
    if (polled.length === 0) return;
    const status = await this.host.invoke('stack:status', {});
    this.lastStatus = status;
    const now = this.elapsed();
    for (const tracked of polled) {
      const step = this.file.steps[tracked.step];
      const expect = step?.expect;
      if (expect === undefined) continue;
      const verdict = judgeStatus(tracked.kind, expect, status);
      if (tracked.kind === 'healthy' && step?.chaos?.kill !== undefined && !tracked.sawDegraded) {
        if (verdict === null) {
          tracked.sawDegraded = true;
          continue;
        }
        tracked.runningSince ??= now;
        if (now - tracked.runningSince < HEALTHY_HOLD_MS) continue;
        this.settle(
          tracked,
          true,
          `${verdict.detail}, never seen degraded after the kill (${clockText(now)})`,
        );
        continue;
      }
      if (verdict !== null) this.settle(tracked, true, `${verdict.detail} at ${clockText(now)}`);
    }
  }

  private checkDeadlines(): void {
    const now = this.elapsed();
    for (const tracked of this.active())
      if (tracked.deadline !== null && now >= tracked.deadline)
        this.settle(tracked, false, missedDetail(tracked.kind, tracked.within, this.lastStatus));
  }

  /** Pending expectations whose step has begun. */
  private active(): Tracked[] {
    return this.expectations.filter((t) => t.result.state === 'pending' && t.step <= this.step);
  }

  private async endStep(index: number): Promise<void> {
    // A ramp as long as its step gets its last move here, at the step's end.
    const ramp = this.ramp;
    this.ramp = null;
    if (ramp !== null) await this.updateRamp(ramp.to);
    const windowed = this.active().filter((t) => t.step === index && WINDOW_KINDS.has(t.kind));
    if (windowed.length > 0) {
      const end = await this.host.invoke('load:status', {});
      const expect = this.file.steps[index]?.expect ?? {};
      for (const tracked of windowed) {
        const verdict = judgeWindow(tracked.kind as WindowKind, expect, this.stepLoad, end);
        this.settle(tracked, verdict.met, verdict.detail);
      }
    }
    this.checkDeadlines();
  }

  private onEvent(event: UiEvent): void {
    if (this.ended) return;
    if (event.type === 'autoscaler')
      this.lastDecision = { desired: event.decision.desiredReplicas, reason: event.decision.reason };
    if (event.type !== 'scale' || event.source !== 'autoscaler' || event.to === event.from) return;
    const kind: ExpectationKind = event.to > event.from ? 'scalesOut' : 'scalesIn';
    const now = this.elapsed();
    // The decision that explains this scale (on Kubernetes the HPA's status may come after it).
    const why = this.lastDecision?.desired === event.to ? `: ${this.lastDecision.reason}` : '';
    for (const tracked of this.active())
      if (tracked.kind === kind && tracked.deadline !== null && now <= tracked.deadline)
        this.settle(tracked, true, `${event.from} → ${event.to} at ${clockText(now)}${why}`);
  }

  private settle(tracked: Tracked, met: boolean, detail: string): void {
    if (tracked.result.state !== 'pending') return;
    tracked.result = { ...tracked.result, state: met ? 'met' : 'missed', detail, at: this.host.now() };
    this.announce('expectation', { step: tracked.step, expectation: { ...tracked.result } });
  }

  private async finish(): Promise<void> {
    for (const tracked of this.expectations)
      if (tracked.result.state === 'pending')
        this.settle(tracked, false, missedDetail(tracked.kind, tracked.within, this.lastStatus));
    const missed = this.expectations.filter((t) => t.result.state === 'missed');
    const detail =
      this.expectations.length === 0
        ? 'played every step'
        : missed.length === 0
          ? `all ${this.expectations.length} expectations met`
          : `${missed.length} of ${this.expectations.length} expectations missed: ${missed.map((t) => t.result.text).join('; ')}`;
    this.end('finished', detail);
    await this.stopOwnLoad();
  }

  private fail(detail: string): void {
    if (this.ended) return;
    this.end('failed', detail);
    void this.stopOwnLoad();
  }

  private end(state: 'finished' | 'stopped' | 'failed', detail: string): void {
    if (this.state === 'playing') this.playedMs = this.elapsed();
    this.runningSince = null;
    this.state = state;
    this.detail = detail;
    this.ramp = null;
    this.cancelTimer();
    this.unobserve?.();
    this.unobserve = null;
    for (const wake of this.wakers) wake();
    this.wakers.clear();
    this.announce(state, { detail });
  }

  private async stopOwnLoad(): Promise<void> {
    if (!this.ownsLoad) return;
    this.ownsLoad = false;
    await this.stopAnyLoad().catch(() => undefined);
  }

  /** Stops whatever load runs; true when one did. */
  private async stopAnyLoad(): Promise<boolean> {
    const report = await this.host.invoke('load:status', {});
    if (report === null || !LOAD_ACTIVE.has(report.state)) return false;
    await this.host.invoke('load:stop', {});
    return true;
  }

  /**
   * Where the CPU before the probe is the stack's idle level: after the last load event of the
   * lookback plus the rate window and a scrape (a load that just stopped still counts in the
   * window, and another scenario often ran just before). Infinity: no quiet time to read.
   */
  private async quietSince(beforeProbe: number, stoppedNow: boolean): Promise<number> {
    if (stoppedNow) return Infinity;
    const lookback = beforeProbe - IDLE_LOOKBACK_MS;
    const recent = await this.host.invoke('timeline:list', { since: lookback }).catch(() => null);
    if (recent === null) return Infinity;
    const lastLoad = Math.max(...recent.filter((event) => event.type === 'load').map((event) => event.at));
    return Math.max(lookback, lastLoad + this.cpuWindowMs + SCRAPE_MS);
  }

  /** Ended while a load was starting: that load is the scenario's, and goes with it. */
  private async stoppedMeanwhile(): Promise<boolean> {
    if (!this.ended) return false;
    await this.stopAnyLoad().catch(() => undefined);
    return true;
  }

  /** Waits on the host's clock; ending the scenario wakes it at once. */
  private sleep(ms: number): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        cancel();
        this.wakers.delete(wake);
        resolve();
      };
      const cancel = this.host.setTimer(wake, ms);
      this.wakers.add(wake);
    });
  }

  private elapsed(): number {
    return this.playedMs + (this.runningSince === null ? 0 : this.host.now() - this.runningSince);
  }

  private stepEndMs(index: number): number {
    return (this.stepStarts[index] ?? 0) + (this.file.steps[index]?.for ?? 0) * 1000;
  }

  /** Real time of a scenario-clock instant, as if no pause came after now. */
  private realTimeOf(scenarioMs: number): number {
    return this.host.now() - (this.elapsed() - scenarioMs);
  }

  private announce(
    status: ScenarioEventStatus,
    extra: Partial<Omit<ScenarioEvent, 'type' | 'at' | 'status'>>,
  ): void {
    const event: ScenarioEvent = {
      type: 'scenario',
      at: this.host.now(),
      status,
      name: this.file.name,
      title: this.file.title,
    };
    for (const [key, value] of Object.entries(extra))
      if (value !== undefined) Object.assign(event, { [key]: value });
    this.host.emit(event);
  }
}
