import type { Router } from 'express';
import { routerFor, type ApiOperation, type ApiServices } from './routes.js';
import { customerOperations } from './routes/customers.js';
import { itemOperations } from './routes/items.js';
import { orderOperations } from './routes/orders.js';
import { syncOperations } from './routes/sync.js';

export type { ApiServices };

/** Every operation of `/api/v1`, in the order the OpenAPI document lists them. */
export const apiOperations: readonly ApiOperation[] = [
  ...customerOperations,
  ...orderOperations,
  ...itemOperations,
  ...syncOperations,
];

/** The router mounted at `/api/v1`. */
export function apiRouter(services: ApiServices): Router {
  return routerFor(apiOperations, services, '/api/v1');
}
