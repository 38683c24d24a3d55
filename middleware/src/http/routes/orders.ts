import { z } from 'zod';
import type { OrderPushService } from '../../services/orderPush.js';
import { HttpError } from '../errors.js';
import type { ApiRoute } from '../routes.js';
import { validate } from '../validation.js';
import { jsonObject, opportunityId } from './params.js';

const pushBody = jsonObject({ opportunityId }, '{"opportunityId": "006…"}');
const orderPath = z.strictObject({ opportunityId });

/** Order routes: push an opportunity to Sage 300 (at most once) and read its ledger entry. */
export function orderRoutes(services: { orders: OrderPushService }): ApiRoute[] {
  return [
    {
      method: 'post',
      path: '/orders',
      async handler(req, res) {
        const body = validate(pushBody, req.body, 'body');
        const { result, created } = await services.orders.push(body.opportunityId);
        res.status(created ? 201 : 200).json(result);
      },
    },
    {
      method: 'get',
      path: '/orders/{opportunityId}',
      async handler(req, res) {
        const { opportunityId: id } = validate(orderPath, req.params, 'path');
        const entry = await services.orders.entry(id, { withSageOrder: true });
        if (!entry) {
          throw new HttpError(404, 'ORDER_NOT_FOUND', `Opportunity ${id} has not been pushed to Sage 300`, {
            opportunityId: id,
          });
        }
        res.json(entry);
      },
    },
  ];
}
