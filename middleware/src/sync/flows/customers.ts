/**
 * Sage 300 customers → Salesforce Accounts. Reads ARCustomers changed since the cursor (DateLastMaintained has day
 * granularity, so each run re-reads from the day before the newest change it saw; content hashes drop what did not
 * change), in key order, and upserts Accounts on `Sage_Customer_Number__c` with the Account field mapping.
 *
 * Cursor: `{ since, afterKey, newest }` — the first day the run reads, the last customer number committed (keyset
 * paging, so a resumed run continues after it), and the newest DateLastMaintained seen so far.
 *
 * Page (write unit): `CUSTOMER_PAGE_SIZE` records unless configured. A first sync then hands the Salesforce client
 * pages well above its Bulk threshold (2,000), which it writes as one Bulk API 2.0 job of about 8 requests each
 * instead of 50 Collections requests; an incremental run usually reads less than one page, so its few changed
 * records go out in the fewest Collections requests, however they are spread over the customers it reads.
 */
import { customerKey } from '../../domain/customers.js';
import { ConnectorError } from '../../domain/errors.js';
import type { MappingConfiguration } from '../../config/mapping.js';
import { mapToSalesforce, sageFieldsToRead } from '../../domain/mapping.js';
import { defaultSettings } from '../../domain/settings.js';
import { and, ge, gt, type Filter } from '../../sage300/odata.js';
import type { ArCustomer } from '../../sage300/types.js';
import type { PreparedRecord, SyncFlow, WriteOutcome } from '../flow.js';
import { writeResultError, type SalesforceUpserter } from '../systems.js';

export interface CustomerCursor {
  since: string | null;
  afterKey: string | null;
  newest: string | null;
}

/** What the flow needs from the Sage client. */
export interface CustomerSource {
  /** Customers in key order; `onCount` is told how many match with the first answer. */
  list(query: {
    select?: readonly (keyof ArCustomer)[];
    filter?: Filter;
    onCount?: (count: number) => void;
  }): AsyncIterable<ArCustomer>;
  get(customerNumber: string): Promise<ArCustomer | undefined>;
}

/**
 * The customers flow's default page: five times the Salesforce client's Bulk threshold, so a first sync of 20,000
 * customers costs two Bulk jobs (about 16 requests) instead of 100 Collections requests, while a crash loses at most
 * 10,000 idempotent upserts (re-sent by the resumed run, never duplicated) and a page's mapped records stay a few MB.
 */
export const CUSTOMER_PAGE_SIZE = 10_000;

export interface CustomersFlowOptions {
  customers: CustomerSource;
  salesforce: SalesforceUpserter;
  /** The mappings in force (they may be refreshed from Custom Metadata while the process runs). */
  mappings: () => MappingConfiguration;
  schedule?: string;
  /** Records per page (write unit); default `CUSTOMER_PAGE_SIZE`. */
  pageSize?: number;
  clock?: () => Date;
}

const DAY_MS = 86_400_000;

/** `2026-05-01T00:00:00Z` → `2026-05-01`; undefined when Sage sent no date. */
function dayOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 10) return undefined;
  return value.slice(0, 10);
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

function keyOf(customer: ArCustomer): string {
  return customerKey(String(customer.CustomerNumber));
}

function changedFilter(cursor: CustomerCursor | null): Filter | undefined {
  return and(
    cursor?.since ? ge('DateLastMaintained', new Date(`${cursor.since}T00:00:00Z`)) : undefined,
    cursor?.afterKey ? gt('CustomerNumber', cursor.afterKey) : undefined,
  );
}

/** Groups a stream of records into arrays of `size`. */
async function* inPages<T>(records: AsyncIterable<T>, size: number, signal: AbortSignal): AsyncGenerator<T[]> {
  let page: T[] = [];
  for await (const record of records) {
    page.push(record);
    if (page.length >= size) {
      yield page;
      page = [];
      if (signal.aborted) return;
    }
  }
  if (page.length > 0) yield page;
}

/** The customers flow. */
export function customersFlow(
  options: CustomersFlowOptions,
): SyncFlow<ArCustomer, Record<string, unknown>, CustomerCursor> {
  const clock = options.clock ?? (() => new Date());
  const select = () =>
    [
      ...new Set(['CustomerNumber', 'DateLastMaintained', ...sageFieldsToRead(options.mappings().Account)]),
    ] as (keyof ArCustomer)[];
  return {
    name: 'customers',
    entity: 'customer',
    schedule: options.schedule ?? defaultSettings.schedules.customers,
    pageSize: options.pageSize ?? CUSTOMER_PAGE_SIZE,
    idempotentWrites: true,

    startCursor(saved, runOptions) {
      const newest = saved?.value?.newest ?? null;
      if (runOptions.full) return { since: null, afterKey: null, newest };
      if (runOptions.since) return { since: runOptions.since.toISOString().slice(0, 10), afterKey: null, newest };
      if (saved?.inProgress && saved.value) return saved.value;
      return { since: newest ? previousDay(newest) : null, afterKey: null, newest };
    },

    read(cursor, signal, onTotal) {
      return inPages(
        options.customers.list({
          select: select(),
          filter: changedFilter(cursor),
          ...(onTotal ? { onCount: onTotal } : {}),
        }),
        this.pageSize,
        signal,
      );
    },

    advance(cursor, record) {
      const day = dayOf(record.DateLastMaintained);
      const newest = cursor?.newest ?? null;
      return {
        since: cursor?.since ?? null,
        afterKey: keyOf(record),
        newest: day && (!newest || day > newest) ? day : newest,
      };
    },

    finish(cursor) {
      return { since: cursor?.since ?? null, afterKey: null, newest: cursor?.newest ?? null };
    },

    keyOf,

    map(record) {
      return mapToSalesforce(options.mappings().Account, record as unknown as Record<string, unknown>);
    },

    async write(records: readonly PreparedRecord<Record<string, unknown>>[]): Promise<WriteOutcome[]> {
      const syncedAt = clock().toISOString();
      const results = await options.salesforce.upsert(
        'Account',
        'Sage_Customer_Number__c',
        records.map(({ key, target }) => ({
          ...target,
          Sage_Customer_Number__c: key,
          Sage_Last_Synced__c: syncedAt,
          Sage_Sync_Status__c: 'Synced',
          Sage_Sync_Message__c: null,
        })),
      );
      return records.map(({ key }, index): WriteOutcome => {
        const result = results[index];
        if (!result) {
          return {
            key,
            ok: false,
            error: new ConnectorError('in-doubt', 'Salesforce returned no result for this account', {
              code: 'NO_RESULT',
              system: 'salesforce',
            }),
          };
        }
        if (result.ok) return { key, ok: true, created: result.created ?? false, salesforceId: result.id ?? null };
        return { key, ok: false, error: writeResultError(result) };
      });
    },

    async fetch(keys) {
      const found: ArCustomer[] = [];
      for (const key of keys) {
        const customer = await options.customers.get(key);
        if (customer) found.push(customer);
      }
      return found;
    },
  };
}
