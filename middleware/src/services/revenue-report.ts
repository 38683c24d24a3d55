/**
 * The revenue reconciliation report: the rows the `revenueReconciliation` flow stored, for a range of months and
 * optionally one account, with totals and the "as of" of the computation; as JSON or as CSV (RFC 4180).
 */
import { z } from 'zod';
import { cents } from '../domain/reconciliation.js';
import type { ReconciliationRow, RevenueReconciliationRepository } from '../store/index.js';

const lateOpportunity = z.object({
  opportunityId: z.string(),
  name: z.string(),
  amount: z.number(),
  closeDate: z.string().describe('YYYY-MM-DD'),
  orderNumber: z.string().nullable().describe('The Sage order still waiting for its invoice (null: no order)'),
});

const money = (description: string) => z.number().describe(description);

export const reconciliationRowSchema = z.object({
  month: z.string().describe('YYYY-MM'),
  accountId: z.string().nullable().describe('The Salesforce Account (null: a Sage customer no account is linked to)'),
  accountName: z.string().nullable(),
  customerNumber: z.string().nullable().describe('The Sage 300 customer number'),
  closedWon: money('Amounts of the Closed Won opportunities closed in the month'),
  ordered: money('Totals of the Sage orders pushed from those opportunities'),
  invoiced: money('Sage invoices and debit notes less credit notes dated in the month'),
  collected: money('Sage payments dated in the month'),
  variance: money('closedWon − invoiced'),
  wonOpportunities: z.number().int().describe('Closed Won opportunities closed in the month'),
  withoutOrder: z.array(lateOpportunity).describe('Closed Won at least lateDays ago, still without a Sage order'),
  withoutInvoice: z.array(lateOpportunity).describe('Closed Won at least lateDays ago, ordered but not invoiced'),
});

const totalsSchema = z.object({
  closedWon: z.number(),
  ordered: z.number(),
  invoiced: z.number(),
  collected: z.number(),
  variance: z.number(),
});

export const revenueReconciliationSchema = z.object({
  from: z.string().describe('YYYY-MM'),
  to: z.string().describe('YYYY-MM'),
  accountId: z.string().nullable(),
  asOf: z
    .string()
    .nullable()
    .describe(
      'When the revenueReconciliation flow last computed or confirmed these figures (null: it has not run yet)',
    ),
  computedFrom: z.string().nullable().describe('The first month the computation covers (YYYY-MM)'),
  computedTo: z.string().nullable().describe('The last month the computation covers (YYYY-MM)'),
  rows: z.array(reconciliationRowSchema).describe('One per account and month with any figure, by month then account'),
  totals: totalsSchema,
});

export type RevenueReconciliation = z.infer<typeof revenueReconciliationSchema>;

export interface ReconciliationQuery {
  from: string;
  to: string;
  accountId?: string;
}

export interface RevenueReport {
  reconciliation(query: ReconciliationQuery): Promise<RevenueReconciliation>;
}

function present(row: ReconciliationRow): RevenueReconciliation['rows'][number] {
  const late = (missing: 'order' | 'invoice') =>
    row.late
      .filter((opportunity) => opportunity.missing === missing)
      .map(({ opportunityId, name, amount, closeDate, orderNumber }) => ({
        opportunityId,
        name,
        amount,
        closeDate,
        orderNumber,
      }));
  return {
    month: row.month,
    accountId: row.accountId,
    accountName: row.accountName,
    customerNumber: row.customerNumber,
    closedWon: row.closedWon,
    ordered: row.ordered,
    invoiced: row.invoiced,
    collected: row.collected,
    variance: cents(row.closedWon - row.invoiced),
    wonOpportunities: row.wonCount,
    withoutOrder: late('order'),
    withoutInvoice: late('invoice'),
  };
}

/** The report over the stored reconciliation. */
export function createRevenueReport(store: Pick<RevenueReconciliationRepository, 'list' | 'snapshot'>): RevenueReport {
  return {
    async reconciliation(query) {
      const [rows, snapshot] = await Promise.all([store.list(query), store.snapshot()]);
      const presented = rows.map(present);
      const sum = (field: 'closedWon' | 'ordered' | 'invoiced' | 'collected' | 'variance') =>
        cents(presented.reduce((total, row) => total + row[field], 0));
      return {
        from: query.from,
        to: query.to,
        accountId: query.accountId ?? null,
        asOf: snapshot?.asOf.toISOString() ?? null,
        computedFrom: snapshot?.fromMonth ?? null,
        computedTo: snapshot?.toMonth ?? null,
        rows: presented,
        totals: {
          closedWon: sum('closedWon'),
          ordered: sum('ordered'),
          invoiced: sum('invoiced'),
          collected: sum('collected'),
          variance: sum('variance'),
        },
      };
    },
  };
}

const CSV_COLUMNS = [
  'month',
  'accountId',
  'accountName',
  'customerNumber',
  'closedWon',
  'ordered',
  'invoiced',
  'collected',
  'variance',
  'wonOpportunities',
  'withoutOrder',
  'withoutInvoice',
  'asOf',
] as const;

/** One CSV field: quoted when it holds a comma, a quote or a line break, quotes doubled (RFC 4180). */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report as CSV: a header row, then one line per account and month, CRLF line ends (RFC 4180). */
export function reconciliationCsv(report: RevenueReconciliation): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of report.rows) {
    const values: Record<(typeof CSV_COLUMNS)[number], string | number | null> = {
      ...row,
      withoutOrder: row.withoutOrder.length,
      withoutInvoice: row.withoutInvoice.length,
      asOf: report.asOf,
    };
    lines.push(CSV_COLUMNS.map((column) => csvField(values[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
