import { z } from 'zod';
import { failureActionSchema, failureViewSchema, flowRunSchema, runViewSchema } from '../../services/operations.js';
import { anyRoute, operation, upstream } from '../routes.js';
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

/** The answer of `GET /sync/runs`. */
export const runListSchema = z.object({ runs: z.array(runViewSchema) });
/** The answer of `GET /sync/failures`. */
export const failureListSchema = z.object({ failures: z.array(failureViewSchema) });

/** Operations on the sync: runs, the failure queue, manual runs. */
export const syncOperations = [
  operation({
    method: 'get',
    path: '/sync/runs',
    operationId: 'listRuns',
    summary: 'Recent sync runs with their counts, newest first',
    request: { query: runsQuery },
    responses: { 200: { description: 'The runs', schema: runListSchema } },
    errors: ['400', ...anyRoute],
    async handle({ query }, services) {
      return { status: 200, body: { runs: await services.operations.runs(query) } };
    },
  }),
  operation({
    method: 'get',
    path: '/sync/failures',
    operationId: 'listFailures',
    summary: 'Records the sync could not write, with their reason',
    request: { query: failuresQuery },
    responses: { 200: { description: 'The failures', schema: failureListSchema } },
    errors: ['400', ...anyRoute],
    async handle({ query }, services) {
      return { status: 200, body: { failures: await services.operations.failures(query) } };
    },
  }),
  operation({
    method: 'post',
    path: '/sync/failures/{id}/retry',
    operationId: 'retryFailure',
    summary: 'Queue a failed record for an immediate retry',
    request: { path: failurePath },
    responses: { 200: { description: 'Queued', schema: failureActionSchema } },
    errors: ['400', '404', '409', ...anyRoute, ...upstream],
    async handle({ path }, services) {
      return { status: 200, body: await services.operations.retryFailure(path.id) };
    },
  }),
  operation({
    method: 'post',
    path: '/sync/failures/{id}/skip',
    operationId: 'skipFailure',
    summary: 'Give up on a failed record',
    request: { path: failurePath },
    responses: { 200: { description: 'Skipped', schema: failureActionSchema } },
    errors: ['400', '404', '409', ...anyRoute, ...upstream],
    async handle({ path }, services) {
      return { status: 200, body: await services.operations.skipFailure(path.id) };
    },
  }),
  operation({
    method: 'post',
    path: '/sync/flows/{flow}/run',
    operationId: 'runFlow',
    summary: 'Run a sync flow now and answer its run',
    request: { path: flowPath },
    responses: { 200: { description: 'The run', schema: flowRunSchema } },
    errors: ['400', '404', '409', ...anyRoute, '503'],
    async handle({ path }, services) {
      return { status: 200, body: await services.operations.runFlow(path.flow) };
    },
  }),
];
