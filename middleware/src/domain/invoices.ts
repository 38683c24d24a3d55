/**
 * A Sage 300 posted document as a `Sage_Invoice__c`: its key (`CUSTOMER|DOCUMENT`), its type as the picklist names
 * it, the date of its last payment, and the fields the invoices flow writes besides the admin's field mapping
 * (status, type, the Account by its customer number, the Opportunity whose order it bills). Pure.
 */
import { customerKey } from './customers.js';
import { ConnectorError } from './errors.js';
import { invoiceStatus, isOpen, type StatusFigures } from './invoice-status.js';
import { mapToSalesforce, type FieldMapping } from './mapping.js';

/** The `ARPostedDocuments` fields the invoice fields read, besides those the mapping names. */
export interface PostedDocumentFigures extends StatusFigures {
  CustomerNumber: string;
  DocumentNumber: string;
  DatePaid?: string | null;
  LastActivityDate?: string | null;
  OrderNumber?: string | null;
}

/** The key of a posted document, as `Sage_Document_Key__c` holds it: `1200|IN0000123`. */
export function documentKey(document: Pick<PostedDocumentFigures, 'CustomerNumber' | 'DocumentNumber'>): string {
  const number = String(document.DocumentNumber ?? '').trim();
  if (number === '') {
    throw new ConnectorError('permanent', 'A Sage document number cannot be blank', {
      code: 'InvalidDocumentNumber',
      system: 'connector',
      context: { customerNumber: document.CustomerNumber },
    });
  }
  return `${customerKey(String(document.CustomerNumber))}|${number}`;
}

/** The customer number and document number of a document key (the customer number never holds a bar). */
export function splitDocumentKey(key: string): { customerNumber: string; documentNumber: string } {
  const bar = key.indexOf('|');
  if (bar < 0) throw new RangeError(`not a document key: ${key}`);
  return { customerNumber: key.slice(0, bar), documentNumber: key.slice(bar + 1) };
}

const typeLabels: Record<string, string> = {
  invoice: 'Invoice',
  creditnote: 'Credit Note',
  debitnote: 'Debit Note',
  interest: 'Interest Charge',
  interestcharge: 'Interest Charge',
};

/** Sage's document type as the `Document_Type__c` picklist names it (`CreditNote` → `Credit Note`). */
export function documentTypeLabel(documentType: string | null | undefined): string | null {
  const raw = (documentType ?? '').trim();
  if (raw === '') return null;
  return typeLabels[raw.replace(/\s+/g, '').toLowerCase()] ?? raw;
}

/** Sage's document types that are receivables the flow writes: everything but cash (receipts, prepayments, refunds). */
export const cashDocumentTypes = ['Receipt', 'Prepayment', 'UnappliedCash', 'Refund'] as const;

const day = (value: string | null | undefined) => (value && value.length >= 10 ? value.slice(0, 10) : null);

/**
 * The day of the document's last payment: the day it was paid in full, or — for a document partly paid — its last
 * activity, which is the receipt that reduced it (Sage keeps no date of a partial payment on the document itself).
 */
export function lastPaymentDate(document: PostedDocumentFigures): string | null {
  const paid = day(document.DatePaid);
  if (paid) return paid;
  const amount = Math.abs(document.CustomerCurrencyInvoiceAmount ?? 0);
  const due = Math.abs(document.CustomerCurrencyAmountDue ?? 0);
  return isOpen(document) && due < amount - 0.005 ? day(document.LastActivityDate) : null;
}

/**
 * The `Sage_Invoice__c` fields of a document as of `asOf`: the mapped fields, then the status, the type, the last
 * payment (when the mapping writes `Last_Payment_Date__c`), the Account by its Sage customer number (resolved by
 * Salesforce in the same request) and the Opportunity whose order the document bills, when there is one.
 */
export function invoiceFields(
  document: PostedDocumentFigures,
  mappings: readonly FieldMapping[],
  asOf: Date,
  opportunityId: string | null,
): Record<string, unknown> {
  const mapped = mapToSalesforce(mappings, document as unknown as Record<string, unknown>);
  if ('Last_Payment_Date__c' in mapped && mapped.Last_Payment_Date__c === null) {
    mapped.Last_Payment_Date__c = lastPaymentDate(document);
  }
  return {
    ...mapped,
    Status__c: invoiceStatus(document, asOf),
    Document_Type__c: documentTypeLabel(document.DocumentType),
    Account__r: { Sage_Customer_Number__c: customerKey(String(document.CustomerNumber)) },
    Opportunity__c: opportunityId,
  };
}
