import { z } from 'zod';
import type { OperationsService } from '../../services/operations.js';
import type { ApiRoute } from '../routes.js';
import { validate } from '../validation.js';
import { failureId, flowName, limit } from './params.js';

const runsQuery = z.strictObject({ flow: flowName.optional(), limit: limit(500, 50) });
const failuresQuery = z.strictObject({
  flow: flowName.optional(),
  status: z
    .enum(['active', 'open', 'retrying', 'resolved', 'skipped'], {
      error: 'must be active, open, retrying, resolved or skipped',
    })
    .default('active'),
  limit: limit(500, 100),
});
const failurePath = z.strictObject({ id: failureId });
const flowPath = z.strictObject({ flow: flowName });

/** Operations routes: runs, the failure queue, manual runs. */
export function syncRoutes(services: { operations: OperationsService }): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/sync/runs',
      async handler(req, res) {
        res.json({ runs: await services.operations.runs(validate(runsQuery, req.query, 'query')) });
      },
    },
    {
      method: 'get',
      path: '/sync/failures',
      async handler(req, res) {
        res.json({ failures: await services.operations.failures(validate(failuresQuery, req.query, 'query')) });
      },
    },
    {
      method: 'post',
      path: '/sync/failures/{id}/retry',
      async handler(req, res) {
        const { id } = validate(failurePath, req.params, 'path');
        res.json(await services.operations.retryFailure(id));
      },
    },
    {
      method: 'post',
      path: '/sync/failures/{id}/skip',
      async handler(req, res) {
        const { id } = validate(failurePath, req.params, 'path');
        res.json(await services.operations.skipFailure(id));
      },
    },
    {
      method: 'post',
      path: '/sync/flows/{flow}/run',
      async handler(req, res) {
        const { flow } = validate(flowPath, req.params, 'path');
        res.json(await services.operations.runFlow(flow));
      },
    },
  ];
}
