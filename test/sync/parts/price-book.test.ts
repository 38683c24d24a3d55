// Price book entries over the Salesforce sandbox with the real client: each entry goes out in the shape its guess
// calls for (create with product and price book, or update without), and only a wrong guess costs a second request.
import { priceBookWriter, standardPriceBook, type PriceEntry } from '../../../middleware/src/sync/parts/price-book.js';
import { startTestSystems, type TestSystems } from '../systems.js';

let systems: TestSystems;
let standardBook: string;

beforeAll(async () => {
  systems = await startTestSystems();
  standardBook = String(systems.salesforceSandbox.findOne('Pricebook2', (book) => book.IsStandard === true)?.Id);
  for (const number of ['PB-1', 'PB-2']) {
    systems.salesforceSandbox.insert('Product2', { Name: `Stool ${number}`, Sage_Item_Number__c: number });
  }
});

afterAll(async () => {
  await systems.close();
});

const entry = (key: string, unitPrice: number, likelyNew: boolean): PriceEntry => ({
  key,
  productKey: key.split('|')[0] ?? '',
  unitPrice,
  isActive: true,
  likelyNew,
});

const entryOf = (key: string) =>
  systems.salesforceSandbox.findOne('PricebookEntry', (row) => row.Sage_Price_Key__c === key);

function counting() {
  let queries = 0;
  const reader = {
    queryAll: <T>(soql: string) => {
      queries++;
      return systems.salesforce.queryAll<T>(soql);
    },
  };
  return { reader, queries: () => queries };
}

describe('the price book writer', () => {
  it('writes right guesses in one request per shape and asks for the standard price book once', async () => {
    const { reader, queries } = counting();
    const write = priceBookWriter({
      salesforce: systems.salesforce,
      standardPriceBookId: standardPriceBook(reader),
      externalIdField: 'Sage_Price_Key__c',
      productExternalIdField: 'Sage_Item_Number__c',
    });
    systems.salesforceSandbox.resetCounts();
    const results = await write([entry('PB-1|RTL|USD', 10, true), entry('A1-105/0|RTL|USD', 700, false)]);
    expect(results.map((result) => result.ok)).toEqual([true, true]);
    expect(results[0]?.created).toBe(true);
    expect(systems.salesforceSandbox.counts().collectionWrite).toBe(2);
    expect(entryOf('PB-1|RTL|USD')).toMatchObject({ UnitPrice: 10, Pricebook2Id: standardBook });
    expect(entryOf('A1-105/0|RTL|USD')).toMatchObject({ UnitPrice: 700, Pricebook2Id: standardBook });

    await write([entry('PB-1|RTL|USD', 11, true)]);
    expect(queries()).toBe(1);
  });

  it('sends a wrong guess once more in the other shape, both ways', async () => {
    const write = priceBookWriter({
      salesforce: systems.salesforce,
      standardPriceBookId: standardPriceBook(systems.salesforce),
      externalIdField: 'Sage_Price_Key__c',
      productExternalIdField: 'Sage_Item_Number__c',
    });
    systems.salesforceSandbox.resetCounts();
    // PB-2 has no entry yet but is taken to have one; A11030's seeded entry is taken to be new.
    const results = await write([entry('PB-2|RTL|USD', 20, false), entry('A11030|RTL|USD', 30, true)]);
    expect(results).toEqual([
      expect.objectContaining({ ok: true, created: true }),
      expect.objectContaining({ ok: true, created: false }),
    ]);
    expect(systems.salesforceSandbox.counts()).toMatchObject({ collectionWrite: 4, query: 1 });
    const product = systems.salesforceSandbox.findOne('Product2', (row) => row.Sage_Item_Number__c === 'PB-2');
    expect(entryOf('PB-2|RTL|USD')).toMatchObject({
      UnitPrice: 20,
      Product2Id: product?.Id,
      Pricebook2Id: standardBook,
    });
    expect(entryOf('A11030|RTL|USD')?.UnitPrice).toBe(30);
  });

  it('answers a refusal for an entry whose product does not exist', async () => {
    const write = priceBookWriter({
      salesforce: systems.salesforce,
      standardPriceBookId: standardPriceBook(systems.salesforce),
      externalIdField: 'Sage_Price_Key__c',
      productExternalIdField: 'Sage_Item_Number__c',
    });
    const [result] = await write([entry('NOPE|RTL|USD', 5, true)]);
    expect(result).toMatchObject({ ok: false });
    expect(result?.errors[0]?.message).toMatch(/NOPE/);
    expect(entryOf('NOPE|RTL|USD')).toBeUndefined();
  });
});
