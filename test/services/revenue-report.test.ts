// The report's CSV follows RFC 4180: a header row, CRLF line ends, fields with commas, quotes or line breaks quoted.
import { reconciliationCsv, type RevenueReconciliation } from '../../middleware/src/services/revenue-report.js';

const row = (accountName: string | null): RevenueReconciliation['rows'][number] => ({
  month: '2026-11',
  accountId: '001000000000001AAA',
  accountName,
  customerNumber: '1200',
  closedWon: 2047.75,
  ordered: 0,
  invoiced: 100,
  collected: 0,
  variance: 1947.75,
  wonOpportunities: 1,
  withoutOrder: [
    { opportunityId: '006000000000001AAA', name: 'x', amount: 1, closeDate: '2026-11-01', orderNumber: null },
  ],
  withoutInvoice: [],
});

describe('the revenue reconciliation as CSV', () => {
  it('quotes fields that hold a comma, a quote or a line break, and ends every line with CRLF', () => {
    const csv = reconciliationCsv({
      from: '2026-11',
      to: '2026-11',
      accountId: null,
      asOf: '2026-11-30T02:30:00.000Z',
      computedFrom: '2025-12',
      computedTo: '2026-11',
      rows: [row('Black Rock, "Retail"'), row('Two\nlines'), row(null)],
      totals: { closedWon: 0, ordered: 0, invoiced: 0, collected: 0, variance: 0 },
    });
    expect(csv.split('\r\n')).toEqual([
      'month,accountId,accountName,customerNumber,closedWon,ordered,invoiced,collected,variance,wonOpportunities,withoutOrder,withoutInvoice,asOf',
      '2026-11,001000000000001AAA,"Black Rock, ""Retail""",1200,2047.75,0,100,0,1947.75,1,1,0,2026-11-30T02:30:00.000Z',
      '2026-11,001000000000001AAA,"Two\nlines",1200,2047.75,0,100,0,1947.75,1,1,0,2026-11-30T02:30:00.000Z',
      '2026-11,001000000000001AAA,,1200,2047.75,0,100,0,1947.75,1,1,0,2026-11-30T02:30:00.000Z',
      '',
    ]);
  });
});
