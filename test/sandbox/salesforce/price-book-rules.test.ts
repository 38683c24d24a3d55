// Two org rules the products flow depends on: a price book entry's product and price book are set on create only
// (Salesforce refuses them on update, even unchanged), and validation rules tests inject through the control API.
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let standardBook: string;
let productId: string;

interface Save {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
}

beforeAll(async () => {
  h = await startHarness({ repositoryPackage: true });
  standardBook = String(h.sandbox.findOne('Pricebook2', (book) => book.IsStandard === true)?.Id);
  productId = h.sandbox.insert('Product2', { Name: 'Rules Stool', IsActive: true, Sage_Item_Number__c: 'R-1' });
});

afterAll(async () => {
  await h.close();
});

const upsertEntries = async (records: Record<string, unknown>[]) =>
  (
    await h.api('PATCH', '/composite/sobjects/PricebookEntry/Sage_Price_Key__c', {
      allOrNone: false,
      records: records.map((record) => ({ attributes: { type: 'PricebookEntry' }, ...record })),
    })
  ).body as Save[];

describe('price book entries', () => {
  it('are created with their product (by its External ID) and price book, and updated without them', async () => {
    const [created] = await upsertEntries([
      {
        Sage_Price_Key__c: 'R-1|RTL|USD',
        UnitPrice: 10,
        Pricebook2Id: standardBook,
        Product2: { Sage_Item_Number__c: 'R-1' },
      },
    ]);
    expect(created).toMatchObject({ success: true, created: true });
    const [updated] = await upsertEntries([{ Sage_Price_Key__c: 'R-1|RTL|USD', UnitPrice: 12 }]);
    expect(updated).toMatchObject({ success: true, created: false });
    expect(h.sandbox.get('PricebookEntry', created?.id ?? '')).toMatchObject({
      Product2Id: productId,
      Pricebook2Id: standardBook,
      UnitPrice: 12,
    });
  });

  it('refuse Product2Id and Pricebook2Id on update even with the values they have', async () => {
    const [refused] = await upsertEntries([
      { Sage_Price_Key__c: 'R-1|RTL|USD', UnitPrice: 13, Pricebook2Id: standardBook, Product2Id: productId },
    ]);
    expect(refused).toMatchObject({ success: false });
    expect(refused?.errors[0]).toMatchObject({
      statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      fields: ['Pricebook2Id', 'Product2Id'],
    });
    // The product by reference counts as setting Product2Id.
    const [byReference] = await upsertEntries([
      { Sage_Price_Key__c: 'R-1|RTL|USD', UnitPrice: 13, Product2: { Sage_Item_Number__c: 'R-1' } },
    ]);
    expect(byReference?.errors[0]).toMatchObject({
      statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      fields: ['Product2Id'],
    });
    expect(h.sandbox.findOne('PricebookEntry', (entry) => entry.Sage_Price_Key__c === 'R-1|RTL|USD')?.UnitPrice).toBe(
      12,
    );
  });

  it('cannot be created without them', async () => {
    const [missing] = await upsertEntries([{ Sage_Price_Key__c: 'R-1|WHS|USD', UnitPrice: 9 }]);
    expect(missing?.errors[0]).toMatchObject({ statusCode: 'REQUIRED_FIELD_MISSING' });
    expect(missing?.errors[0]?.fields).toEqual(expect.arrayContaining(['Pricebook2Id', 'Product2Id']));
  });

  it('describe Product2Id and Pricebook2Id as createable, not updateable', async () => {
    const describe = (await h.api('GET', '/sobjects/PricebookEntry/describe')).body as {
      fields: { name: string; createable: boolean; updateable: boolean }[];
    };
    for (const name of ['Product2Id', 'Pricebook2Id']) {
      expect(describe.fields.find((field) => field.name === name)).toMatchObject({
        createable: true,
        updateable: false,
      });
    }
  });
});

describe('injected validation rules', () => {
  it('refuse the records they reject with their message until removed, and leave direct writes alone', async () => {
    h.sandbox.addValidationRule({
      object: 'PricebookEntry',
      field: 'UnitPrice',
      message: 'Price must be positive',
      rejects: (record) => Number(record.UnitPrice) <= 0,
    });
    const [rejected, accepted] = await upsertEntries([
      { Sage_Price_Key__c: 'R-1|RTL|USD', UnitPrice: 0 },
      { Sage_Price_Key__c: 'R-1|RTL|USD-X', UnitPrice: 5, Pricebook2Id: standardBook, Product2Id: productId },
    ]);
    expect(rejected).toMatchObject({
      success: false,
      errors: [
        { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Price must be positive', fields: ['UnitPrice'] },
      ],
    });
    // Same product in the same book twice: Salesforce's own rule still applies next to the injected one.
    expect(accepted?.errors[0]?.statusCode).toBe('DUPLICATE_VALUE');
    const entry = h.sandbox.findOne('PricebookEntry', (row) => row.Sage_Price_Key__c === 'R-1|RTL|USD');
    h.sandbox.update('PricebookEntry', String(entry?.Id), { UnitPrice: 0 });
    expect(h.sandbox.get('PricebookEntry', String(entry?.Id))?.UnitPrice).toBe(0);

    h.sandbox.clearValidationRules();
    const [after] = await upsertEntries([{ Sage_Price_Key__c: 'R-1|RTL|USD', UnitPrice: -1 }]);
    expect(after).toMatchObject({ success: true });
  });
});
