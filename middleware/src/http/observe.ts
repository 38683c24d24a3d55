import type { RequestHandler } from 'express';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

declare module 'express-serve-static-core' {
  interface Locals {
    /** The route pattern that answered (`/api/v1/orders/{opportunityId}`), for metrics and logs. */
    route?: string;
  }
}

/**
 * Counts and times every answer by route pattern (never the raw path, so ids do not explode the label set) and logs
 * one line per request. Headers are not logged at all; the API key appears only as its fingerprint (`keyId`).
 */
export function observeRequests(options: { logger?: Logger; metrics?: Metrics }): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = res.locals.route ?? (res.statusCode === 401 ? 'unauthenticated' : 'unmatched');
      const labels = { method: req.method, route, status: String(res.statusCode) };
      options.metrics?.httpRequests.inc(labels);
      options.metrics?.httpDuration.observe(labels, seconds);
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      options.logger?.[level](
        {
          requestId: req.id,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
          ...(req.apiKeyId ? { keyId: req.apiKeyId } : {}),
        },
        'request',
      );
    });
    next();
  };
}
