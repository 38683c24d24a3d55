// The customers flow with its default page size: a first sync large enough for the Bulk API goes through Bulk jobs,
// an incremental run writes its few changes through Collections, and the progress total costs no Sage request.
import { resolveMappings } from '../../../middleware/src/config/mapping.js';
import { createSalesforceClient, type SalesforceClient } from '../../../middleware/src/salesforce/index.js';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import { SyncEngine, type Progress } from '../../../middleware/src/sync/engine.js';
import { customersFlow, sageCustomerSource } from '../../../middleware/src/sync/flows/customers.js';
import type { SageRecord } from '../../../sandbox/sage300/records.js';
import { sqliteDatabase, type TestDatabase } from '../../store/test-databases.js';
import { accountsByCustomerNumber, silentLogger, startTestSystems, type TestSystems } from '../systems.js';

const CUSTOMERS = 2_500;
/** Rows per Sage answer in the test systems (`SAGE300_PAGE_SIZE` and the sandbox's page setting). */
const SAGE_PAGE = 500;

describe('the customers flow with its default page size', () => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let salesforce: SalesforceClient;
  let engine: SyncEngine;

  beforeAll(async () => {
    systems = await startTestSystems({ customers: CUSTOMERS });
    database = sqliteDatabase('customer pages');
    store = await openStore(database.url);
    // The default Bulk threshold (2,000), polled quickly so the test does not wait two seconds per job.
    salesforce = createSalesforceClient(systems.config.salesforce as NonNullable<typeof systems.config.salesforce>, {
      bulkPollIntervalMs: 20,
    });
    engine = new SyncEngine({ store, logger: silentLogger, owner: 'customer-pages-test', leaseMs: 5_000 });
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
    await systems.close();
  });

  const flow = () =>
    customersFlow({
      customers: sageCustomerSource(systems.sage),
      salesforce,
      mappings: () => resolveMappings(),
    });

  it('writes a first sync of 2,500 customers in one Bulk job, with the total known from the first Sage answer', async () => {
    const customers = systems.sageSandbox.state.customers.all().length;
    expect(customers).toBeGreaterThan(2_000);
    systems.sageSandbox.resetCounts();
    systems.salesforceSandbox.resetCounts();
    const progress: Progress[] = [];

    const result = await engine.run(flow(), { trigger: 'manual', onProgress: (p) => progress.push({ ...p }) });

    expect(result).toMatchObject({ outcome: 'succeeded', read: customers, failed: 0 });
    expect(result.created + result.updated).toBe(customers);
    expect(accountsByCustomerNumber(systems.salesforceSandbox).size).toBe(customers);
    expect(systems.salesforceSandbox.counts()).toMatchObject({ bulkJob: 1 });
    expect(systems.salesforceSandbox.counts().collectionWrite ?? 0).toBe(0);
    // Only the windows of 500 rows: no request for the count, and none after the last row it announced.
    expect(systems.sageSandbox.counts()).toEqual({ 'GET AR/ARCustomers': Math.ceil(customers / SAGE_PAGE) });
    const firstWithTotal = progress.findIndex((p) => p.total !== undefined);
    expect(progress[firstWithTotal]).toMatchObject({ total: customers, read: 0 });
    expect(progress.at(-1)).toMatchObject({ total: customers, read: customers });
    expect(await store.cursors.get('customers')).toMatchObject({ inProgress: false });
  }, 60_000);

  it('writes 30 changed customers of an incremental run in one Collections request', async () => {
    const all = systems.sageSandbox.state.customers.all();
    const changed = new Set<string>();
    for (let index = 0; index < all.length && changed.size < 30; index += 83) {
      const customer = all[index] as SageRecord;
      customer.CreditLimitCustomerCurrency = Number(customer.CreditLimitCustomerCurrency) + 500;
      systems.sageSandbox.state.touch(customer);
      changed.add(String(customer.CustomerNumber).trim());
    }
    systems.sageSandbox.state.customers.changed();
    systems.sageSandbox.resetCounts();
    systems.salesforceSandbox.resetCounts();

    const result = await engine.run(flow(), { trigger: 'manual' });

    expect(result).toMatchObject({ outcome: 'succeeded', created: 0, updated: changed.size, failed: 0 });
    expect(result.read).toBeGreaterThan(changed.size);
    expect(systems.salesforceSandbox.counts()).toMatchObject({ collectionWrite: 1 });
    expect(systems.salesforceSandbox.counts().bulkJob ?? 0).toBe(0);
    expect(systems.sageSandbox.counts()).toEqual({ 'GET AR/ARCustomers': Math.ceil(result.read / SAGE_PAGE) });
    const accounts = accountsByCustomerNumber(systems.salesforceSandbox);
    for (const number of changed) {
      const customer = all.find((row) => String(row.CustomerNumber).trim() === number) as SageRecord;
      expect(accounts.get(number)?.Sage_Credit_Limit__c).toBe(customer.CreditLimitCustomerCurrency);
    }
  }, 60_000);
});
