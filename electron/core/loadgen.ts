/**
 * Open-loop HTTP load for the stack's User API.
 *
 * Requests are due on a fixed schedule (1/rate apart) whether or not earlier ones have answered,
 * and latency is measured from the time a request was due, not from when it went out: a stall on
 * either side shows up in the percentiles instead of silently lowering the rate (no coordinated
 * omission). At most `concurrency` requests are in flight; a request that falls due beyond that is
 * counted as dropped, never queued.
 *
 * Clients (loadgen/client-model.ts): by default the traffic looks like many short-lived clients,
 * each connection closing after a few requests, so a load balancer that balances connections
 * (kube-proxy) spreads it evenly; `clients: 'few'` keeps a few keep-alive connections instead.
 *
 * Start-up (documented because it writes to the target): the generator signs up `tokenUsers` users
 * of its own (emails `loadgen-<run>-u<n>@loadgen.scaledeck.test`, a random password per run, never
 * logged), logs them in for bearer tokens, and, unless `keys` are given, lists up to `maxKeys` user
 * ids through GET /users to use as the key space of GET /users/:id. Sign-ups during the run create
 * more users under the same domain; token requests replay the logins and refresh the tokens.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ApiClient, classifyError } from './loadgen/api-client.ts';
import { ConnectionChurn, type ClientModel } from './loadgen/client-model.ts';
import { discoverKeys, signUpUsers, LOADGEN_EMAIL_DOMAIN, type LoadUser } from './loadgen/bootstrap.ts';
import {
  LoadOptionsError,
  mergeMix,
  mixSchema,
  parseLoadOptions,
  zodToOptionsError,
  type LoadOptions,
  type LoadOptionsInput,
  type Operation,
  type OperationMix,
} from './loadgen/options.ts';
import { LoadStats, type LatencySummary, type OperationStats, type RequestResult } from './loadgen/stats.ts';
import { checkTarget } from './loadgen/target-guard.ts';
import { WeightedPicker } from './loadgen/weighted-picker.ts';
import { ZipfSampler } from './loadgen/zipf.ts';

export {
  CLIENT_MODELS,
  CLIENT_MODEL_LABEL,
  CLIENT_MODEL_TEXT,
  requestsPerConnection,
} from './loadgen/client-model.ts';
export type { ClientModel } from './loadgen/client-model.ts';
export { DEFAULT_MIX, LoadOptionsError, OPERATIONS } from './loadgen/options.ts';
export type { LoadOptionsInput, Operation, OperationMix } from './loadgen/options.ts';
export type { ErrorKind, LatencySummary, RequestResult } from './loadgen/stats.ts';
export { TargetNotAllowedError, isLocalOrPrivateHost } from './loadgen/target-guard.ts';
export { ZipfSampler } from './loadgen/zipf.ts';

export type LoadState = 'idle' | 'starting' | 'running' | 'draining' | 'finished';
export type StopReason = 'duration' | 'stopped' | 'aborted' | 'failed';

export interface LoadReport {
  state: LoadState;
  stopReason: StopReason | null;
  /** Current target rate, req/s. */
  rate: number;
  maxRate: number;
  /** Rate the schedule asked for, averaged over the active time (accounts for setRate). */
  averageTargetRate: number;
  concurrency: number;
  /** Who the traffic looks like to the load balancer (see loadgen/client-model.ts). */
  clients: ClientModel;
  /** TCP connections opened (start-up included): each is a fresh pick for a connection-level balancer. */
  connectionsOpened: number;
  mix: OperationMix;
  zipfExponent: number;
  keySpace: number;
  /** Seconds the schedule has been running (excludes start-up and draining). */
  elapsedSeconds: number;
  scheduled: number;
  sent: number;
  dropped: number;
  completed: number;
  ok: number;
  inFlight: number;
  maxInFlight: number;
  /** completed / elapsedSeconds */
  achievedRate: number;
  /** sent / elapsedSeconds */
  sentRate: number;
  errors: { total: number; byKind: Record<string, number>; byStatus: Record<string, number> };
  /** From the intended send time to the end of the response body. */
  latencyMs: LatencySummary;
  /** From the actual send time: what a closed-loop tool would report. */
  serviceTimeMs: LatencySummary;
  /** X-Cache of GET /users/:id responses. */
  cache: { hits: number; misses: number; hitRatio: number | null };
  operations: Record<Operation, OperationStats>;
}

