import type { Router } from 'express';
import { routerFor, type ApiOperation, type ApiServices } from './routes.js';
import { customerOperations } from './routes/customers.js';
import { itemOperations } from './routes/items.js';
import { orderOperations } from './routes/orders.js';
import { reportOperations } from './routes/reports.js';
import { syncOperations } from './routes/sync.js';

export type { ApiServices };

/** What the process tells the API about itself; the same options build its router and its OpenAPI document. */
export interface ApiOptions {
  /**
   * The names of the sync flows the process runs (its flow registry's): a flow named in a request must be one of
   * them, and the document lists them. Without them, any name of a flow's form passes validation.
   */
  flowNames?: readonly string[];
}

/** Every operation of `/api/v1`, in the order the OpenAPI document lists them. */
export function apiOperations(options: ApiOptions = {}): readonly ApiOperation[] {
  return [
    ...customerOperations,
    ...orderOperations,
    ...itemOperations,
    ...syncOperations(options),
    ...reportOperations,
  ];
}

/** The router mounted at `/api/v1`. */
export function apiRouter(services: ApiServices, options: ApiOptions = {}): Router {
  return routerFor(apiOperations(options), services, '/api/v1');
}
