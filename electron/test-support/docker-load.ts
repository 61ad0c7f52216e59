/**
 * A tiny bounded load loop for the Docker target's tests (the real load generator is
 * electron/core/loadgen). Only for URLs on 127.0.0.1: a fixed number of workers, each sending
 * one request at a time, stopping at maxRequests or maxDurationMs, whichever comes first.
 */
export interface LoadOptions {
  url: string;
  concurrency?: number;
  method?: 'GET' | 'POST';
  body?: unknown;
  maxRequests?: number;
  maxDurationMs?: number;
  /** Statuses that count as success besides 2xx (e.g. 401 for wrong-password logins). */
  okStatuses?: number[];
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  failures: string[];
  replicas: Map<string, number>;
}

export interface Load {
  result: LoadResult;
  /** Resolves when the bounds (maxRequests, maxDurationMs) are reached. */
  finished: Promise<LoadResult>;
  /** Stops early and resolves once in-flight requests are done. */
  stop: () => Promise<LoadResult>;
}

export function startLoad(options: LoadOptions): Load {
  const target = new URL(options.url);
  if (target.hostname !== '127.0.0.1')
    throw new Error(`test load only goes to 127.0.0.1, not ${target.hostname}`);
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, failures: [], replicas: new Map() };
  const maxRequests = options.maxRequests ?? 100_000;
  const deadline = Date.now() + (options.maxDurationMs ?? 120_000);
  const okStatuses = new Set(options.okStatuses ?? []);
  let stopped = false;

  const worker = async () => {
    while (!stopped && result.sent < maxRequests && Date.now() < deadline) {
      result.sent += 1;
      try {
        const response = await fetch(target, {
          method: options.method ?? 'GET',
          headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        const replica = response.headers.get('x-replica');
        if (replica) result.replicas.set(replica, (result.replicas.get(replica) ?? 0) + 1);
        if (response.ok || okStatuses.has(response.status)) result.ok += 1;
        else {
          result.failed += 1;
          if (result.failures.length < 20)
            result.failures.push(`HTTP ${response.status} from ${replica ?? 'the LB'}`);
        }
      } catch (error) {
        result.failed += 1;
        if (result.failures.length < 20) result.failures.push((error as Error).message);
      }
    }
  };
  const finished = Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker)).then(() => result);
  return {
    result,
    finished,
    stop: () => {
      stopped = true;
      return finished;
    },
  };
}
