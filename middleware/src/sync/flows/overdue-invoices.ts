/**
 * Overdue invoices: daily, the open Sage documents past their due date (ARPostedDocuments, not cash, with an amount
 * due) → one Task for the account owner per invoice and overdue bucket (`domain/overdue-invoices.ts`), keyed
 * `CUSTOMER|DOCUMENT|BUCKET` on `Task.Sage_Alert_Key__c` and created only when no Task carries the key yet. An invoice
 * that crossed several buckets since it was last seen gets only the highest bucket's Task.
 *
 * Every run reads all open overdue documents (a key sweep); what is hashed is the document's figures and bucket, so
 * an invoice is written again only when it reaches a new bucket or its balance moves. A document whose customer has
 * no Account yet fails as in the invoices flow and waits in the failure queue for that customer's link.
 *
 * After the run, the invoices whose Task it created go to the notifier as one digest (nothing without a channel; a
 * notice that fails never undoes a Task), with each account owner's e-mail when a channel copies the owners. A run that stops early keeps its invoices for the next run's digest.
 */
import { documentKey, splitDocumentKey } from '../../domain/invoices.js';
import {
  overdueBucket,
  overdueInvoiceTask,
  overdueTaskKey,
  type OverdueInvoiceFacts,
} from '../../domain/overdue-invoices.js';
import type { ConnectorSettings } from '../../domain/settings.js';
import type { OverdueInvoice, Notifier } from '../../notify/notifier.js';
import { and, eq, gt, lt } from '../../sage300/odata.js';
import type { ArPostedDocument } from '../../sage300/types.js';
import type { PreparedRecord, SyncFlow, WriteOutcome } from '../flow.js';
import { createMissingTasks, linkedAccounts, waitingForCustomer, type KeyedTask } from '../parts/account-tasks.js';
import { keySweep, type KeySweepCursor } from '../parts/key-sweep.js';
import {
  afterDocument,
  documentsByKey,
  receivables,
  sageDocuments,
  type SageDocuments,
} from '../parts/sage-documents.js';
import { sageWindows } from '../parts/sage-windows.js';
import { defineFlow } from '../registry.js';
import type { SalesforcePort } from '../systems.js';

/** What the flow hashes and writes from: the open invoice's figures and the bucket it is in (null: none yet). */
export interface OverdueInvoiceInput extends Omit<OverdueInvoiceFacts, 'daysOverdue' | 'bucket'> {
  bucket: number | null;
  buckets: number[];
}

export interface OverdueInvoicesFlowOptions {
  /** Posted documents in key order. */
  documents: SageDocuments;
  salesforce: Pick<SalesforcePort, 'queryAll' | 'create'>;
  notifier: Notifier;
  settings: () => Pick<ConnectorSettings, 'overdueBuckets'>;
  clock: () => Date;
  pageSize?: number;
}

/** Documents per page: one Account query, one Task lookup and at most one create request each. */
export const OVERDUE_INVOICE_PAGE_SIZE = 200;

const DAY_MS = 86_400_000;

const documentFields = [
  'CustomerNumber',
  'DocumentNumber',
  'DocumentType',
  'DueDate',
  'FullyPaid',
  'CurrencyCode',
  'CustomerCurrencyInvoiceAmount',
  'CustomerCurrencyAmountDue',
] as const satisfies readonly (keyof ArPostedDocument)[];

const keyOf = (document: ArPostedDocument) => documentKey(document);

/** The UTC day of a date or date-time, as `YYYY-MM-DD`. */
const dayOf = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString()).slice(0, 10);

/** Whole days from the due date to today (both `YYYY-MM-DD`). */
export function daysOverdue(dueDate: string, today: string): number {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / DAY_MS);
}

