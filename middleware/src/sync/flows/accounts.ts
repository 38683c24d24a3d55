/**
 * Salesforce Accounts → Sage 300 customers. Reads Accounts changed since the cursor (`(SystemModstamp, Id)` with the
 * look-back window, one SOQL query per page) and:
 *
 * - gives an eligible account without a Sage number its customer through the same create-or-match service as
 *   `POST /customers` (claims included, so the button, this flow and the other flows racing on one account make one
 *   customer); the service writes the number back. Which accounts are eligible is a setting
 *   (`Account_Eligibility__c`): those with a Closed Won opportunity (the default; the query carries that fact, so it
 *   costs nothing more), those whose Type is one of `Customer_Account_Types__c`, or none;
 * - PATCHes (never PUTs, which would purge the customer's detail rows) the Salesforce-owned fields of a linked account
 *   (mapping `Master__c` = Salesforce, `To_Sage__c`) that differ from what Sage holds, read for a page's accounts in
 *   one request per 50 customers.
 *
 * Unchanged accounts cost nothing in Sage: the link keeps the hash of the owned fields last synced, so a re-read
 * account (the look-back, the customers flow's own writes, this flow's write-back) is dropped by hash. After a PATCH the
 * customers flow's link is told what Sage now holds, so that flow does not copy this flow's change back to Salesforce.
 *
 * A refusal (Sage's code and message, e.g. an unknown tax group in the settings) goes to the failure queue and shows
 * on the account (`Sage_Sync_Status__c` = Error, `Sage_Sync_Message__c`); the account's next success clears it.
 *
 * Known limit: eligibility is looked at when the account is read, so an account that becomes eligible through a newly
 * won opportunity alone is provisioned when the account next changes, by the order push, or by the button.
 */
import type { MappingConfiguration } from '../../config/mapping.js';
import { customerKey } from '../../domain/customers.js';
import { ConnectorError } from '../../domain/errors.js';
import { contentHash } from '../../domain/hash.js';
import { mapToSage, mapToSalesforce, sageFieldsToRead, type FieldMapping } from '../../domain/mapping.js';
import type { ConnectorSettings } from '../../domain/settings.js';
import { oneOf } from '../../sage300/odata.js';
import type { ArCustomer, ArCustomerPatch } from '../../sage300/types.js';
import { soqlFields, soqlIn } from '../../salesforce/soql.js';
import type { LinkRepository } from '../../store/index.js';
import type { PreparedRecord, SyncFlow, WriteOutcome } from '../flow.js';
import { failedOutcome, writeAccountSyncStates, type AccountSyncState } from '../parts/customer-provisioning.js';
import {
  repointMergedLinks,
  salesforceChangeCursor,
  salesforceChanges,
  type ChangedRecord,
  type SalesforceChangeCursor,
} from '../parts/salesforce-changes.js';
import { defineFlow } from '../registry.js';
import type { FlowPorts, SageClient, SalesforcePort } from '../systems.js';

/** An Account as the flow reads it. */
export interface AccountRow extends ChangedRecord {
  Name: string;
  Type?: string | null;
  Sage_Customer_Number__c: string | null;
  Sage_Sync_Status__c?: string | null;
  Sage_Sync_Message__c?: string | null;
  /** The account's Closed Won opportunities (at most one), when eligibility asks for them. */
  Opportunities?: { records?: unknown[] } | unknown[] | null;
  [field: string]: unknown;
}

/** What an account asks of Sage: a customer for it, or its owned fields on its customer. */
export interface AccountTarget {
  kind: 'provision' | 'update';
  customerNumber: string | null;
  fields: Record<string, unknown>;
}

/** Records per page: one SOQL query, and the Sage reads of the linked accounts' customers. */
export const ACCOUNT_PAGE_SIZE = 200;

/** Customers per Sage read of a page's customers: an `or` of this many numbers keeps the URL short. */
export const CUSTOMERS_PER_READ = 50;

/** The links of the customers flow (Sage → Salesforce), kept in step with what this flow writes to Sage. */
const CUSTOMER_ENTITY = 'customer';

const ACCOUNT_FIELDS = ['Name', 'Type', 'Sage_Customer_Number__c', 'Sage_Sync_Status__c', 'Sage_Sync_Message__c'];
const WON_OPPORTUNITY = '(SELECT Id FROM Opportunities WHERE IsWon = true LIMIT 1)';

export interface AccountsFlowOptions {
  sage: SageClient;
  salesforce: Pick<SalesforcePort, 'queryAll' | 'update'>;
  provisioning: FlowPorts['customerProvisioning'];
  mappings: () => MappingConfiguration;
  settings: () => ConnectorSettings;
  lookBackMs: number;
  pageSize?: number;
  /** For the customers flow's links after a PATCH, and for re-pointing the link of a merged account. */
  links?: Pick<LinkRepository, 'findBySalesforceId' | 'upsertMany' | 'getMany'>;
}

