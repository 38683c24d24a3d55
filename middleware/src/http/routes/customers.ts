import { z } from 'zod';
import type { CustomerProvisioning } from '../../services/customerProvisioning.js';
import type { FinancialsService } from '../../services/financials.js';
import type { ApiRoute } from '../routes.js';
import { validate } from '../validation.js';
import { accountId, customerNumber, jsonObject, limit } from './params.js';

const customerPath = z.strictObject({ customerNumber });
const financialsQuery = z.strictObject({
  fresh: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});
const invoicesQuery = z.strictObject({
  status: z.enum(['open', 'all'], { error: 'must be open or all' }).default('open'),
  limit: limit(1000, 100),
});
const provisionBody = jsonObject({ accountId }, '{"accountId": "001…"}');

/** Customer routes: live financials, documents, and provisioning from a Salesforce account. */
export function customerRoutes(services: {
  financials: FinancialsService;
  provisioning: CustomerProvisioning;
}): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/customers/{customerNumber}/financials',
      async handler(req, res) {
        const { customerNumber: number } = validate(customerPath, req.params, 'path');
        const { fresh } = validate(financialsQuery, req.query, 'query');
        res.json(await services.financials.financials(number, { fresh: fresh === 'true' }));
      },
    },
    {
      method: 'get',
      path: '/customers/{customerNumber}/invoices',
      async handler(req, res) {
        const { customerNumber: number } = validate(customerPath, req.params, 'path');
        const query = validate(invoicesQuery, req.query, 'query');
        res.json(await services.financials.invoices(number, query));
      },
    },
    {
      method: 'post',
      path: '/customers',
      async handler(req, res) {
        const body = validate(provisionBody, req.body, 'body');
        const result = await services.provisioning.provision(body.accountId);
        res.status(result.outcome === 'created' ? 201 : 200).json(result);
      },
    },
  ];
}
