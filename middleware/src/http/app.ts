import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { bearerAuth } from './auth.js';
import { lateOutcomes, requestDeadline, type DeadlineSettings } from './deadline.js';
import { errorEnvelope, errorHandler, notFoundHandler } from './errors.js';
import { otherMethods } from './methods.js';
import { observeRequests } from './observe.js';
import { perKeyRateLimit } from './rate-limit.js';
import { requestId } from './request-id.js';

/** What `/healthz` answers. */
export const healthSchema = z.looseObject({ status: z.string() });

/** What `/readyz` answers: each dependency up or down (no error text, since the route is unauthenticated). */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not ready']),
  ready: z.boolean(),
  checks: z.record(z.string(), z.enum(['up', 'down'])),
  paused: z
    .record(z.string(), z.iso.datetime())
    .optional()
    .describe('Sync flows paused because an API allowance is spent, each with when it runs again'),
  unreachableSince: z
    .record(z.string(), z.iso.datetime())
    .optional()
    .describe(
      'Systems that stopped answering (sage300), each with since when; meanwhile requests to it are turned away at ' +
        'once and one probe per interval asks it again',
    ),
});

/** What the readiness check reports. */
export type Readiness = Omit<z.infer<typeof readinessSchema>, 'status'>;

export interface AppOptions {
  /** Largest JSON body accepted, in express's size notation. */
  bodyLimit?: string;
  /** Routers mounted under their path, after the common middleware, without authentication. */
  routes?: { path: string; router: Router }[];
  /** The authenticated API: routers mounted under `/api/v1` behind bearer keys and the per-key rate limit. */
  api?: {
    keys: readonly string[];
    router: Router;
    /** Requests per minute per key. */
    rateLimitPerMinute?: number;
    /** The OpenAPI document, served unauthenticated at `/api/v1/openapi.json`. */
    openapi?: object;
    /** How long API requests may take before they are answered 504 (default 25 s for all). */
    deadlines?: DeadlineSettings;
  };
  /** Answers `/readyz`; without it readiness equals liveness. */
  readiness?: () => Promise<Readiness>;
  /** Served at `/metrics` (behind the API keys when `api` is given). */
  metrics?: Metrics;
  logger?: Logger;
  /** Receives errors that became a 5xx. */
  logError?: (err: unknown) => void;
}

/**
 * Builds the middleware's Express application: security headers, request ids, request metrics and logs, health and
 * readiness, the authenticated and rate-limited API with JSON bodies up to the limit, and the error envelope.
 */
export function createApp(options: AppOptions = {}): Express {
  const app = express();
  const json = express.json({ limit: options.bodyLimit ?? '100kb', strict: true });
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(requestId);
  app.use(observeRequests({ logger: options.logger, metrics: options.metrics }));

  app
    .route('/healthz')
    .get((_req, res) => {
      res.locals.route = '/healthz';
      res.json({ status: 'ok' });
    })
    .all(otherMethods(['GET']));
  app
    .route('/readyz')
    .get(async (_req, res) => {
      res.locals.route = '/readyz';
      const readiness = options.readiness ? await options.readiness() : { ready: true, checks: {} };
      res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'not ready', ...readiness });
    })
    .all(otherMethods(['GET']));

  const api = options.api;
  const auth = api ? bearerAuth(api.keys) : undefined;
  if (options.metrics) {
    const registry = options.metrics.registry;
    app
      .route('/metrics')
      .get(...(auth ? [auth] : []), async (_req, res) => {
        res.locals.route = '/metrics';
        res.setHeader('Content-Type', registry.contentType);
        res.send(await registry.metrics());
      })
      .all(otherMethods(['GET']));
  }
  if (api && auth) {
    if (api.openapi) {
      const document = api.openapi;
      app
        .route('/api/v1/openapi.json')
        .get((_req, res) => {
          res.locals.route = '/api/v1/openapi.json';
          res.json(document);
        })
        .all(otherMethods(['GET']));
    }
    // Authentication comes before body parsing, so an unauthenticated caller cannot make the service read a body.
    // The deadline starts once the body is read, and the handlers run under it.
    app.use(
      '/api/v1',
      auth,
      perKeyRateLimit(api.rateLimitPerMinute ?? 600),
      json,
      requireJsonBody,
      requestDeadline(api.deadlines ?? { defaultMs: 25_000 }),
      api.router,
    );
  }
  for (const { path, router } of options.routes ?? []) app.use(path, json, router);

  app.use(notFoundHandler);
  app.use(lateOutcomes(options.logError));
  app.use(errorHandler(options.logError));
  return app;
}

/** A POST with a body must say it is JSON; anything else would silently arrive as an empty body. */
const requireJsonBody: express.RequestHandler = (req, res, next) => {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (req.method === 'POST' && hasBody && !req.is('application/json')) {
    res.status(415).json(errorEnvelope('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json'));
    return;
  }
  next();
};
