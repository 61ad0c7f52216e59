import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

interface Series {
  count: { inc(): void };
  duration: { observe(seconds: number): void };
}

/**
 * Counts and times every request, labelled by the route pattern that handled it (never the raw
 * path, which would give one series per user id) or "unmatched".
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  // Resolving label values to a series hashes them on every call; the set of (method, route,
  // status) is small and bounded (routes are patterns), so resolve each once.
  const series = new Map<string, Series>();
  const seriesFor = (method: string, route: string, status: string): Series => {
    const key = `${method} ${route} ${status}`;
    let found = series.get(key);
    if (!found) {
      const labels = { method, route, status };
      found = { count: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
      series.set(key, found);
    }
    return found;
  };

  return (req, res, next) => {
    const start = process.hrtime.bigint();
    metrics.httpInFlight.inc();
    // 'close' follows 'finish' and also fires when the client goes away first.
    res.once('close', () => metrics.httpInFlight.dec());
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? req.baseUrl + pattern : 'unmatched';
      const s = seriesFor(req.method, route, String(res.statusCode));
      s.count.inc();
      s.duration.observe(seconds);
    });
    next();
  };
}
