// The customers flow over both sandboxes and a real store: Sage ARCustomers → Salesforce Accounts.
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { accountsByCustomerNumber, startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

describe.each(engines)('the customers flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;

  beforeAll(async () => {
    systems = await startTestSystems({ customers: 450 });
    database = makeDatabase('customers flow');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store);
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('writes every Sage customer to one Account with the mapped fields, in pages with checkpoints', async () => {
    const customers = systems.sageSandbox.state.customers.all();
    const progress: number[] = [];
    const result = await runtime.runFlowNow('customers', { onProgress: (p) => progress.push(p.read) });
    expect(result).toMatchObject({ outcome: 'succeeded', read: customers.length, failed: 0 });
    expect(result.created + result.updated).toBe(customers.length);
    expect(progress.at(-1)).toBe(customers.length);
    expect(progress.length).toBeGreaterThan(4);

    const accounts = accountsByCustomerNumber(systems.salesforceSandbox);
    expect(accounts.size).toBe(customers.length);
    const sample = customers[7] as Record<string, unknown>;
    const account = accounts.get(String(sample.CustomerNumber).trim());
    expect(account).toMatchObject({
      Name: String(sample.CustomerName).trim(),
      Sage_Balance__c: sample.BalanceDueInCustomerCurrency,
      Sage_Credit_Limit__c: sample.CreditLimitCustomerCurrency,
      Sage_On_Hold__c: sample.OnHold === 'Yes',
      Sage_Sync_Status__c: 'Synced',
    });
    expect(account?.Sage_Last_Synced__c).toBeTruthy();
    expect(await store.links.count('customer')).toBe(customers.length);
    expect(await store.cursors.get('customers')).toMatchObject({ inProgress: false, value: { afterKey: null } });
  });

  it('writes nothing to Salesforce when a second run finds nothing changed', async () => {
    systems.salesforceSandbox.resetCounts();
    const result = await runtime.runFlowNow('customers');
    expect(result).toMatchObject({ outcome: 'succeeded', created: 0, updated: 0, failed: 0 });
    expect(result.unchanged).toBe(result.read);
    expect(systems.salesforceSandbox.counts().collectionWrite).toBe(0);
    expect(systems.salesforceSandbox.counts().bulkJob).toBe(0);
  });

  it('parks a record Salesforce refuses with its reason while the rest of its batch is written', async () => {
    const state = systems.sageSandbox.state;
    const [refused, changed] = state.customers.all().slice(20, 22) as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    refused.CustomerPriceList = 'PRICELIST9';
    refused.CreditLimitCustomerCurrency = 12345;
    changed.CreditLimitCustomerCurrency = 54321;
    state.touch(refused);
    state.touch(changed);
    state.customers.changed();
    systems.salesforceSandbox.resetCounts();

    const result = await runtime.runFlowNow('customers');
    expect(result).toMatchObject({ outcome: 'partial', updated: 1, failed: 1 });
    const failures = await runtime.listFailures({ flow: 'customers', status: 'open' });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      recordKey: String(refused.CustomerNumber).trim(),
      errorKind: 'permanent',
      errorCode: 'STRING_TOO_LONG',
      attempts: 1,
      payload: expect.objectContaining({ Sage_Price_List__c: 'PRICELIST9' }),
    });
    expect(failures[0]?.errorMessage).toMatch(/Sage_Price_List__c/);
    const accounts = accountsByCustomerNumber(systems.salesforceSandbox);
    expect(accounts.get(String(changed.CustomerNumber).trim())?.Sage_Credit_Limit__c).toBe(54321);
    expect(accounts.get(String(refused.CustomerNumber).trim())?.Sage_Credit_Limit__c).not.toBe(12345);

    // Fixed in Sage, then retried from the queue by an operator: the entry resolves and the account is written.
    refused.CustomerPriceList = 'WHS';
    state.customers.changed();
    const retried = await runtime.retryFailure(failures[0]?.id ?? -1);
    expect(retried.failure.status).toBe('resolved');
    expect(retried.run).toMatchObject({ outcome: 'succeeded', updated: 1 });
    expect(
      accountsByCustomerNumber(systems.salesforceSandbox).get(String(refused.CustomerNumber).trim())
        ?.Sage_Credit_Limit__c,
    ).toBe(12345);
  });

  it('refuses to run a flow that does not exist', async () => {
    await expect(runtime.runFlowNow('unicorns')).rejects.toThrow(
      'There is no flow named "unicorns"; flows: customers, contacts, invoices, products, productStock, productCatalogue',
    );
  });
});
