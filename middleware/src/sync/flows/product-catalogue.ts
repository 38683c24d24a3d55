/**
 * The product catalogue, Salesforce → Sage 300, where the mapping makes Salesforce the master of catalogue fields
 * (`Product2` fields such as the description, `PricebookEntry.UnitPrice` for the list price) and lets them flow to
 * Sage. With the default mapping Sage masters the whole catalogue, so the flow reads nothing and writes nothing: it is
 * off until an administrator hands a catalogue field to Salesforce.
 *
 * It reads two change streams in `(SystemModstamp, Id)` order: products with a product code, and standard price book
 * entries that carry a Sage price key (`ITEM|PRICELIST|CURRENCY`). A product with a Sage item number is PATCHed into
 * ICItems; its price into ICItemPricing (the base price of that list). A product with a product code and no Sage item
 * number becomes a new Sage item numbered by its code, but only when the connector settings supply what Sage requires
 * of an item (category, account set, stocking unit, structure code): otherwise it goes to the failure queue naming
 * the missing settings, and nothing is created. A created item gets the product's standard price on the default price
 * list, and the product and its price entry are told the item number and price key. An item that already exists under
 * that number is taken over instead of created again, so a re-run never creates a second one.
 */
import { z } from 'zod';
import type { MappingConfiguration } from '../../config/mapping.js';
import { ConnectorError } from '../../domain/errors.js';
import { mapToSage, type FieldMapping } from '../../domain/mapping.js';
import type { ConnectorSettings, ItemDefaults } from '../../domain/settings.js';
import { soqlFields, soqlIn, soqlInGroups } from '../../salesforce/soql.js';
import type { PreparedRecord, SyncFlow, WriteOutcome } from '../flow.js';
import { salesforceChangeCursor, salesforceChanges, type ChangedRecord } from '../parts/salesforce-changes.js';
import { writeResultError } from '../parts/salesforce-upsert.js';
import { defineFlow } from '../registry.js';
import type { SageClient, SalesforcePort } from '../systems.js';

interface ProductRow extends ChangedRecord {
  ProductCode: string | null;
  Sage_Item_Number__c: string | null;
  [field: string]: unknown;
}

interface PriceRow extends ChangedRecord {
  Product2Id: string;
  Sage_Price_Key__c: string | null;
  [field: string]: unknown;
}

/** One changed catalogue record, keyed by its Salesforce Id. */
export type CatalogueChange = { origin: 'product'; row: ProductRow } | { origin: 'price'; row: PriceRow };

/** What a changed record asks of Sage. */
export type CatalogueTarget =
  | { kind: 'item'; itemNumber: string; fields: Record<string, unknown> }
  | {
      kind: 'new-item';
      itemNumber: string;
      fields: Record<string, unknown>;
      defaults: Required<ItemDefaults>;
      priceList: string;
      currency: string;
    }
  | { kind: 'price'; itemNumber: string; priceListCode: string; currencyCode: string; fields: Record<string, unknown> };

export const catalogueCursor = z.strictObject({
  products: salesforceChangeCursor.nullable(),
  prices: salesforceChangeCursor.nullable(),
});

export type CatalogueCursor = z.infer<typeof catalogueCursor>;

/** The settings that name each item default, for the failure message. */
const ITEM_DEFAULT_SETTINGS: Record<keyof ItemDefaults, string> = {
  category: 'Item_Default_Category__c (ITEM_DEFAULT_CATEGORY)',
  accountSet: 'Item_Default_Account_Set__c (ITEM_DEFAULT_ACCOUNT_SET)',
  stockingUnit: 'Item_Default_Stocking_Unit__c (ITEM_DEFAULT_STOCKING_UNIT)',
  structureCode: 'Item_Default_Structure_Code__c (ITEM_DEFAULT_STRUCTURE_CODE)',
};

/** The mappings of an object that Salesforce masters and that flow to Sage: the catalogue fields this flow writes. */
export function salesforceMastered(mappings: readonly FieldMapping[]): FieldMapping[] {
  return mappings.filter((mapping) => mapping.active && mapping.toSage && mapping.master === 'Salesforce');
}

/** The item defaults, or the error naming the settings that are missing. */
export function itemDefaultsFor(
  settings: ConnectorSettings,
  itemNumber: string,
): Required<ItemDefaults> | ConnectorError {
  const defaults = settings.itemDefaults;
  const missing = (Object.keys(ITEM_DEFAULT_SETTINGS) as (keyof ItemDefaults)[]).filter((name) => !defaults[name]);
  if (missing.length === 0) return defaults as Required<ItemDefaults>;
  return new ConnectorError(
    'permanent',
    `Sage 300 item ${itemNumber} is not created: set ${missing.map((name) => ITEM_DEFAULT_SETTINGS[name]).join(', ')}`,
    { code: 'ITEM_DEFAULTS_MISSING', system: 'connector', context: { itemNumber, missing } },
  );
}

