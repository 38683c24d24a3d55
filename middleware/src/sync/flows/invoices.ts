/**
 * Sage 300 posted documents → `Sage_Invoice__c`. Reads ARPostedDocuments (invoices, credit and debit notes, interest
 * charges; not cash) with a day watermark on `LastActivityDate` — the date a receipt applied to a document moves, so
 * a payment brings the document back with its new balance — keyset on `CUSTOMER|DOCUMENT`, and upserts on
 * `Sage_Document_Key__c` with the `Sage_Invoice__c` field mapping, the status (`domain/invoice-status.ts`), the
 * Account by `Account__r.Sage_Customer_Number__c` in the same request, and the Opportunity whose pushed order the
 * document bills, from the order ledger (one store query per page).
 *
 * A document's status also changes with no activity in Sage when it falls due: each run also reads the open documents
 * whose due date passed since its first day, so Open becomes Overdue the day after the due date.
 *
 * A document whose customer has no Account in Salesforce (yet) fails with "customer 1234 has no Salesforce account"
 * and waits in the failure queue for that customer's link: when the customers flow links the customer, the entry is
 * due at once and the next run writes it.
 *
 * Page (write unit): `INVOICE_PAGE_SIZE`, as for customers: a first sync's pages go to the Bulk API, an incremental
 * run's few changes to the fewest Collections requests.
 */
import type { MappingConfiguration } from '../../config/mapping.js';
import { documentKey, invoiceFields, splitDocumentKey, type PostedDocumentFigures } from '../../domain/invoices.js';
import { sageFieldsToRead } from '../../domain/mapping.js';
import { and, eq, ge, lt } from '../../sage300/odata.js';
import type { ArPostedDocument } from '../../sage300/types.js';
import type { SyncFlow, WriteOutcome } from '../flow.js';
import { waitingForCustomer } from '../parts/account-tasks.js';
import { dayWatermark, type DayWatermarkCursor } from '../parts/day-watermark.js';
import {
  afterDocument,
  documentsByKey,
  receivables,
  sageDocuments,
  type SageDocuments,
} from '../parts/sage-documents.js';
import { sageWindows } from '../parts/sage-windows.js';
import { salesforceDrift } from '../parts/salesforce-drift.js';
import { upsertWriter } from '../parts/salesforce-upsert.js';
import { defineFlow } from '../registry.js';
import type { OrderLedgerLookup, SalesforcePort } from '../systems.js';

export type InvoiceCursor = DayWatermarkCursor;

/** A posted document with the Opportunity of the order it bills (null when the ledger knows none). */
export type InvoiceDocument = ArPostedDocument & { OpportunityId: string | null };

/** The invoices flow's default page (see the customers flow's `CUSTOMER_PAGE_SIZE` for the reasoning). */
export const INVOICE_PAGE_SIZE = 10_000;

export interface InvoicesFlowOptions {
  /** Posted documents in key order; `onCount` is told how many match with the first answer. */
  documents: SageDocuments;
  salesforce: SalesforcePort;
  orderLedger: OrderLedgerLookup;
  mappings: () => MappingConfiguration;
  pageSize?: number;
  clock?: () => Date;
}

const keyOf = (document: ArPostedDocument) => documentKey(document);

/** The outcome that waits for the customer's link, when Salesforce refused the document for want of its Account. */
function unlinkedCustomer(outcome: WriteOutcome, customerNumber: string): WriteOutcome | undefined {
  if (outcome.ok) return undefined;
  const { message } = outcome.error;
  if (!/Sage_Customer_Number__c/.test(message) || !/not found/i.test(message)) return undefined;
  return waitingForCustomer(outcome.key, customerNumber);
}

/** The invoices flow. */
export function invoicesFlow(
  options: InvoicesFlowOptions,
): SyncFlow<InvoiceDocument, Record<string, unknown>, InvoiceCursor> {
  const clock = options.clock ?? (() => new Date());
  const today = () => new Date(`${clock().toISOString().slice(0, 10)}T00:00:00Z`);
  const watermark = dayWatermark<ArPostedDocument>({
    dateField: 'LastActivityDate',
    keyField: 'CustomerNumber',
    keyOf,
    after: afterDocument,
    // Open documents that fell due since the first day: their status turns Overdue with no activity in Sage.
    alsoRead: (since) =>
      and(eq('FullyPaid', 'No'), ge('DueDate', new Date(`${since}T00:00:00Z`)), lt('DueDate', today())),
  });
  const select = () =>
    [
      ...new Set([
        'CustomerNumber',
        'DocumentNumber',
        'DocumentType',
        'LastActivityDate',
        'DueDate',
        'DatePaid',
        'FullyPaid',
        'CustomerCurrencyInvoiceAmount',
        'CustomerCurrencyAmountDue',
        'OrderNumber',
        ...sageFieldsToRead(options.mappings().Sage_Invoice__c),
      ]),
    ] as (keyof ArPostedDocument)[];
  const pageSize = options.pageSize ?? INVOICE_PAGE_SIZE;

  /** The page's documents with the Opportunity of the order each bills (one ledger query for the page). */
  const withOpportunities = async (documents: readonly ArPostedDocument[]): Promise<InvoiceDocument[]> => {
    const orderNumbers = documents.map((document) => String(document.OrderNumber ?? '').trim()).filter(Boolean);
    const opportunities =
      orderNumbers.length > 0 ? await options.orderLedger.opportunitiesForOrders(orderNumbers) : new Map();
    return documents.map((document) => ({
      ...document,
      OpportunityId: opportunities.get(String(document.OrderNumber ?? '').trim()) ?? null,
    }));
  };

  const upsert = (syncedAt: string) =>
    upsertWriter<Record<string, unknown>>({
      salesforce: options.salesforce,
      objectType: 'Sage_Invoice__c',
      externalIdField: 'Sage_Document_Key__c',
      noun: 'invoice',
      fields: ({ target }) => ({ ...target, Last_Synced__c: syncedAt }),
    });

  return {
    name: 'invoices',
    entity: 'invoice',
    source: 'sage',
    cursor: watermark.cursor,
    pageSize,
    idempotentWrites: true,
    startCursor: watermark.start,
    async *read(cursor, signal, onTotal) {
      const pages = sageWindows({
        list: options.documents,
        select: select(),
        filter: and(receivables(), watermark.filter(cursor)),
        pageSize,
        signal,
        onTotal,
      });
      for await (const page of pages) yield await withOpportunities(page);
    },
    advance: watermark.advance,
    finish: watermark.finish,
    keyOf,
    map: (document) =>
      invoiceFields(
        document as unknown as PostedDocumentFigures,
        options.mappings().Sage_Invoice__c,
        clock(),
        document.OpportunityId,
      ),
    async write(records) {
      const outcomes = await upsert(clock().toISOString())(records);
      return outcomes.map(
        (outcome) => unlinkedCustomer(outcome, splitDocumentKey(outcome.key).customerNumber) ?? outcome,
      );
    },
    async fetch(keys) {
      return withOpportunities(await documentsByKey(options.documents, keys, { select: select() }));
    },
    drift: salesforceDrift({
      reader: options.salesforce,
      object: 'Sage_Invoice__c',
      externalIdField: 'Sage_Document_Key__c',
    }),
  };
}

/** The invoices flow in the registry. */
export const invoices = defineFlow({
  name: 'invoices',
  scheduleSetting: 'invoices',
  ports: ['sage300', 'salesforce', 'orderLedger'],
  build: ({ sage300, salesforce, orderLedger }, context) =>
    invoicesFlow({
      documents: sageDocuments(sage300),
      salesforce,
      orderLedger,
      mappings: context.mappings,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
