import { z } from 'zod';
import type { ItemsService } from '../../services/items.js';
import type { ApiRoute } from '../routes.js';
import { validate } from '../validation.js';
import { itemNumber } from './params.js';

const itemPath = z.strictObject({ itemNumber });

/** Item routes: live stock and prices. */
export function itemRoutes(services: { items: ItemsService }): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/items/{itemNumber}/availability',
      async handler(req, res) {
        const { itemNumber: number } = validate(itemPath, req.params, 'path');
        res.json(await services.items.availability(number));
      },
    },
  ];
}
