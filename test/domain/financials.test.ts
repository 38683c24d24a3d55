import {
  customerFinancials,
  documentStatus,
  invoiceView,
  type SagePostedDocument,
} from '../../middleware/src/domain/financials.js';

const asOf = new Date('2026-03-31T12:00:00Z');

const invoice = (number: string, due: string, amount: number, amountDue: number): SagePostedDocument => ({
  CustomerNumber: '1200',
  DocumentNumber: number,
  DocumentType: 'Invoice',
  DocumentDate: '2026-01-01T00:00:00Z',
  DueDate: due,
  FullyPaid: amountDue === 0 ? 'Yes' : 'No',
  CustomerCurrencyInvoiceAmount: amount,
  CustomerCurrencyAmountDue: amountDue,
  CurrencyCode: 'USD ',
});

describe('customer financials', () => {
  const documents = [
    invoice('IN1', '2026-04-10T00:00:00Z', 1000, 1000),
    invoice('IN2', '2026-03-15T00:00:00Z', 500, 200),
    invoice('IN3', '2025-12-01T00:00:00Z', 300, 300),
    invoice('IN4', '2025-11-01T00:00:00Z', 800, 0),
    { ...invoice('CN1', '2026-03-01T00:00:00Z', 50, 50), DocumentType: 'CreditNote' },
  ];

  it('summarises balance, limit, available credit, aging and open documents', () => {
    const summary = customerFinancials(
      {
        CustomerNumber: '1200 ',
        CustomerName: 'Mr. Ronald Black ',
        CurrencyCode: 'USD',
        OnHold: 'No',
        CreditLimitCustomerCurrency: 2000,
        BalanceDueInCustomerCurrency: 1450,
        DateOfLastReceipt: '2026-03-20T00:00:00Z',
        LastReceiptCustomerCurrency: 300,
      },
      documents,
      asOf,
      80,
    );
    expect(summary).toMatchObject({
      customerNumber: '1200',
      customerName: 'Mr. Ronald Black',
      balance: 1450,
      creditLimit: 2000,
      availableCredit: 550,
      utilisation: 72.5,
      creditStanding: 'within-limit',
      pastDue: 500,
      aging: { current: 950, days1to30: 200, days31to60: 0, days61to90: 0, over90: 300 },
      onHold: false,
      lastPaymentDate: '2026-03-20',
      lastPaymentAmount: 300,
      openDocuments: 4,
      asOf: '2026-03-31T12:00:00.000Z',
    });
  });

  it('reports a customer on hold and over its limit', () => {
    const summary = customerFinancials(
      { CustomerNumber: '1105', OnHold: 'Yes', CreditLimitCustomerCurrency: 1000, BalanceDueInCustomerCurrency: 1200 },
      [],
      asOf,
      80,
    );
    expect(summary.onHold).toBe(true);
    expect(summary.creditStanding).toBe('over-limit');
    expect(summary.availableCredit).toBe(-200);
    expect(summary.lastPaymentDate).toBeNull();
    expect(summary.lastPaymentAmount).toBeNull();
  });
});

describe('invoice status', () => {
  it('tells open, partially paid, overdue, paid and credit documents apart', () => {
    expect(documentStatus(invoice('A', '2026-04-30', 100, 100), asOf)).toBe('Open');
    expect(documentStatus(invoice('B', '2026-04-30', 100, 40), asOf)).toBe('Partially Paid');
    expect(documentStatus(invoice('C', '2026-03-01', 100, 40), asOf)).toBe('Overdue');
    expect(documentStatus(invoice('D', '2026-03-01', 100, 0), asOf)).toBe('Paid');
    expect(documentStatus({ ...invoice('E', '2026-03-01', 10, 10), DocumentType: 'CreditNote' }, asOf)).toBe('Credit');
  });

  it('shows a document with trimmed text, date-only dates and days overdue', () => {
    expect(invoiceView({ ...invoice(' IN9 ', '2026-03-01T00:00:00Z', 100, 40), PONumber: ' PO-7 ' }, asOf)).toEqual({
      documentNumber: 'IN9',
      documentType: 'Invoice',
      documentDate: '2026-01-01',
      dueDate: '2026-03-01',
      amount: 100,
      balanceDue: 40,
      currency: 'USD',
      status: 'Overdue',
      daysOverdue: 30,
      orderNumber: null,
      poNumber: 'PO-7',
      lastPaymentDate: null,
    });
  });
});
