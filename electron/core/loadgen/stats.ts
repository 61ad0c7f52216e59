import * as hdr from 'hdr-histogram-js';
import { OPERATIONS, type Operation } from './options.ts';

/** Why a request did not get a 2xx: the HTTP status, or what went wrong before one arrived. */
export type ErrorKind = 'http' | 'timeout' | 'connection' | 'aborted' | 'other';

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface OperationStats {
  completed: number;
  ok: number;
  errors: number;
  latencyMs: LatencySummary;
}

export interface RequestResult {
  operation: Operation;
  /** performance.now() at which the schedule wanted the request sent */
  intendedAt: number;
  sentAt: number;
  finishedAt: number;
  status: number | null;
  errorKind: ErrorKind | null;
  cache: 'hit' | 'miss' | null;
}

// Microseconds from 1 us to one hour, 3 significant digits: 0.1 % error at any latency.
const newHistogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

function summarize(histogram: hdr.Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  if (histogram.totalCount === 0)
    return { count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: histogram.totalCount,
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
    mean: ms(histogram.mean),
  };
}

const toMicros = (ms: number) => Math.max(1, Math.round(ms * 1000));

/** Counters and histograms for one run. Latency is from the intended send time (no coordinated omission). */
export class LoadStats {
  scheduled = 0;
  sent = 0;
  dropped = 0;
  completed = 0;
  ok = 0;
  maxInFlight = 0;
  cacheHits = 0;
  cacheMisses = 0;
  readonly errorsByKind: Record<ErrorKind, number> = {
    http: 0,
    timeout: 0,
    connection: 0,
    aborted: 0,
    other: 0,
  };
  readonly errorsByStatus: Record<string, number> = {};
  private readonly latency = newHistogram();
  private readonly serviceTime = newHistogram();
  private readonly perOperation = new Map<
    Operation,
    { completed: number; ok: number; histogram: hdr.Histogram }
  >(OPERATIONS.map((op) => [op, { completed: 0, ok: 0, histogram: newHistogram() }]));

  record(result: RequestResult): void {
    // Requests cut off by stop() say nothing about the server; keep them out of the latency.
    if (result.errorKind === 'aborted') {
      this.errorsByKind.aborted++;
      return;
    }
    this.completed++;
    const op = this.perOperation.get(result.operation)!;
    op.completed++;
    const latencyUs = toMicros(result.finishedAt - result.intendedAt);
    this.latency.recordValue(latencyUs);
    this.serviceTime.recordValue(toMicros(result.finishedAt - result.sentAt));
    op.histogram.recordValue(latencyUs);
    if (result.cache === 'hit') this.cacheHits++;
    else if (result.cache === 'miss') this.cacheMisses++;
    if (result.errorKind === null) {
      this.ok++;
      op.ok++;
      return;
    }
    this.errorsByKind[result.errorKind]++;
    if (result.status !== null) {
      const key = String(result.status);
      this.errorsByStatus[key] = (this.errorsByStatus[key] ?? 0) + 1;
    }
  }

  get errors(): number {
    return this.completed - this.ok;
  }

  latencySummary(): LatencySummary {
    return summarize(this.latency);
  }

  serviceTimeSummary(): LatencySummary {
    return summarize(this.serviceTime);
  }

  operations(): Record<Operation, OperationStats> {
    const out = {} as Record<Operation, OperationStats>;
    for (const [op, stats] of this.perOperation) {
      out[op] = {
        completed: stats.completed,
        ok: stats.ok,
        errors: stats.completed - stats.ok,
        latencyMs: summarize(stats.histogram),
      };
    }
    return out;
  }
}
