import { overdueBucket, overdueInvoiceTask, overdueTaskKey } from '../../middleware/src/domain/overdue-invoices.js';

const buckets = [1, 31, 61, 91];

describe('overdue buckets', () => {
  it.each([
    [0, null],
    [1, 1],
    [30, 1],
    [31, 31],
    [60, 31],
    [61, 61],
    [91, 91],
    [400, 91],
  ])('%s days overdue → bucket %s (the highest reached)', (days, bucket) => {
    expect(overdueBucket(days, buckets)).toBe(bucket);
  });

  it('keys a Task by customer, document and bucket', () => {
    expect(overdueTaskKey('1105', 'IN000000001001', 31)).toBe('1105|IN000000001001|31');
  });
});

describe('the Task of an overdue invoice', () => {
  it('gives the document number, amount, balance, due date and days overdue', () => {
    const task = overdueInvoiceTask(
      {
        customerNumber: '1105',
        documentNumber: 'IN0042',
        amount: 9_000,
        balance: 7_250.5,
        currency: 'USD',
        dueDate: '2026-10-01',
        daysOverdue: 60,
        bucket: 31,
      },
      buckets,
    );
    expect(task).toEqual({
      subject: 'Overdue invoice IN0042: 7,250.50 USD due 2026-10-01 (60 days overdue)',
      description: [
        'Invoice IN0042 of customer 1105 is 60 day(s) overdue (bucket 31+ days).',
        'Document number: IN0042',
        'Amount: 9,000.00 USD',
        'Balance: 7,250.50 USD',
        'Due date: 2026-10-01',
        'Days overdue: 60',
      ].join('\n'),
      priority: 'Normal',
    });
  });

  it('is high priority from the third bucket on', () => {
    const facts = {
      customerNumber: '1105',
      documentNumber: 'IN0042',
      amount: 1,
      balance: 1,
      currency: null,
      dueDate: '2026-10-01',
      daysOverdue: 1,
      bucket: 1,
    };
    expect(overdueInvoiceTask(facts, buckets).priority).toBe('Normal');
    expect(overdueInvoiceTask({ ...facts, daysOverdue: 61, bucket: 61 }, buckets).priority).toBe('High');
    expect(overdueInvoiceTask(facts, buckets).subject).toBe(
      'Overdue invoice IN0042: 1.00 due 2026-10-01 (1 day overdue)',
    );
  });
});
