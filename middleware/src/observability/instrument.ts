import { ConnectorError } from '../domain/errors.js';
import type { SageRequestInfo } from '../sage300/transport.js';
import type { SalesforceClient } from '../salesforce/client.js';
import type { Metrics } from './metrics.js';

function outcome(error: unknown): string {
  return error instanceof ConnectorError ? error.kind : 'error';
}

/**
 * The Sage transport's `onRequest` hook that counts every HTTP request sent to Sage 300 in
 * `connector_external_calls_total`, by resource (`GET AR/ARCustomers`) and outcome; each retry counts as a request.
 */
export function countSageRequests(metrics: Metrics): (request: SageRequestInfo) => void {
  return (request) => {
    metrics.externalCalls.inc({
      system: 'sage300',
      operation: `${request.method} ${request.route}`,
      outcome: request.outcome,
    });
  };
}

/** Counts the Salesforce client's calls (queries and writes, by object) in `connector_external_calls_total`. */
export function instrumentSalesforce(client: SalesforceClient, metrics: Metrics): SalesforceClient {
  const count = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    try {
      const answer = await work();
      metrics.externalCalls.inc({ system: 'salesforce', operation, outcome: 'ok' });
      return answer;
    } catch (error) {
      metrics.externalCalls.inc({ system: 'salesforce', operation, outcome: outcome(error) });
      throw error;
    }
  };
  // The main object: the FROM left once parenthesised subqueries are removed.
  const queryObject = (soql: string) =>
    /\bFROM\s+([A-Za-z0-9_]+)/i.exec(soql.replace(/\((?:[^()]|\([^()]*\))*\)/g, ''))?.[1] ?? 'other';
  return {
    ...client,
    queryAll: (soql) => count(`query ${queryObject(soql)}`, () => client.queryAll(soql)),
    upsert: (type, field, records, options) =>
      count(`upsert ${type}`, () => client.upsert(type, field, records, options)),
    update: (type, records, options) => count(`update ${type}`, () => client.update(type, records, options)),
    create: (type, records, options) => count(`create ${type}`, () => client.create(type, records, options)),
    fetchLimits: () => count('limits', () => client.fetchLimits()),
  };
}
