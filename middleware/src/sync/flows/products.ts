/**
 * Sage 300 items → Salesforce products, in two flows of one file:
 *
 * - `products` (schedule `Item_Sync_Schedule__c`): ICItems and ICItemPricing changed since the cursor (a day watermark
 *   on `DateLastMaintained` of both) → Product2 upserted on `Sage_Item_Number__c` with the Product2 field mapping, and
 *   the item's price on the configured price list and currency (`Default_Price_List__c`, `Default_Currency__c`) →
 *   a PricebookEntry of the standard price book upserted on `Sage_Price_Key__c` (`ITEM|PRICELIST|CURRENCY`). The
 *   changed prices of the list are read first (one collection read, kept by item), then the changed items in pages,
 *   each item right after its changed price; prices whose item did not change follow at the end. An item and its
 *   price are records of their own (keys `ITEM` and `ITEM|LIST|CURRENCY`, each with its link and content hash), so a
 *   price change writes only the entry and an item change only the product.
 * - `productStock` (schedule `Stock_Sync_Schedule__c`): stock moves without `DateLastMaintained` (an order commits or
 *   ships quantities), so no watermark sees it. This pass reads every item with the Product2 mapping's fields only,
 *   drops the rows whose content hash is the one it last wrote, and upserts the rest; an item Sage no longer has
 *   deactivates its product (never deletes it: opportunity lines refer to it). Its cost per run is one Sage request
 *   per window of items, one Salesforce query per 2,000 active products, and writes for changed items only.
 *
 * An item made inactive in Sage maps to `IsActive = false` through the mapping (`Status`, `activeToBoolean`) in both.
 */
import { z } from 'zod';
import type { MappingConfiguration } from '../../config/mapping.js';
import { ConnectorError } from '../../domain/errors.js';
import { mapToSalesforce, sageFieldsToRead } from '../../domain/mapping.js';
import { basePrice, itemKey, priceKey } from '../../domain/products.js';
import type { ConnectorSettings } from '../../domain/settings.js';
import { and, eq, ge, gt, oneOf } from '../../sage300/odata.js';
import type { IcItem, IcItemPricing } from '../../sage300/types.js';
import type { DriftCheck, PreparedRecord, SyncFlow, WriteOutcome } from '../flow.js';
import { dayWatermark, type DayWatermarkCursor } from '../parts/day-watermark.js';
import { priceBookWriter, standardPriceBook, type PriceEntry } from '../parts/price-book.js';
import { salesforceDrift } from '../parts/salesforce-drift.js';
import { sageWindows, type SageCollection } from '../parts/sage-windows.js';
import { writeResultError } from '../parts/salesforce-upsert.js';
import { defineFlow } from '../registry.js';
import type { SageClient, SalesforcePort, SalesforceWriteResult } from '../systems.js';

/** What the product flows need from the Sage client. */
export interface ItemSource {
  /** Items in key order; `onCount` is told how many match with the first answer. */
  list: SageCollection<IcItem>;
  /** Item price rows in key order. */
  pricing: SageCollection<IcItemPricing>;
}

/** The product flows' view of the Sage client. */
export function sageItemSource(sage: SageClient): ItemSource {
  return {
    list: (query) => sage.items.list(query),
    pricing: (query) => sage.items.pricingList(query),
  };
}

/**
 * The product flows' default page: as for customers, five times the Salesforce client's Bulk threshold, so a first
 * sync of a catalogue of up to 10,000 items is one Bulk job for the products and one for the prices.
 */
export const PRODUCT_PAGE_SIZE = 10_000;

const PRODUCT_OBJECT = 'Product2';
const PRODUCT_ID_FIELD = 'Sage_Item_Number__c';
const PRICE_ID_FIELD = 'Sage_Price_Key__c';
const PRICING_FIELDS: (keyof IcItemPricing)[] = [
  'ItemNumber',
  'PriceListCode',
  'CurrencyCode',
  'DateLastMaintained',
  'ItemPricingDetails',
];

