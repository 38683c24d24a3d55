// A test-only flow, written as a new flow is: one file, added to a registry with one line. It reads Salesforce
// Accounts by (SystemModstamp, Id) and writes them into an in-memory ledger that stands for the Sage side, so a
// Salesforce → Sage flow runs on the engine through the same parts the coming flows use.
import { soqlIn } from '../../../middleware/src/salesforce/soql.js';
import type { PreparedRecord, WriteOutcome } from '../../../middleware/src/sync/flow.js';
import { salesforceChanges, type ChangedRecord } from '../../../middleware/src/sync/parts/salesforce-changes.js';
import { defineFlow } from '../../../middleware/src/sync/registry.js';

interface AccountRow extends ChangedRecord {
  Name: string;
  Phone: string | null;
}

/** What the flow wrote, by Salesforce Id: the ledger's key for the account and the fields it holds. */
export const accountLedger = new Map<string, { ledgerKey: string; name: string; phone: string | null }>();

export const accountLedgerFlow = defineFlow({
  name: 'account-ledger',
  defaultSchedule: '0 6 * * *',
  ports: ['salesforce'],
  build({ salesforce }, context) {
    const pageSize = 3;
    const changes = salesforceChanges<AccountRow>({
      reader: salesforce,
      object: 'Account',
      fields: () => ['Name', 'Phone'],
      pageSize,
      lookBackMs: context.salesforceLookBackMs,
    });
    return {
      name: 'account-ledger',
      entity: 'account-ledger',
      source: 'salesforce',
      cursor: changes.cursor,
      pageSize,
      idempotentWrites: true,
      startCursor: changes.start,
      read: (cursor, signal) => changes.read(cursor, signal),
      advance: changes.advance,
      finish: changes.finish,
      keyOf: (account) => account.Id,
      map: (account) => ({ name: account.Name, phone: account.Phone }),
      async write(records: readonly PreparedRecord<{ name: string; phone: string | null }>[]) {
        return records.map(({ key, target }): WriteOutcome => {
          const ledgerKey = accountLedger.get(key)?.ledgerKey ?? `L${String(accountLedger.size + 1).padStart(5, '0')}`;
          const created = !accountLedger.has(key);
          accountLedger.set(key, { ledgerKey, ...target });
          return { key, ok: true, created, targetKey: ledgerKey };
        });
      },
      fetch: (ids) =>
        salesforce.queryAll<AccountRow>(
          `SELECT Id, SystemModstamp, Name, Phone FROM Account WHERE Id IN ${soqlIn(ids)}`,
        ),
    };
  },
});
