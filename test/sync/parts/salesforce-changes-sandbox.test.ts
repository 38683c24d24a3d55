// The Salesforce change reader over the Salesforce sandbox: deleted and merged records through `/queryAll`, merges
// re-pointing links in a real store, and the connector's own writes recognised as echoes.
import { contentHash } from '../../../middleware/src/domain/hash.js';
import { createSalesforceClient, type SalesforceClient } from '../../../middleware/src/salesforce/index.js';
import { openStore, type Link, type Store } from '../../../middleware/src/store/index.js';
import {
  repointMergedLinks,
  salesforceChanges,
  type ChangedRecord,
  type SalesforceMerge,
} from '../../../middleware/src/sync/parts/salesforce-changes.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/server.js';
import { sqliteDatabase, type TestDatabase } from '../../store/test-databases.js';

interface AccountRow extends ChangedRecord {
  Name: string;
  Phone: string | null;
}

let sandbox: SalesforceSandbox;
let salesforce: SalesforceClient;
let database: TestDatabase;
let store: Store;

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({ seed: false });
  salesforce = createSalesforceClient({
    loginUrl: sandbox.loginUrl,
    apiVersion: sandbox.apiVersion,
    auth: { kind: 'client_credentials', clientId: sandbox.clientId, clientSecret: sandbox.clientSecret },
  });
  database = sqliteDatabase('salesforce-changes');
  store = await openStore(database.url);
});

afterAll(async () => {
  await store.close();
  await database.drop();
  await sandbox.close();
});

async function readAll(changes: ReturnType<typeof salesforceChanges<AccountRow>>, from = changes.start(undefined, {})) {
  const rows: AccountRow[] = [];
  for await (const page of changes.read(from, new AbortController().signal)) rows.push(...page);
  return rows;
}

describe('Salesforce changes over the sandbox', () => {
  it('drop deleted records, report merged ones, and finish past both so the next run does not read them again', async () => {
    const keep = sandbox.insert('Account', { Name: 'Keeper Ltd' });
    const merged = sandbox.insert('Account', { Name: 'Keeper Limited' });
    const gone = sandbox.insert('Account', { Name: 'Gone Inc' });
    sandbox.merge('Account', keep, [merged]);
    sandbox.delete('Account', gone);
    const merges: SalesforceMerge[] = [];
    const changes = salesforceChanges<AccountRow>({
      reader: salesforce,
      object: 'Account',
      fields: () => ['Name', 'Phone'],
      pageSize: 2,
      lookBackMs: 0,
      removals: { onMerged: async (found) => void merges.push(...found) },
    });
    sandbox.resetCounts();
    const rows = await readAll(changes);
    expect(rows.map((row) => row.Name)).toEqual(['Keeper Ltd']);
    expect(merges.map((merge) => [merge.id.slice(0, 15), merge.masterId.slice(0, 15)])).toEqual([
      [merged.slice(0, 15), keep.slice(0, 15)],
    ]);
    // Three records in pages of two: two SOQL requests (the second page is short).
    expect(sandbox.counts().query).toBe(2);
    const finished = changes.finish(changes.advance(null, rows[0] as AccountRow));
    // The deleted record came last: the run finishes after it, not after the last live record.
    expect(finished.afterId?.slice(0, 15)).toBe(gone.slice(0, 15));
    const again = await readAll(changes, finished);
    expect(again).toEqual([]);
  });

  it('re-point a merged record’s link to the surviving record unless that has its own', async () => {
    await store.links.upsertMany('account-test', [
      { sageKey: 'C1', salesforceId: '001000000000001AAA', sageHash: 'h1', salesforceHash: 'h1' },
      { sageKey: 'C2', salesforceId: '001000000000002AAA', sageHash: 'h2', salesforceHash: 'h2' },
      { sageKey: 'C3', salesforceId: '001000000000003AAA', sageHash: 'h3', salesforceHash: 'h3' },
    ]);
    await repointMergedLinks(store.links, 'account-test', [
      { id: '001000000000001AAA', masterId: '001000000000009AAA' },
      { id: '001000000000002AAA', masterId: '001000000000003AAA' },
    ]);
    expect((await store.links.get('account-test', 'C1'))?.salesforceId).toBe('001000000000009AAA');
    expect((await store.links.get('account-test', 'C1'))?.salesforceHash).toBe('h1');
    expect((await store.links.get('account-test', 'C3'))?.salesforceId).toBe('001000000000003AAA');
    expect(await store.links.count('account-test')).toBe(3);
  });

  it('recognise the integration user’s write with the linked content as an echo, and nobody else’s', async () => {
    const changes = salesforceChanges<AccountRow>({
      reader: salesforce,
      object: 'Account',
      fields: () => ['Name', 'Phone'],
      pageSize: 200,
      lookBackMs: 0,
      echoContent: (row) => ({ Name: row.Name, Phone: row.Phone }),
    });
    const [written] = await salesforce.upsert('Account', 'Sage_Customer_Number__c', [
      { Sage_Customer_Number__c: 'ECHO1', Name: 'Echo Co', Phone: '555-0100' },
    ]);
    expect(written?.ok).toBe(true);
    const id = written?.id as string;
    const edited = sandbox.insert('Account', { Name: 'Edited Co', Phone: '555-0101' });
    const rows = await readAll(changes);
    const link = (phone: string, name: string): Link => ({
      entity: 'customer',
      sageKey: 'X',
      salesforceId: id,
      sageHash: null,
      salesforceHash: contentHash({ Name: name, Phone: phone }),
      lastSyncedAt: new Date(),
    });
    const echo = rows.find((row) => row.Id === id) as AccountRow;
    const byAdmin = rows.find((row) => row.Id === edited) as AccountRow;
    expect(echo.LastModifiedById?.slice(0, 15)).toBe(sandbox.integrationUserId.slice(0, 15));
    expect(changes.isEcho(echo, link('555-0100', 'Echo Co'))).toBe(true);
    // The integration user wrote other content than the link holds: not an echo.
    expect(changes.isEcho(echo, link('555-0199', 'Echo Co'))).toBe(false);
    // Someone else wrote exactly the linked content: a change all the same.
    expect(changes.isEcho(byAdmin, link('555-0101', 'Edited Co'))).toBe(false);
  });
});
