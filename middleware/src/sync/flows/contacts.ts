/**
 * Contacts, both ways. A Sage customer's contact fields (`ContactName`, `ContactsEmail`, `ContactsPhone`: A/R keeps
 * one contact per customer) ⇄ its Account's primary contact, and each ship-to location's contact → a Contact under the
 * same Account (Sage to Salesforce only), all keyed by `Contact.Sage_Contact_Key__c` (`1200`, `1200|OFFICE`).
 *
 * One run reads three change streams in turn, each with its own part of the cursor: customers and ship-to locations
 * changed in Sage (day watermarks on `DateLastMaintained`), then primary contacts changed in Salesforce
 * (`(SystemModstamp, Id)` with the look-back window). A record whose side still holds what that side held after the
 * last sync is unchanged — which is also how the connector's own writes, read back from the other side, are dropped
 * without a request. A changed record is merged field by field with the other side's current values (read in one
 * request per page) against what each side held after the last sync (`domain/field-merge.ts`): one-sided changes are
 * copied where the mapping lets them flow, a field both sides changed is settled by its master and the losing value
 * goes to the run's log and the conflict view. Sage is PATCHed (never PUT), Salesforce upserted on the contact key.
 */
import { z } from 'zod';
import type { MappingConfiguration } from '../../config/mapping.js';
import {
  contactKey,
  contactMergeFields,
  contactSageFields,
  contactSalesforceFields,
  customerContactValues,
  parseContactKey,
  salesforceContactFields,
  salesforceContactValues,
  shipToContactFields,
  shipToContactValues,
  shipToMergeFields,
} from '../../domain/contacts.js';
import { customerKey } from '../../domain/customers.js';
import { ConnectorError } from '../../domain/errors.js';
import {
  mergeFields,
  unchangedSince,
  type FieldValues,
  type MergeField,
  type MergeResult,
  type SyncedState,
} from '../../domain/field-merge.js';
import { and, eq, ge, oneOf, or } from '../../sage300/odata.js';
import type { ArCustomer, ArShipToLocation } from '../../sage300/types.js';
import { soqlFields, soqlIn, soqlInGroups, soqlLike } from '../../salesforce/soql.js';
import type { Link } from '../../store/index.js';
import type { PreparedRecord, SyncFlow, WriteOutcome } from '../flow.js';
import { dayWatermark, dayWatermarkCursor } from '../parts/day-watermark.js';
import {
  repointMergedLinks,
  salesforceChangeCursor,
  salesforceChanges,
  type ChangedRecord,
  type SalesforceMerge,
} from '../parts/salesforce-changes.js';
import { writeResultError } from '../parts/salesforce-upsert.js';
import { inPages } from '../parts/sage-windows.js';
import { waitingForCustomer } from '../parts/account-tasks.js';
import { defineFlow, type FlowContext } from '../registry.js';
import type { SageClient, SalesforcePort } from '../systems.js';

/** A Salesforce Contact as the flow reads it. */
export interface SalesforceContactRow extends ChangedRecord {
  AccountId: string | null;
  Sage_Contact_Key__c: string;
  [field: string]: unknown;
}

/** One changed contact, from whichever stream read it. */
export type ContactChange =
  | { origin: 'customer'; key: string; row: ArCustomer }
  | { origin: 'shipTo'; key: string; row: ArShipToLocation }
  | { origin: 'salesforce'; key: string; row: SalesforceContactRow };

/** What the engine hashes: the synced state when the read side is unchanged, else the change to merge. */
export type ContactTarget =
  SyncedState | { read: 'sage' | 'salesforce'; shipTo: boolean; values: FieldValues; base: SyncedState | null };

export const contactsCursor = z.strictObject({
  customers: dayWatermarkCursor.nullable(),
  shipTo: dayWatermarkCursor.nullable(),
  salesforce: salesforceChangeCursor.nullable(),
});

export type ContactsCursor = z.infer<typeof contactsCursor>;

/** Records per page: a Salesforce query, a Sage read of the counterparts and one upsert call each. */
export const CONTACT_PAGE_SIZE = 200;

export interface ContactsFlowOptions {
  sage: SageClient;
  salesforce: Pick<SalesforcePort, 'queryAll' | 'upsert' | 'update'>;
  mappings: () => MappingConfiguration;
  pageSize?: number;
  lookBackMs: number;
  /** For re-pointing the link of a Contact merged into another (a deleted Contact changes nothing in Sage). */
  links?: FlowContext['links'];
}

