/**
 * Sage 300 customers → Salesforce Accounts. Reads ARCustomers changed since the cursor with a day watermark on
 * `DateLastMaintained` (keyset on the customer number; content hashes drop what did not change), in pages of Sage
 * windows, and upserts Accounts on `Sage_Customer_Number__c` with the Account field mapping.
 *
 * Page (write unit): `CUSTOMER_PAGE_SIZE` records unless configured. A first sync then hands the Salesforce client
 * pages well above its Bulk threshold (2,000), which it writes as one Bulk API 2.0 job of about 8 requests each
 * instead of 50 Collections requests; an incremental run usually reads less than one page, so its few changed
 * records go out in the fewest Collections requests, however they are spread over the customers it reads.
 */
import type { MappingConfiguration } from '../../config/mapping.js';
import { customerKey } from '../../domain/customers.js';
import { mapToSalesforce, sageFieldsToRead } from '../../domain/mapping.js';
import type { ArCustomer } from '../../sage300/types.js';
import type { SyncFlow } from '../flow.js';
import { dayWatermark, type DayWatermarkCursor } from '../parts/day-watermark.js';
import { upsertWriter } from '../parts/salesforce-upsert.js';
import { sageWindows, type SageCollection } from '../parts/sage-windows.js';
import { defineFlow } from '../registry.js';
import type { SageClient, SalesforceUpserter } from '../systems.js';

export type CustomerCursor = DayWatermarkCursor;

/** What the flow needs from the Sage client. */
export interface CustomerSource {
  /** Customers in key order; `onCount` is told how many match with the first answer. */
  list: SageCollection<ArCustomer>;
  get(customerNumber: string): Promise<ArCustomer | undefined>;
}

/** The customers flow's view of the Sage client. */
export function sageCustomerSource(sage: SageClient): CustomerSource {
  return {
    list: (query) => sage.customers.list(query),
    get: (customerNumber) => sage.customers.get(customerNumber),
  };
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
  /** Records per page (write unit); default `CUSTOMER_PAGE_SIZE`. */
  pageSize?: number;
  clock?: () => Date;
}

function keyOf(customer: ArCustomer): string {
  return customerKey(String(customer.CustomerNumber));
}

/** The customers flow. */
export function customersFlow(
  options: CustomersFlowOptions,
): SyncFlow<ArCustomer, Record<string, unknown>, CustomerCursor> {
  const clock = options.clock ?? (() => new Date());
  const watermark = dayWatermark<ArCustomer>({
    dateField: 'DateLastMaintained',
    keyField: 'CustomerNumber',
    keyOf,
  });
  const select = () =>
    [
      ...new Set(['CustomerNumber', 'DateLastMaintained', ...sageFieldsToRead(options.mappings().Account)]),
    ] as (keyof ArCustomer)[];
  const pageSize = options.pageSize ?? CUSTOMER_PAGE_SIZE;
  return {
    name: 'customers',
    entity: 'customer',
    source: 'sage',
    cursor: watermark.cursor,
    pageSize,
    idempotentWrites: true,
    startCursor: watermark.start,
    read: (cursor, signal, onTotal) =>
      sageWindows({
        list: options.customers.list,
        select: select(),
        filter: watermark.filter(cursor),
        pageSize,
        signal,
        onTotal,
      }),
    advance: watermark.advance,
    finish: watermark.finish,
    keyOf,
    map: (record) => mapToSalesforce(options.mappings().Account, record as unknown as Record<string, unknown>),
    write(records) {
      const syncedAt = clock().toISOString();
      return upsertWriter<Record<string, unknown>>({
        salesforce: options.salesforce,
        objectType: 'Account',
        externalIdField: 'Sage_Customer_Number__c',
        noun: 'account',
        fields: ({ target }) => ({
          ...target,
          Sage_Last_Synced__c: syncedAt,
          Sage_Sync_Status__c: 'Synced',
          Sage_Sync_Message__c: null,
        }),
      })(records);
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

/** The customers flow in the registry. */
export const customers = defineFlow({
  name: 'customers',
  scheduleSetting: 'customers',
  ports: ['sage300', 'salesforce'],
  build: ({ sage300, salesforce }, context) =>
    customersFlow({
      customers: sageCustomerSource(sage300),
      salesforce,
      mappings: context.mappings,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
