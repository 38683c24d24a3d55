/**
 * Overdue-invoice Tasks: which overdue bucket an open invoice is in, the Task's key (`CUSTOMER|DOCUMENT|BUCKET`) and
 * what it says. An invoice has one Task per bucket it reaches; one that crossed several buckets since it was last
 * seen (a first run, a missed day) is in the highest, so only that bucket's Task is written.
 */
import { money } from './credit.js';

/** The highest bucket (its first day overdue) the days overdue reach; null before the first bucket. */
export function overdueBucket(daysOverdue: number, buckets: readonly number[]): number | null {
  let reached: number | null = null;
  for (const start of buckets) if (daysOverdue >= start) reached = start;
  return reached;
}

/** The `Task.Sage_Alert_Key__c` of an invoice's Task for a bucket. */
export function overdueTaskKey(customerNumber: string, documentNumber: string, bucket: number): string {
  return `${customerNumber}|${documentNumber}|${bucket}`;
}

/** An open invoice past due, as its Task describes it. */
export interface OverdueInvoiceFacts {
  customerNumber: string;
  documentNumber: string;
  /** The invoice amount. */
  amount: number;
  /** What is still due. */
  balance: number;
  currency: string | null;
  /** `YYYY-MM-DD` */
  dueDate: string;
  daysOverdue: number;
  bucket: number;
}

export interface OverdueTask {
  subject: string;
  description: string;
  /** `High` from the third bucket on (61 days by default), else `Normal`. */
  priority: 'High' | 'Normal';
}

/** The Task an invoice gets on reaching a bucket. */
export function overdueInvoiceTask(invoice: OverdueInvoiceFacts, buckets: readonly number[]): OverdueTask {
  const balance = money(invoice.balance, invoice.currency);
  const bucketIndex = buckets.indexOf(invoice.bucket);
  return {
    subject:
      `Overdue invoice ${invoice.documentNumber}: ${balance} due ${invoice.dueDate} ` +
      `(${invoice.daysOverdue} ${invoice.daysOverdue === 1 ? 'day' : 'days'} overdue)`,
    description: [
      `Invoice ${invoice.documentNumber} of customer ${invoice.customerNumber} is ${invoice.daysOverdue} day(s) overdue (bucket ${invoice.bucket}+ days).`,
      `Document number: ${invoice.documentNumber}`,
      `Amount: ${money(invoice.amount, invoice.currency)}`,
      `Balance: ${balance}`,
      `Due date: ${invoice.dueDate}`,
      `Days overdue: ${invoice.daysOverdue}`,
    ].join('\n'),
    priority: bucketIndex >= 2 ? 'High' : 'Normal',
  };
}
