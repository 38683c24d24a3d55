/**
 * Revenue reconciliation: computes, per month and account, closed-won revenue in Salesforce against what Sage 300
 * ordered, invoiced and collected (`domain/reconciliation.ts`), over the last `RECONCILIATION_MONTHS` months, and
 * keeps it in the store with its "as of", so the report (`GET /reports/revenue-reconciliation`) answers from the
 * store in milliseconds. Every run recomputes everything: the read yields one record (the whole computation), whose
 * hash the engine compares with the last one written, and the write replaces the stored snapshot only when a figure
 * or the months changed. A run that finds the same figures writes nothing; its success is the report's new "as of"
 * (`store/revenue-reconciliation.ts`). `sage-sf run revenueReconciliation` recomputes on demand.
 */
import { z } from 'zod';
import { customerKey } from '../../domain/customers.js';
import {
  addMonths,
  reconcileRevenue,
  type LinkedAccount,
  type ReconciliationFigures,
  type SageDocumentFigure,
  type SageOrderFigure,
  type SagePaymentFigure,
  type WonOpportunity,
} from '../../domain/reconciliation.js';
import { defaultSettings, type ReconciliationSettings } from '../../domain/settings.js';
import { soqlDate } from '../../salesforce/soql.js';
import type { ArPostedDocument } from '../../sage300/types.js';
import type { SyncFlow } from '../flow.js';
import { defineFlow } from '../registry.js';
import type { FlowPorts, SageClient, SalesforceReader } from '../systems.js';

export const RECONCILIATION_DEFAULTS: ReconciliationSettings = defaultSettings.reconciliation;

/** One computation: the rows and the months they cover. */
export interface ReconciliationComputation {
  fromMonth: string;
  toMonth: string;
  rows: ReconciliationFigures[];
}

const cursor = z.object({ computedAt: z.string() }).nullable();
type Cursor = z.infer<typeof cursor>;

interface OpportunityRow {
  Id: string;
  Name: string;
  AccountId: string | null;
  Amount: number | null;
  CloseDate: string;
  Account?: { Name?: string | null; Sage_Customer_Number__c?: string | null } | null;
}

interface AccountRow {
  Id: string;
  Name: string;
  Sage_Customer_Number__c: string;
}

const day = (value: string | null | undefined) => (value ?? '').slice(0, 10);

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

export interface RevenueReconciliationOptions {
  sage: SageClient;
  salesforce: SalesforceReader;
  reports: FlowPorts['reports'];
  /** The grace days and months in force (read at each computation; default: the package defaults). */
  settings?: () => ReconciliationSettings;
  clock?: () => Date;
}