// Dispatching is bounded per timer callback so a huge backlog (after a pause) cannot starve the
// event loop that also has to read the responses.
const MAX_DISPATCH_PER_TICK = 2000;

export class LoadGenerator {
  readonly options: LoadOptions;
  private readonly baseUrl: URL;
  private readonly signal: AbortSignal | undefined;
  private readonly onResult: ((result: RequestResult) => void) | undefined;
  private client: ApiClient | null = null;
  private readonly stats = new LoadStats();
  private readonly inFlightAbort = new AbortController();
  private readonly churn: ConnectionChurn;
  private readonly runId = randomBytes(4).toString('hex');
  private readonly signUpPassword = randomBytes(18).toString('base64url');
  private users: LoadUser[] = [];
  private keys: string[] = [];
  private mix: OperationMix;
  private picker: WeightedPicker<Operation>;
  private zipf: ZipfSampler | null = null;
  private zipfExponent: number;
  private state: LoadState = 'idle';
  private stopReason: StopReason | null = null;
  private rate: number;
  private intervalMs = Infinity;
  private nextDueAt = Infinity;
  private startedAt = 0;
  private endAt = 0;
  private stoppedAt: number | null = null;
  private rateChangedAt = 0;
  private rateTimeIntegral = 0;
  private inFlight = 0;
  private signUpSeq = 0;
  private userCursor = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly finished: Promise<LoadReport>;
  private resolveFinished!: (report: LoadReport) => void;
  private drainWaiters: Array<() => void> = [];

  constructor(
    input: LoadOptionsInput,
    hooks: { signal?: AbortSignal; onResult?: (result: RequestResult) => void } = {},
  ) {
    this.options = parseLoadOptions(input);
    this.baseUrl = checkTarget(this.options.baseUrl, this.options.allowPublicTarget);
    this.rate = this.options.rate;
    this.mix = this.options.mix;
    this.picker = new WeightedPicker(this.mix);
    this.zipfExponent = this.options.zipfExponent;
    this.churn = new ConnectionChurn(this.options.clients);
    this.signal = hooks.signal;
    this.onResult = hooks.onResult;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** Signs up the load users, finds the keys, then starts the schedule. Resolves once running. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error('the load generator can only be started once');
    if (this.signal?.aborted) throw new Error('the load generator was aborted before it started');
    this.state = 'starting';
    this.client = new ApiClient(this.baseUrl, this.options.concurrency, this.options.requestTimeoutMs);
    try {
      this.users = await signUpUsers(
        this.client,
        this.runId,
        randomBytes(18).toString('base64url'),
        this.options.tokenUsers,
      );
      this.keys =
        this.options.keys ?? (await discoverKeys(this.client, this.users[0]!.token, this.options.maxKeys));
      if (this.keys.length === 0) this.keys = this.users.map((user) => user.userId);
      this.zipf = new ZipfSampler(this.keys.length, this.zipfExponent);
    } catch (error) {
      this.state = 'finished';
      this.stopReason = 'failed';
      await this.client.close();
      this.resolveFinished(this.report());
      throw error;
    }
    if (this.state !== 'starting') {
      // stop() was called while signing up: nothing to run.
      await this.client.close();
      return;
    }
    this.signal?.addEventListener('abort', () => void this.stop({ drain: false, reason: 'aborted' }), {
      once: true,
    });
    const now = performance.now();
    this.startedAt = now;
    this.rateChangedAt = now;
    this.endAt = now + this.options.durationSeconds * 1000;
    this.state = 'running';
    this.applyRate(this.rate, now);
    if (this.signal?.aborted) void this.stop({ drain: false, reason: 'aborted' });
    else this.schedule();
  }

  /** Resolves with the final report once the run has ended (duration, stop() or abort). */
  done(): Promise<LoadReport> {
    return this.finished;
  }

