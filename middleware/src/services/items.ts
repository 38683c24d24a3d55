import { z } from 'zod';
import type { ItemsApi } from '../sage300/items.js';
import type { IcItemPricing } from '../sage300/types.js';
import { ServiceError } from './errors.js';

/** An item's stock and prices as the Product page shows them. */
export const itemAvailabilitySchema = z.object({
  itemNumber: z.string(),
  description: z.string().nullable(),
  active: z.boolean(),
  unitOfMeasure: z.string().nullable(),
  quantityOnHand: z.number(),
  quantityAvailable: z.number(),
  quantityOnSalesOrder: z.number(),
  quantityOnPurchaseOrder: z.number(),
  prices: z.array(z.object({ priceList: z.string(), currency: z.string(), unitPrice: z.number() })),
  asOf: z.iso.datetime(),
});
export type ItemAvailability = z.infer<typeof itemAvailabilitySchema>;

export interface ItemsService {
  /** Stock and prices of one item, read live from Sage. */
  availability(itemNumber: string): Promise<ItemAvailability>;
}

/** The base unit price of a price list row: the `BasePriceQuantity` detail, else the first one. */
function basePrice(pricing: IcItemPricing): number | undefined {
  const details = pricing.ItemPricingDetails ?? [];
  const base = details.find((detail) => detail.PriceDetailType === 'BasePriceQuantity') ?? details[0];
  return base?.UnitPrice;
}

/** Creates the item availability service: the item and its prices are read from Sage in parallel. */
export function createItemsService(options: { sage: { items: Pick<ItemsApi, 'get' | 'pricing'> }; now?: () => Date }) {
  const now = options.now ?? (() => new Date());
  const service: ItemsService = {
    async availability(itemNumber) {
      const [item, pricing] = await Promise.all([
        options.sage.items.get(itemNumber),
        options.sage.items.pricing(itemNumber),
      ]);
      if (!item) {
        throw new ServiceError(
          'not-found',
          'ITEM_NOT_FOUND',
          `Sage 300 has no item ${itemNumber}. Check the Sage item number on the product.`,
          { itemNumber },
        );
      }
      const prices = pricing
        .map((row) => ({ priceList: row.PriceListCode, currency: row.CurrencyCode, unitPrice: basePrice(row) }))
        .filter((row): row is { priceList: string; currency: string; unitPrice: number } => row.unitPrice !== undefined)
        .sort((a, b) => a.priceList.localeCompare(b.priceList) || a.currency.localeCompare(b.currency));
      return {
        itemNumber: item.ItemNumber,
        description: item.Description || null,
        active: item.Status !== 'Inactive',
        unitOfMeasure: item.StockingUnitOfMeasure || null,
        quantityOnHand: item.QuantityOnHand ?? 0,
        quantityAvailable: item.QuantityAvailable ?? 0,
        quantityOnSalesOrder: item.QuantityOnSalesOrder ?? 0,
        quantityOnPurchaseOrder: item.QuantityOnPurchaseOrder ?? 0,
        prices,
        asOf: now().toISOString(),
      };
    },
  };
  return service;
}
