/**
 * Sage items as Salesforce products: the keys both systems share and the price a price book entry carries.
 */
import { ConnectorError } from './errors.js';

/** An item number as the connector keys it (`A1-105/0`): trimmed, upper case. */
export function itemKey(itemNumber: unknown): string {
  return String(itemNumber ?? '')
    .trim()
    .toUpperCase();
}

/** A price book entry's External ID (`Sage_Price_Key__c`): `ITEM|PRICELIST|CURRENCY`, each part trimmed, upper case. */
export function priceKey(itemNumber: unknown, priceList: string, currency: string): string {
  return [itemKey(itemNumber), priceList.trim().toUpperCase(), currency.trim().toUpperCase()].join('|');
}

/** The part of an ICItemPricing row a price is read from. */
export interface PricingRow {
  ItemNumber: string;
  PriceListCode: string;
  ItemPricingDetails?: readonly { PriceDetailType: string; UnitPrice: number }[] | null;
}

/**
 * The list price of an item on a price list: its base price (`BasePriceQuantity`; a sale price is a promotion, not
 * the list price). A row without one cannot be priced: a permanent error naming the item and list.
 */
export function basePrice(row: PricingRow): number {
  const base = (row.ItemPricingDetails ?? []).find((detail) => detail.PriceDetailType === 'BasePriceQuantity');
  if (base === undefined || typeof base.UnitPrice !== 'number' || !Number.isFinite(base.UnitPrice)) {
    throw new ConnectorError(
      'permanent',
      `Item ${itemKey(row.ItemNumber)} has no base price on price list ${row.PriceListCode.trim()}`,
      { code: 'NO_BASE_PRICE', system: 'connector' },
    );
  }
  return base.UnitPrice;
}
