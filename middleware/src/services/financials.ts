import { z } from 'zod';
import { utcDay } from '../domain/aging.js';
import {
  customerFinancials,
  invoiceView,
  invoiceViewSchema,
  isOpen,
  type CustomerFinancials,
  type InvoiceView,
} from '../domain/financials.js';
import type { ConnectorSettings } from '../domain/settings.js';
import type { CustomersApi } from '../sage300/customers.js';
import type { DocumentsApi } from '../sage300/documents.js';
import type { ArCustomer, ArPostedDocument } from '../sage300/types.js';
import { CoalescingCache, type LookupResult } from './coalescing-cache.js';
import { ServiceError } from './errors.js';

/** The Sage reads a financial snapshot needs. */
export interface FinancialsSage {
  customers: Pick<CustomersApi, 'get'>;
  documents: Pick<DocumentsApi, 'postedDocuments'>;
}

export interface FinancialsServiceOptions {
  sage: FinancialsSage;
  settings: () => Promise<Pick<ConnectorSettings, 'creditWarningThreshold'>>;
  /** How long a snapshot is served from memory (default 60 s). */
  ttlMs?: number;
  now?: () => Date;
  onLookup?: (result: LookupResult) => void;
  /** Most documents read for one customer's list of all documents. */
  maxDocuments?: number;
}

/** One read of a customer from Sage: the customer record and its open documents, with when it was read. */
interface Snapshot {
  customer: ArCustomer;
  openDocuments: ArPostedDocument[];
  readAt: Date;
}

export interface InvoiceListOptions {
  status: 'open' | 'all';
  limit: number;
}

/** A customer's documents as the invoice list answers them. */
export const invoiceListSchema = z.object({
  customerNumber: z.string(),
  status: z.enum(['open', 'all']),
  invoices: z.array(invoiceViewSchema),
  truncated: z.boolean().describe('True when more documents exist than `limit`'),
});
export type InvoiceList = z.infer<typeof invoiceListSchema>;

export interface FinancialsOptions {
  /** Read Sage now instead of serving the cached snapshot (a read already in flight is joined). */
  fresh?: boolean;
  /**
   * The customer record the caller read from Sage moments ago with `financialsCustomerFields`, in the same request:
   * a new snapshot then reads only the open documents instead of the customer a second time.
   */
  customer?: ArCustomer;
}

/** Live Sage figures for reps, with the caching and coalescing that keeps Sage's load flat. */
export interface FinancialsService {
  /** A customer's financial summary; `fresh` skips the cache (and refreshes it). */
  financials(customerNumber: string, options?: FinancialsOptions): Promise<CustomerFinancials>;
  /** A customer's documents, oldest due first for open ones, newest first for all. */
  invoices(customerNumber: string, options: InvoiceListOptions): Promise<InvoiceList>;
  /** Forgets a customer's cached figures (after the connector changed them, e.g. by creating an order). */
  invalidate(customerNumber: string): void;
}

/**
 * The customer fields a financial summary (and so the order push's credit check) is computed from.
 * `LastReceiptCustomerCurrency` is an ARCustomers field (in Sage's $metadata) that the client's record type leaves out.
 */
export const financialsCustomerFields = [
  'CustomerNumber',
  'CustomerName',
  'CurrencyCode',
  'OnHold',
  'CreditLimitCustomerCurrency',
  'BalanceDueInCustomerCurrency',
  'AmountPastDue',
  'DateOfLastReceipt',
  'LastReceiptCustomerCurrency',
  'DateOfLastInvoice',
] as unknown as readonly (keyof ArCustomer)[];

const documentFields: readonly (keyof ArPostedDocument)[] = [
  'CustomerNumber',
  'DocumentNumber',
  'DocumentType',
  'DocumentDate',
  'DueDate',
  'DatePaid',
  'FullyPaid',
  'CustomerCurrencyInvoiceAmount',
  'CustomerCurrencyAmountDue',
  'CurrencyCode',
  'OrderNumber',
  'PONumber',
];