/**
 * A record of the products flow: an item (keyed by its number, written to Product2) or its price on the configured
 * list and currency (keyed `ITEM|LIST|CURRENCY`, written to a PricebookEntry). Each has its own link and content hash,
 * so a price change writes only its entry, an item change only its product, and neither is written again unchanged.
 */
export type ProductRecord = { item: IcItem; price?: never } | { price: IcItemPricing; item?: never };

/** What the products flow writes for one record. */
export type ProductTarget =
  { kind: 'product'; fields: Record<string, unknown> } | { kind: 'price'; item: string; unitPrice: number };

export interface ProductsFlowOptions {
  items: ItemSource;
  salesforce: SalesforcePort;
  mappings: () => MappingConfiguration;
  /** The connector settings in force: the price list and currency of the prices. */
  settings: () => ConnectorSettings;
  pageSize?: number;
  clock?: () => Date;
}

/** A products-flow record as the day watermark sees it: its item number and change day. */
interface Watermarked {
  ItemNumber: string;
  DateLastMaintained: string | null;
}

const asWatermarked = (record: ProductRecord): Watermarked => {
  const row = record.item ?? record.price;
  return { ItemNumber: row.ItemNumber, DateLastMaintained: row.DateLastMaintained };
};

/** The Sage fields a Product2 write needs: the key, the change day and every field the mapping reads. */
function itemFields(mappings: MappingConfiguration): (keyof IcItem)[] {
  return [...new Set(['ItemNumber', 'DateLastMaintained', ...sageFieldsToRead(mappings.Product2)])] as (keyof IcItem)[];
}

/** Product2 upserts of a batch: one result per record, in order. */
async function upsertProducts(
  salesforce: Pick<SalesforcePort, 'upsert'>,
  records: readonly { key: string; fields: Record<string, unknown> }[],
  syncedAt: string,
): Promise<SalesforceWriteResult[]> {
  if (records.length === 0) return [];
  return salesforce.upsert(
    PRODUCT_OBJECT,
    PRODUCT_ID_FIELD,
    records.map(({ key, fields }) => ({ ...fields, [PRODUCT_ID_FIELD]: key, Sage_Last_Synced__c: syncedAt })),
  );
}

const noResult = (key: string, noun: string): WriteOutcome => ({
  key,
  ok: false,
  error: new ConnectorError('in-doubt', `Salesforce returned no result for this ${noun}`, {
    code: 'NO_RESULT',
    system: 'salesforce',
  }),
});

/** One outcome from a Salesforce write result. */
function outcomeOf(key: string, noun: string, result: SalesforceWriteResult | undefined): WriteOutcome {
  if (!result) return noResult(key, noun);
  if (!result.ok) return { key, ok: false, error: writeResultError(result) };
  return { key, ok: true, created: result.created ?? false, targetKey: result.id ?? null };
}

/** The fields a price record writes besides its key and parents (the ones drift repair compares). */
const priceFields = (target: { unitPrice: number }) => ({ UnitPrice: target.unitPrice, IsActive: true });

/**
 * Drift repair of both objects the flow writes: products read back by item number and entries by price key (one
 * query per slice of keys of each), each compared with what the mapping produces.
 */
function productDrift(reader: SalesforcePort): DriftCheck<ProductTarget> {
  const products = salesforceDrift<Record<string, unknown>>({
    reader,
    object: PRODUCT_OBJECT,
    externalIdField: PRODUCT_ID_FIELD,
  });
  const prices = salesforceDrift<Record<string, unknown>>({
    reader,
    object: 'PricebookEntry',
    externalIdField: PRICE_ID_FIELD,
  });
  const fieldsOf = (target: ProductTarget) => (target.kind === 'product' ? target.fields : priceFields(target));
  return {
    async current(records, signal) {
      const of = (kind: ProductTarget['kind']) =>
        records.flatMap((record) =>
          record.target.kind === kind ? [{ ...record, target: fieldsOf(record.target) }] : [],
        );
      const held = await products.current(of('product'), signal);
      for (const [key, value] of await prices.current(of('price'), signal)) held.set(key, value);
      return held;
    },
    differs: (target, current) =>
      target.kind === 'product'
        ? products.differs(target.fields, current)
        : prices.differs(priceFields(target), current),
  };
}

