/**
 * Reading Sage 300 posted documents (ARPostedDocuments) for the flows that sync them (invoices, overdueInvoices): the
 * collection in Sage's key order (customer, then document number), the receivables among them (every document type
 * but cash), the keyset after a committed `CUSTOMER|DOCUMENT`, and the re-read of given keys for failure-queue
 * retries — grouped by customer, a bounded number of document numbers per request.
 */
import { cashDocumentTypes, splitDocumentKey } from '../../domain/invoices.js';
import { and, eq, gt, ne, oneOf, or, type Filter } from '../../sage300/odata.js';
import type { ArPostedDocument } from '../../sage300/types.js';
import type { SageClient } from '../systems.js';
import type { SageCollection } from './sage-windows.js';

/** Posted documents matching a query, in key order; told how many match with the first answer when asked. */
export type SageDocuments = SageCollection<ArPostedDocument>;

/** Document numbers per request when documents are re-read by key (short enough for any URL length limit). */
export const DOCUMENTS_PER_READ = 50;

/** The Sage client's posted documents as a flow reads them. */
export function sageDocuments(sage: SageClient): SageDocuments {
  return (query) => sage.documents.listPostedDocuments(query);
}

/** Receivables only: invoices, credit and debit notes, interest charges — not cash (receipts, prepayments, refunds). */
export function receivables(): Filter {
  return and(...cashDocumentTypes.map((type) => ne('DocumentType', type))) as Filter;
}

/** The documents after `CUSTOMER|DOCUMENT` in Sage's key order (customer, then document number). */
export function afterDocument(afterKey: string): Filter {
  const { customerNumber, documentNumber } = splitDocumentKey(afterKey);
  return or(
    gt('CustomerNumber', customerNumber),
    and(eq('CustomerNumber', customerNumber), gt('DocumentNumber', documentNumber)),
  ) as Filter;
}

/**
 * The documents of the given `CUSTOMER|DOCUMENT` keys that still match `filter` (a key Sage no longer has, or that no
 * longer matches, is simply not among them): one request per customer and `DOCUMENTS_PER_READ` document numbers.
 */
export async function documentsByKey(
  documents: SageDocuments,
  keys: readonly string[],
  query: { select: readonly (keyof ArPostedDocument)[]; filter?: Filter | undefined },
): Promise<ArPostedDocument[]> {
  const byCustomer = new Map<string, string[]>();
  for (const key of keys) {
    const { customerNumber, documentNumber } = splitDocumentKey(key);
    const numbers = byCustomer.get(customerNumber) ?? [];
    numbers.push(documentNumber);
    byCustomer.set(customerNumber, numbers);
  }
  const found: ArPostedDocument[] = [];
  for (const [customerNumber, numbers] of byCustomer) {
    for (let start = 0; start < numbers.length; start += DOCUMENTS_PER_READ) {
      const filter = and(
        query.filter,
        eq('CustomerNumber', customerNumber),
        oneOf('DocumentNumber', numbers.slice(start, start + DOCUMENTS_PER_READ)),
      );
      for await (const document of documents({ select: query.select, ...(filter ? { filter } : {}) })) {
        found.push(document);
      }
    }
  }
  return found;
}
