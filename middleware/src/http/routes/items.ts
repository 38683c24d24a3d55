import { z } from 'zod';
import { itemAvailabilitySchema } from '../../services/items.js';
import { anyRoute, operation, upstream } from '../routes.js';
import { itemNumber } from './params.js';

const itemPath = z.strictObject({ itemNumber });

/** Item operations: live stock and prices. */
export const itemOperations = [
  operation({
    method: 'get',
    path: '/items/{itemNumber}/availability',
    operationId: 'getItemAvailability',
    summary: 'Stock on hand, available and on order, and the item’s price per price list',
    request: { path: itemPath },
    responses: { 200: { description: 'Stock and prices', schema: itemAvailabilitySchema } },
    errors: ['400', '404', ...anyRoute, ...upstream],
    async handle({ path }, services) {
      return { status: 200, body: await services.items.availability(path.itemNumber) };
    },
  }),
];
