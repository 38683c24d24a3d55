/**
 * The two systems as the sync engine sees them: the Sage 300 client, and the part of the Salesforce client it uses
 * (upserts with one result per record, and queries).
 */
import type { ErrorKind } from '../domain/errors.js';
import { ConnectorError } from '../domain/errors.js';
import type { createSage300Client } from '../sage300/client.js';
import { countRows } from '../sage300/paging.js';
import type { CustomerSource } from './flows/customers.js';

export type SageClient = ReturnType<typeof createSage300Client>;

/** The outcome of writing one record to Salesforce, as the Salesforce client reports it. */
export interface SalesforceWriteResult {
  ok: boolean;
  id?: string;
  created?: boolean;
  errors: { code: string; message: string; fields: string[] }[];
  kind?: ErrorKind;
}

export interface SalesforcePort {
  /** Upserts on an External ID; one result per record, in order. */
  upsert(
    objectType: string,
    externalIdField: string,
    records: readonly Record<string, unknown>[],
  ): Promise<SalesforceWriteResult[]>;
  /** Every row of a SOQL query. */
  query<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
}

/** The upsert side of the port, for flows that only write. */
export type SalesforceUpserter = Pick<SalesforcePort, 'upsert'>;

/** A failed Salesforce write result as a ConnectorError carrying the first error's code and every message. */
export function writeResultError(result: SalesforceWriteResult): ConnectorError {
  const first = result.errors[0];
  const message = result.errors.length
    ? result.errors
        .map((error) => `${error.fields.length ? `${error.fields.join(', ')}: ` : ''}${error.message}`)
        .join('; ')
    : 'Salesforce refused the record without a reason';
  return new ConnectorError(result.kind ?? 'permanent', message, {
    code: first?.code ?? 'UNKNOWN_EXCEPTION',
    system: 'salesforce',
    context: { fields: result.errors.flatMap((error) => error.fields) },
  });
}

/** The customers flow's view of the Sage client. */
export function sageCustomerSource(sage: SageClient): CustomerSource {
  return {
    list: (query) => sage.customers.list(query),
    get: (customerNumber) => sage.customers.get(customerNumber),
    count: (filter) => countRows(sage.transport, 'AR/ARCustomers', filter ? { filter } : {}),
  };
}
