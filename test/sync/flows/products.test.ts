// The products flow and the stock pass over both sandboxes and a real store: Sage ICItems and ICItemPricing →
// Salesforce Product2 and standard PricebookEntries.
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import type { SageRecord } from '../../../sandbox/sage300/records.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

type SfRecord = Record<string, unknown>;

/** Products in the Salesforce sandbox by Sage item number (fails the test on a duplicate). */
function productsByItem(systems: TestSystems): Map<string, SfRecord> {
  const products = new Map<string, SfRecord>();
  for (const product of systems.salesforceSandbox.records('Product2')) {
    const number = product.Sage_Item_Number__c;
    if (typeof number !== 'string') continue;
    if (products.has(number.toUpperCase())) throw new Error(`Two products carry Sage item number ${number}`);
    products.set(number.toUpperCase(), product);
  }
  return products;
}

function entryOf(systems: TestSystems, key: string): SfRecord | undefined {
  const entries = systems.salesforceSandbox.records('PricebookEntry').filter((e) => e.Sage_Price_Key__c === key);
  if (entries.length > 1) throw new Error(`Two price book entries carry ${key}`);
  return entries[0];
}

/** Sage requests of the given routes since the last reset. */
function sageReads(systems: TestSystems): { items: number; pricing: number } {
  const counts = systems.sageSandbox.counts();
  return { items: counts['GET IC/ICItems'] ?? 0, pricing: counts['GET IC/ICItemPricing'] ?? 0 };
}

function salesforceWrites(systems: TestSystems): number {
  const counts = systems.salesforceSandbox.counts();
  return counts.collectionWrite + counts.singleWrite + counts.bulkJob;
}

