import { ConnectorError } from '../domain/errors.js';
import type { Sage300Client } from '../sage300/client.js';
import type { SalesforceClient } from '../salesforce/client.js';
import type { Metrics } from './metrics.js';

function outcome(error: unknown): string {
  return error instanceof ConnectorError ? error.kind : 'error';
}

/** `GET AR/ARCustomers('1200')?$select=…` → `GET AR/ARCustomers`: one label per resource, never per record. */
export function sageOperation(method: string, path: string): string {
  const resource = /([A-Z]{2}\/[A-Za-z]+)(?:\(|\?|$)/.exec(path)?.[1] ?? 'other';
  return `${method} ${resource}`;
}

/**
 * Counts every request the Sage 300 client sends, by resource and outcome, in `connector_external_calls_total`.
 * Wraps the transport's one request method, so retries inside it count once (their attempts are logged by it).
 */
export function instrumentSage300(client: Sage300Client, metrics: Metrics): Sage300Client {
  const transport = client.transport;
  const send = transport.request;
  type Send = typeof transport.request;
  transport.request = async function counted<T>(...args: Parameters<Send>): Promise<{ status: number; data: T }> {
    const operation = sageOperation(args[0], args[1]);
    try {
      const answer = await send.apply<typeof transport, Parameters<Send>, Promise<{ status: number; data: T }>>(
        transport,
        args,
      );
      metrics.externalCalls.inc({ system: 'sage300', operation, outcome: 'ok' });
      return answer;
    } catch (error) {
      metrics.externalCalls.inc({ system: 'sage300', operation, outcome: outcome(error) });
      throw error;
    }
  };
  return client;
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
    connection: client.connection,
    apiVersion: client.apiVersion,
    queryAll: (soql) => count(`query ${queryObject(soql)}`, () => client.queryAll(soql)),
    upsert: (type, field, records, options) =>
      count(`upsert ${type}`, () => client.upsert(type, field, records, options)),
    update: (type, records, options) => count(`update ${type}`, () => client.update(type, records, options)),
    create: (type, records, options) => count(`create ${type}`, () => client.create(type, records, options)),
    fetchLimits: () => count('limits', () => client.fetchLimits()),
  };
}