function notFound(customerNumber: string): ServiceError {
  return new ServiceError(
    'not-found',
    'CUSTOMER_NOT_FOUND',
    `Sage 300 has no customer ${customerNumber}. Check the Sage customer number on the account.`,
    { customerNumber },
  );
}

async function collect<T>(rows: AsyncIterable<T>, max: number): Promise<{ rows: T[]; more: boolean }> {
  const result: T[] = [];
  for await (const row of rows) {
    if (result.length === max) return { rows: result, more: true };
    result.push(row);
  }
  return { rows: result, more: false };
}

const byDueDate = (a: InvoiceView, b: InvoiceView) =>
  (utcDay(a.dueDate) ?? Number.MAX_SAFE_INTEGER) - (utcDay(b.dueDate) ?? Number.MAX_SAFE_INTEGER) ||
  a.documentNumber.localeCompare(b.documentNumber);
const byDocumentDateDescending = (a: InvoiceView, b: InvoiceView) =>
  (utcDay(b.documentDate) ?? 0) - (utcDay(a.documentDate) ?? 0) || b.documentNumber.localeCompare(a.documentNumber);

/**
 * Creates the financials service. The customer record and its open documents are read together (two Sage requests,
 * in parallel) into one snapshot that serves both the summary and the open-invoice list, cached per customer for
 * the TTL; concurrent callers for one customer share the read in flight.
 */
export function createFinancialsService(options: FinancialsServiceOptions): FinancialsService {
  const now = options.now ?? (() => new Date());
  const maxDocuments = options.maxDocuments ?? 5000;
  const snapshots = new CoalescingCache<Snapshot>({
    ttlMs: options.ttlMs ?? 60_000,
    ...(options.onLookup ? { onLookup: options.onLookup } : {}),
  });

  async function readSnapshot(customerNumber: string, known?: ArCustomer): Promise<Snapshot> {
    const readAt = now();
    const [customer, documents] = await Promise.all([
      known ?? options.sage.customers.get(customerNumber, financialsCustomerFields),
      collect(
        options.sage.documents.postedDocuments({ customerNumber, openOnly: true, select: documentFields }),
        maxDocuments,
      ),
    ]);
    if (!customer) throw notFound(customerNumber);
    return { customer, openDocuments: documents.rows.filter(isOpen), readAt };
  }

  const snapshot = (customerNumber: string, fresh = false, known?: ArCustomer) =>
    snapshots.get(customerNumber, () => readSnapshot(customerNumber, known), { fresh });

  return {
    async financials(customerNumber, { fresh = false, customer } = {}) {
      const [read, settings] = await Promise.all([snapshot(customerNumber, fresh, customer), options.settings()]);
      return customerFinancials(read.customer, read.openDocuments, read.readAt, settings.creditWarningThreshold);
    },

    async invoices(customerNumber, { status, limit }) {
      if (status === 'open') {
        const read = await snapshot(customerNumber);
        const invoices = read.openDocuments.map((document) => invoiceView(document, read.readAt)).sort(byDueDate);
        return { customerNumber, status, invoices: invoices.slice(0, limit), truncated: invoices.length > limit };
      }
      const asOf = now();
      const [customer, documents] = await Promise.all([
        options.sage.customers.get(customerNumber, ['CustomerNumber']),
        collect(options.sage.documents.postedDocuments({ customerNumber, select: documentFields }), maxDocuments),
      ]);
      if (!customer) throw notFound(customerNumber);
      const invoices = documents.rows.map((document) => invoiceView(document, asOf)).sort(byDocumentDateDescending);
      return {
        customerNumber,
        status,
        invoices: invoices.slice(0, limit),
        truncated: documents.more || invoices.length > limit,
      };
    },

    invalidate(customerNumber) {
      snapshots.invalidate(customerNumber);
    },
  };
}