/** The products flow: items and their prices. */
export function productsFlow(options: ProductsFlowOptions): SyncFlow<ProductRecord, ProductTarget, DayWatermarkCursor> {
  const clock = options.clock ?? (() => new Date());
  const pageSize = options.pageSize ?? PRODUCT_PAGE_SIZE;
  const priceList = () => {
    const settings = options.settings();
    return { list: settings.defaultPriceList, currency: settings.defaultCurrency };
  };
  const keyOf = (record: ProductRecord) => {
    if (record.item) return itemKey(record.item.ItemNumber);
    return priceKey(record.price.ItemNumber, record.price.PriceListCode, record.price.CurrencyCode);
  };
  const watermark = dayWatermark<Watermarked>({
    dateField: 'DateLastMaintained',
    keyField: 'ItemNumber',
    keyOf: (row) => itemKey(row.ItemNumber),
  });
  const writePrices = priceBookWriter({
    salesforce: options.salesforce,
    standardPriceBookId: standardPriceBook(options.salesforce),
    externalIdField: PRICE_ID_FIELD,
    productExternalIdField: PRODUCT_ID_FIELD,
  });

  async function* read(
    cursor: DayWatermarkCursor | null,
    signal: AbortSignal,
    onTotal?: (expected: number) => void,
  ): AsyncGenerator<ProductRecord[]> {
    const { list, currency } = priceList();
    const since = cursor?.since ? new Date(`${cursor.since}T00:00:00Z`) : undefined;
    // The changed prices of the configured list and currency, by item (one row per item). Asking the count with the
    // first answer ends the read at its last row, without an empty answer after a full window.
    const prices = new Map<string, IcItemPricing>();
    let priceCount = 0;
    const priceRows = options.items.pricing({
      onCount: (count) => {
        priceCount = count;
      },
      select: PRICING_FIELDS,
      filter: and(
        eq('PriceListCode', list),
        eq('CurrencyCode', currency),
        since ? ge('DateLastMaintained', since) : undefined,
      ),
    });
    for await (const row of priceRows) prices.set(itemKey(row.ItemNumber), row);

    const pages = sageWindows({
      list: options.items.list,
      select: itemFields(options.mappings()),
      filter: watermark.filter(cursor),
      pageSize,
      signal,
      onTotal: onTotal ? (items) => onTotal(items + priceCount) : undefined,
    });
    for await (const page of pages) {
      // Each item comes right after its changed price, so a page ends on an item and the cursor on the last one read.
      yield page.flatMap((item): ProductRecord[] => {
        const key = itemKey(item.ItemNumber);
        const price = prices.get(key);
        prices.delete(key);
        return price ? [{ price }, { item }] : [{ item }];
      });
      if (signal.aborted) return;
    }
    // Prices whose item did not change since the cursor.
    const alone = [...prices.values()].map((price): ProductRecord => ({ price }));
    for (let start = 0; start < alone.length && !signal.aborted; start += pageSize) {
      yield alone.slice(start, start + pageSize);
    }
  }

  return {
    name: 'products',
    entity: 'product',
    source: 'sage',
    cursor: watermark.cursor,
    pageSize,
    idempotentWrites: true,
    startCursor: watermark.start,
    read,
    advance: (cursor, record) => watermark.advance(cursor, asWatermarked(record)),
    finish: watermark.finish,
    keyOf,
    map(record): ProductTarget {
      if (record.item) {
        const fields = mapToSalesforce(options.mappings().Product2, record.item as unknown as Record<string, unknown>);
        return { kind: 'product', fields };
      }
      return { kind: 'price', item: itemKey(record.price.ItemNumber), unitPrice: basePrice(record.price) };
    },
    async write(records: readonly PreparedRecord<ProductTarget>[]) {
      const productRecords = records.flatMap((record) =>
        record.target.kind === 'product' ? [{ key: record.key, fields: record.target.fields }] : [],
      );
      const productResults = await upsertProducts(options.salesforce, productRecords, clock().toISOString());
      const productOf = new Map(productRecords.map((record, index) => [record.key, productResults[index]]));

      // A price whose product this batch could not write waits for it; any other goes out, as a new entry when its
      // product was created just now.
      const outcomes = new Map<string, WriteOutcome>();
      const entries: PriceEntry[] = [];
      for (const { key, target } of records) {
        if (target.kind === 'product') {
          outcomes.set(key, outcomeOf(key, 'product', productOf.get(key)));
          continue;
        }
        const product = productOf.get(target.item);
        if (productOf.has(target.item) && !product?.ok) {
          const reason = outcomeOf(target.item, 'product', product);
          const message = reason.ok ? 'no result' : reason.error.message;
          outcomes.set(key, {
            key,
            ok: false,
            error: new ConnectorError(
              reason.ok ? 'in-doubt' : reason.error.kind,
              `Its product ${target.item} was not written: ${message}`,
              {
                code: 'PRODUCT_NOT_WRITTEN',
                system: 'salesforce',
              },
            ),
          });
          continue;
        }
        entries.push({
          key,
          productKey: target.item,
          unitPrice: target.unitPrice,
          isActive: true,
          likelyNew: product?.created === true,
        });
      }
      const priceResults = entries.length > 0 ? await writePrices(entries) : [];
      entries.forEach((entry, index) => outcomes.set(entry.key, outcomeOf(entry.key, 'price', priceResults[index])));
      return records.map(({ key }) => outcomes.get(key) ?? noResult(key, 'record'));
    },
    async fetch(keys) {
      const { list, currency } = priceList();
      const found: ProductRecord[] = [];
      for (const key of keys) {
        const [item, priceListCode, currencyCode] = key.split('|') as [string, string?, string?];
        if (priceListCode === undefined) {
          const [row] = await collectAll(options.items.list({ filter: eq('ItemNumber', item) }));
          if (row) found.push({ item: row });
          continue;
        }
        // A price of another list or currency than the one configured now is no longer this flow's to write.
        if (priceListCode !== list.toUpperCase() || currencyCode !== currency.toUpperCase()) continue;
        const [row] = await collectAll(
          options.items.pricing({
            select: PRICING_FIELDS,
            filter: and(eq('ItemNumber', item), eq('PriceListCode', list), eq('CurrencyCode', currency)),
          }),
        );
        if (row) found.push({ price: row });
      }
      return found;
    },
    drift: productDrift(options.salesforce),
  };
}

