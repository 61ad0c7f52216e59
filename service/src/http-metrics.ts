import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

/**
 * Counts and times every request, labelled by the route pattern that handled it (never the raw
 * path, which would give one series per user id) or "unmatched".
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    metrics.httpInFlight.inc();
    // 'close' follows 'finish' and also fires when the client goes away first.
    res.once('close', () => metrics.httpInFlight.dec());
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? req.baseUrl + pattern : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
    });
    next();
  };
}
