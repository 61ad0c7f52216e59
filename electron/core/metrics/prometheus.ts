// A small typed client for Prometheus' HTTP API (instant and range queries), validating what comes
// back so a proxy's HTML error page or a changed API shows up as a clear error, not as NaN charts.
import { z } from 'zod';

const sample = z.tuple([z.number(), z.string()]);
const vectorResult = z.array(z.object({ metric: z.record(z.string(), z.string()), value: sample }));
const matrixResult = z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sample) }));
const response = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({ resultType: z.string(), result: z.unknown() }),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);

export interface LabeledSeries {
  labels: Record<string, string>;
  points: { t: number; v: number | null }[];
}

export class PrometheusError extends Error {
  readonly promql: string;
  constructor(message: string, promql: string) {
    super(message);
    this.name = 'PrometheusError';
    this.promql = promql;
  }
}

/** Prometheus encodes samples as strings; NaN and ±Inf (e.g. a ratio over zero traffic) become gaps. */
function toValue(raw: string): number | null {
  const v = Number(raw);
  return Number.isFinite(v) ? v : null;
}

export class PrometheusClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, options: { timeoutMs?: number } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  async query(promql: string, time: number = Date.now()): Promise<LabeledSeries[]> {
    const data = await this.get('/api/v1/query', { query: promql, time: String(time / 1000) }, promql);
    const parsed = vectorResult.safeParse(data);
    if (!parsed.success) throw new PrometheusError(`expected a vector result for ${promql}`, promql);
    return parsed.data.map((r) => ({
      labels: r.metric,
      points: [{ t: Math.round(r.value[0] * 1000), v: toValue(r.value[1]) }],
    }));
  }

  async queryRange(promql: string, start: number, end: number, stepMs: number): Promise<LabeledSeries[]> {
    const params = {
      query: promql,
      start: String(start / 1000),
      end: String(end / 1000),
      step: String(Math.max(stepMs, 1) / 1000),
    };
    const data = await this.get('/api/v1/query_range', params, promql);
    const parsed = matrixResult.safeParse(data);
    if (!parsed.success) throw new PrometheusError(`expected a matrix result for ${promql}`, promql);
    return parsed.data.map((r) => ({
      labels: r.metric,
      points: r.values.map(([t, v]) => ({ t: Math.round(t * 1000), v: toValue(v) })),
    }));
  }

  /** True once Prometheus answers /-/ready (it is up and has loaded its configuration). */
  async ready(): Promise<boolean> {
    try {
      const res = await fetch(`${this.baseUrl}/-/ready`, { signal: AbortSignal.timeout(this.timeoutMs) });
      return res.ok;
    } catch {
      return false;
    }
  }

  private async get(path: string, params: Record<string, string>, promql: string): Promise<unknown> {
    const url = `${this.baseUrl}${path}?${new URLSearchParams(params)}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new PrometheusError(
        `Prometheus at ${this.baseUrl} did not answer (${(err as Error).message}); is the stack running?`,
        promql,
      );
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new PrometheusError(`Prometheus at ${this.baseUrl} answered ${res.status} without JSON`, promql);
    }
    const parsed = response.safeParse(body);
    if (!parsed.success)
      throw new PrometheusError(`unexpected answer from Prometheus at ${this.baseUrl}`, promql);
    if (parsed.data.status === 'error') {
      throw new PrometheusError(
        `Prometheus rejected the query (${parsed.data.errorType}): ${parsed.data.error}`,
        promql,
      );
    }
    return parsed.data.data.result;
  }
}
