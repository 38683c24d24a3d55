/**
 * The status a rep reads on a Sage document (`Sage_Invoice__c.Status__c`), decided from its type, amounts and due date
 * as of a day: Credit, Paid, Overdue, Partially Paid or Open. One rule for the invoice list of the API and the
 * invoices flow.
 */
import { z } from 'zod';
import { daysOverdue } from './aging.js';

/** The status picklist of `Sage_Invoice__c.Status__c`. */
export const invoiceStatusSchema = z.enum(['Open', 'Partially Paid', 'Paid', 'Overdue', 'Credit']);
export type InvoiceStatus = z.infer<typeof invoiceStatusSchema>;

/** The `ARPostedDocuments` fields the status reads. */
export interface StatusFigures {
  DocumentType?: string | null;
  DueDate?: string | null;
  FullyPaid?: string | boolean | null;
  CustomerCurrencyInvoiceAmount?: number | null;
  CustomerCurrencyAmountDue?: number | null;
}

const creditTypes = new Set(['creditnote', 'receipt', 'prepayment', 'unappliedcash']);

/** Half a cent: amounts closer than this are equal. */
const HALF_CENT = 0.005;

/** True for documents that are a credit to the customer (credit notes, receipts, prepayments). */
export function isCreditDocument(documentType: string | null | undefined): boolean {
  return creditTypes.has((documentType ?? '').replace(/\s+/g, '').toLowerCase());
}

/** Sage answers Yes/No enums as strings and some servers as booleans. */
export function yes(value: string | boolean | null | undefined): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'yes');
}

/** True while a document still carries an amount to pay (a zero-amount document never does). */
export function isOpen(document: StatusFigures): boolean {
  return !yes(document.FullyPaid) && Math.abs(document.CustomerCurrencyAmountDue ?? 0) >= HALF_CENT;
}

/**
 * The document's status as of `asOf`: a credit note is Credit whatever its balance; a document with nothing left to
 * pay is Paid (including one paid on its due date, and a zero-amount one); one with a balance after its due day is
 * Overdue (also when partly paid); one partly paid before then is Partially Paid; otherwise Open.
 */
export function invoiceStatus(document: StatusFigures, asOf: Date): InvoiceStatus {
  if (isCreditDocument(document.DocumentType)) return 'Credit';
  if (!isOpen(document)) return 'Paid';
  if (daysOverdue(document.DueDate, asOf) > 0) return 'Overdue';
  const amount = document.CustomerCurrencyInvoiceAmount ?? 0;
  const due = document.CustomerCurrencyAmountDue ?? 0;
  return amount > 0 && due < amount - HALF_CENT ? 'Partially Paid' : 'Open';
}