const CONTACT_KEY = 'Sage_Contact_Key__c';

/** Customers per Sage read of a page's counterparts: an `or` of this many numbers keeps the URL short. */
const CUSTOMERS_PER_READ = 50;

/** What a changed contact needs: its merge with the other side and where it lives in Salesforce. */
interface ContactPlan {
  record: PreparedRecord<ContactTarget>;
  merge: MergeResult;
  accountId: string;
  contact?: Record<string, unknown>;
}

function isSyncedState(value: unknown): value is SyncedState {
  return typeof value === 'object' && value !== null && 'sage' in value && 'salesforce' in value;
}

/** The contacts flow. */
export function contactsFlow(options: ContactsFlowOptions): SyncFlow<ContactChange, ContactTarget, ContactsCursor> {
  const pageSize = options.pageSize ?? CONTACT_PAGE_SIZE;
  const mappings = () => options.mappings().Contact;
  const customerWatermark = dayWatermark<ArCustomer>({
    dateField: 'DateLastMaintained',
    keyField: 'CustomerNumber',
    keyOf: (row) => customerKey(row.CustomerNumber),
  });
  // Ship-to locations resume at their customer (a composite key has no single keyset); re-read rows are unchanged.
  const shipToWatermark = dayWatermark<ArShipToLocation>({
    dateField: 'DateLastMaintained',
    keyField: 'CustomerNumber',
    keyOf: (row) => customerKey(row.CustomerNumber),
  });
  const salesforceContactFieldsToRead = () => ['AccountId', CONTACT_KEY, ...contactSalesforceFields(mappings())];
  const links = options.links;
  const salesforceRead = salesforceChanges<SalesforceContactRow>({
    reader: options.salesforce,
    object: 'Contact',
    fields: salesforceContactFieldsToRead,
    // Primary contacts only: ship-to contacts flow from Sage alone.
    where: () => `${CONTACT_KEY} != null AND (NOT ${CONTACT_KEY} LIKE ${soqlLike('|')})`,
    pageSize,
    lookBackMs: options.lookBackMs,
    ...(links ? { removals: { onMerged: (merges) => adoptMergedContacts(links, merges) } } : {}),
  });

  /**
   * Contacts merged in Salesforce: the link moves to the surviving Contact, and a survivor without a contact key is
   * given the merged one's key (one update), so the contact goes on being found and written by its key — never created
   * a second time. Nothing changes in Sage.
   */
  async function adoptMergedContacts(
    store: NonNullable<FlowContext['links']>,
    merges: readonly SalesforceMerge[],
  ): Promise<void> {
    const keyOf = new Map<string, string>();
    for (const { id, masterId } of merges) {
      const link = await store.findBySalesforceId('contact', id);
      if (link) keyOf.set(masterId.slice(0, 15), link.sageKey);
    }
    await repointMergedLinks(store, 'contact', merges);
    if (keyOf.size === 0) return;
    const masters = await options.salesforce.queryAll<{ Id: string; Sage_Contact_Key__c: string | null }>(
      `SELECT Id, ${CONTACT_KEY} FROM Contact WHERE Id IN ${soqlIn([...new Set(merges.map((merge) => merge.masterId))])}`,
    );
    const updates = masters
      .filter((master) => !master.Sage_Contact_Key__c && keyOf.has(master.Id.slice(0, 15)))
      .map((master) => ({ Id: master.Id, [CONTACT_KEY]: keyOf.get(master.Id.slice(0, 15)) }));
    if (updates.length === 0) return;
    const results = await options.salesforce.update('Contact', updates);
    const refused = results.find((result) => !result.ok);
    if (refused) throw writeResultError(refused);
  }

  const fieldsFor = (shipTo: boolean): MergeField[] =>
    shipTo ? shipToMergeFields(mappings()) : contactMergeFields(mappings());

  function valuesOf(change: ContactChange): FieldValues {
    const row = change.row as unknown as Record<string, unknown>;
    if (change.origin === 'customer') return customerContactValues(fieldsFor(false), row);
    if (change.origin === 'shipTo') return shipToContactValues(fieldsFor(true), row);
    return salesforceContactValues(mappings(), fieldsFor(false), row);
  }

  /**
   * The Accounts of these customers with their keyed contacts: one query, or as few as keep each request's URI under
   * Salesforce's limit (a page of 1,000 keys does not fit in one).
   */
  async function salesforceSide(keys: readonly string[]) {
    const contactFields = ['Id', CONTACT_KEY, ...contactSalesforceFields(mappings())];
    const build = (group: readonly string[]) => {
      const customers = [...new Set(group.map((key) => parseContactKey(key).customerNumber))];
      return (
        `SELECT Id, Sage_Customer_Number__c, (SELECT ${soqlFields([...new Set(contactFields)])} FROM Contacts` +
        ` WHERE ${CONTACT_KEY} IN ${soqlIn(group)}) FROM Account WHERE Sage_Customer_Number__c IN ${soqlIn(customers)}`
      );
    };
    const accounts: {
      Id: string;
      Sage_Customer_Number__c: string;
      Contacts?: { records?: Record<string, unknown>[] } | Record<string, unknown>[] | null;
    }[] = [];
    for (const { soql } of soqlInGroups(keys, build)) {
      accounts.push(...(await options.salesforce.queryAll<(typeof accounts)[number]>(soql)));
    }
    const accountOf = new Map<string, string>();
    const contactOf = new Map<string, Record<string, unknown>>();
    for (const account of accounts) {
      accountOf.set(customerKey(account.Sage_Customer_Number__c), account.Id);
      const contacts = Array.isArray(account.Contacts) ? account.Contacts : (account.Contacts?.records ?? []);
      for (const contact of contacts) contactOf.set(String(contact[CONTACT_KEY]).toUpperCase(), contact);
    }
    return { accountOf, contactOf };
  }

  /** The customers of these keys, by number (one read per {@link CUSTOMERS_PER_READ}, to keep each URL short). */
  async function sageCustomers(keys: readonly string[]): Promise<Map<string, ArCustomer>> {
    const numbers = [...new Set(keys.map((key) => parseContactKey(key).customerNumber))];
    const found = new Map<string, ArCustomer>();
    const select = ['CustomerNumber', ...contactSageFields(mappings())] as (keyof ArCustomer)[];
    for (let start = 0; start < numbers.length; start += CUSTOMERS_PER_READ) {
      const filter = oneOf('CustomerNumber', numbers.slice(start, start + CUSTOMERS_PER_READ));
      for await (const customer of options.sage.customers.list({ filter, select })) {
        found.set(customerKey(customer.CustomerNumber), customer);
      }
    }
    return found;
  }

  const failure = (key: string, error: unknown): WriteOutcome => ({
    key,
    ok: false,
    error:
      error instanceof ConnectorError
        ? error
        : new ConnectorError('permanent', error instanceof Error ? error.message : String(error), {
            code: 'CONTACT_WRITE_FAILED',
            system: 'connector',
          }),
  });

  /** A record retried from the failure queue whose side holds what was synced: nothing to write. */
  const alreadySynced = (record: PreparedRecord<ContactTarget>): WriteOutcome => ({
    key: record.key,
    ok: true,
    created: false,
    targetKey: null,
    synced: record.target,
  });

  return {
    name: 'contacts',
    entity: 'contact',
    source: 'sage',
    cursor: contactsCursor,
    pageSize,
    idempotentWrites: true,

    startCursor(saved, runOptions) {
      const part = <T>(value: T | null | undefined) =>
        value ? { value, inProgress: saved?.inProgress ?? false } : undefined;
      return {
        customers: customerWatermark.start(part(saved?.value?.customers), runOptions),
        shipTo: shipToWatermark.start(part(saved?.value?.shipTo), runOptions),
        salesforce: salesforceRead.start(part(saved?.value?.salesforce), runOptions),
      };
    },

    async *read(cursor, signal) {
      const customerFields = ['CustomerNumber', 'DateLastMaintained', ...contactSageFields(mappings())];
      const customers = options.sage.customers.list({
        select: [...new Set(customerFields)] as (keyof ArCustomer)[],
        ...(cursor?.customers ? { filter: customerWatermark.filter(cursor.customers) } : {}),
      });
      for await (const page of inPages(customers, pageSize, signal)) {
        yield page.map((row): ContactChange => ({ origin: 'customer', key: contactKey(row.CustomerNumber), row }));
      }
      if (signal.aborted) return;

      const since = cursor?.shipTo?.since;
      const after = cursor?.shipTo?.afterKey;
      const shipToSelect = [
        'CustomerNumber',
        'ShipToLocationKey',
        'DateLastMaintained',
        ...Object.values(shipToContactFields),
      ] as (keyof ArShipToLocation)[];
      const locations = options.sage.customers.listShipToLocations({
        select: shipToSelect,
        ...((since ?? after)
          ? {
              filter: and(
                since ? ge('DateLastMaintained', new Date(`${since}T00:00:00Z`)) : undefined,
                after ? ge('CustomerNumber', after) : undefined,
              ),
            }
          : {}),
      });
      for await (const page of inPages(locations, pageSize, signal)) {
        yield page.map((row): ContactChange => ({
          origin: 'shipTo',
          key: contactKey(row.CustomerNumber, row.ShipToLocationKey),
          row,
        }));
      }
      if (signal.aborted) return;

      for await (const page of salesforceRead.read(cursor?.salesforce ?? null, signal)) {
        yield page.map((row): ContactChange => ({
          origin: 'salesforce',
          key: String(row[CONTACT_KEY]).toUpperCase(),
          row,
        }));
      }
    },

    advance(cursor, record) {
      const current = cursor ?? { customers: null, shipTo: null, salesforce: null };
      if (record.origin === 'customer')
        return { ...current, customers: customerWatermark.advance(current.customers, record.row) };
      if (record.origin === 'shipTo')
        return { ...current, shipTo: shipToWatermark.advance(current.shipTo, record.row) };
      return { ...current, salesforce: salesforceRead.advance(current.salesforce, record.row) };
    },

    finish(cursor) {
      return {
        customers: customerWatermark.finish(cursor?.customers ?? null),
        shipTo: shipToWatermark.finish(cursor?.shipTo ?? null),
        salesforce: salesforceRead.finish(cursor?.salesforce ?? null),
      };
    },

    keyOf: (record) => record.key,

    map(record, link?: Link): ContactTarget {
      const shipTo = record.origin === 'shipTo';
      const read = record.origin === 'salesforce' ? 'salesforce' : 'sage';
      const values = valuesOf(record);
      const base = isSyncedState(link?.syncedState) ? link.syncedState : null;
      // The side still holds what it held after the last sync: nothing to do (this drops our own echoes too). A
      // customer whose Account was not there yet is looked at again while it stays in the read window.
      if (base?.salesforce && unchangedSince(fieldsFor(shipTo), values, base[read])) return base;
      return { read, shipTo, values, base };
    },

    async write(records) {
      const keys = records.filter((record) => 'read' in record.target).map((record) => record.key);
      if (keys.length === 0) return records.map((record) => alreadySynced(record));
      const [salesforce, sage] = await Promise.all([
        salesforceSide(keys),
        records.some((record) => 'read' in record.target && record.target.read === 'salesforce')
          ? sageCustomers(keys.filter((key) => !parseContactKey(key).shipToLocation))
          : Promise.resolve(new Map<string, ArCustomer>()),
      ]);

      const outcomes = new Map<string, WriteOutcome>();
      const plans: ContactPlan[] = [];
      for (const record of records) {
        const target = record.target;
        if (!('read' in target)) {
          outcomes.set(record.key, alreadySynced(record));
          continue;
        }
        const { customerNumber } = parseContactKey(record.key);
        const accountId = salesforce.accountOf.get(customerNumber);
        const contact = salesforce.contactOf.get(record.key);
        if (!accountId) {
          // No Account carries this customer number yet: the contact waits for the customers flow to link it, and is
          // due in the failure queue the moment it does (not a retry interval later).
          outcomes.set(record.key, waitingForCustomer(record.key, customerNumber));
          continue;
        }
        const fields = fieldsFor(target.shipTo);
        let sageValues: FieldValues | null;
        if (target.read === 'sage') sageValues = target.values;
        else {
          const customer = sage.get(customerNumber);
          if (!customer) {
            outcomes.set(
              record.key,
              failure(
                record.key,
                new ConnectorError('permanent', `Sage 300 has no customer ${customerNumber} for this contact`, {
                  code: 'SAGE_CUSTOMER_MISSING',
                  system: 'sage300',
                  context: { customerNumber },
                }),
              ),
            );
            continue;
          }
          sageValues = customerContactValues(fields, customer as unknown as Record<string, unknown>);
        }
        const salesforceValues =
          target.read === 'salesforce'
            ? target.values
            : contact
              ? salesforceContactValues(mappings(), fields, contact)
              : null;
        const merge = mergeFields({ fields, base: target.base, sage: sageValues, salesforce: salesforceValues });
        plans.push({ record, merge, accountId, ...(contact ? { contact } : {}) });
      }

      // Sage first: a contact whose Sage write failed is not changed in Salesforce either.
      for (const plan of plans) {
        if (Object.keys(plan.merge.toSage).length === 0) continue;
        try {
          await options.sage.customers.patch(parseContactKey(plan.record.key).customerNumber, plan.merge.toSage);
        } catch (error) {
          outcomes.set(plan.record.key, failure(plan.record.key, error));
        }
      }
      const toSalesforce = plans.filter(
        (plan) => !outcomes.has(plan.record.key) && Object.keys(plan.merge.toSalesforce).length > 0,
      );
      const results =
        toSalesforce.length > 0
          ? await options.salesforce.upsert(
              'Contact',
              CONTACT_KEY,
              toSalesforce.map((plan) => ({
                ...salesforceContactFields(mappings(), plan.merge.toSalesforce),
                ...(plan.contact ? {} : { AccountId: plan.accountId }),
                [CONTACT_KEY]: plan.record.key,
              })),
            )
          : [];
      const written = new Map(toSalesforce.map((plan, index) => [plan.record.key, results[index]]));
      for (const plan of plans) {
        const { key } = plan.record;
        if (outcomes.has(key)) continue;
        const result = written.get(key);
        if (written.has(key) && !result?.ok) {
          outcomes.set(
            key,
            result
              ? failure(key, writeResultError(result))
              : failure(
                  key,
                  new ConnectorError('in-doubt', 'Salesforce returned no result for this contact', {
                    code: 'NO_RESULT',
                    system: 'salesforce',
                  }),
                ),
          );
          continue;
        }
        const contactId = result?.id ?? (plan.contact ? String(plan.contact.Id) : null);
        outcomes.set(key, {
          key,
          ok: true,
          created: result?.created ?? false,
          targetKey: contactId,
          synced: plan.merge.synced,
          conflicts: plan.merge.conflicts.map((conflict) => ({
            recordKey: key,
            salesforceId: contactId,
            field: conflict.field,
            master: conflict.master,
            winningValue: conflict.winningValue,
            losingValue: conflict.losingValue,
          })),
        });
      }
      return records.map((record) => outcomes.get(record.key) ?? failure(record.key, 'no outcome'));
    },

    async fetch(keys) {
      // A page of due entries (contacts that waited for their customer) in one read per CUSTOMERS_PER_READ keys.
      const wanted = new Set(keys);
      const found: ContactChange[] = [];
      const parsed = keys.map((key) => ({ key, ...parseContactKey(key) }));
      const customerNumbers = parsed.filter((entry) => !entry.shipToLocation).map((entry) => entry.customerNumber);
      const locations = parsed.filter((entry) => entry.shipToLocation);
      for (let start = 0; start < customerNumbers.length; start += CUSTOMERS_PER_READ) {
        const filter = oneOf('CustomerNumber', customerNumbers.slice(start, start + CUSTOMERS_PER_READ));
        for await (const row of options.sage.customers.list({ filter })) {
          const key = contactKey(row.CustomerNumber);
          if (wanted.has(key)) found.push({ origin: 'customer', key, row });
        }
      }
      for (let start = 0; start < locations.length; start += CUSTOMERS_PER_READ) {
        const slice = locations.slice(start, start + CUSTOMERS_PER_READ);
        const filter = or(
          ...slice.map((entry) =>
            and(eq('CustomerNumber', entry.customerNumber), eq('ShipToLocationKey', String(entry.shipToLocation))),
          ),
        );
        for await (const row of options.sage.customers.listShipToLocations({ filter })) {
          const key = contactKey(row.CustomerNumber, row.ShipToLocationKey);
          if (wanted.has(key)) found.push({ origin: 'shipTo', key, row });
        }
      }
      return found;
    },
  };
}

/** The contacts flow in the registry. */
export const contacts = defineFlow({
  name: 'contacts',
  // Contacts are customer master data: they follow the customers' schedule unless SYNC_SCHEDULE_CONTACTS says otherwise.
  scheduleSetting: 'customers',
  ports: ['sage300', 'salesforce'],
  build: ({ sage300, salesforce }, context) =>
    contactsFlow({
      sage: sage300,
      salesforce,
      mappings: context.mappings,
      lookBackMs: context.salesforceLookBackMs,
      ...(context.links ? { links: context.links } : {}),
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
