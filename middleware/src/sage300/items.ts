import { isErrorKind } from '../domain/errors.js';
import { and, entryKey, eq, ge, type Filter } from './odata.js';
import { collect, rows } from './paging.js';
import type { Sage300Transport } from './transport.js';
import type { IcItem, IcItemPricing, IcItemPricingDetail, IcLocation, IcPriceListCode } from './types.js';

const ITEMS = 'IC/ICItems';
const PRICING = 'IC/ICItemPricing';

/**
 * Inventory items, prices, price lists and locations. Items are read by filter rather than by entry key: item numbers
 * carry the structure mask's `/`, which IIS does not reliably accept percent-encoded inside a path segment.
 */
export function itemsApi(transport: Sage300Transport) {
  return {
    /** One item with its item-level stock, or undefined. */
    async get(itemNumber: string): Promise<IcItem | undefined> {
      const number = itemNumber.trim();
      const found = await collect(
        rows<IcItem>(transport, ITEMS, { filter: eq('ItemNumber', number), top: 1 }, { itemNumber: number }),
      );
      return found[0];
    },

    /**
     * Items in key order, optionally only those whose master data changed since a day, or matching `filter`;
     * `onCount` is told how many match with the first answer (no request of its own).
     */
    list(
      query: {
        changedSince?: Date;
        activeOnly?: boolean;
        select?: readonly (keyof IcItem)[];
        filter?: Filter;
        onCount?: (count: number) => void;
      } = {},
    ): AsyncGenerator<IcItem> {
      const filter = and(
        query.filter,
        query.changedSince ? ge('DateLastMaintained', query.changedSince) : undefined,
        query.activeOnly ? eq('Status', 'Active') : undefined,
      );
      return rows<IcItem>(transport, ITEMS, { filter, select: query.select }, {}, query.onCount);
    },

    /** Item price rows (item × price list × currency) in key order, matching `filter` when given. */
    pricingList(
      query: { select?: readonly (keyof IcItemPricing)[]; filter?: Filter; onCount?: (count: number) => void } = {},
    ): AsyncGenerator<IcItemPricing> {
      return rows<IcItemPricing>(transport, PRICING, { filter: query.filter, select: query.select }, {}, query.onCount);
    },

    /** The prices of one item on every price list (optionally one list). */
    async pricing(itemNumber: string, priceListCode?: string): Promise<IcItemPricing[]> {
      const number = itemNumber.trim();
      const filter = and(
        eq('ItemNumber', number),
        priceListCode === undefined ? undefined : eq('PriceListCode', priceListCode.trim()),
      );
      return collect(rows<IcItemPricing>(transport, PRICING, { filter }, { itemNumber: number }));
    },

    /** Item prices changed since a day, across items. */
    pricingChangedSince(since: Date): AsyncGenerator<IcItemPricing> {
      return rows<IcItemPricing>(transport, PRICING, { filter: ge('DateLastMaintained', since) });
    },

    /** Every item price row (for a full catalogue sync). */
    allPricing(): AsyncGenerator<IcItemPricing> {
      return rows<IcItemPricing>(transport, PRICING);
    },

    /** The price list codes. */
    async priceLists(): Promise<IcPriceListCode[]> {
      return collect(rows<IcPriceListCode>(transport, 'IC/ICPriceListCodes'));
    },

    /** Creates an item. Keys go first: Sage applies fields in order. */
    async create(
      item: Pick<IcItem, 'ItemNumber'> & Partial<IcItem> & { AccountSetCode?: string; StructureCode?: string },
    ) {
      const { ItemNumber, ...rest } = item;
      const number = ItemNumber.trim();
      return transport.post<IcItem>(ITEMS, { ItemNumber: number, ...rest }, { context: { itemNumber: number } });
    },

    /** Changes the given fields of an item (PATCH: detail rows the body leaves out stay). */
    async patch(itemNumber: string, fields: Partial<Omit<IcItem, 'ItemNumber'>>): Promise<void> {
      const number = itemNumber.trim();
      return transport.patch(`${ITEMS}${entryKey(number)}`, fields, { context: { itemNumber: number } });
    },

    /**
     * Sets an item's base price on one price list and currency: PATCHes the price row (updating or inserting its base
     * price detail), or creates the row when Sage has none for the item on that list (404).
     */
    async setBasePrice(
      key: { itemNumber: string; priceListCode: string; currencyCode: string },
      detail: Pick<IcItemPricingDetail, 'UnitPrice'> & Partial<IcItemPricingDetail>,
    ): Promise<void> {
      const entry = {
        ItemNumber: key.itemNumber.trim(),
        PriceListCode: key.priceListCode.trim().toUpperCase(),
        CurrencyCode: key.currencyCode.trim().toUpperCase(),
      };
      const row = { PriceDetailType: 'BasePriceQuantity', ...detail };
      try {
        await transport.patch(
          `${PRICING}${entryKey(entry)}`,
          { ItemPricingDetails: [{ ...row, UpdateOperation: 'Unspecified' }] },
          { context: entry },
        );
      } catch (error) {
        if (!(isErrorKind(error, 'permanent') && error.status === 404)) throw error;
        await transport.post(PRICING, { ...entry, ItemPricingDetails: [row] }, { context: entry });
      }
    },

    /** The inventory locations. */
    async locations(): Promise<IcLocation[]> {
      return collect(rows<IcLocation>(transport, 'IC/ICLocations'));
    },
  };
}

export type ItemsApi = ReturnType<typeof itemsApi>;
