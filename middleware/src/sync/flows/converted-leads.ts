/**
 * Converted Salesforce Leads → Sage 300 customers. Reads Leads converted since the cursor (`IsConverted = true` with
 * a converted account, in `(SystemModstamp, Id)` order with the look-back window, one SOQL query per page) and gives
 * each converted account its customer through the same create-or-match service as `POST /customers` (claims
 * included: the flow running twice, on two replicas, or beside the button for the same account makes one customer).
 * The new customer's group, terms, tax group and price list come from the first customer rule the account meets
 * (`Customer_Rules__c`: by country or industry, which conversion copies from the lead), else the defaults.
 *
 * A lead that carries `Sage_Customer_Number__c` (an existing Sage customer) links its account to that customer,
 * checked to exist, instead of creating one. A refusal goes to the failure queue and shows on the account.
 *
 * Link (entity `lead`): the lead's Id ⇄ the customer number, with the hash of what the lead asked for, so a lead read
 * again (the look-back) costs nothing.
 */
import { parseCustomerNumber } from '../../domain/customers.js';
import { ConnectorError } from '../../domain/errors.js';
import { soqlFields, soqlIn } from '../../salesforce/soql.js';
import type { SyncFlow, WriteOutcome } from '../flow.js';
import { failedOutcome, writeAccountSyncStates, type AccountSyncState } from '../parts/customer-provisioning.js';
import {
  salesforceChangeCursor,
  salesforceChanges,
  type ChangedRecord,
  type SalesforceChangeCursor,
} from '../parts/salesforce-changes.js';
import { defineFlow } from '../registry.js';
import type { FlowPorts, SalesforcePort } from '../systems.js';

/** A converted Lead as the flow reads it. */
export interface ConvertedLeadRow extends ChangedRecord {
  ConvertedAccountId: string | null;
  ConvertedDate?: string | null;
  Sage_Customer_Number__c: string | null;
  ConvertedAccount?: { Sage_Sync_Status__c?: string | null; Sage_Sync_Message__c?: string | null } | null;
}

/** What a converted lead asks for: a customer for its account, or the account linked to the customer it names. */
export interface ConvertedLeadTarget {
  accountId: string;
  customerNumber: string | null;
}

/** Records per page (one SOQL query each). */
export const CONVERTED_LEAD_PAGE_SIZE = 200;

const LEAD_FIELDS = [
  'ConvertedAccountId',
  'ConvertedDate',
  'Sage_Customer_Number__c',
  'ConvertedAccount.Sage_Sync_Status__c',
  'ConvertedAccount.Sage_Sync_Message__c',
];
const CONVERTED = 'IsConverted = true AND ConvertedAccountId != null';

export interface ConvertedLeadsFlowOptions {
  salesforce: Pick<SalesforcePort, 'queryAll' | 'update'>;
  provisioning: FlowPorts['customerProvisioning'];
  lookBackMs: number;
  pageSize?: number;
}

/** The convertedLeads flow. */
export function convertedLeadsFlow(
  options: ConvertedLeadsFlowOptions,
): SyncFlow<ConvertedLeadRow, ConvertedLeadTarget, SalesforceChangeCursor> {
  const pageSize = options.pageSize ?? CONVERTED_LEAD_PAGE_SIZE;
  const changes = salesforceChanges<ConvertedLeadRow>({
    reader: options.salesforce,
    object: 'Lead',
    fields: () => LEAD_FIELDS,
    where: () => CONVERTED,
    pageSize,
    lookBackMs: options.lookBackMs,
  });
  // What each converted account showed of its sync when its lead was read.
  const shown = new Map<string, AccountSyncState>();
  const remember = (rows: ConvertedLeadRow[]) => {
    for (const row of rows) {
      if (row.ConvertedAccountId && row.ConvertedAccount) {
        shown.set(row.ConvertedAccountId, {
          status: row.ConvertedAccount.Sage_Sync_Status__c ?? null,
          message: row.ConvertedAccount.Sage_Sync_Message__c ?? null,
        });
      }
    }
    return rows;
  };

  return {
    name: 'convertedLeads',
    entity: 'lead',
    source: 'salesforce',
    cursor: salesforceChangeCursor,
    pageSize,
    idempotentWrites: true,
    startCursor: (saved, runOptions) => changes.start(saved, runOptions),

    async *read(cursor, signal) {
      for await (const page of changes.read(cursor, signal)) yield remember(page);
    },

    advance: (cursor, record) => changes.advance(cursor, record),
    finish: (cursor) => changes.finish(cursor),
    keyOf: (record) => record.Id,

    map(record): ConvertedLeadTarget {
      const named = record.Sage_Customer_Number__c?.trim();
      const customerNumber = named ? parseCustomerNumber(named) : null;
      if (customerNumber === undefined) {
        throw new ConnectorError(
          'permanent',
          `The lead's Sage_Customer_Number__c "${named}" is not a Sage customer number`,
          { code: 'INVALID_CUSTOMER_NUMBER', system: 'connector', context: { customerNumber: named } },
        );
      }
      return { accountId: String(record.ConvertedAccountId), customerNumber };
    },

    async write(records) {
      const outcomes: WriteOutcome[] = [];
      for (const record of records) {
        const { accountId, customerNumber } = record.target;
        try {
          const result = await options.provisioning.provision(
            accountId,
            customerNumber ? { customerNumber } : undefined,
          );
          outcomes.push({
            key: record.key,
            ok: true,
            created: result.outcome === 'created',
            targetKey: result.customerNumber,
          });
        } catch (error) {
          outcomes.push(failedOutcome(record.key, error));
        }
      }
      await writeAccountSyncStates(
        options.salesforce,
        outcomes.map((outcome, index) => ({ accountId: records[index]?.target.accountId ?? '', outcome })),
        shown,
      );
      return outcomes;
    },

    async fetch(keys) {
      if (keys.length === 0) return [];
      const rows = await options.salesforce.queryAll<ConvertedLeadRow>(
        `SELECT ${soqlFields(['Id', 'SystemModstamp', ...LEAD_FIELDS])} FROM Lead WHERE ${CONVERTED} AND Id IN ${soqlIn(keys)}`,
      );
      return remember(rows);
    },
  };
}

/** The convertedLeads flow in the registry. */
export const convertedLeads = defineFlow({
  name: 'convertedLeads',
  // Customer master data: it follows the customers' schedule unless SYNC_SCHEDULE_CONVERTED_LEADS says otherwise.
  scheduleSetting: 'customers',
  ports: ['salesforce', 'customerProvisioning'],
  build: ({ salesforce, customerProvisioning }, context) =>
    convertedLeadsFlow({
      salesforce,
      provisioning: customerProvisioning,
      lookBackMs: context.salesforceLookBackMs,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
