import { z } from 'zod';
import { orderKindSchema, orderLedgerViewSchema, orderPushResultSchema } from '../../services/orderPush.js';
import { HttpError } from '../errors.js';
import { anyRoute, operation, upstream } from '../routes.js';
import { jsonObject, opportunityId } from './params.js';

/** What to push or read: the opportunity's sales order (default) or its quote. */
const kind = z
  .enum(['order', 'quote'], { error: 'must be order or quote' })
  .default('order')
  .describe(orderKindSchema.description ?? '');

/** The body of `POST /orders`. */
export const pushBody = jsonObject({ opportunityId, kind }, '{"opportunityId": "006…", "kind": "quote"}');
const orderPath = z.strictObject({ opportunityId });
const orderQuery = z.strictObject({ kind });

/** Order operations: push an opportunity to Sage 300 (at most once) and read its ledger entry. */
export const orderOperations = [
  operation({
    method: 'post',
    path: '/orders',
    operationId: 'pushOrder',
    summary: 'Push an opportunity to Sage 300 as a sales order (Closed Won) or a quote (any stage), at most once each',
    description:
      'Reads the opportunity, its lines and account; ensures the customer; for an order, checks credit by policy; ' +
      'creates the order (`kind` order, the default) or the quote (`kind` quote) once (replays answer the first ' +
      'result with `replayed: true`); writes the order number, or the quote number, back. An opportunity has at ' +
      'most one quote and one order.',
    request: { body: pushBody },
    responses: {
      200: { description: 'The order (or quote) existed already (replay)', schema: orderPushResultSchema },
      201: { description: 'The order (or quote) was created now', schema: orderPushResultSchema },
    },
    errors: ['400', '404', '409', '413', '415', '422', ...anyRoute, ...upstream],
    async handle({ body }, services) {
      const { result, created } = await services.orders.push(body.opportunityId, { kind: body.kind });
      return { status: created ? 201 : 200, body: result };
    },
  }),
  operation({
    method: 'get',
    path: '/orders/{opportunityId}',
    operationId: 'getOrder',
    summary: 'The ledger entry of an opportunity and its Sage order (or, with `kind=quote`, its quote)',
    request: { path: orderPath, query: orderQuery },
    responses: { 200: { description: 'The entry', schema: orderLedgerViewSchema } },
    errors: ['400', '404', ...anyRoute, ...upstream],
    async handle({ path, query }, services) {
      const id = path.opportunityId;
      const entry = await services.orders.entry(id, { withSageOrder: true, kind: query.kind });
      if (!entry) {
        const what = query.kind === 'quote' ? 'sent to Sage 300 as a quote' : 'pushed to Sage 300';
        throw new HttpError(404, 'ORDER_NOT_FOUND', `Opportunity ${id} has not been ${what}`, {
          opportunityId: id,
          kind: query.kind,
        });
      }
      return { status: 200, body: entry };
    },
  }),
];
