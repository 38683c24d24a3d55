// The accounts flow over both sandboxes and a real store: eligible Accounts → Sage customers, owned fields → PATCH.
import { SEED_ACCOUNTS } from '../../../sandbox/salesforce/server.js';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

describe.each(engines)('the accounts flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;

  const sageCounts = () => systems.sageSandbox.counts() as Record<string, number>;
  const reset = () => {
    systems.sageSandbox.resetCounts();
    systems.salesforceSandbox.resetCounts();
  };
  const account = (id: string) => systems.salesforceSandbox.get('Account', id) as Record<string, unknown>;
  const accountNamed = (name: string) =>
    systems.salesforceSandbox.findOne('Account', (record) => record.Name === name) as Record<string, unknown>;
  const customer = (number: unknown) =>
    systems.sageSandbox.state.customers.get([String(number)]) as Record<string, unknown> | undefined;
  const settingsId = () =>
    String(systems.salesforceSandbox.findOne('Sage_Connector_Setting__mdt', (r) => r.DeveloperName === 'Default')?.Id);
  /** A new account with a Closed Won opportunity: eligible by default. */
  const wonAccount = (fields: Record<string, unknown>) => {
    const id = systems.salesforceSandbox.insert('Account', fields);
    systems.salesforceSandbox.insert('Opportunity', {
      Name: `${String(fields.Name)} - Won`,
      AccountId: id,
      StageName: 'Closed Won',
      CloseDate: '2026-11-01',
    });
    return id;
  };

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('accounts flow');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store);
    // The accounts as the customers flow keeps them: linked, with Sage's values.
    expect(await runtime.runFlowNow('customers')).toMatchObject({ outcome: 'succeeded' });
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('gives an account with a Closed Won opportunity a new Sage customer and its number, and leaves other accounts alone', async () => {
    const prospect = systems.salesforceSandbox.insert('Account', {
      Name: 'Quiet Prospect Ltd',
      BillingPostalCode: '10001',
    });
    const before = systems.sageSandbox.state.customers.all().length;
    reset();
    const result = await runtime.runFlowNow('accounts');
    expect(result).toMatchObject({ outcome: 'succeeded', created: 1, failed: 0 });
    expect(sageCounts()['POST AR/ARCustomers']).toBe(1);
    expect(sageCounts()['PUT AR/ARCustomers'] ?? 0).toBe(0);
    const greenfield = accountNamed(SEED_ACCOUNTS.greenfield.name);
    expect(greenfield.Sage_Customer_Number__c).toEqual(expect.any(String));
    expect(customer(greenfield.Sage_Customer_Number__c)).toMatchObject({
      CustomerName: 'Greenfield Robotics',
      TaxGroup: 'CALIF',
    });
    expect(systems.sageSandbox.state.customers.all().length).toBe(before + 1);
    expect(account(prospect).Sage_Customer_Number__c ?? null).toBeNull();
  });

  it('costs one SOQL request and no Sage request when nothing changed in Salesforce', async () => {
    await runtime.runFlowNow('accounts');
    reset();
    const result = await runtime.runFlowNow('accounts');
    expect(result).toMatchObject({ outcome: 'succeeded', created: 0, updated: 0, failed: 0 });
    expect(systems.salesforceSandbox.counts()).toMatchObject({ query: 1, total: 1 });
    expect(sageCounts()).toEqual({});
  });

  it('PATCHes a Salesforce-owned field change to Sage once, and the customers flow does not copy it back', async () => {
    // Settle what earlier tests created (the customers flow copies a new customer's Sage fields to its account once).
    await runtime.runFlowNow('customers');
    await runtime.runFlowNow('accounts');
    const mountain = accountNamed(SEED_ACCOUNTS.mountain.name);
    systems.salesforceSandbox.update('Account', String(mountain.Id), {
      Name: 'Mountain Outfitters Group',
      Phone: '(303) 555-0199',
    });
    reset();
    const result = await runtime.runFlowNow('accounts');
    expect(result).toMatchObject({ outcome: 'succeeded', updated: 1, failed: 0 });
    expect(sageCounts()['PATCH AR/ARCustomers']).toBe(1);
    expect(sageCounts()['PUT AR/ARCustomers'] ?? 0).toBe(0);
    expect(customer(SEED_ACCOUNTS.mountain.sageCustomerNumber)).toMatchObject({
      CustomerName: 'Mountain Outfitters Group',
      PhoneNumber: '(303) 555-0199',
    });

    // Three more cycles of both flows: nothing is written on either side.
    for (let cycle = 0; cycle < 3; cycle += 1) {
      reset();
      expect(await runtime.runFlowNow('customers')).toMatchObject({ created: 0, updated: 0, failed: 0 });
      expect(await runtime.runFlowNow('accounts')).toMatchObject({ created: 0, updated: 0, failed: 0 });
      const salesforce = systems.salesforceSandbox.counts();
      expect(salesforce.collectionWrite + salesforce.singleWrite + salesforce.bulkJob).toBe(0);
      expect(Object.keys(sageCounts()).filter((route) => !route.startsWith('GET '))).toEqual([]);
    }
    expect(accountNamed('Mountain Outfitters Group').Phone).toBe('(303) 555-0199');
  });

  it('parks an account Sage refuses with Sage’s code and message, shows it on the account, and creates it once the setting is fixed', async () => {
    systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', settingsId(), { Default_Tax_Group__c: 'NOPE' });
    await runtime.refreshMappings();
    const id = wonAccount({ Name: 'Lakeside Dental', BillingPostalCode: '60601', BillingCountry: 'USA' });
    const before = systems.sageSandbox.state.customers.all().length;
    const result = await runtime.runFlowNow('accounts');
    expect(result).toMatchObject({ outcome: 'partial', created: 0, failed: 1 });
    const [parked] = (await runtime.listFailures({ flow: 'accounts', status: 'open' })).filter(
      (failure) => failure.recordKey === id,
    );
    expect(parked).toMatchObject({
      errorKind: 'permanent',
      errorCode: 'RecordInvalid',
      errorMessage: 'Tax group NOPE does not exist.',
    });
    expect(account(id)).toMatchObject({
      Sage_Sync_Status__c: 'Error',
      Sage_Sync_Message__c: 'Tax group NOPE does not exist.',
      Sage_Customer_Number__c: null,
    });
    expect(systems.sageSandbox.state.customers.all().length).toBe(before);

    // The parked account, read again, is not sent again until it changes or is retried.
    reset();
    await runtime.runFlowNow('accounts');
    expect(sageCounts()['POST AR/ARCustomers'] ?? 0).toBe(0);

    systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', settingsId(), { Default_Tax_Group__c: 'CALIF' });
    await runtime.refreshMappings();
    const retried = await runtime.retryFailure(parked?.id ?? -1);
    expect(retried.failure.status).toBe('resolved');
    const linked = account(id);
    expect(linked).toMatchObject({ Sage_Sync_Status__c: 'Synced', Sage_Sync_Message__c: null });
    expect(customer(linked.Sage_Customer_Number__c)).toMatchObject({
      CustomerName: 'Lakeside Dental',
      TaxGroup: 'CALIF',
    });
    expect(systems.sageSandbox.state.customers.all().length).toBe(before + 1);
  });

  it('provisions by Account Type when the setting says so', async () => {
    systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', settingsId(), {
      Account_Eligibility__c: 'Account Type',
    });
    await runtime.refreshMappings();
    const typed = systems.salesforceSandbox.insert('Account', { Name: 'Orchard Cafe', Type: 'Customer - Direct' });
    const won = wonAccount({ Name: 'Won But Partner', Type: 'Partner' });
    const result = await runtime.runFlowNow('accounts');
    expect(result).toMatchObject({ created: 1, failed: 0 });
    expect(customer(account(typed).Sage_Customer_Number__c)).toMatchObject({ CustomerName: 'Orchard Cafe' });
    expect(account(won).Sage_Customer_Number__c ?? null).toBeNull();
  });
});