export interface ProductCatalogueFlowOptions {
  sage: SageClient;
  salesforce: Pick<SalesforcePort, 'queryAll' | 'update'>;
  mappings: () => MappingConfiguration;
  settings: () => ConnectorSettings;
  pageSize?: number;
  lookBackMs: number;
}

const ok = (key: string, targetKey: string, created = false, synced?: unknown): WriteOutcome => ({
  key,
  ok: true,
  created,
  targetKey,
  ...(synced === undefined ? {} : { synced }),
});

const failed = (key: string, error: unknown): WriteOutcome => ({
  key,
  ok: false,
  error:
    error instanceof ConnectorError
      ? error
      : new ConnectorError('permanent', error instanceof Error ? error.message : String(error), {
          code: 'CATALOGUE_WRITE_FAILED',
          system: 'connector',
        }),
});

/** The product catalogue flow. */
export function productCatalogueFlow(
  options: ProductCatalogueFlowOptions,
): SyncFlow<CatalogueChange, CatalogueTarget, CatalogueCursor> {
  const pageSize = options.pageSize ?? 200;
  const productFields = () => salesforceMastered(options.mappings().Product2);
  const priceFields = () => salesforceMastered(options.mappings().PricebookEntry);
  const products = salesforceChanges<ProductRow>({
    reader: options.salesforce,
    object: 'Product2',
    fields: () => ['ProductCode', 'Sage_Item_Number__c', ...productFields().map((m) => m.salesforceField)],
    where: () => 'ProductCode != null',
    pageSize,
    lookBackMs: options.lookBackMs,
  });
  const prices = salesforceChanges<PriceRow>({
    reader: options.salesforce,
    object: 'PricebookEntry',
    fields: () => ['Product2Id', 'Sage_Price_Key__c', ...priceFields().map((m) => m.salesforceField)],
    where: () => 'Sage_Price_Key__c != null',
    pageSize,
    lookBackMs: options.lookBackMs,
  });

  /** The standard prices of these products (one query, or as few as fit Salesforce's URI limit), by product Id. */
  async function standardPrices(productIds: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    const fields = [...new Set(['Id', 'Product2Id', ...priceFields().map((m) => m.salesforceField)])];
    const rows: Record<string, unknown>[] = [];
    const build = (group: readonly string[]) =>
      `SELECT ${soqlFields(fields)} FROM PricebookEntry WHERE Pricebook2.IsStandard = true AND Product2Id IN ${soqlIn(group)}`;
    for (const { soql } of soqlInGroups(productIds, build)) {
      rows.push(...(await options.salesforce.queryAll<Record<string, unknown>>(soql)));
    }
    return new Map(rows.map((row) => [String(row.Product2Id), row]));
  }

  /** Creates (or takes over) one item, prices it, and tells Salesforce its number and price key. */
  async function createItem(
    record: PreparedRecord<CatalogueTarget>,
    target: Extract<CatalogueTarget, { kind: 'new-item' }>,
    price: Record<string, unknown> | undefined,
  ): Promise<WriteOutcome> {
    const existing = await options.sage.items.get(target.itemNumber);
    if (!existing) {
      await options.sage.items.create({
        ItemNumber: target.itemNumber,
        StructureCode: target.defaults.structureCode,
        Category: target.defaults.category,
        AccountSetCode: target.defaults.accountSet,
        StockingUnitOfMeasure: target.defaults.stockingUnit,
        Status: 'Active',
        ...target.fields,
      });
    }
    const priceValues = price ? mapToSage(priceFields(), price) : {};
    const priceKey = `${target.itemNumber}|${target.priceList}|${target.currency}`;
    if (typeof priceValues.UnitPrice === 'number') {
      await options.sage.items.setBasePrice(
        { itemNumber: target.itemNumber, priceListCode: target.priceList, currencyCode: target.currency },
        { UnitPrice: priceValues.UnitPrice, QuantityUnit: target.defaults.stockingUnit },
      );
    }
    const [product] = await options.salesforce.update('Product2', [
      { Id: record.key, Sage_Item_Number__c: target.itemNumber },
    ]);
    if (!product?.ok) {
      return failed(record.key, product ? writeResultError(product) : 'Salesforce returned no result for the product');
    }
    if (price) {
      await options.salesforce.update('PricebookEntry', [{ Id: price.Id, Sage_Price_Key__c: priceKey }]);
    }
    // Read back, the product carries its item number: that is the content this link now holds.
    const synced: CatalogueTarget = { kind: 'item', itemNumber: target.itemNumber, fields: target.fields };
    return ok(record.key, target.itemNumber, !existing, synced);
  }

  return {
    name: 'productCatalogue',
    entity: 'catalogue',
    source: 'salesforce',
    cursor: catalogueCursor,
    pageSize,
    idempotentWrites: true,

    startCursor(saved, runOptions) {
      const part = <T>(value: T | null | undefined) =>
        value ? { value, inProgress: saved?.inProgress ?? false } : undefined;
      return {
        products: products.start(part(saved?.value?.products), runOptions),
        prices: prices.start(part(saved?.value?.prices), runOptions),
      };
    },

    async *read(cursor, signal) {
      // Off while Sage masters every catalogue field (the default): not even a query.
      if (productFields().length === 0 && priceFields().length === 0) return;
      for await (const page of products.read(cursor?.products ?? null, signal)) {
        yield page.map((row): CatalogueChange => ({ origin: 'product', row }));
      }
      if (signal.aborted || priceFields().length === 0) return;
      for await (const page of prices.read(cursor?.prices ?? null, signal)) {
        yield page.map((row): CatalogueChange => ({ origin: 'price', row }));
      }
    },

    advance(cursor, record) {
      const current = cursor ?? { products: null, prices: null };
      if (record.origin === 'product') return { ...current, products: products.advance(current.products, record.row) };
      return { ...current, prices: prices.advance(current.prices, record.row) };
    },

    finish(cursor) {
      return {
        products: products.finish(cursor?.products ?? null),
        prices: prices.finish(cursor?.prices ?? null),
      };
    },

    keyOf: (record) => record.row.Id,

    map(record): CatalogueTarget {
      if (record.origin === 'price') {
        const [itemNumber = '', priceListCode = '', currencyCode = ''] = String(record.row.Sage_Price_Key__c).split(
          '|',
        );
        return { kind: 'price', itemNumber, priceListCode, currencyCode, fields: mapToSage(priceFields(), record.row) };
      }
      const fields = mapToSage(productFields(), record.row);
      const itemNumber = record.row.Sage_Item_Number__c?.trim();
      if (itemNumber) return { kind: 'item', itemNumber, fields };
      const code = String(record.row.ProductCode).trim().toUpperCase();
      const settings = options.settings();
      const defaults = itemDefaultsFor(settings, code);
      if (defaults instanceof ConnectorError) throw defaults;
      return {
        kind: 'new-item',
        itemNumber: code,
        fields,
        defaults,
        priceList: settings.defaultPriceList,
        currency: settings.defaultCurrency,
      };
    },

    async write(records) {
      const created = records.filter((record) => record.target.kind === 'new-item');
      const standard = created.length > 0 ? await standardPrices(created.map((record) => record.key)) : new Map();
      const outcomes: WriteOutcome[] = [];
      for (const record of records) {
        const target = record.target;
        try {
          if (target.kind === 'new-item') {
            outcomes.push(await createItem(record, target, standard.get(record.key)));
          } else if (target.kind === 'item') {
            if (Object.keys(target.fields).length > 0) await options.sage.items.patch(target.itemNumber, target.fields);
            outcomes.push(ok(record.key, target.itemNumber));
          } else {
            const unitPrice = target.fields.UnitPrice;
            if (typeof unitPrice === 'number') {
              await options.sage.items.setBasePrice(
                {
                  itemNumber: target.itemNumber,
                  priceListCode: target.priceListCode,
                  currencyCode: target.currencyCode,
                },
                { UnitPrice: unitPrice },
              );
            }
            outcomes.push(ok(record.key, `${target.itemNumber}|${target.priceListCode}|${target.currencyCode}`));
          }
        } catch (error) {
          outcomes.push(failed(record.key, error));
        }
      }
      return outcomes;
    },

    async fetch(keys) {
      // Salesforce Ids name their object by prefix: 01t a product, 01u a price book entry.
      const read = async <Row>(object: string, fields: string[], ids: string[]) => {
        const rows: Row[] = [];
        const build = (group: readonly string[]) =>
          `SELECT ${soqlFields([...new Set(['Id', 'SystemModstamp', ...fields])])} FROM ${object} WHERE Id IN ${soqlIn(group)}`;
        for (const { soql } of soqlInGroups(ids, build)) rows.push(...(await options.salesforce.queryAll<Row>(soql)));
        return rows;
      };
      const productRows = await read<ProductRow>(
        'Product2',
        ['ProductCode', 'Sage_Item_Number__c', ...productFields().map((m) => m.salesforceField)],
        keys.filter((key) => key.startsWith('01t')),
      );
      const priceRows = await read<PriceRow>(
        'PricebookEntry',
        ['Product2Id', 'Sage_Price_Key__c', ...priceFields().map((m) => m.salesforceField)],
        keys.filter((key) => key.startsWith('01u')),
      );
      return [
        ...productRows.map((row): CatalogueChange => ({ origin: 'product', row })),
        ...priceRows.map((row): CatalogueChange => ({ origin: 'price', row })),
      ];
    },
  };
}

/** The product catalogue flow in the registry (follows the items' schedule). */
export const productCatalogue = defineFlow({
  name: 'productCatalogue',
  scheduleSetting: 'items',
  ports: ['sage300', 'salesforce'],
  build: ({ sage300, salesforce }, context) =>
    productCatalogueFlow({
      sage: sage300,
      salesforce,
      mappings: context.mappings,
      settings: context.settings,
      lookBackMs: context.salesforceLookBackMs,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
