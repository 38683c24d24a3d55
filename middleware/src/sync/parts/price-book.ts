/**
 * Price book entries upserted on an External ID (`PricebookEntry.Sage_Price_Key__c`). Salesforce sets an entry's
 * product and price book only when it creates the entry, and refuses both fields on an update even with the same
 * values (`INVALID_FIELD_FOR_INSERT_UPDATE`), while a create without them is `REQUIRED_FIELD_MISSING`. So each entry
 * goes out in one of two shapes, chosen by what the caller expects (a product created in the same write has no entry
 * yet; any other is taken to have one):
 *
 * - create: key, price, active flag, `Pricebook2Id` and the product by its own External ID (`Product2:
 *   { Sage_Item_Number__c }`, no lookup of its Id);
 * - update: key, price, active flag.
 *
 * One upsert per shape present (each a Collections request per 200, or one Bulk job above the client's threshold),
 * and only entries whose guess was wrong are sent again, once, in the other shape.
 */
import { ConnectorError } from '../../domain/errors.js';
import type { SalesforcePort, SalesforceReader, SalesforceWriteResult } from '../systems.js';

/** One price as the standard price book holds it. */
export interface PriceEntry {
  /** The entry's External ID value (`A1-105/0|RTL|USD`). */
  key: string;
  /** The product's External ID value (the Sage item number). */
  productKey: string;
  unitPrice: number;
  isActive: boolean;
  /** True when the entry most likely does not exist yet (its product was created in the same write). */
  likelyNew: boolean;
}

export interface PriceBookWriterOptions {
  salesforce: Pick<SalesforcePort, 'upsert'>;
  /** The standard price book's Id (asked only when an entry is created). */
  standardPriceBookId: () => Promise<string>;
  /** The entry's External ID field (`Sage_Price_Key__c`). */
  externalIdField: string;
  /** The product's External ID field (`Sage_Item_Number__c`). */
  productExternalIdField: string;
}

/**
 * The standard price book's Id, read with one query the first time it is needed and kept for the life of the flow
 * (a price book's Id never changes). A failed read is not kept, so the next write asks again.
 */
export function standardPriceBook(reader: SalesforceReader): () => Promise<string> {
  let found: Promise<string> | undefined;
  return () => {
    found ??= reader
      .queryAll<{ Id: string }>('SELECT Id FROM Pricebook2 WHERE IsStandard = true LIMIT 1')
      .then((rows) => {
        const id = rows[0]?.Id;
        if (!id) {
          throw new ConnectorError('permanent', 'Salesforce has no standard price book', {
            code: 'NO_STANDARD_PRICE_BOOK',
            system: 'salesforce',
          });
        }
        return id;
      })
      .catch((error: unknown) => {
        found = undefined;
        throw error;
      });
    return found;
  };
}

/** The entry already exists: it was sent in the create shape. */
const existsAlready = (result: SalesforceWriteResult) =>
  !result.ok && result.errors.some((error) => error.code === 'INVALID_FIELD_FOR_INSERT_UPDATE');

/** The entry does not exist: it was sent in the update shape, so Salesforce tried to create it without its parents. */
const missingParents = (result: SalesforceWriteResult) =>
  !result.ok &&
  result.errors.some(
    (error) =>
      error.code === 'REQUIRED_FIELD_MISSING' &&
      (error.fields.includes('Product2Id') || error.fields.includes('Pricebook2Id')),
  );

/** Writes price entries; one result per entry, in order. */
export function priceBookWriter(
  options: PriceBookWriterOptions,
): (entries: readonly PriceEntry[]) => Promise<SalesforceWriteResult[]> {
  const updateShape = (entry: PriceEntry) => ({
    [options.externalIdField]: entry.key,
    UnitPrice: entry.unitPrice,
    IsActive: entry.isActive,
  });
  const createShape = (entry: PriceEntry, priceBookId: string) => ({
    ...updateShape(entry),
    Pricebook2Id: priceBookId,
    Product2: { [options.productExternalIdField]: entry.productKey },
  });

  async function send(entries: readonly PriceEntry[], asNew: boolean): Promise<SalesforceWriteResult[]> {
    if (entries.length === 0) return [];
    const priceBookId = asNew ? await options.standardPriceBookId() : '';
    return options.salesforce.upsert(
      'PricebookEntry',
      options.externalIdField,
      entries.map((entry) => (asNew ? createShape(entry, priceBookId) : updateShape(entry))),
    );
  }

  return async (entries) => {
    const results = new Array<SalesforceWriteResult | undefined>(entries.length);
    const byShape = (asNew: boolean) =>
      entries.flatMap((entry, index) => (entry.likelyNew === asNew ? [{ entry, index }] : []));
    const again: { entry: PriceEntry; index: number; asNew: boolean }[] = [];
    for (const asNew of [true, false]) {
      const group = byShape(asNew);
      const answers = await send(
        group.map(({ entry }) => entry),
        asNew,
      );
      group.forEach(({ entry, index }, position) => {
        const result = answers[position];
        results[index] = result;
        if (result && (asNew ? existsAlready(result) : missingParents(result))) again.push({ entry, index, asNew });
      });
    }
    for (const asNew of [true, false]) {
      // Entries whose guess was wrong, in the other shape.
      const group = again.filter((item) => item.asNew !== asNew);
      const answers = await send(
        group.map(({ entry }) => entry),
        asNew,
      );
      group.forEach(({ index }, position) => {
        results[index] = answers[position];
      });
    }
    return results.map(
      (result): SalesforceWriteResult =>
        result ?? {
          ok: false,
          kind: 'in-doubt',
          errors: [{ code: 'NO_RESULT', message: 'Salesforce returned no result for this price', fields: [] }],
        },
    );
  };
}
