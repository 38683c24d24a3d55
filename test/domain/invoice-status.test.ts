// The one rule for Sage_Invoice__c.Status__c, on its edges.
import { invoiceStatus, type StatusFigures } from '../../middleware/src/domain/invoice-status.js';

const asOf = new Date('2026-03-16T10:00:00Z');

function invoice(
  amount: number,
  due: number,
  dueDate: string | null,
  extra: Partial<StatusFigures> = {},
): StatusFigures {
  return {
    DocumentType: 'Invoice',
    DueDate: dueDate === null ? null : `${dueDate}T00:00:00Z`,
    FullyPaid: due === 0 ? 'Yes' : 'No',
    CustomerCurrencyInvoiceAmount: amount,
    CustomerCurrencyAmountDue: due,
    ...extra,
  };
}

describe('invoice status', () => {
  it('is Open for an unpaid invoice not yet due, and on its due day', () => {
    expect(invoiceStatus(invoice(100, 100, '2026-03-31'), asOf)).toBe('Open');
    expect(invoiceStatus(invoice(100, 100, '2026-03-16'), asOf)).toBe('Open');
  });

  it('is Overdue from the day after the due date', () => {
    expect(invoiceStatus(invoice(100, 100, '2026-03-15'), asOf)).toBe('Overdue');
  });

  it('is Paid when paid in full on the due date, and stays Paid after it', () => {
    const paidOnDueDate = invoice(100, 0, '2026-03-16', { DatePaid: '2026-03-16T00:00:00Z' } as Partial<StatusFigures>);
    expect(invoiceStatus(paidOnDueDate, asOf)).toBe('Paid');
    expect(invoiceStatus(paidOnDueDate, new Date('2026-06-01T00:00:00Z'))).toBe('Paid');
  });

  it('is Partially Paid before the due date and Overdue once a balance remains after it', () => {
    expect(invoiceStatus(invoice(100, 40, '2026-03-20'), asOf)).toBe('Partially Paid');
    expect(invoiceStatus(invoice(100, 40, '2026-03-10'), asOf)).toBe('Overdue');
  });

  it('is Paid for a zero-amount document, whatever its due date', () => {
    expect(invoiceStatus(invoice(0, 0, '2026-01-01', { FullyPaid: 'No' }), asOf)).toBe('Paid');
  });

  it('treats less than half a cent as nothing left to pay', () => {
    expect(invoiceStatus(invoice(100, 0.004, '2026-01-01', { FullyPaid: 'No' }), asOf)).toBe('Paid');
    expect(invoiceStatus(invoice(100, 0.01, '2026-01-01', { FullyPaid: 'No' }), asOf)).toBe('Overdue');
  });

  it('is Credit for a credit note, open or applied, never Overdue', () => {
    expect(invoiceStatus(invoice(-50, -50, null, { DocumentType: 'CreditNote' }), asOf)).toBe('Credit');
    expect(invoiceStatus(invoice(-50, 0, null, { DocumentType: 'Credit Note' }), asOf)).toBe('Credit');
    expect(invoiceStatus(invoice(-50, -50, '2026-01-01', { DocumentType: 'CreditNote' }), asOf)).toBe('Credit');
  });

  it('is never Overdue without a due date', () => {
    expect(invoiceStatus(invoice(100, 100, null), asOf)).toBe('Open');
  });

  it('rates debit notes and interest charges like invoices', () => {
    expect(invoiceStatus(invoice(20, 20, '2026-03-01', { DocumentType: 'DebitNote' }), asOf)).toBe('Overdue');
    expect(invoiceStatus(invoice(5, 0, '2026-03-01', { DocumentType: 'Interest' }), asOf)).toBe('Paid');
  });

  it('believes FullyPaid Yes even when an amount due is still reported', () => {
    expect(invoiceStatus(invoice(100, 10, '2026-03-01', { FullyPaid: 'Yes' }), asOf)).toBe('Paid');
    expect(invoiceStatus(invoice(100, 10, '2026-03-01', { FullyPaid: true }), asOf)).toBe('Paid');
  });
});
