/**
 * The two systems as the sync flows see them (their ports): the Sage 300 client, and the part of the Salesforce
 * client flows use (upserts with one result per record, and queries).
 */
import type { ErrorKind } from '../domain/errors.js';
import type { Notifier } from '../notify/notifier.js';
import type { Sage300Client } from '../sage300/client.js';
import type { OrderPushService } from '../services/orderPush.js';
import type { CustomerProvisioning } from '../services/customerProvisioning.js';
import type { OrderLedgerRepository, RevenueReconciliationRepository } from '../store/index.js';

export type SageClient = Sage300Client;

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
  /** Every row of a SOQL query; with `includeDeleted`, deleted and merged records too (`/queryAll`). */
  queryAll<T = Record<string, unknown>>(soql: string, options?: { includeDeleted?: boolean }): Promise<T[]>;
  /** Updates records by `Id`; one result per record, in order. */
  update(objectType: string, records: readonly Record<string, unknown>[]): Promise<SalesforceWriteResult[]>;
  /** The Id of the user the connector writes as, when known (records it last modified are candidate echoes). */
  integrationUserId?(): Promise<string | undefined>;
  /** Creates records; one result per record, in order. */
  create(objectType: string, records: readonly Record<string, unknown>[]): Promise<SalesforceWriteResult[]>;
}

/** The upsert side of the port, for flows that only write. */
export type SalesforceUpserter = Pick<SalesforcePort, 'upsert'>;

/** The query side of the port, for flows that read Salesforce. */
export type SalesforceReader = Pick<SalesforcePort, 'queryAll' | 'integrationUserId'>;

/** What flows may read of the order ledger: the opportunity whose pushed order has a Sage order number. */
export type OrderLedgerLookup = Pick<OrderLedgerRepository, 'opportunitiesForOrders'>;

/** Every port a flow may ask for, by name (a flow declares which it needs). */
export interface FlowPorts {
  sage300: SageClient;
  salesforce: SalesforcePort;
  /** The notice channels (webhook, e-mail, the embedded sink); off unless configured. */
  notifier: Notifier;
  orderLedger: OrderLedgerLookup;
  /** Reports the connector computes and keeps in its store (the revenue reconciliation). */
  reports: { revenueReconciliation: RevenueReconciliationRepository };
  /** The order push behind `POST /api/v1/orders`: the same ledger, so the button and a flow create one order. */
  orders: Pick<OrderPushService, 'push'>;
  /** Create-or-match of Sage customers from accounts: the service behind `POST /customers`. */
  customerProvisioning: Pick<CustomerProvisioning, 'provision'>;
}
