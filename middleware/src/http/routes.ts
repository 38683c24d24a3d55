import { Router, type Request, type Response } from 'express';
import { otherMethods } from './methods.js';

/** One API operation: its method, its OpenAPI path template under `/api/v1`, and its handler. */
export interface ApiRoute {
  method: 'get' | 'post';
  /** As in the OpenAPI document: `/customers/{customerNumber}/financials`. */
  path: string;
  handler: (req: Request, res: Response) => Promise<void> | void;
}

/** The Express form of an OpenAPI path template (`{name}` becomes `:name`). */
export function expressPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Mounts routes on a router, recording each answer's route pattern for metrics and logs. Every route of the API goes
 * through here, which is what lets a test compare the routes with the OpenAPI document.
 */
export function routerFor(routes: readonly ApiRoute[], prefix: string): Router {
  const router = Router();
  for (const route of routes) {
    router[route.method](expressPath(route.path), async (req, res) => {
      res.locals.route = `${prefix}${route.path}`;
      await route.handler(req, res);
    });
  }
  for (const path of new Set(routes.map((route) => route.path))) {
    const methods = routes.filter((route) => route.path === path).map((route) => route.method);
    router.all(expressPath(path), otherMethods(methods));
  }
  return router;
}
