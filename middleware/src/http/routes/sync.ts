import { z } from 'zod';
import {
  conflictViewSchema,
  failureActionSchema,
  failureViewSchema,
  flowRunSchema,
  flowViewSchema,
  runViewSchema,
} from '../../services/operations.js';
import { NOTICE_QUEUE } from '../../notify/notifier.js';
import { ORDER_WRITE_BACK_QUEUE } from '../../services/orderWriteBack.js';
import { anyRoute, operation, upstream } from '../routes.js';
import { failureId, flowName, limit } from './params.js';

/** The answer of `GET /sync/flows`. */
export const flowListSchema = z.object({ flows: z.array(flowViewSchema) });
/** The answer of `GET /sync/runs`. */
export const runListSchema = z.object({ runs: z.array(runViewSchema) });
/** The answer of `GET /sync/failures`. */
export const failureListSchema = z.object({ failures: z.array(failureViewSchema) });

/** The answer of `GET /sync/conflicts`. */
export const conflictListSchema = z.object({ conflicts: z.array(conflictViewSchema) });

const failurePath = z.strictObject({ id: failureId });

/**
 * Operations on the sync: its flows, runs, the failure queue, manual runs. Given the registered flows' names, a flow
 * named in a path or query must be one of them (the document lists them); order write-backs wait in the failure queue
 * under their own name.
 */
export function syncOperations(options: { flowNames?: readonly string[] } = {}) {
  const flow = flowName(options.flowNames);
  const queue = flowName(
    options.flowNames && [...new Set([...options.flowNames, ORDER_WRITE_BACK_QUEUE, NOTICE_QUEUE])],
    'the failure queues',
  );
  const runsQuery = z.strictObject({ flow: flow.optional(), limit: limit(500, 50) });
  const failuresQuery = z.strictObject({
    flow: queue.optional(),
    status: z
      .enum(['active', 'open', 'retrying', 'resolved', 'skipped'], {
        error: 'must be active, open, retrying, resolved or skipped',
      })
      .default('active'),
    limit: limit(500, 100),
  });
  const flowPath = z.strictObject({ flow });
  const conflictsQuery = z.strictObject({ flow: flow.optional(), limit: limit(500, 100) });

  return [
    operation({
      method: 'get',
      path: '/sync/flows',
      operationId: 'listFlows',
      summary: 'Every sync flow with its schedule, next run, whether it runs or is paused, its last run and failures',
      request: { query: z.strictObject({}) },
      responses: { 200: { description: 'The flows, in the order of the flow registry', schema: flowListSchema } },
      errors: ['400', ...anyRoute, '503'],
      async handle(_request, services) {
        return { status: 200, body: { flows: await services.operations.flows() } };
      },
    }),
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
      path: '/sync/conflicts',
      operationId: 'listConflicts',
      summary:
        'Fields both systems changed since the last sync of a two-way flow: the master won on both sides; the losing value is kept here. Newest first',
      request: { query: conflictsQuery },
      responses: { 200: { description: 'The conflicts', schema: conflictListSchema } },
      errors: ['400', ...anyRoute],
      async handle({ query }, services) {
        return { status: 200, body: { conflicts: await services.operations.conflicts(query) } };
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
      // Without the flows' names, the runtime is what refuses a flow it does not know (404 `UNKNOWN_FLOW`).
      errors: ['400', ...(options.flowNames ? [] : ['404' as const]), '409', ...anyRoute, '503'],
      async handle({ path }, services) {
        return { status: 200, body: await services.operations.runFlow(path.flow) };
      },
    }),
  ];
}
