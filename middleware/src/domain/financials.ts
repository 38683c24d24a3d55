import { z } from 'zod';
import { ageOpenItems, agingBucketsSchema, cents, daysOverdue } from './aging.js';
import { creditStanding, creditStandingSchema, creditUtilisation } from './credit.js';
import {
  invoiceStatus,
  invoiceStatusSchema,
  isCreditDocument,
  isOpen,
  yes,
  type InvoiceStatus,
} from './invoice-status.js';

export { isCreditDocument, isOpen, yes };

/** The Sage 300 `ARCustomers` fields the financial summary reads. */
export interface SageCustomerFigures {
  CustomerNumber: string;
  CustomerName?: string | null;
  CurrencyCode?: string | null;
  OnHold?: string | boolean | null;
  CreditLimitCustomerCurrency?: number | null;
  BalanceDueInCustomerCurrency?: number | null;
  AmountPastDue?: number | null;
  DateOfLastReceipt?: string | null;
  LastReceiptCustomerCurrency?: number | null;
  DateOfLastInvoice?: string | null;
}

/** The Sage 300 `ARPostedDocuments` fields the summary and the invoice list read. */
export interface SagePostedDocument {
  CustomerNumber: string;
  DocumentNumber: string;
  DocumentType?: string | null;
  DocumentDate?: string | null;
  DueDate?: string | null;
  DatePaid?: string | null;
  FullyPaid?: string | boolean | null;
  CustomerCurrencyInvoiceAmount?: number | null;
  CustomerCurrencyAmountDue?: number | null;
  CurrencyCode?: string | null;
  OrderNumber?: string | null;
  PONumber?: string | null;
}

/** The status picklist of `Sage_Invoice__c.Status__c` (decided in `invoice-status.ts`). */
export const documentStatusSchema = invoiceStatusSchema;
export type DocumentStatus = InvoiceStatus;

/** A date-only ISO string (`2024-05-01`), or null when Sage has none. */
const day = z.iso.date().nullable();

/** One A/R document as a rep sees it. */
export const invoiceViewSchema = z.object({
  documentNumber: z.string(),
  documentType: z.string(),
  documentDate: day,
  dueDate: day,
  amount: z.number(),
  balanceDue: z.number(),
  currency: z.string().nullable(),
  status: documentStatusSchema,
  daysOverdue: z.int().min(0),
  orderNumber: z.string().nullable(),
  poNumber: z.string().nullable(),
  lastPaymentDate: day,
});
export type InvoiceView = z.infer<typeof invoiceViewSchema>;

/** A customer's live financial position. */
export const customerFinancialsSchema = z.object({
  customerNumber: z.string(),
  customerName: z.string().nullable(),
  currency: z.string().nullable(),
  balance: z.number(),
  creditLimit: z.number().describe('0 when Sage sets no limit'),
  availableCredit: z.number().nullable().describe('Limit minus balance; null without a limit'),
  utilisation: z.number().nullable().describe('Balance as a percentage of the limit; null without a limit'),
  creditStanding: creditStandingSchema,
  pastDue: z.number(),
  aging: agingBucketsSchema,
  onHold: z.boolean(),
  lastPaymentDate: day,
  lastPaymentAmount: z.number().nullable(),
  lastInvoiceDate: day,
  openDocuments: z.int().min(0),
  asOf: z.iso.datetime().describe('When Sage was read (answers can come from a cache of up to the TTL)'),
});
export type CustomerFinancials = z.infer<typeof customerFinancialsSchema>;

/** A date-only ISO string (`2024-05-01`), or null for an empty or unreadable Sage date. */
export function isoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time) || time <= 0) return null;
  return new Date(time).toISOString().slice(0, 10);
}

function trimmed(value: string | null | undefined): string | null {
  const result = value?.trim();
  return result ? result : null;
}

/** The signed amount still open on a document: credits count against the balance. */
export function signedAmountDue(document: SagePostedDocument): number {
  const due = document.CustomerCurrencyAmountDue ?? 0;
  return isCreditDocument(document.DocumentType) ? -Math.abs(due) : due;
}

/** The invoice status a rep reads (the one rule of `invoice-status.ts`). */
export const documentStatus: (document: SagePostedDocument, asOf: Date) => DocumentStatus = invoiceStatus;

/** A posted document as the invoice list shows it. */
export function invoiceView(document: SagePostedDocument, asOf: Date): InvoiceView {
  const open = isOpen(document);
  return {
    documentNumber: document.DocumentNumber.trim(),
    documentType: trimmed(document.DocumentType) ?? 'Invoice',
    documentDate: isoDate(document.DocumentDate),
    dueDate: isoDate(document.DueDate),
    amount: cents(document.CustomerCurrencyInvoiceAmount ?? 0),
    balanceDue: open ? cents(signedAmountDue(document)) : 0,
    currency: trimmed(document.CurrencyCode),
    status: documentStatus(document, asOf),
    daysOverdue: open && !isCreditDocument(document.DocumentType) ? daysOverdue(document.DueDate, asOf) : 0,
    orderNumber: trimmed(document.OrderNumber),
    poNumber: trimmed(document.PONumber),
    lastPaymentDate: isoDate(document.DatePaid),
  };
}

/**
 * The financial summary of one customer from its Sage record and its posted documents. Balance and limit are Sage's
 * own figures; past due and aging are computed from the open documents as of `asOf`, so they are current even when
 * Sage's aging has not been run today.
 */
export function customerFinancials(
  customer: SageCustomerFigures,
  documents: SagePostedDocument[],
  asOf: Date,
  warningThreshold: number,
): CustomerFinancials {
  const open = documents.filter(isOpen);
  const aging = ageOpenItems(
    open.map((document) => ({
      amountDue: signedAmountDue(document),
      daysOverdue: daysOverdue(document.DueDate, asOf),
    })),
  );
  const balance = cents(customer.BalanceDueInCustomerCurrency ?? 0);
  const creditLimit = cents(customer.CreditLimitCustomerCurrency ?? 0);
  const utilisation = creditUtilisation(balance, creditLimit);
  return {
    customerNumber: customer.CustomerNumber.trim(),
    customerName: trimmed(customer.CustomerName),
    currency: trimmed(customer.CurrencyCode),
    balance,
    creditLimit,
    availableCredit: creditLimit > 0 ? cents(creditLimit - balance) : null,
    utilisation,
    creditStanding: creditStanding(utilisation, warningThreshold),
    pastDue: cents(aging.days1to30 + aging.days31to60 + aging.days61to90 + aging.over90),
    aging,
    onHold: yes(customer.OnHold),
    lastPaymentDate: isoDate(customer.DateOfLastReceipt),
    lastPaymentAmount: isoDate(customer.DateOfLastReceipt) ? cents(customer.LastReceiptCustomerCurrency ?? 0) : null,
    lastInvoiceDate: isoDate(customer.DateOfLastInvoice),
    openDocuments: open.length,
    asOf: asOf.toISOString(),
  };
}