/** The Account mappings Salesforce masters and lets flow to Sage: the fields this flow writes. */
export function salesforceOwnedAccountFields(mappings: readonly FieldMapping[]): FieldMapping[] {
  return mappings.filter(
    (mapping) =>
      mapping.active && mapping.toSage && mapping.master === 'Salesforce' && mapping.sageField !== 'CustomerNumber',
  );
}

/** True when a value in Sage already is the value to write (Sage pads and blanks what Salesforce leaves empty). */
function sameValue(sage: unknown, wanted: unknown): boolean {
  const normal = (value: unknown) => (typeof value === 'string' ? value.trim() : (value ?? ''));
  return normal(sage) === normal(wanted);
}

function hasWonOpportunity(row: AccountRow): boolean {
  const children = row.Opportunities;
  if (!children) return false;
  return (Array.isArray(children) ? children : (children.records ?? [])).length > 0;
}

/** The accounts flow. */
export function accountsFlow(
  options: AccountsFlowOptions,
): SyncFlow<AccountRow, AccountTarget, SalesforceChangeCursor> {
  const pageSize = options.pageSize ?? ACCOUNT_PAGE_SIZE;
  const owned = () => salesforceOwnedAccountFields(options.mappings().Account);
  const fieldsToRead = () => [...new Set([...ACCOUNT_FIELDS, ...owned().map((mapping) => mapping.salesforceField)])];
  const eligibility = () => options.settings().accountEligibility;
  const children = () => (eligibility() === 'Closed Won Opportunity' ? [WON_OPPORTUNITY] : []);
  const where = () => {
    const settings = options.settings();
    if (settings.accountEligibility === 'Account Type') {
      return `Sage_Customer_Number__c != null OR Type IN ${soqlIn(settings.customerAccountTypes)}`;
    }
    if (settings.accountEligibility === 'None') return 'Sage_Customer_Number__c != null';
    return undefined;
  };
  const links = options.links;
  const changes = salesforceChanges<AccountRow>({
    reader: options.salesforce,
    object: 'Account',
    fields: fieldsToRead,
    children,
    where,
    pageSize,
    lookBackMs: options.lookBackMs,
    ...(links ? { removals: { onMerged: (merges) => repointMergedLinks(links, 'account', merges) } } : {}),
  });
  // What each account read last showed of its sync, so the write-back changes only what it must.
  const shown = new Map<string, AccountSyncState>();

  function linked(row: AccountRow): boolean {
    return Boolean(row.Sage_Customer_Number__c?.trim());
  }

  function eligible(row: AccountRow): boolean {
    if (linked(row)) return true;
    const settings = options.settings();
    if (settings.accountEligibility === 'Closed Won Opportunity') return hasWonOpportunity(row);
    if (settings.accountEligibility === 'Account Type') {
      const type = row.Type?.trim().toLowerCase();
      return Boolean(type) && settings.customerAccountTypes.some((candidate) => candidate.toLowerCase() === type);
    }
    return false;
  }

  function remember(rows: readonly AccountRow[]): AccountRow[] {
    const kept = rows.filter(eligible);
    for (const row of kept) {
      shown.set(row.Id, { status: row.Sage_Sync_Status__c ?? null, message: row.Sage_Sync_Message__c ?? null });
    }
    return kept;
  }

  /** The customers of these numbers as Sage holds them (one read per {@link CUSTOMERS_PER_READ}), by number. */
  async function sageCustomers(numbers: readonly string[]): Promise<Map<string, ArCustomer>> {
    const found = new Map<string, ArCustomer>();
    if (numbers.length === 0) return found;
    const select = [
      ...new Set([
        'CustomerNumber',
        ...owned().map((mapping) => mapping.sageField),
        ...sageFieldsToRead(options.mappings().Account),
      ]),
    ] as (keyof ArCustomer)[];
    for (let start = 0; start < numbers.length; start += CUSTOMERS_PER_READ) {
      const filter = oneOf('CustomerNumber', numbers.slice(start, start + CUSTOMERS_PER_READ));
      for await (const customer of options.sage.customers.list({ filter, select })) {
        found.set(customerKey(customer.CustomerNumber), customer);
      }
    }
    return found;
  }

  /** What the customers flow maps from a customer: the hash its link compares with. */
  const customersFlowHash = (customer: Record<string, unknown>) =>
    contentHash(mapToSalesforce(options.mappings().Account, customer));

  /**
   * PATCHes the owned fields that differ from Sage's. The customers flow's link is moved to the customer as patched
   * when it held the customer as it was, so that flow sees nothing new to copy back to Salesforce.
   */
  async function update(
    key: string,
    target: AccountTarget,
    customer: ArCustomer | undefined,
    customerLinks: ReadonlyMap<string, { sageHash: string | null }>,
    created: boolean,
  ): Promise<WriteOutcome> {
    const number = target.customerNumber ?? '';
    const synced: AccountTarget = { kind: 'update', customerNumber: number, fields: target.fields };
    if (!customer) {
      return failedOutcome(
        key,
        new ConnectorError('permanent', `Sage 300 has no customer ${number}; correct Sage_Customer_Number__c`, {
          code: 'SAGE_CUSTOMER_MISSING',
          system: 'sage300',
          context: { customerNumber: number },
        }),
      );
    }
    const record = customer as unknown as Record<string, unknown>;
    const changed = Object.fromEntries(
      Object.entries(target.fields).filter(([field, value]) => !sameValue(record[field], value)),
    );
    if (Object.keys(changed).length > 0) {
      try {
        await options.sage.customers.patch(number, changed as ArCustomerPatch);
      } catch (error) {
        return failedOutcome(key, error);
      }
      const before = customerLinks.get(number);
      if (links && before && before.sageHash === customersFlowHash(record)) {
        await links.upsertMany(CUSTOMER_ENTITY, [
          {
            sageKey: number,
            salesforceId: key,
            sageHash: customersFlowHash({ ...record, ...changed }),
            salesforceHash: null,
          },
        ]);
      }
    }
    return { key, ok: true, created, targetKey: number, synced };
  }

  return {
    name: 'accounts',
    entity: 'account',
    source: 'salesforce',
    cursor: salesforceChangeCursor,
    pageSize,
    idempotentWrites: true,
    startCursor: (saved, runOptions) => changes.start(saved, runOptions),

    async *read(cursor, signal) {
      for await (const page of changes.read(cursor, signal)) {
        const kept = remember(page);
        if (kept.length > 0) yield kept;
      }
    },

    advance: (cursor, record) => changes.advance(cursor, record),
    finish: (cursor) => changes.finish(cursor),
    keyOf: (record) => record.Id,

    map(record): AccountTarget {
      const fields = mapToSage(owned(), record);
      const number = record.Sage_Customer_Number__c?.trim();
      if (number) return { kind: 'update', customerNumber: customerKey(number), fields };
      return { kind: 'provision', customerNumber: null, fields };
    },

    async write(records) {
      const outcomes = new Map<string, WriteOutcome>();
      const toUpdate: { record: PreparedRecord<AccountTarget>; target: AccountTarget; created: boolean }[] = [];
      for (const record of records) {
        if (record.target.kind === 'update') {
          toUpdate.push({ record, target: record.target, created: false });
          continue;
        }
        try {
          const result = await options.provisioning.provision(record.key);
          const target: AccountTarget = { ...record.target, kind: 'update', customerNumber: result.customerNumber };
          if (result.outcome === 'created') {
            // Sage holds what the account gave it.
            outcomes.set(record.key, {
              key: record.key,
              ok: true,
              created: true,
              targetKey: result.customerNumber,
              synced: target,
            });
          } else {
            // An existing customer: the account's owned fields may differ from what Sage has.
            toUpdate.push({ record, target, created: false });
          }
        } catch (error) {
          outcomes.set(record.key, failedOutcome(record.key, error));
        }
      }
      if (toUpdate.length > 0) {
        const numbers = [...new Set(toUpdate.map(({ target }) => target.customerNumber ?? ''))].filter(Boolean);
        try {
          const [customers, customerLinks] = await Promise.all([
            sageCustomers(numbers),
            links ? links.getMany(CUSTOMER_ENTITY, 'sage', numbers) : Promise.resolve(new Map()),
          ]);
          for (const { record, target, created } of toUpdate) {
            outcomes.set(
              record.key,
              await update(record.key, target, customers.get(target.customerNumber ?? ''), customerLinks, created),
            );
          }
        } catch (error) {
          for (const { record } of toUpdate) outcomes.set(record.key, failedOutcome(record.key, error));
        }
      }
      const settled = records.map(
        (record) => outcomes.get(record.key) ?? failedOutcome(record.key, 'the account was not written'),
      );
      await writeAccountSyncStates(
        options.salesforce,
        settled.map((outcome) => ({ accountId: outcome.key, outcome })),
        shown,
      );
      return settled;
    },

    async fetch(keys) {
      if (keys.length === 0) return [];
      const select = [soqlFields(['Id', 'SystemModstamp', ...fieldsToRead()]), ...children()].join(', ');
      const rows = await options.salesforce.queryAll<AccountRow>(
        `SELECT ${select} FROM Account WHERE Id IN ${soqlIn(keys)}`,
      );
      return remember(rows);
    },
  };
}

/** The accounts flow in the registry. */
export const accounts = defineFlow({
  name: 'accounts',
  // Customer master data: it follows the customers' schedule unless SYNC_SCHEDULE_ACCOUNTS says otherwise.
  scheduleSetting: 'customers',
  ports: ['sage300', 'salesforce', 'customerProvisioning'],
  build: ({ sage300, salesforce, customerProvisioning }, context) =>
    accountsFlow({
      sage: sage300,
      salesforce,
      provisioning: customerProvisioning,
      mappings: context.mappings,
      settings: context.settings,
      lookBackMs: context.salesforceLookBackMs,
      ...(context.links ? { links: context.links } : {}),
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
