import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { errorHandler, notFoundHandler } from './errors.js';
import { requestId } from './request-id.js';

export interface AppOptions {
  /** Largest JSON body accepted, in express's size notation. */
  bodyLimit?: string;
  /** Routers mounted under their path, after the common middleware. */
  routes?: { path: string; router: Router }[];
  /** Receives errors that became a 500. */
  logError?: (err: unknown) => void;
}

/** Builds the middleware's Express application: security headers, request ids, JSON bodies, health, error envelope. */
export function createApp(options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet());
  app.use(requestId);
  app.use(express.json({ limit: options.bodyLimit ?? '100kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  for (const { path, router } of options.routes ?? []) app.use(path, router);

  app.use(notFoundHandler);
  app.use(errorHandler(options.logError));
  return app;
}
