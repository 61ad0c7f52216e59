/**
 * The session's one load generator at a time: start (only ever at the stack's own load balancer),
 * change, stop, and the reports the UI's live numbers ride on.
 */
import type { ParsedInputOf, StackStatus, UiEvent } from './contract.ts';
import { ScaledeckError, ValidationError } from './errors.ts';
import { LoadGenerator, type LoadReport } from './loadgen.ts';

const LOAD_ACTIVE = new Set(['starting', 'running', 'draining']);

export interface SessionLoadHost {
  /** The stack's status once the engine answers (its load balancer is the generator's target). */
  status(): Promise<StackStatus>;
  emit(event: UiEvent): void;
  readonly maxLoadRps: number;
  isDisposed(): boolean;
}

export class SessionLoad {
  private load: LoadGenerator | null = null;
  /** True between load:start's call and the generator running: a target switch waits for nothing then. */
  private startingNow = false;

  private readonly host: SessionLoadHost;

  constructor(host: SessionLoadHost) {
    this.host = host;
  }

  get starting(): boolean {
    return this.startingNow;
  }

  report(): LoadReport | null {
    return this.load?.report() ?? null;
  }

  async start(input: ParsedInputOf<'load:start'>): Promise<LoadReport> {
    if (this.startingNow || this.isActive())
      throw new ScaledeckError(
        'LOAD_RUNNING',
        'a load is already running; stop it or change it with load:update',
      );
    this.startingNow = true;
    try {
      const status = await this.host.status();
      const baseUrl = status.endpoints.loadBalancer;
      if (status.phase === 'absent' || baseUrl === null)
        throw new ScaledeckError('NOT_DEPLOYED', `stack ${status.stack} is not deployed; deploy it first`);
      // The generator only ever gets the stack's own load balancer as its target.
      const generator = new LoadGenerator({
        baseUrl,
        rate: input.rps,
        maxRate: this.host.maxLoadRps,
        durationSeconds: input.durationSeconds,
        ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }),
        ...(input.mix === undefined ? {} : { mix: input.mix }),
        ...(input.zipfExponent === undefined ? {} : { zipfExponent: input.zipfExponent }),
        ...(input.clients === undefined ? {} : { clients: input.clients }),
      });
      this.load = generator;
      await generator.start();
      const report = generator.report();
      this.host.emit({ type: 'load', at: Date.now(), kind: 'started', report });
      void generator.done().then((final) => {
        if (!this.host.isDisposed())
          this.host.emit({ type: 'load', at: Date.now(), kind: 'stopped', report: final });
      });
      return report;
    } finally {
      this.startingNow = false;
    }
  }

  update(input: ParsedInputOf<'load:update'>): LoadReport {
    const load = this.active();
    if (input.rps === undefined && input.mix === undefined && input.zipfExponent === undefined)
      throw new ValidationError('rps', 'give at least one of rps, mix, zipfExponent');
    // Checked together first, so nothing is half-applied.
    if (input.mix !== undefined) {
      const merged = { ...load.report().mix, ...input.mix };
      if (Object.values(merged).every((weight) => weight === 0))
        throw new ValidationError('mix', 'at least one weight must be > 0');
    }
    if (input.rps !== undefined) load.setRate(input.rps);
    if (input.mix !== undefined) load.setMix(input.mix);
    if (input.zipfExponent !== undefined) load.setZipfExponent(input.zipfExponent);
    const report = load.report();
    this.host.emit({ type: 'load', at: Date.now(), kind: 'changed', report });
    return report;
  }

  stop(): Promise<LoadReport> {
    return this.active().stop();
  }

  /** Stops at once without draining (teardown, dispose); the report stays readable. */
  async halt(): Promise<void> {
    await this.load?.stop({ drain: false });
  }

  /** A target switch: the generator aims at the old stack's load balancer, so it stops and goes. */
  async drop(): Promise<void> {
    if (this.isActive()) await this.load?.stop({ drain: false });
    this.load = null;
  }

  private isActive(): boolean {
    return this.load !== null && LOAD_ACTIVE.has(this.load.report().state);
  }

  private active(): LoadGenerator {
    if (this.load === null || !this.isActive())
      throw new ScaledeckError('NO_LOAD', 'no load is running; start one with load:start');
    return this.load;
  }
}