describe.each(engines)('the products flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;
  let standardBook: string;

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('products flow');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store);
    standardBook = String(systems.salesforceSandbox.findOne('Pricebook2', (book) => book.IsStandard === true)?.Id);
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('is listed with its schedules from the connector settings, and follows a change of them', async () => {
    const schedules = () =>
      Object.fromEntries(
        runtime
          .flows()
          .filter((flow) => flow.name === 'products' || flow.name === 'productStock')
          .map((flow) => [flow.name, flow.schedule]),
      );
    expect(schedules()).toEqual({ products: '0 * * * *', productStock: '*/30 * * * *' });
    const settings = systems.salesforceSandbox.findOne(
      'Sage_Connector_Setting__mdt',
      (r) => r.DeveloperName === 'Default',
    );
    const id = String(settings?.Id);
    systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', id, {
      Item_Sync_Schedule__c: '0 */2 * * *',
      Stock_Sync_Schedule__c: '*/10 * * * *',
    });
    try {
      await runtime.refreshMappings();
      expect(schedules()).toEqual({ products: '0 */2 * * *', productStock: '*/10 * * * *' });
    } finally {
      systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', id, {
        Item_Sync_Schedule__c: '0 * * * *',
        Stock_Sync_Schedule__c: '*/30 * * * *',
      });
      await runtime.refreshMappings();
    }
  });

  it('first run: updates the five seeded products and their RTL prices, creates the sixth item and its price', async () => {
    const entriesBefore = systems.salesforceSandbox.records('PricebookEntry').length;
    const productsBefore = systems.salesforceSandbox.records('Product2').length;
    const result = await runtime.runFlowNow('products');
    // Six items and their six RTL/USD prices: A19999 (inactive) is new to Salesforce, the other five were seeded.
    expect(result).toMatchObject({ outcome: 'succeeded', read: 12, created: 2, updated: 10, failed: 0 });
    expect(systems.salesforceSandbox.records('Product2')).toHaveLength(productsBefore + 1);
    expect(systems.salesforceSandbox.records('PricebookEntry')).toHaveLength(entriesBefore + 1);

    const products = productsByItem(systems);
    const desk = products.get('A1-105/0');
    expect(desk).toMatchObject({
      Name: 'Executive Desk',
      ProductCode: 'A1-105/0',
      Description: 'Executive Desk',
      Family: 'A1',
      IsActive: true,
      QuantityUnitOfMeasure: 'Ea.',
      Sage_Quantity_On_Hand__c: 40,
      Sage_Quantity_Available__c: 40,
      Sage_Quantity_On_Sales_Order__c: 0,
    });
    expect(desk?.Sage_Last_Synced__c).toBeTruthy();
    expect(entryOf(systems, 'A1-105/0|RTL|USD')).toMatchObject({
      Product2Id: desk?.Id,
      Pricebook2Id: standardBook,
      UnitPrice: 749,
      IsActive: true,
    });

    const chair = products.get('A19999');
    expect(chair).toMatchObject({ Name: 'Discontinued Chair', IsActive: false, Sage_Quantity_On_Hand__c: 0 });
    expect(entryOf(systems, 'A19999|RTL|USD')).toMatchObject({
      Product2Id: chair?.Id,
      Pricebook2Id: standardBook,
      UnitPrice: 79,
    });
    expect(products.get('A14500')).toMatchObject({ Name: 'Bulletin Board', Sage_Quantity_On_Hand__c: 150 });
    // The RTL price, not the WHS one (88.05, on sale at 72.99).
    expect(entryOf(systems, 'A14500|RTL|USD')?.UnitPrice).toBe(109.95);
    // A product Sage does not know keeps its values.
    expect(products.get('ZZ-404')).toMatchObject({ IsActive: true });
    expect(await store.links.count('product')).toBe(12);
  });

  it('reads one page per source and writes nothing when nothing changed', async () => {
    systems.sageSandbox.resetCounts();
    systems.salesforceSandbox.resetCounts();
    const result = await runtime.runFlowNow('products');
    expect(result).toMatchObject({ outcome: 'succeeded', created: 0, updated: 0, failed: 0, unchanged: 12 });
    expect(sageReads(systems)).toEqual({ items: 1, pricing: 1 });
    expect(salesforceWrites(systems)).toBe(0);
  });

  it('writes a price changed in Sage to its entry only, and later runs drop it as unchanged', async () => {
    const state = systems.sageSandbox.state;
    const pricing = state.itemPricing.get(['A1-105/0', 'RTL', 'USD']) as SageRecord;
    const details = pricing.ItemPricingDetails as SageRecord[];
    (details[0] as SageRecord).UnitPrice = 799;
    state.touch(pricing);
    state.itemPricing.changed();

    const result = await runtime.runFlowNow('products');
    expect(result).toMatchObject({ outcome: 'succeeded', created: 0, updated: 1, failed: 0 });
    expect(entryOf(systems, 'A1-105/0|RTL|USD')).toMatchObject({ UnitPrice: 799, Pricebook2Id: standardBook });

    // The watermark moved to today: the next run reads only the changed price again, and writes nothing.
    systems.salesforceSandbox.resetCounts();
    const again = await runtime.runFlowNow('products');
    expect(again).toMatchObject({ outcome: 'succeeded', read: 1, unchanged: 1, updated: 0 });
    expect(salesforceWrites(systems)).toBe(0);
  });

  it('parks a product Salesforce refuses with its reason while the rest of the page is written', async () => {
    const state = systems.sageSandbox.state;
    const lamp = state.items.get(['A11030']) as SageRecord;
    const board = state.items.get(['A14010']) as SageRecord;
    lamp.Description = 'Desk Lamp (LED)';
    board.Description = 'Whiteboard 4x6 (magnetic)';
    state.touch(lamp);
    state.touch(board);
    state.items.changed();
    systems.salesforceSandbox.addValidationRule({
      object: 'Product2',
      field: 'Name',
      message: 'Product names may not mention LED',
      rejects: (record) => String(record.Name).includes('LED'),
    });

    const result = await runtime.runFlowNow('products');
    expect(result).toMatchObject({ outcome: 'partial', updated: 1, failed: 1 });
    const failures = await runtime.listFailures({ flow: 'products', status: 'open' });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      recordKey: 'A11030',
      errorKind: 'permanent',
      errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      payload: expect.objectContaining({ kind: 'product' }),
    });
    expect(failures[0]?.errorMessage).toContain('Product names may not mention LED');
    expect(productsByItem(systems).get('A14010')?.Name).toBe('Whiteboard 4x6 (magnetic)');
    expect(productsByItem(systems).get('A11030')?.Name).toBe('Desk Lamp');

    // The rule removed, an operator's retry writes it.
    systems.salesforceSandbox.clearValidationRules();
    const retried = await runtime.retryFailure(failures[0]?.id ?? -1);
    expect(retried.failure.status).toBe('resolved');
    expect(retried.run).toMatchObject({ outcome: 'succeeded', updated: 1 });
    expect(productsByItem(systems).get('A11030')?.Name).toBe('Desk Lamp (LED)');
  });

  it('deactivates the product of an item made inactive in Sage', async () => {
    const state = systems.sageSandbox.state;
    const cabinet = state.items.get(['A1-103/0']) as SageRecord;
    cabinet.Status = 'Inactive';
    state.touch(cabinet);
    state.items.changed();
    const result = await runtime.runFlowNow('products');
    expect(result).toMatchObject({ outcome: 'succeeded', failed: 0 });
    expect(productsByItem(systems).get('A1-103/0')).toMatchObject({ IsActive: false, Name: 'Steel Filing Cabinet' });
    cabinet.Status = 'Active';
    state.touch(cabinet);
    state.items.changed();
    await runtime.runFlowNow('products');
    expect(productsByItem(systems).get('A1-103/0')?.IsActive).toBe(true);
  });

  it('restores a product and a price edited by hand in Salesforce in a drift-repair pass', async () => {
    const desk = productsByItem(systems).get('A1-105/0');
    const entry = entryOf(systems, 'A1-105/0|RTL|USD');
    systems.salesforceSandbox.update('Product2', String(desk?.Id), { Name: 'Desk (edited)' });
    systems.salesforceSandbox.update('PricebookEntry', String(entry?.Id), { UnitPrice: 1 });
    // Hand edits do not move Sage's watermark: a normal run does not see them.
    expect(await runtime.runFlowNow('products')).toMatchObject({ outcome: 'succeeded', updated: 0 });

    const repair = await runtime.runFlowNow('products', { repair: true });
    expect(repair).toMatchObject({ outcome: 'succeeded', repaired: 2, failed: 0 });
    expect(productsByItem(systems).get('A1-105/0')?.Name).toBe('Executive Desk');
    expect(entryOf(systems, 'A1-105/0|RTL|USD')?.UnitPrice).toBe(799);
    expect(await runtime.runFlowNow('products', { repair: true })).toMatchObject({ repaired: 0, updated: 0 });
  });

  it('shows stock an order changed in Sage after the next stock pass, which writes only what moved', async () => {
    // The first pass writes every product once under its own hashes; later passes only what changed.
    const first = await runtime.runFlowNow('productStock');
    expect(first).toMatchObject({ outcome: 'succeeded', read: 6, failed: 0 });
    systems.salesforceSandbox.resetCounts();
    const quiet = await runtime.runFlowNow('productStock');
    expect(quiet).toMatchObject({ outcome: 'succeeded', read: 6, unchanged: 6, updated: 0 });
    expect(salesforceWrites(systems)).toBe(0);

    const maintainedBefore = (systems.sageSandbox.state.items.get(['A1-105/0']) as SageRecord).DateLastMaintained;
    await systems.sage.orders.create({
      CustomerNumber: '1200',
      OrderReference: 'products-flow-stock-test',
      OrderDetails: [{ LineType: 'Item', Item: 'A1-105/0', QuantityOrdered: 3, Location: '1' }],
    });
    const desk = systems.sageSandbox.state.items.get(['A1-105/0']) as SageRecord;
    // The order moved stock in Sage without touching the item's change date, so the products flow cannot see it.
    expect(desk).toMatchObject({ QuantityOnSalesOrder: 3, QuantityAvailable: 37, QuantityOnHand: 40 });
    expect(desk.DateLastMaintained).toBe(maintainedBefore);

    systems.sageSandbox.resetCounts();
    systems.salesforceSandbox.resetCounts();
    const pass = await runtime.runFlowNow('productStock');
    expect(pass).toMatchObject({ outcome: 'succeeded', read: 6, updated: 1, unchanged: 5 });
    expect(productsByItem(systems).get('A1-105/0')).toMatchObject({
      Sage_Quantity_On_Hand__c: 40,
      Sage_Quantity_Available__c: 37,
      Sage_Quantity_On_Sales_Order__c: 3,
    });
    expect(sageReads(systems).items).toBe(1);
    expect(systems.salesforceSandbox.counts()).toMatchObject({ query: 1, collectionWrite: 1 });
  });

  it('deactivates, never deletes, the product of an item deleted in Sage', async () => {
    const state = systems.sageSandbox.state;
    const gone = state.items.get(['A14500']) as SageRecord;
    state.items.delete(gone);
    state.items.changed();
    const result = await runtime.runFlowNow('productStock');
    expect(result).toMatchObject({ outcome: 'succeeded', read: 6, updated: 1, failed: 0 });
    expect(productsByItem(systems).get('A14500')).toMatchObject({ IsActive: false, Name: 'Bulletin Board' });
    // The seeded product Sage never knew is not the connector's to deactivate.
    expect(productsByItem(systems).get('ZZ-404')?.IsActive).toBe(true);
    const again = await runtime.runFlowNow('productStock');
    expect(again).toMatchObject({ outcome: 'succeeded', read: 5, updated: 0 });
    state.items.put(gone);
    state.items.changed();
  });
});
