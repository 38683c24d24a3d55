// The product catalogue flow over both sandboxes and a real store: Salesforce-mastered catalogue fields → Sage items.
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

describe.each(engines)('the productCatalogue flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;

  const sageCounts = () => systems.sageSandbox.counts() as Record<string, number>;
  const product = (name: string) =>
    systems.salesforceSandbox.findOne('Product2', (record) => record.Name === name) as Record<string, unknown>;
  const standardEntry = (productId: unknown) =>
    systems.salesforceSandbox.findOne('PricebookEntry', (record) => record.Product2Id === productId) as Record<
      string,
      unknown
    >;
  const item = (number: string) => systems.sageSandbox.state.items.get([number]) as Record<string, unknown> | undefined;
  const basePrice = (number: string, list: string) => {
    const row = systems.sageSandbox.state.itemPricing.get([number, list, 'USD']) as
      { ItemPricingDetails: { PriceDetailType: string; UnitPrice: number }[] } | undefined;
    return row?.ItemPricingDetails.find((detail) => detail.PriceDetailType === 'BasePriceQuantity')?.UnitPrice;
  };
  const metadata = (type: string, developerName: string) => {
    const record = systems.salesforceSandbox.findOne(type, (r) => r.DeveloperName === developerName);
    if (!record) throw new Error(`the package has no ${type} ${developerName}`);
    return String(record.Id);
  };
  const reset = () => {
    systems.sageSandbox.resetCounts();
    systems.salesforceSandbox.resetCounts();
  };

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('product catalogue');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store);
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('does nothing, not even a query, while Sage masters the catalogue (the default)', async () => {
    reset();
    const result = await runtime.runFlowNow('productCatalogue');
    expect(result).toMatchObject({ outcome: 'succeeded', read: 0 });
    expect(systems.salesforceSandbox.counts().total).toBe(0);
    expect(Object.keys(sageCounts())).toEqual([]);
  });

  it('parks a new product in the failure queue naming the item settings it lacks, creating nothing', async () => {
    // The administrator hands the product name (→ item description) and the list price to Salesforce.
    for (const mapping of ['Product_Name', 'Price_List_Price']) {
      systems.salesforceSandbox.update('Sage_Field_Mapping__mdt', metadata('Sage_Field_Mapping__mdt', mapping), {
        Master__c: 'Salesforce',
        To_Sage__c: true,
      });
    }
    await runtime.refreshMappings();
    reset();
    const result = await runtime.runFlowNow('productCatalogue');
    expect(result.outcome).toBe('partial');
    expect(sageCounts()['POST IC/ICItems'] ?? 0).toBe(0);
    const failures = await runtime.listFailures({ flow: 'productCatalogue', status: 'open' });
    const service = product('On-site Assembly Service');
    const parked = failures.find((failure) => failure.recordKey === service.Id);
    expect(parked).toMatchObject({ errorCode: 'ITEM_DEFAULTS_MISSING', errorKind: 'permanent' });
    for (const setting of [
      'Item_Default_Category__c',
      'Item_Default_Account_Set__c',
      'Item_Default_Stocking_Unit__c',
      'Item_Default_Structure_Code__c',
    ]) {
      expect(parked?.errorMessage).toContain(setting);
    }
    expect(item('SVC-ASSEMBLY')).toBeUndefined();
    // An item Sage does not know is refused with Sage's reason, not created.
    expect(failures.find((failure) => failure.recordKey === product('Ergonomic Footrest').Id)?.errorMessage).toMatch(
      /ZZ-404/,
    );
  });

  it('writes a description and a list price changed in Salesforce to Sage, once', async () => {
    reset();
    const quiet = await runtime.runFlowNow('productCatalogue');
    expect(quiet).toMatchObject({ created: 0, updated: 0 });
    expect(sageCounts()['PATCH IC/ICItems'] ?? 0).toBe(0);

    const desk = product('Executive Desk');
    systems.salesforceSandbox.update('Product2', String(desk.Id), { Name: 'Executive Desk, Walnut' });
    systems.salesforceSandbox.update('PricebookEntry', String(standardEntry(desk.Id).Id), { UnitPrice: 799 });
    reset();
    const result = await runtime.runFlowNow('productCatalogue');
    expect(result).toMatchObject({ updated: 2 });
    expect(sageCounts()['PATCH IC/ICItems']).toBe(1);
    expect(sageCounts()['PATCH IC/ICItemPricing']).toBe(1);
    expect(item('A1-105/0')?.Description).toBe('Executive Desk, Walnut');
    expect(basePrice('A1-105/0', 'RTL')).toBe(799);
    expect(basePrice('A1-105/0', 'WHS')).toBe(612.5);

    reset();
    await runtime.runFlowNow('productCatalogue');
    expect((sageCounts()['PATCH IC/ICItems'] ?? 0) + (sageCounts()['PATCH IC/ICItemPricing'] ?? 0)).toBe(0);
  });

  it('creates the Sage item once the settings supply its defaults, and never a second one', async () => {
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
    const service = product('On-site Assembly Service');
    const [parked] = (await runtime.listFailures({ flow: 'productCatalogue', status: 'open' })).filter(
      (failure) => failure.recordKey === service.Id,
    );
    reset();
    const retried = await runtime.retryFailure(parked?.id ?? -1);
    expect(retried.failure.status).toBe('resolved');
    expect(sageCounts()['POST IC/ICItems']).toBe(1);
    expect(item('SVC-ASSEMBLY')).toMatchObject({
      Description: 'On-site Assembly Service',
      Category: 'A4',
      AccountSetCode: 'AVG',
      StockingUnitOfMeasure: 'Ea.',
      StructureCode: 'LONG',
    });
    expect(basePrice('SVC-ASSEMBLY', 'RTL')).toBe(150);
    expect(product('On-site Assembly Service').Sage_Item_Number__c).toBe('SVC-ASSEMBLY');
    expect(standardEntry(service.Id).Sage_Price_Key__c).toBe('SVC-ASSEMBLY|RTL|USD');

    for (let round = 0; round < 2; round++) {
      reset();
      await runtime.runFlowNow('productCatalogue', { full: true });
      expect(sageCounts()['POST IC/ICItems'] ?? 0).toBe(0);
    }
    expect(systems.sageSandbox.state.items.all().filter((row) => row.ItemNumber === 'SVC-ASSEMBLY')).toHaveLength(1);
  });
});
