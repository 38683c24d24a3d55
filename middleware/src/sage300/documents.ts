import { customerKey } from '../domain/customers.js';
import { and, eq, ge, type Filter } from './odata.js';
import { rows } from './paging.js';
import type { Sage300Transport } from './transport.js';
import type { ArPayment, ArPostedDocument, OeInvoice } from './types.js';

/** Which ledger rows to read. */
export interface DocumentQuery {
  customerNumber?: string;
  /** Rows with activity on or after this day (`LastActivityDate` for documents, `PostingDate` for payments). */
  changedSince?: Date;
  /** Only documents not fully paid. */
  openOnly?: boolean;
  select?: readonly (keyof ArPostedDocument)[];
}

/** Options for reading posted documents by any filter, as the sync reads them. */
export interface PostedDocumentQuery {
  select?: readonly (keyof ArPostedDocument)[];
  filter?: Filter;
  /** Told how many documents match, from the first answer (`$count=true` on it; no request of its own). */
  onCount?: (count: number) => void;
}

function customerFilter(customerNumber: string | undefined) {
  return customerNumber === undefined ? undefined : eq('CustomerNumber', customerKey(customerNumber));
}

/** The A/R open-item ledger, posted payments and OE invoices. */
export function documentsApi(transport: Sage300Transport) {
  return {
    /** Posted invoices, credit and debit notes, by customer and/or activity since a day, in key order. */
    postedDocuments(query: DocumentQuery = {}): AsyncGenerator<ArPostedDocument> {
      const filter = and(
        customerFilter(query.customerNumber),
        query.changedSince ? ge('LastActivityDate', query.changedSince) : undefined,
        query.openOnly ? eq('FullyPaid', 'No') : undefined,
      );
      const context = query.customerNumber === undefined ? {} : { customerNumber: query.customerNumber };
      return rows<ArPostedDocument>(transport, 'AR/ARPostedDocuments', { filter, select: query.select }, context);
    },

    /** Posted documents matching a filter, in key order (customer, then document number). */
    listPostedDocuments(query: PostedDocumentQuery = {}): AsyncGenerator<ArPostedDocument> {
      return rows<ArPostedDocument>(
        transport,
        'AR/ARPostedDocuments',
        { filter: query.filter, select: query.select },
        {},
        query.onCount,
      );
    },

    /** Posted payments, by customer and/or posted since a day. */
    payments(query: Omit<DocumentQuery, 'openOnly' | 'select'> = {}): AsyncGenerator<ArPayment> {
      const filter = and(
        customerFilter(query.customerNumber),
        query.changedSince ? ge('PostingDate', query.changedSince) : undefined,
      );
      const context = query.customerNumber === undefined ? {} : { customerNumber: query.customerNumber };
      return rows<ArPayment>(transport, 'AR/ARPayments', { filter }, context);
    },

    /** Order Entry invoices, by customer and/or invoiced since a day. */
    orderInvoices(query: { customerNumber?: string; since?: Date } = {}): AsyncGenerator<OeInvoice> {
      const filter = and(
        customerFilter(query.customerNumber),
        query.since ? ge('InvoiceDate', query.since) : undefined,
      );
      return rows<OeInvoice>(transport, 'OE/OEInvoices', { filter });
    },
  };
}

export type DocumentsApi = ReturnType<typeof documentsApi>;
