import { z } from 'zod';
import { customerFinancialsSchema } from '../../domain/financials.js';
import { provisioningResultSchema } from '../../services/customerProvisioning.js';
import { invoiceListSchema } from '../../services/financials.js';
import { anyRoute, operation, upstream } from '../routes.js';
import { accountId, customerNumber, jsonObject, limit } from './params.js';

const customerPath = z.strictObject({ customerNumber });
const financialsQuery = z.strictObject({
  fresh: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});
const invoicesQuery = z.strictObject({
  status: z.enum(['open', 'all'], { error: 'must be open or all' }).default('open'),
  limit: limit(1000, 100),
});
/** The body of `POST /customers`. */
export const provisionBody = jsonObject({ accountId }, '{"accountId": "001…"}');

/** Customer operations: live financials, documents, and provisioning from a Salesforce account. */
export const customerOperations = [
  operation({
    method: 'get',
    path: '/customers/{customerNumber}/financials',
    operationId: 'getCustomerFinancials',
    summary: 'A customer’s live balance, credit, aging and last payment',
    description:
      'Read from Sage 300 and kept for the cache TTL (default 60 s); concurrent requests for one customer share ' +
      'one Sage read. `fresh=true` skips the cache.',
    request: { path: customerPath, query: financialsQuery },
    responses: { 200: { description: 'The figures', schema: customerFinancialsSchema } },
    errors: ['400', '404', ...anyRoute, ...upstream],
    async handle({ path, query }, services) {
      const body = await services.financials.financials(path.customerNumber, { fresh: query.fresh === 'true' });
      return { status: 200, body };
    },
  }),
  operation({
    method: 'get',
    path: '/customers/{customerNumber}/invoices',
    operationId: 'listCustomerInvoices',
    summary: 'A customer’s A/R documents with balance, due date and days overdue, oldest due first',
    request: { path: customerPath, query: invoicesQuery },
    responses: { 200: { description: 'The documents', schema: invoiceListSchema } },
    errors: ['400', '404', ...anyRoute, ...upstream],
    async handle({ path, query }, services) {
      return { status: 200, body: await services.financials.invoices(path.customerNumber, query) };
    },
  }),
  operation({
    method: 'post',
    path: '/customers',
    operationId: 'provisionCustomer',
    summary: 'Create or match the Sage 300 customer of a Salesforce account; the number is written to the account',
    request: { body: provisionBody },
    responses: {
      200: {
        description: 'The account was already linked, or matched to an existing customer',
        schema: provisioningResultSchema,
      },
      201: { description: 'A new Sage customer was created', schema: provisioningResultSchema },
    },
    errors: ['400', '404', '413', '415', '422', ...anyRoute, ...upstream],
    async handle({ body }, services) {
      const result = await services.provisioning.provision(body.accountId);
      return { status: result.outcome === 'created' ? 201 : 200, body: result };
    },
  }),
];