/** The overdue invoices flow. */
export function overdueInvoicesFlow(
  options: OverdueInvoicesFlowOptions,
): SyncFlow<ArPostedDocument, OverdueInvoiceInput, KeySweepCursor> {
  const { salesforce, clock } = options;
  const sweep = keySweep<ArPostedDocument>({ keyOf, after: afterDocument });
  const pageSize = options.pageSize ?? OVERDUE_INVOICE_PAGE_SIZE;
  const today = () => dayOf(clock());
  // Open receivables past due: not cash, not fully paid, something still due, due before today.
  const overdue = () =>
    and(
      receivables(),
      eq('FullyPaid', 'No'),
      gt('CustomerCurrencyAmountDue', 0),
      lt('DueDate', new Date(`${today()}T00:00:00Z`)),
    );
  /** The invoices whose Task a run created, for the run's digest. */
  let tasked: OverdueInvoice[] = [];

  async function write(records: readonly PreparedRecord<OverdueInvoiceInput>[]): Promise<WriteOutcome[]> {
    const day = today();
    const due = records.filter(({ target }) => target.bucket !== null);
    const accounts =
      due.length > 0
        ? await linkedAccounts(
            salesforce,
            due.map(({ target }) => target.customerNumber),
            { ownerEmails: options.notifier.wantsOwnerEmails === true },
          )
        : new Map();
    const outcomes = new Map<string, WriteOutcome>();
    const tasks: { record: PreparedRecord<OverdueInvoiceInput>; task: KeyedTask; invoice: OverdueInvoice }[] = [];
    for (const record of due) {
      const { target } = record;
      const bucket = target.bucket as number;
      const account = accounts.get(target.customerNumber.toUpperCase());
      if (!account) {
        outcomes.set(record.key, waitingForCustomer(record.key, target.customerNumber));
        continue;
      }
      const facts = { ...target, bucket, daysOverdue: daysOverdue(target.dueDate, day) };
      tasks.push({
        record,
        task: {
          key: overdueTaskKey(target.customerNumber, target.documentNumber, bucket),
          account,
          dueDate: day,
          ...overdueInvoiceTask(facts, target.buckets),
        },
        invoice: {
          customerNumber: target.customerNumber,
          accountId: account.id,
          ...(account.ownerEmail ? { ownerEmail: account.ownerEmail } : {}),
          documentNumber: target.documentNumber,
          amount: target.amount,
          balance: target.balance,
          ...(target.currency ? { currency: target.currency } : {}),
          dueDate: target.dueDate,
          daysOverdue: facts.daysOverdue,
          bucket,
        },
      });
    }
    const taskOutcomes = await createMissingTasks(
      salesforce,
      tasks.map(({ task }) => task),
    );
    for (const { record, task, invoice } of tasks) {
      const outcome = taskOutcomes.get(task.key);
      if (outcome && !outcome.ok) {
        outcomes.set(record.key, { key: record.key, ok: false, error: outcome.error });
        continue;
      }
      const created = outcome?.created ?? false;
      if (created) tasked.push(invoice);
      outcomes.set(record.key, { key: record.key, ok: true, created, targetKey: null });
    }
    return records.map(
      ({ key }) => outcomes.get(key) ?? { key, ok: true, created: false, targetKey: null }, // not in a bucket yet
    );
  }

  return {
    name: 'overdueInvoices',
    entity: 'overdue-invoice',
    source: 'sage',
    cursor: sweep.cursor,
    pageSize,
    idempotentWrites: true,
    startCursor: sweep.start,
    read: (cursor, signal, onTotal) =>
      sageWindows({
        list: options.documents,
        select: documentFields,
        filter: and(overdue(), sweep.filter(cursor)),
        pageSize,
        signal,
        onTotal,
      }),
    advance: sweep.advance,
    finish: sweep.finish,
    keyOf,
    map: (document) => {
      const { customerNumber, documentNumber } = splitDocumentKey(keyOf(document));
      const buckets = [...options.settings().overdueBuckets];
      const dueDate = dayOf(String(document.DueDate ?? ''));
      const currency = typeof document.CurrencyCode === 'string' ? document.CurrencyCode.trim() : '';
      return {
        customerNumber,
        documentNumber,
        amount: Number(document.CustomerCurrencyInvoiceAmount ?? 0),
        balance: Number(document.CustomerCurrencyAmountDue ?? 0),
        currency: currency || null,
        dueDate,
        bucket: overdueBucket(daysOverdue(dueDate, today()), buckets),
        buckets,
      };
    },
    write,
    fetch: (keys) => documentsByKey(options.documents, keys, { select: documentFields, filter: overdue() }),
    async afterRun({ runId }) {
      const invoices = tasked;
      tasked = [];
      if (invoices.length === 0 || options.notifier.channels.length === 0) return;
      await options.notifier.notify({
        kind: 'overdue-invoices',
        flow: 'overdueInvoices',
        runId,
        asOf: clock(),
        invoices,
      });
    },
  };
}

/** The overdue invoices flow in the registry. */
export const overdueInvoices = defineFlow({
  name: 'overdueInvoices',
  scheduleSetting: 'overdueInvoices',
  ports: ['sage300', 'salesforce', 'notifier'],
  build: ({ sage300, salesforce, notifier }, context) =>
    overdueInvoicesFlow({
      documents: sageDocuments(sage300),
      salesforce,
      notifier,
      settings: context.settings,
      clock: context.clock,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
