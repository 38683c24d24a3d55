import type { Router } from 'express';
import type { CustomerProvisioning } from '../services/customerProvisioning.js';
import type { FinancialsService } from '../services/financials.js';
import type { ItemsService } from '../services/items.js';
import type { OperationsService } from '../services/operations.js';
import type { OrderPushService } from '../services/orderPush.js';
import type { ApiRoute } from './routes.js';
import { routerFor } from './routes.js';
import { customerRoutes } from './routes/customers.js';
import { itemRoutes } from './routes/items.js';
import { orderRoutes } from './routes/orders.js';
import { syncRoutes } from './routes/sync.js';

/** The services behind the API. */
export interface ApiServices {
  financials: FinancialsService;
  provisioning: CustomerProvisioning;
  orders: OrderPushService;
  items: ItemsService;
  operations: OperationsService;
}

/** Every route of `/api/v1` (the OpenAPI document must describe exactly these, plus the document itself). */
export function apiRoutes(services: ApiServices): ApiRoute[] {
  return [...customerRoutes(services), ...orderRoutes(services), ...itemRoutes(services), ...syncRoutes(services)];
}

/** The router mounted at `/api/v1`. */
export function apiRouter(services: ApiServices): Router {
  return routerFor(apiRoutes(services), '/api/v1');
}
