// The productCatalogue flow with pages of 1,000: a page of new products becomes Sage items, and the lookups that follow
// (their standard prices) stay under Salesforce's URI limit instead of failing the page with 414/431.
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

const [, makeSqlite] = engines[0] as (typeof engines)[number];
const PRODUCTS = 1000;

describe('the productCatalogue flow with pages of 1,000', () => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;

  const metadata = (type: string, developerName: string) => {
    const record = systems.salesforceSandbox.findOne(type, (r) => r.DeveloperName === developerName);
    if (!record) throw new Error(`the package has no ${type} ${developerName}`);
    return String(record.Id);
  };

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeSqlite('product catalogue pages');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store, { env: { SYNC_PAGE_SIZE: String(PRODUCTS) } });
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('creates a page of 1,000 new products as Sage items and reads their prices without an over-long request', async () => {
    for (const mapping of ['Product_Name', 'Price_List_Price']) {
      systems.salesforceSandbox.update('Sage_Field_Mapping__mdt', metadata('Sage_Field_Mapping__mdt', mapping), {
        Master__c: 'Salesforce',
        To_Sage__c: true,
      });
    }
    systems.salesforceSandbox.update(
      'Sage_Connector_Setting__mdt',
      metadata('Sage_Connector_Setting__mdt', 'Default'),
      {
        Item_Default_Category__c: 'A4',
        Item_Default_Account_Set__c: 'AVG',
        Item_Default_Stocking_Unit__c: 'Ea.',
        Item_Default_Structure_Code__c: 'LONG',
      },
    );
    await runtime.refreshMappings();
    for (let index = 1; index <= PRODUCTS; index++) {
      const code = `BLK${String(index).padStart(4, '0')}`;
      systems.salesforceSandbox.insert('Product2', { Name: `Bulk item ${code}`, ProductCode: code, IsActive: true });
    }

    await runtime.runFlowNow('productCatalogue');
    const failures = await runtime.listFailures({ flow: 'productCatalogue', status: 'open' });
    expect(failures.filter((failure) => /^ERROR_HTTP_4\d\d$/.test(failure.errorCode))).toEqual([]);
    const created = systems.sageSandbox.state.items.all().filter((row) => String(row.ItemNumber).startsWith('BLK'));
    expect(created).toHaveLength(PRODUCTS);
    const linked = systems.salesforceSandbox
      .records('Product2')
      .filter((row) => String(row.ProductCode).startsWith('BLK') && row.Sage_Item_Number__c === row.ProductCode);
    expect(linked).toHaveLength(PRODUCTS);
  }, 300_000);
});