async function collectAll<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

/** Where the stock pass is: the last item committed (null: a new pass starts at the first item). */
export const stockPassCursor = z.strictObject({ afterKey: z.string().min(1).nullable() });
export type StockPassCursor = z.infer<typeof stockPassCursor>;

/** One item as the stock pass reads it, or an item Sage no longer has (`deleted`). */
export type StockRecord = { item: IcItem; deleted?: never } | { ItemNumber: string; deleted: true };

/** Item numbers per Sage request when checking that items are gone (an `or` of equalities, short enough for IIS). */
const EXISTENCE_CHUNK = 20;

export interface StockPassOptions {
  items: ItemSource;
  salesforce: SalesforcePort;
  mappings: () => MappingConfiguration;
  pageSize?: number;
  clock?: () => Date;
}

/** The stock pass: every item's Product2 fields, written only where they changed; items gone from Sage deactivated. */
export function productStockFlow(
  options: StockPassOptions,
): SyncFlow<StockRecord, Record<string, unknown>, StockPassCursor> {
  const clock = options.clock ?? (() => new Date());
  const pageSize = options.pageSize ?? PRODUCT_PAGE_SIZE;
  const keyOf = (record: StockRecord) => itemKey(record.deleted ? record.ItemNumber : record.item.ItemNumber);

  /** Active products the connector synced that Sage does not have: checked against Sage before they count. */
  async function gone(seen: ReadonlySet<string>): Promise<string[]> {
    const active = await options.salesforce.queryAll<{ Sage_Item_Number__c: string | null }>(
      `SELECT ${PRODUCT_ID_FIELD} FROM ${PRODUCT_OBJECT} WHERE IsActive = true AND ${PRODUCT_ID_FIELD} != null AND Sage_Last_Synced__c != null`,
    );
    const candidates = [...new Set(active.map((row) => itemKey(row.Sage_Item_Number__c)))].filter(
      (key) => key && !seen.has(key),
    );
    // Offset paging can skip a row when another is deleted meanwhile: Sage confirms each candidate is gone.
    const present = new Set<string>();
    for (let start = 0; start < candidates.length; start += EXISTENCE_CHUNK) {
      const chunk = candidates.slice(start, start + EXISTENCE_CHUNK);
      const rows = options.items.list({ select: ['ItemNumber'], filter: oneOf('ItemNumber', chunk) });
      for await (const row of rows) present.add(itemKey(row.ItemNumber));
    }
    return candidates.filter((key) => !present.has(key)).sort();
  }

  return {
    name: 'productStock',
    entity: 'product-stock',
    source: 'sage',
    cursor: stockPassCursor,
    pageSize,
    idempotentWrites: true,
    startCursor: (saved) => (saved?.inProgress && saved.value ? saved.value : { afterKey: null }),
    async *read(cursor, signal, onTotal) {
      const seen = new Set<string>();
      const pages = sageWindows({
        list: options.items.list,
        select: itemFields(options.mappings()),
        filter: cursor?.afterKey ? gt('ItemNumber', cursor.afterKey) : undefined,
        pageSize,
        signal,
        onTotal,
      });
      for await (const page of pages) {
        for (const item of page) seen.add(itemKey(item.ItemNumber));
        yield page.map((item): StockRecord => ({ item }));
        if (signal.aborted) return;
      }
      // A pass resumed from a checkpoint did not see the items before it: it leaves deactivations to the next one.
      if (cursor?.afterKey) return;
      const missing = await gone(seen);
      for (let start = 0; start < missing.length; start += pageSize) {
        yield missing.slice(start, start + pageSize).map((key): StockRecord => ({ ItemNumber: key, deleted: true }));
      }
    },
    // Deactivations come after every item; they do not move the pass's position.
    advance: (cursor, record) => (record.deleted ? (cursor ?? { afterKey: null }) : { afterKey: keyOf(record) }),
    finish: () => ({ afterKey: null }),
    keyOf,
    map: (record) =>
      record.deleted
        ? { IsActive: false }
        : mapToSalesforce(options.mappings().Product2, record.item as unknown as Record<string, unknown>),
    async write(records) {
      const results = await upsertProducts(
        options.salesforce,
        records.map((record) => ({ key: record.key, fields: record.target })),
        clock().toISOString(),
      );
      return records.map(({ key }, index): WriteOutcome => {
        const result = results[index];
        if (!result) return noResult(key, 'product');
        if (!result.ok) return { key, ok: false, error: writeResultError(result) };
        return { key, ok: true, created: result.created ?? false, targetKey: result.id ?? null };
      });
    },
    async fetch(keys) {
      const found: StockRecord[] = [];
      for (const key of keys) {
        const [item] = await collectAll(options.items.list({ filter: eq('ItemNumber', key) }));
        // An item Sage no longer has is retried as its deactivation.
        found.push(item ? { item } : { ItemNumber: key, deleted: true });
      }
      return found;
    },
  };
}

/** The products flow in the registry. */
export const products = defineFlow({
  name: 'products',
  scheduleSetting: 'items',
  ports: ['sage300', 'salesforce'],
  build: ({ sage300, salesforce }, context) =>
    productsFlow({
      items: sageItemSource(sage300),
      salesforce,
      mappings: context.mappings,
      settings: context.settings,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});

/** The stock pass in the registry. */
export const productStock = defineFlow({
  name: 'productStock',
  scheduleSetting: 'stock',
  ports: ['sage300', 'salesforce'],
  build: ({ sage300, salesforce }, context) =>
    productStockFlow({
      items: sageItemSource(sage300),
      salesforce,
      mappings: context.mappings,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
