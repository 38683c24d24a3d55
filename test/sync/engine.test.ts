// The engine's handling of error kinds, stops and the failure queue, with the customers flow over both sandboxes.
import { MappingError, resolveMappings } from '../../middleware/src/config/mapping.js';
import { SALESFORCE_RETRY_POLICY } from '../../middleware/src/salesforce/index.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { SyncEngine, type EngineOptions } from '../../middleware/src/sync/engine.js';
import { customersFlow, sageCustomerSource } from '../../middleware/src/sync/flows/customers.js';
import { sqliteDatabase, type TestDatabase } from '../store/test-databases.js';
import {
  accountsByCustomerNumber,
  silentLogger,
  startTestRuntime,
  startTestSystems,
  type TestSystems,
} from './systems.js';

describe('the sync engine', () => {
  let systems: TestSystems;
  const opened: { database: TestDatabase; store: Store }[] = [];

  beforeAll(async () => {
    systems = await startTestSystems({ customers: 300 });
  });

  afterEach(() => {
    systems.salesforceSandbox.clearFaults();
    systems.salesforceSandbox.setDailyLimit(100_000, 0);
  });

  afterAll(async () => {
    for (const { database, store } of opened) {
      await store.close();
      await database.drop();
    }
    await systems.close();
  });

  async function freshStore(): Promise<Store> {
    const database = sqliteDatabase('engine');
    const store = await openStore(database.url);
    opened.push({ database, store });
    return store;
  }

  function engineFor(store: Store, options: Partial<EngineOptions> = {}) {
    const engine = new SyncEngine({
      store,
      logger: silentLogger,
      owner: 'engine-test',
      leaseMs: 5_000,
      ...options,
    });
    const flow = customersFlow({
      customers: sageCustomerSource(systems.sage),
      salesforce: systems.salesforce,
      mappings: () => resolveMappings(),
      pageSize: 100,
    });
    return { engine, flow };
  }

  it('rides out a Salesforce outage shorter than the client’s retries and writes every record once', async () => {
    const store = await freshStore();
    const { engine, flow } = engineFor(store);
    systems.salesforceSandbox.setFaults({
      serviceUnavailable: { rate: 1, times: SALESFORCE_RETRY_POLICY.attempts - 1 },
    });
    const result = await engine.run(flow, { trigger: 'manual' });
    expect(result).toMatchObject({ outcome: 'succeeded', read: 300, failed: 0 });
    expect(result.created + result.updated).toBe(300);
    expect(accountsByCustomerNumber(systems.salesforceSandbox).size).toBe(300);
  }, 30_000);

  it('ends the run with the page uncommitted when Salesforce stays down, and the next run writes every record once', async () => {
    const store = await freshStore();
    const { engine, flow } = engineFor(store);
    systems.salesforceSandbox.setFaults({ serviceUnavailable: { rate: 1, times: SALESFORCE_RETRY_POLICY.attempts } });
    const down = await engine.run(flow, { trigger: 'manual' });
    expect(down).toMatchObject({ outcome: 'failed', read: 0, failed: 0 });
    expect(await store.failures.list({ flow: 'customers' })).toEqual([]);
    expect(await store.links.count('customer')).toBe(0);

    const after = await engine.run(flow, { trigger: 'manual' });
    expect(after).toMatchObject({ outcome: 'succeeded', read: 300, failed: 0 });
    expect(after.created + after.updated).toBe(300);
    expect(accountsByCustomerNumber(systems.salesforceSandbox).size).toBe(300);
  }, 30_000);

  it('pauses the flow when the daily API quota is spent and skips scheduled ticks until it frees', async () => {
    const store = await freshStore();
    const { engine, flow } = engineFor(store, { quotaPauseMs: 3_600_000 });
    systems.salesforceSandbox.setDailyLimit(1_000, 1_000);
    const paused = await engine.run(flow, { trigger: 'schedule', respectPause: true });
    expect(paused).toMatchObject({ outcome: 'paused', read: 0 });
    expect(paused.message).toMatch(/^API quota spent \(REQUEST_LIMIT_EXCEEDED\); paused until /);
    const cursor = await store.cursors.get('customers');
    expect(cursor?.pausedUntil?.getTime()).toBeGreaterThan(Date.now() + 3_500_000);

    const tick = await engine.run(flow, { trigger: 'schedule', respectPause: true, slot: new Date() });
    expect(tick).toMatchObject({ outcome: 'skipped', skippedBecause: 'paused' });

    systems.salesforceSandbox.setDailyLimit(100_000, 0);
    await store.cursors.resume('customers');
    expect(await engine.run(flow, { trigger: 'schedule', respectPause: true })).toMatchObject({
      outcome: 'succeeded',
      read: 300,
    });
  }, 30_000);

  it('finishes the current page, saves its checkpoint and releases the lease when stopped', async () => {
    const store = await freshStore();
    const { engine, flow } = engineFor(store);
    const stop = new AbortController();
    const stopped = await engine.run(flow, {
      trigger: 'schedule',
      signal: stop.signal,
      onProgress: (progress) => {
        if (progress.read > 0) stop.abort();
      },
    });
    expect(stopped).toMatchObject({ outcome: 'interrupted', read: 100 });
    expect(await store.cursors.get('customers')).toMatchObject({
      inProgress: true,
      value: { afterKey: expect.any(String) },
    });
    expect((await store.leases.get('flow:customers'))?.owner).toBeNull();
    expect(await store.links.count('customer')).toBe(100);

    const resumed = await engine.run(flow, { trigger: 'schedule' });
    expect(resumed).toMatchObject({ outcome: 'succeeded', read: 200 });
    expect(await store.links.count('customer')).toBe(300);
  }, 30_000);

  it('retries a parked record on its schedule until its automatic attempts run out', async () => {
    const store = await freshStore();
    const { engine, flow } = engineFor(store, { failureRetry: { maxAttempts: 3, baseMs: 1, capMs: 1 } });
    const refused = systems.sageSandbox.state.customers.all()[5] as Record<string, unknown>;
    const original = refused.CustomerPriceList;
    refused.CustomerPriceList = 'PRICELIST9';
    systems.sageSandbox.state.customers.changed();
    try {
      expect(await engine.run(flow, { trigger: 'schedule' })).toMatchObject({ outcome: 'partial', failed: 1 });
      const attempts: (number | undefined)[] = [];
      for (let run = 0; run < 3; run++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await engine.run(flow, { trigger: 'schedule' });
        attempts.push((await store.failures.list({ flow: 'customers' }))[0]?.attempts);
      }
      expect(attempts).toEqual([2, 3, 3]);
      const [failure] = await store.failures.list({ flow: 'customers' });
      expect(failure).toMatchObject({ status: 'open', attempts: 3, nextAttemptAt: null, errorCode: 'STRING_TOO_LONG' });
    } finally {
      refused.CustomerPriceList = original;
      systems.sageSandbox.state.customers.changed();
    }
  }, 30_000);

  it('reads field mappings from Custom Metadata and refuses to start on an invalid one, naming it', async () => {
    const store = await freshStore();
    const start = () => startTestRuntime(systems, store);
    const mapping = (developerName: string) => ({
      DeveloperName: developerName,
      MasterLabel: developerName,
      Object__c: 'Account',
      Salesforce_Field__c: 'Fax',
      Sage_Field__c: 'FaxNumber',
      Master__c: 'Sage',
      To_Salesforce__c: true,
      To_Sage__c: false,
      Transform__c: 'trim',
      Active__c: true,
    });
    systems.salesforceSandbox.insert('Sage_Field_Mapping__mdt', mapping('Account_Fax'));
    const customer = systems.sageSandbox.state.customers.all()[0] as Record<string, unknown>;
    customer.FaxNumber = '(619) 555-0199';
    systems.sageSandbox.state.touch(customer);
    systems.sageSandbox.state.customers.changed();

    const runtime = await start();
    expect(runtime.mappings().Account.find((entry) => entry.salesforceField === 'Fax')).toMatchObject({
      sageField: 'FaxNumber',
      origin: 'Sage_Field_Mapping__mdt Account_Fax',
    });
    await runtime.runFlowNow('customers');
    const account = accountsByCustomerNumber(systems.salesforceSandbox).get(String(customer.CustomerNumber).trim());
    expect(account?.Fax).toBe('(619) 555-0199');

    systems.salesforceSandbox.insert('Sage_Field_Mapping__mdt', mapping('Account_Fax_Again'));
    await runtime.refreshMappings();
    expect(runtime.mappings().Account.filter((entry) => entry.salesforceField === 'Fax')).toHaveLength(1);
    await runtime.stop();
    await expect(start()).rejects.toThrow(MappingError);
    await expect(start()).rejects.toThrow(
      /^Invalid field mapping Sage_Field_Mapping__mdt Account_Fax(_Again)?: Account\.Fax is also mapped by Sage_Field_Mapping__mdt Account_Fax/,
    );
  }, 30_000);
});
