import { z } from 'zod';
import { orderLedgerViewSchema, orderPushResultSchema } from '../../services/orderPush.js';
import { HttpError } from '../errors.js';
import { anyRoute, operation, upstream } from '../routes.js';
import { jsonObject, opportunityId } from './params.js';

/** The body of `POST /orders`. */
export const pushBody = jsonObject({ opportunityId }, '{"opportunityId": "006…"}');
const orderPath = z.strictObject({ opportunityId });

/** Order operations: push an opportunity to Sage 300 (at most once) and read its ledger entry. */
export const orderOperations = [
  operation({
    method: 'post',
    path: '/orders',
    operationId: 'pushOrder',
    summary: 'Push a Closed Won opportunity to Sage 300 as a sales order, at most once',
    description:
      'Reads the opportunity, its lines and account; ensures the customer; checks credit by policy; creates the ' +
      'order once (replays answer the first result with `replayed: true`); writes the order number back.',
    request: { body: pushBody },
    responses: {
      200: { description: 'The order existed already (replay)', schema: orderPushResultSchema },
      201: { description: 'The order was created now', schema: orderPushResultSchema },
    },
    errors: ['400', '404', '409', '413', '415', '422', ...anyRoute, ...upstream],
    async handle({ body }, services) {
      const { result, created } = await services.orders.push(body.opportunityId);
      return { status: created ? 201 : 200, body: result };
    },
  }),
  operation({
    method: 'get',
    path: '/orders/{opportunityId}',
    operationId: 'getOrder',
    summary: 'The ledger entry of an opportunity and its Sage order',
    request: { path: orderPath },
    responses: { 200: { description: 'The entry', schema: orderLedgerViewSchema } },
    errors: ['400', '404', ...anyRoute, ...upstream],
    async handle({ path }, services) {
      const id = path.opportunityId;
      const entry = await services.orders.entry(id, { withSageOrder: true });
      if (!entry) {
        throw new HttpError(404, 'ORDER_NOT_FOUND', `Opportunity ${id} has not been pushed to Sage 300`, {
          opportunityId: id,
        });
      }
      return { status: 200, body: entry };
    },
  }),
];
