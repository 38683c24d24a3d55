import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The connector's Prometheus metrics, on a registry of their own so several apps can live in one process. */
export interface Metrics {
  registry: Registry;
  /** Finished HTTP requests by method, route pattern and status. */
  httpRequests: Counter<'method' | 'route' | 'status'>;
  /** HTTP request durations in seconds. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Requests the middleware made to Sage 300 or Salesforce, by system, operation and outcome. */
  externalCalls: Counter<'system' | 'operation' | 'outcome'>;
  /** Cache lookups by cache and result (hit, miss, coalesced). */
  cacheLookups: Counter<'cache' | 'result'>;
  /** Order pushes by outcome (created, replayed, blocked, rejected). */
  orderPushes: Counter<'outcome'>;
}

/** Creates the metrics; `defaults` adds Node's process metrics (off in tests to keep them quiet). */
export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'connector_http_requests_total',
      help: 'HTTP requests answered, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'connector_http_request_duration_seconds',
      help: 'HTTP request duration in seconds',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    externalCalls: new Counter({
      name: 'connector_external_calls_total',
      help: 'Calls to Sage 300 and Salesforce, by system, operation and outcome',
      labelNames: ['system', 'operation', 'outcome'],
      registers: [registry],
    }),
    cacheLookups: new Counter({
      name: 'connector_cache_lookups_total',
      help: 'Cache lookups by cache and result (hit, miss, coalesced)',
      labelNames: ['cache', 'result'],
      registers: [registry],
    }),
    orderPushes: new Counter({
      name: 'connector_order_pushes_total',
      help: 'Order pushes by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
