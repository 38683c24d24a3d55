/** Aging of open receivables: how long past its due date each open document is, and the buckets reps read. */
import { z } from 'zod';

/** Amounts owed per aging bucket; credits sit in `current` because they are not overdue. */
export const agingBucketsSchema = z.object({
  current: z.number(),
  days1to30: z.number(),
  days31to60: z.number(),
  days61to90: z.number(),
  over90: z.number(),
});
export type AgingBuckets = z.infer<typeof agingBucketsSchema>;
export type AgingBucketName = keyof AgingBuckets;

const dayMs = 86_400_000;

/** The calendar day (UTC) of an ISO date or timestamp, as milliseconds at midnight; undefined when unreadable. */
export function utcDay(value: string | Date | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  return Math.floor(time / dayMs) * dayMs;
}

/** Whole days from the due date to the as-of day; 0 when not yet due or without a due date. */
export function daysOverdue(dueDate: string | undefined | null, asOf: Date): number {
  const due = utcDay(dueDate);
  const today = utcDay(asOf);
  if (due === undefined || today === undefined) return 0;
  return Math.max(0, Math.round((today - due) / dayMs));
}

/** The bucket a document falls in by its days overdue. */
export function agingBucket(days: number): AgingBucketName {
  if (days <= 0) return 'current';
  if (days <= 30) return 'days1to30';
  if (days <= 60) return 'days31to60';
  if (days <= 90) return 'days61to90';
  return 'over90';
}

/** Rounds money to cents, so sums of many documents do not drift. */
export function cents(amount: number): number {
  return Math.round((amount + Number.EPSILON) * 100) / 100;
}

/** Sums open amounts into aging buckets; a credit (negative amount) reduces `current`. */
export function ageOpenItems(items: { amountDue: number; daysOverdue: number }[]): AgingBuckets {
  const buckets: AgingBuckets = { current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 };
  for (const item of items) {
    const bucket = item.amountDue < 0 ? 'current' : agingBucket(item.daysOverdue);
    buckets[bucket] += item.amountDue;
  }
  for (const name of Object.keys(buckets) as AgingBucketName[]) buckets[name] = cents(buckets[name]);
  return buckets;
}