  /** Changes the rate while running; takes effect at once. */
  setRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 0 || rate > this.options.maxRate) {
      throw new LoadOptionsError(
        'rate',
        `must be between 0 and maxRate ${this.options.maxRate}, got ${rate}`,
      );
    }
    if (this.state !== 'running') {
      this.rate = rate;
      return;
    }
    this.applyRate(rate, performance.now());
    this.schedule();
  }

  setMix(patch: Partial<OperationMix>): void {
    const parsed = mixSchema.safeParse(patch);
    if (!parsed.success) throw zodToOptionsError(parsed.error, 'mix');
    const mix = mergeMix(this.mix, parsed.data);
    this.picker = new WeightedPicker(mix);
    this.mix = mix;
  }

  setZipfExponent(exponent: number): void {
    if (!Number.isFinite(exponent) || exponent < 0 || exponent > 5) {
      throw new LoadOptionsError('zipfExponent', `must be between 0 and 5, got ${exponent}`);
    }
    this.zipfExponent = exponent;
    if (this.zipf) this.zipf = new ZipfSampler(this.keys.length, exponent);
  }

  /**
   * Stops scheduling. With drain (default) in-flight requests may finish within the request
   * timeout; without it they are cut off and left out of the statistics.
   */
  async stop(options: { drain?: boolean; reason?: StopReason } = {}): Promise<LoadReport> {
    const reason = options.reason ?? 'stopped';
    if (this.state === 'idle' || this.state === 'starting') {
      this.stopReason ??= reason;
      this.state = 'finished';
      this.resolveFinished(this.report());
      return this.finished;
    }
    if (this.state === 'running') {
      const now = performance.now();
      this.rateTimeIntegral += this.rate * (now - this.rateChangedAt);
      this.stoppedAt = Math.min(now, this.endAt);
      this.stopReason = reason;
      this.state = 'draining';
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (options.drain === false) this.inFlightAbort.abort();
      await this.drain(options.drain === false ? 0 : this.options.requestTimeoutMs);
      this.inFlightAbort.abort();
      await this.client?.close();
      this.state = 'finished';
      this.resolveFinished(this.report());
    } else if (options.drain === false) {
      this.inFlightAbort.abort();
    }
    return this.finished;
  }

  report(): LoadReport {
    const now =
      this.stoppedAt ?? (this.state === 'running' ? Math.min(performance.now(), this.endAt) : this.startedAt);
    // Rounded to microseconds so a full run reports exactly its duration, not 1.5000000000000009.
    const elapsedMs = Math.round(Math.max(0, now - this.startedAt) * 1000) / 1000;
    const elapsedSeconds = elapsedMs / 1000;
    const integral =
      this.rateTimeIntegral +
      (this.state === 'running' ? this.rate * Math.max(0, now - this.rateChangedAt) : 0);
    const { stats } = this;
    const per = (count: number) => (elapsedSeconds > 0 ? count / elapsedSeconds : 0);
    const cacheTotal = stats.cacheHits + stats.cacheMisses;
    return {
      state: this.state,
      stopReason: this.stopReason,
      rate: this.rate,
      maxRate: this.options.maxRate,
      averageTargetRate: elapsedMs > 0 ? integral / elapsedMs : this.rate,
      concurrency: this.options.concurrency,
      clients: this.options.clients,
      connectionsOpened: this.client?.connectionsOpened ?? 0,
      mix: { ...this.mix },
      zipfExponent: this.zipfExponent,
      keySpace: this.keys.length,
      elapsedSeconds,
      scheduled: stats.scheduled,
      sent: stats.sent,
      dropped: stats.dropped,
      completed: stats.completed,
      ok: stats.ok,
      inFlight: this.inFlight,
      maxInFlight: stats.maxInFlight,
      achievedRate: per(stats.completed),
      sentRate: per(stats.sent),
      errors: {
        total: stats.errors,
        byKind: { ...stats.errorsByKind },
        byStatus: { ...stats.errorsByStatus },
      },
      latencyMs: stats.latencySummary(),
      serviceTimeMs: stats.serviceTimeSummary(),
      cache: {
        hits: stats.cacheHits,
        misses: stats.cacheMisses,
        hitRatio: cacheTotal ? stats.cacheHits / cacheTotal : null,
      },
      operations: stats.operations(),
    };
  }

  private applyRate(rate: number, now: number): void {
    this.rateTimeIntegral += this.rate * Math.max(0, now - this.rateChangedAt);
    this.rateChangedAt = now;
    const wasPaused = this.intervalMs === Infinity;
    this.rate = rate;
    this.intervalMs = rate > 0 ? 1000 / rate : Infinity;
    if (rate === 0) this.nextDueAt = Infinity;
    // A new rate starts now: do not wait out a long interval left over from a slow rate.
    else this.nextDueAt = wasPaused ? now : Math.min(this.nextDueAt, now + this.intervalMs);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    const wakeAt = Math.min(this.nextDueAt, this.endAt);
    this.timer = setTimeout(this.tick, Math.max(0, wakeAt - performance.now()));
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (this.state !== 'running') return;
    const now = performance.now();
    let budget = MAX_DISPATCH_PER_TICK;
    while (this.nextDueAt <= now && this.nextDueAt < this.endAt && budget-- > 0) {
      this.dispatch(this.nextDueAt);
      this.nextDueAt += this.intervalMs;
    }
    if (budget < 0) {
      // Backlog left over: continue right after the responses that are waiting get a turn.
      this.timer = setTimeout(this.tick, 0);
      return;
    }
    if (now >= this.endAt) {
      void this.stop({ reason: 'duration' });
      return;
    }
    this.schedule();
  };

  private dispatch(dueAt: number): void {
    this.stats.scheduled++;
    if (this.inFlight >= this.options.concurrency) {
      this.stats.dropped++;
      return;
    }
    this.inFlight++;
    if (this.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.inFlight;
    this.stats.sent++;
    void this.execute(this.picker.pick(), dueAt).finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    });
  }

  private async execute(operation: Operation, intendedAt: number): Promise<void> {
    const client = this.client!;
    const signal = this.inFlightAbort.signal;
    const closeConnection = this.churn.closeAfterNext(this.rate);
    const sentAt = performance.now();
    let status: number | null = null;
    let errorKind: RequestResult['errorKind'] = null;
    let cache: RequestResult['cache'] = null;
    try {
      const user = this.nextUser();
      switch (operation) {
        case 'getUser': {
          const key = this.keys[this.zipf!.next()]!;
          const response = await client.send({
            method: 'GET',
            path: `/users/${key}`,
            token: user.token,
            signal,
            closeConnection,
          });
          ({ status, cache } = response);
          break;
        }
        case 'listUsers':
          ({ status } = await client.send({
            method: 'GET',
            path: '/users?limit=20',
            token: user.token,
            signal,
            closeConnection,
          }));
          break;
        case 'signUp': {
          const seq = ++this.signUpSeq;
          const email = `loadgen-${this.runId}-s${seq}@${LOADGEN_EMAIL_DOMAIN}`;
          const json = { name: `Load sign-up ${seq}`, email, password: this.signUpPassword };
          ({ status } = await client.send({ method: 'POST', path: '/users', json, signal, closeConnection }));
          break;
        }
        case 'token': {
          const json = { email: user.email, password: user.password };
          const response = await client.send({
            method: 'POST',
            path: '/auth/token',
            json,
            readBody: true,
            signal,
            closeConnection,
          });
          status = response.status;
          const token =
            status === 200 ? (JSON.parse(response.body ?? '{}') as { token?: unknown }).token : null;
          // Replayed logins keep the read tokens fresh for long runs.
          if (typeof token === 'string') user.token = token;
          break;
        }
      }
      if (status < 200 || status >= 300) errorKind = 'http';
    } catch (error) {
      errorKind = classifyError(error);
    }
    const result: RequestResult = {
      operation,
      intendedAt,
      sentAt,
      finishedAt: performance.now(),
      status,
      errorKind,
      cache,
    };
    this.stats.record(result);
    this.onResult?.(result);
  }

  private nextUser(): LoadUser {
    const user = this.users[this.userCursor % this.users.length]!;
    this.userCursor++;
    return user;
  }

  private drain(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Runs one load to completion (duration, abort or error) and returns its report. */
export async function runLoad(
  input: LoadOptionsInput,
  hooks: { signal?: AbortSignal; onResult?: (result: RequestResult) => void } = {},
): Promise<LoadReport> {
  const generator = new LoadGenerator(input, hooks);
  await generator.start();
  return generator.done();
}

export const OPERATION_NAMES: Record<Operation, string> = {
  getUser: 'GET /users/:id',
  listUsers: 'GET /users?limit=20',
  signUp: 'POST /users',
  token: 'POST /auth/token',
};
