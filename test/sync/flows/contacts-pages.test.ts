// The contacts flow with pages of 1,000 records: every lookup stays under Salesforce's URI limit, and a run before the
// customers flow leaves its contacts waiting for their customers' links, written as soon as those are made.
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

const CUSTOMERS = 1005;

describe.each(engines)('the contacts flow with pages of 1,000 on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;

  /** Primary contacts (keyed by a bare customer number) in the Salesforce sandbox. */
  const primaryContacts = () =>
    systems.salesforceSandbox
      .records('Contact')
      .filter((record) => typeof record.Sage_Contact_Key__c === 'string' && !record.Sage_Contact_Key__c.includes('|'));

  beforeAll(async () => {
    systems = await startTestSystems({ customers: CUSTOMERS });
    database = makeDatabase('contacts pages');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store, { env: { SYNC_PAGE_SIZE: '1000' } });
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('parks the contacts of unlinked customers as waiting for them, and writes them once the customers flow links them', async () => {
    systems.salesforceSandbox.resetCounts();
    const early = await runtime.runFlowNow('contacts');
    // The generated customers have no Account yet (the sample ones have): each of their contacts waits for its
    // customer, and none is written.
    expect(early).toMatchObject({ outcome: 'partial', failed: CUSTOMERS - 5 });
    expect(primaryContacts().filter((record) => String(record.Sage_Contact_Key__c).startsWith('C'))).toEqual([]);
    const [waiting] = await runtime.listFailures({ flow: 'contacts', status: 'open', limit: 1 });
    expect(waiting).toMatchObject({ errorCode: 'CUSTOMER_NOT_LINKED', waitsFor: { entity: 'customer' } });
    expect(waiting?.errorMessage).toMatch(/^customer \S+ has no Salesforce account$/);

    expect(await runtime.runFlowNow('customers')).toMatchObject({ failed: 0 });
    systems.salesforceSandbox.resetCounts();
    const after = await runtime.runFlowNow('contacts');
    // Due as soon as their customers were linked, not after the failure queue's retry interval.
    expect(after).toMatchObject({ outcome: 'succeeded', failed: 0 });
    expect(after.created).toBe(CUSTOMERS - 5);
    expect(await runtime.listFailures({ flow: 'contacts', status: 'open' })).toEqual([]);
    expect(primaryContacts()).toHaveLength(CUSTOMERS);
    expect(systems.salesforceSandbox.counts().query).toBeLessThanOrEqual(20);
  }, 600_000);

  it('reads the Salesforce side of a page of 1,000 changed contacts without an over-long request', async () => {
    // Every generated customer's contact changes in Sage on the same day: one page of 1,000 and one more.
    const state = systems.sageSandbox.state;
    for (const customer of state.customers.all()) {
      const record = customer as Record<string, unknown>;
      if (!String(record.CustomerNumber).startsWith('C')) continue;
      record.ContactsPhone = `555${String(record.CustomerNumber).slice(1)}`;
      state.touch(record);
    }
    state.customers.changed();
    systems.salesforceSandbox.resetCounts();

    const run = await runtime.runFlowNow('contacts');
    expect(await runtime.listFailures({ flow: 'contacts', status: 'open' })).toEqual([]);
    expect(run).toMatchObject({ outcome: 'succeeded', failed: 0, updated: CUSTOMERS - 5 });
    const phones = new Map(primaryContacts().map((record) => [record.Sage_Contact_Key__c, record.Phone]));
    expect(phones.get('C000001')).toBe('555000001');
    expect(phones.get('C001000')).toBe('555001000');
    // One page of the 1,000 changed today: the Salesforce change stream read once, the page's Salesforce side in six
    // lookups of at most SOQL_URI_BUDGET characters each, and one upsert per 200 records.
    const counts = systems.salesforceSandbox.counts();
    expect(counts.query).toBe(1 + 6);
    expect(counts.collectionWrite).toBe(5);
  }, 600_000);
});
