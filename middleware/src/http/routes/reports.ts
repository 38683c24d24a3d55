import { z } from 'zod';
import { isMonth, monthsBetween } from '../../domain/reconciliation.js';
import { reconciliationCsv, revenueReconciliationSchema } from '../../services/revenue-report.js';
import { anyRoute, operation } from '../routes.js';
import { accountId } from './params.js';

/** The longest range the report answers, in months. */
export const MAX_REPORT_MONTHS = 36;

const month = (name: string) =>
  z
    .string({ error: `must be a month written YYYY-MM` })
    .refine(isMonth, `must be a month written YYYY-MM, such as 2026-03`)
    .describe(`The ${name} month of the report, YYYY-MM (inclusive)`);

const reconciliationQuery = z
  .strictObject({
    from: month('first'),
    to: month('last'),
    accountId: accountId.describe('Only this Salesforce Account (15 or 18 characters)').optional(),
    format: z
      .enum(['json', 'csv'], { error: 'must be json or csv' })
      .describe('csv answers text/csv (as `Accept: text/csv` does)')
      .optional(),
  })
  .superRefine((query, context) => {
    const months = monthsBetween(query.from, query.to);
    if (months === 0) {
      context.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${query.from})` });
    } else if (months > MAX_REPORT_MONTHS) {
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be at most ${MAX_REPORT_MONTHS} months after from (the range covers ${months})`,
      });
    }
  });

/** Reports the connector computes on a schedule and answers from its store. */
export const reportOperations = [
  operation({
    method: 'get',
    path: '/reports/revenue-reconciliation',
    operationId: 'getRevenueReconciliation',
    summary: 'Closed-won revenue against what Sage 300 ordered, invoiced and collected, per month and account',
    description:
      'Answers from the figures the revenueReconciliation flow last computed (`asOf`); `sage-sf run ' +
      'revenueReconciliation` recomputes them. JSON, or CSV (RFC 4180: a header row, one line per account and month) ' +
      'for `Accept: text/csv` or `format=csv`.',
    request: { query: reconciliationQuery },
    responses: { 200: { description: 'The reconciliation for the months', schema: revenueReconciliationSchema } },
    errors: ['400', ...anyRoute],
    alternatives: { 'text/csv': reconciliationCsv },
    async handle({ query }, services) {
      return {
        status: 200,
        body: await services.reports.reconciliation({
          from: query.from,
          to: query.to,
          ...(query.accountId ? { accountId: query.accountId } : {}),
        }),
      };
    },
  }),
];