/** Reads both systems for the months and computes the reconciliation. */
export async function computeReconciliation(options: RevenueReconciliationOptions): Promise<ReconciliationComputation> {
  const settings = options.settings?.() ?? RECONCILIATION_DEFAULTS;
  const now = (options.clock ?? (() => new Date()))();
  const today = now.toISOString().slice(0, 10);
  const toMonth = today.slice(0, 7);
  const fromMonth = addMonths(toMonth, -(settings.months - 1));
  const start = new Date(`${fromMonth}-01T00:00:00Z`);

  // One read after another: when Sage is down, the first refusal ends the computation instead of three requests.
  const accounts = await options.salesforce.queryAll<AccountRow>(
    'SELECT Id, Name, Sage_Customer_Number__c FROM Account WHERE Sage_Customer_Number__c != null',
  );
  const opportunities = await options.salesforce.queryAll<OpportunityRow>(
    'SELECT Id, Name, AccountId, Amount, CloseDate, Account.Name, Account.Sage_Customer_Number__c FROM Opportunity ' +
      `WHERE IsWon = true AND CloseDate >= ${soqlDate(start)} ORDER BY CloseDate, Id`,
  );
  const orders = await collect(options.sage.orders.list({ since: start }));
  const documents = await collect(
    options.sage.documents.postedDocuments({
      changedSince: start,
      select: [
        'CustomerNumber',
        'DocumentType',
        'DocumentDate',
        'CustomerCurrencyInvoiceAmount',
        'OrderNumber',
      ] as (keyof ArPostedDocument)[],
    }),
  );
  const payments = await collect(options.sage.documents.payments({ changedSince: start }));

  const linked: LinkedAccount[] = accounts.map((account) => ({
    accountId: account.Id,
    accountName: account.Name,
    customerNumber: customerKey(account.Sage_Customer_Number__c),
  }));
  const won: WonOpportunity[] = opportunities.map((opportunity) => ({
    id: opportunity.Id,
    name: opportunity.Name,
    accountId: opportunity.AccountId,
    accountName: opportunity.Account?.Name ?? null,
    customerNumber: opportunity.Account?.Sage_Customer_Number__c
      ? customerKey(opportunity.Account.Sage_Customer_Number__c)
      : null,
    amount: Number(opportunity.Amount ?? 0),
    closeDate: day(opportunity.CloseDate),
  }));
  // A quote carries its opportunity in OrderReference too, but nothing was ordered.
  const orderFigures: SageOrderFigure[] = orders
    .filter((order) => order.OrderType !== 'Quote' && String(order.OrderReference ?? '').trim() !== '')
    .map((order) => ({
      orderNumber: String(order.OrderNumber),
      reference: String(order.OrderReference),
      total: Number(order.OrderTotal),
    }));
  const documentFigures: SageDocumentFigure[] = documents.map((document) => ({
    customerNumber: customerKey(String(document.CustomerNumber)),
    documentType: String(document.DocumentType),
    date: day(document.DocumentDate),
    amount: Number(document.CustomerCurrencyInvoiceAmount),
    orderNumber: String(document.OrderNumber ?? ''),
  }));
  const paymentFigures: SagePaymentFigure[] = payments.map((payment) => ({
    customerNumber: customerKey(String(payment.CustomerNumber)),
    date: day(payment.DocumentDate),
    amount: Number(payment.PaymentAmount),
  }));
  return {
    fromMonth,
    toMonth,
    rows: reconcileRevenue({
      fromMonth,
      toMonth,
      today,
      lateDays: settings.lateDays,
      accounts: linked,
      opportunities: won,
      orders: orderFigures,
      documents: documentFigures,
      payments: paymentFigures,
    }),
  };
}

/** The flow: one record per run, the whole computation, stored as the report's snapshot. */
export function revenueReconciliationFlow(
  options: RevenueReconciliationOptions,
): SyncFlow<ReconciliationComputation, ReconciliationComputation, Cursor> {
  const clock = options.clock ?? (() => new Date());
  return {
    name: 'revenueReconciliation',
    entity: 'revenue-reconciliation',
    source: 'sage',
    cursor,
    pageSize: 1,
    idempotentWrites: true,
    startCursor: () => null,
    async *read() {
      yield [await computeReconciliation(options)];
    },
    advance: () => ({ computedAt: clock().toISOString() }),
    finish: (current) => current,
    keyOf: () => 'all',
    // The computation only: an unchanged one is skipped by the engine's hash comparison.
    map: (computation) => computation,
    async write(records) {
      const outcomes = [];
      for (const record of records) {
        await options.reports.revenueReconciliation.replace(record.target.rows, {
          fromMonth: record.target.fromMonth,
          toMonth: record.target.toMonth,
        });
        outcomes.push({ key: record.key, ok: true as const, created: false, targetKey: null });
      }
      return outcomes;
    },
    fetch: async () => [await computeReconciliation(options)],
  };
}

export const revenueReconciliation = defineFlow({
  name: 'revenueReconciliation',
  scheduleSetting: 'revenueReconciliation',
  ports: ['sage300', 'salesforce', 'reports'],
  build: ({ sage300, salesforce, reports }, context) =>
    revenueReconciliationFlow({
      sage: sage300,
      salesforce,
      reports,
      settings: () => context.settings().reconciliation,
      clock: context.clock,
    }),
});
