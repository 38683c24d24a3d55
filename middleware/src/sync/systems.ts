/**
 * The two systems as the sync engine sees them: the Sage 300 client, and the part of the Salesforce client it uses
 * (upserts with one result per record, and queries).
 */
import type { Logger } from 'pino';
import type { Config } from '../config/env.js';
import type { EmbeddedSystems } from '../embedded.js';
import type { ErrorKind } from '../domain/errors.js';
import { ConnectorError } from '../domain/errors.js';
import { createSage300Client } from '../sage300/client.js';
import { createSalesforceClient, type SalesforceClient } from '../salesforce/index.js';
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
  queryAll<T = Record<string, unknown>>(soql: string): Promise<T[]>;
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
  };
}

export interface ConnectedSystems {
  sage: SageClient;
  salesforce: SalesforceClient;
  /** Which systems run on their embedded sandbox (`sage300`, `salesforce`). */
  embedded: ('sage300' | 'salesforce')[];
  close(): Promise<void>;
}

/**
 * Connects to Sage 300 and Salesforce as configured. A system that is not configured runs on its embedded sandbox,
 * started in this process on a free port (its data lives as long as the process), as `npm start` does.
 */
export async function connectSystems(config: Config, logger: Logger): Promise<ConnectedSystems> {
  const needsSandbox = !config.sage300 || !config.salesforce;
  // Loaded only when a system is not configured, so a configured process never loads the sandboxes.
  const embedded: EmbeddedSystems | undefined = needsSandbox
    ? await (await import('../embedded.js')).startEmbeddedSystems(config)
    : undefined;
  const sageSettings = config.sage300 ?? embedded?.sage300?.settings;
  const salesforceSettings = config.salesforce ?? embedded?.salesforce?.settings;
  if (!sageSettings || !salesforceSettings) {
    await embedded?.close();
    throw new Error('Sage 300 and Salesforce settings are both required');
  }
  if (embedded?.sage300)
    logger.info(
      { url: embedded.sage300.sandbox.apiRoot },
      'SAGE300_URL is not set: using the embedded Sage 300 sandbox',
    );
  if (embedded?.salesforce)
    logger.info(
      { url: embedded.salesforce.sandbox.loginUrl },
      'SF_LOGIN_URL is not set: using the embedded Salesforce sandbox',
    );
  const sage = createSage300Client(sageSettings);
  return {
    sage,
    salesforce: createSalesforceClient(salesforceSettings),
    embedded: [
      ...(embedded?.sage300 ? ['sage300' as const] : []),
      ...(embedded?.salesforce ? ['salesforce' as const] : []),
    ],
    async close() {
      sage.close();
      await embedded?.close();
    },
  };
}
