/**
 * Revenue reconciliation, per month and account: what Salesforce won (Closed Won opportunities by close date), what
 * Sage 300 ordered from those opportunities (orders whose `OrderReference` is the opportunity), invoiced (invoices
 * and debit notes less credit notes, by document date), and collected (payments, by payment date); the variance is
 * won − invoiced. Opportunities closed at least `lateDays` ago with no order, or with an order never invoiced, are
 * listed as late. Pure: the flow reads the systems and stores what this answers.
 */

export interface WonOpportunity {
  id: string;
  name: string;
  accountId: string | null;
  accountName: string | null;
  customerNumber: string | null;
  amount: number;
  /** `YYYY-MM-DD` */
  closeDate: string;
}

export interface SageOrderFigure {
  orderNumber: string;
  /** The opportunity id the connector wrote into `OrderReference`. */
  reference: string;
  total: number;
}

export interface SageDocumentFigure {
  customerNumber: string;
  documentType: string;
  /** `YYYY-MM-DD` */
  date: string;
  amount: number;
  orderNumber: string;
}

export interface SagePaymentFigure {
  customerNumber: string;
  /** `YYYY-MM-DD` */
  date: string;
  amount: number;
}

export interface LinkedAccount {
  accountId: string;
  accountName: string;
  customerNumber: string;
}

export interface LateOpportunityFigure {
  opportunityId: string;
  name: string;
  amount: number;
  closeDate: string;
  missing: 'order' | 'invoice';
  orderNumber: string | null;
}

export interface ReconciliationFigures {
  month: string;
  accountId: string | null;
  accountName: string | null;
  customerNumber: string | null;
  closedWon: number;
  ordered: number;
  invoiced: number;
  collected: number;
  wonCount: number;
  late: LateOpportunityFigure[];
}

export interface ReconciliationInput {
  /** First and last month computed, `YYYY-MM`. */
  fromMonth: string;
  toMonth: string;
  /** The business day the lateness is measured on, `YYYY-MM-DD`. */
  today: string;
  lateDays: number;
  accounts: readonly LinkedAccount[];
  opportunities: readonly WonOpportunity[];
  orders: readonly SageOrderFigure[];
  documents: readonly SageDocumentFigure[];
  payments: readonly SagePaymentFigure[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** True for `YYYY-MM` with a real month. */
export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** Months from `from` to `to` inclusive (0 when `to` is before `from`). */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return Math.max(0, (ty - fy) * 12 + (tm - fm) + 1);
}

/** The month `count` months after `month` (negative: before). */
export function addMonths(month: string, count: number): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (mon - 1) + count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Money rounded to cents, so sums of many amounts compare exactly. */
export function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Sage document types that raise what a customer owes, and those that lower it. */
const RAISES = new Set(['Invoice', 'DebitNote']);
const LOWERS = new Set(['CreditNote']);

/** The reconciliation rows, by month then account name. */
export function reconcileRevenue(input: ReconciliationInput): ReconciliationFigures[] {
  const inRange = (month: string) => month >= input.fromMonth && month <= input.toMonth;
  const byCustomer = new Map(input.accounts.map((account) => [account.customerNumber.trim().toUpperCase(), account]));
  const rows = new Map<string, ReconciliationFigures>();
  const row = (
    month: string,
    who: { accountId: string | null; accountName: string | null; customerNumber: string | null },
  ): ReconciliationFigures => {
    const key = `${month}|${who.accountId ?? `sage:${who.customerNumber ?? ''}`}`;
    let found = rows.get(key);
    if (!found) {
      found = { month, ...who, closedWon: 0, ordered: 0, invoiced: 0, collected: 0, wonCount: 0, late: [] };
      rows.set(key, found);
    }
    return found;
  };
  const customerRow = (month: string, customerNumber: string) => {
    const account = byCustomer.get(customerNumber.trim().toUpperCase());
    return row(month, {
      accountId: account?.accountId ?? null,
      accountName: account?.accountName ?? null,
      customerNumber: account?.customerNumber ?? customerNumber.trim(),
    });
  };

  const ordersByReference = new Map<string, SageOrderFigure[]>();
  for (const order of input.orders) {
    const list = ordersByReference.get(order.reference.trim()) ?? [];
    list.push(order);
    ordersByReference.set(order.reference.trim(), list);
  }
  const invoicedOrders = new Set(
    input.documents
      .filter((document) => RAISES.has(document.documentType))
      .map((document) => document.orderNumber.trim()),
  );

  for (const opportunity of input.opportunities) {
    const month = opportunity.closeDate.slice(0, 7);
    if (!inRange(month)) continue;
    const figures = row(month, {
      accountId: opportunity.accountId,
      accountName: opportunity.accountName,
      customerNumber: opportunity.customerNumber,
    });
    figures.closedWon += opportunity.amount;
    figures.wonCount += 1;
    const orders = ordersByReference.get(opportunity.id) ?? [];
    figures.ordered += orders.reduce((sum, order) => sum + order.total, 0);
    if (daysBetween(opportunity.closeDate, input.today) < input.lateDays) continue;
    const late = {
      opportunityId: opportunity.id,
      name: opportunity.name,
      amount: opportunity.amount,
      closeDate: opportunity.closeDate,
    };
    if (orders.length === 0) {
      figures.late.push({ ...late, missing: 'order', orderNumber: null });
    } else {
      const uninvoiced = orders.find((order) => !invoicedOrders.has(order.orderNumber.trim()));
      if (uninvoiced) figures.late.push({ ...late, missing: 'invoice', orderNumber: uninvoiced.orderNumber.trim() });
    }
  }

  for (const document of input.documents) {
    const month = document.date.slice(0, 7);
    if (!inRange(month)) continue;
    // A credit note lowers what was invoiced whichever sign the ledger gives its amount (Sage keeps it negative).
    if (RAISES.has(document.documentType)) customerRow(month, document.customerNumber).invoiced += document.amount;
    else if (LOWERS.has(document.documentType))
      customerRow(month, document.customerNumber).invoiced -= Math.abs(document.amount);
  }
  for (const payment of input.payments) {
    const month = payment.date.slice(0, 7);
    if (inRange(month)) customerRow(month, payment.customerNumber).collected += payment.amount;
  }

  return [...rows.values()]
    .map((figures) => ({
      ...figures,
      closedWon: cents(figures.closedWon),
      ordered: cents(figures.ordered),
      invoiced: cents(figures.invoiced),
      collected: cents(figures.collected),
    }))
    .sort(
      (a, b) =>
        a.month.localeCompare(b.month) ||
        (a.accountName ?? '').localeCompare(b.accountName ?? '') ||
        (a.accountId ?? a.customerNumber ?? '').localeCompare(b.accountId ?? b.customerNumber ?? ''),
    );
}
