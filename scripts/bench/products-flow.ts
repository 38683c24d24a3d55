/**
 * The products flow and the stock pass end to end: Sage ICItems and ICItemPricing → Salesforce Product2 and standard
 * PricebookEntries through the sync runtime on an SQLite store. Runs: the first sync of every item with its RTL price,
 * one with nothing changed, one after 50 price and 50 item changes; then the stock pass: its first run (every product
 * once under its own hashes), one after 100 items' stock moved without their change date.
 *
 * Fewest requests: per Sage source ceil(rows / 1000); in Salesforce one upsert per object (ceil(records / 200)
 * Collections up to the Bulk threshold, one Bulk job above it). Named excess: the standard price book's Id (one query
 * per process), entries that already existed sent in their own request (without product and price book, which
 * Salesforce refuses on update), what jsforce adds to a Bulk job, and the stock pass's query of active products (to
 * find items deleted in Sage).
 */
import type { Sage300Client } from '../../middleware/src/sage300/client.js';
import type { SalesforceClient } from '../../middleware/src/salesforce/index.js';
import type { FlowRunResult } from '../../middleware/src/sync/engine.js';
import { PRODUCT_PAGE_SIZE } from '../../middleware/src/sync/flows/products.js';
import type { Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { seededRandom } from '../../sandbox/random.js';
import type { SageRecord } from '../../sandbox/sage300/records.js';
import {
  describeCounts,
  pagesOf,
  type Benchmark,
  type BenchmarkReport,
  type Excess,
  type Measurement,
} from './measure.js';
import type { RequestWindow } from './systems.js';
import { BULK_THRESHOLD, bulkJobExcess, withBenchWorld, writeBound } from './world.js';

/** Rows per Sage answer: `SAGE300_PAGE_SIZE`'s default, with the server's page setting raised to match. */
const SAGE_PAGE_SIZE = 1000;
/** Rows per SOQL answer. */
const QUERY_BATCH = 2000;
/** Changes before the incremental run: prices of some items, master data of others. */
const CHANGED_PRICES = 50;
const CHANGED_ITEMS = 50;
/** Items whose stock moves before the second stock pass. */
const STOCK_MOVES = 100;

const ITEMS_ROUTE = 'GET IC/ICItems';
const PRICING_ROUTE = 'GET IC/ICItemPricing';

/** Rows each Sage source yielded, counted on the client the flows use. */
interface SageTally {
  items: number;
  prices: number;
}

/** Salesforce upserts by object and shape, counted on the client the flows use. */
interface UpsertTally {
  /** Per call: object, records, and whether the entries carried their price book (the create shape). */
  calls: { object: string; records: number; create: boolean }[];
}

function countingSage(client: Sage300Client, tally: SageTally): Sage300Client {
  async function* counted<T>(rows: AsyncIterable<T>, field: keyof SageTally): AsyncGenerator<T> {
    for await (const row of rows) {
      tally[field]++;
      yield row;
    }
  }
  return {
    ...client,
    items: {
      ...client.items,
      list: (query) => counted(client.items.list(query), 'items'),
      pricingList: (query) => counted(client.items.pricingList(query), 'prices'),
    },
  };
}

function countingSalesforce(client: SalesforceClient, tally: UpsertTally): SalesforceClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'upsert') return Reflect.get(target, property, receiver) as unknown;
      return (object: string, field: string, records: readonly Record<string, unknown>[], ...rest: unknown[]) => {
        tally.calls.push({ object, records: records.length, create: records.some((r) => 'Pricebook2Id' in r) });
        return (target.upsert as (...args: unknown[]) => unknown)(object, field, records, ...rest);
      };
    },
  });
}

/** Moves the price of `prices` items and the description of `items` others (seeded draw; stamped today). */
function changeCatalogue(sage: Sage300Sandbox, prices: number, items: number): void {
  const random = seededRandom(11);
  const all = sage.state.items.all();
  const chosen = new Set<string>();
  while (chosen.size < Math.min(prices + items, all.length)) {
    chosen.add(String((all[Math.floor(random() * all.length)] as SageRecord).ItemNumber));
  }
  [...chosen].forEach((number, index) => {
    if (index < prices) {
      const pricing = sage.state.itemPricing.get([number, 'RTL', 'USD']) as SageRecord;
      const base = (pricing.ItemPricingDetails as SageRecord[])[0] as SageRecord;
      base.UnitPrice = Math.round((Number(base.UnitPrice) + 1) * 100) / 100;
      sage.state.touch(pricing);
    } else {
      const item = sage.state.items.get([number]) as SageRecord;
      item.Description = `${String(item.Description)} (revised)`;
      sage.state.touch(item);
    }
  });
  sage.state.items.changed();
  sage.state.itemPricing.changed();
}

/** Moves the stock of `count` items as orders do: quantities change, the change date does not. */
function moveStock(sage: Sage300Sandbox, count: number): void {
  const random = seededRandom(13);
  const all = sage.state.items.all().filter((item) => item.Status !== 'Inactive');
  const moved = new Set<SageRecord>();
  while (moved.size < Math.min(count, all.length)) moved.add(all[Math.floor(random() * all.length)] as SageRecord);
  for (const item of moved) {
    item.QuantityOnSalesOrder = Number(item.QuantityOnSalesOrder) + 2;
    item.QuantityAvailable = Number(item.QuantityAvailable) - 2;
  }
  sage.state.items.changed();
}

interface RunSpec {
  flow: 'products' | 'productStock';
  scenario: string;
  before?: () => void;
  /** Records the run should write to Salesforce. */
  expectedWrites: (result: FlowRunResult) => number;
  /** Salesforce requests above the bound that are not writes. */
  readExcess: (seen: RequestWindow) => Excess[];
}

/** Salesforce bound and excess from the upserts a run made. */
function salesforceLine(tally: UpsertTally, seen: RequestWindow, spec: RunSpec) {
  const sum = (object: string, create?: boolean) =>
    tally.calls
      .filter((call) => call.object === object && (create === undefined || call.create === create))
      .reduce((total, call) => total + call.records, 0);
  const products = sum('Product2');
  const entries = sum('PricebookEntry');
  const parts = [products > 0 ? writeBound(products) : undefined, entries > 0 ? writeBound(entries) : undefined].filter(
    (part) => part !== undefined,
  );
  const bound = parts.reduce((total, part) => total + part.bound, 0);
  const rule = parts.length === 0 ? '0' : parts.map((part) => part.rule).join(' + ');
  const excess: Excess[] = [...spec.readExcess(seen)];
  const created = sum('PricebookEntry', true);
  const updated = sum('PricebookEntry', false);
  const split = (created > 0 ? writeBound(created).bound : 0) + (updated > 0 ? writeBound(updated).bound : 0);
  if (entries > 0 && split > writeBound(entries).bound) {
    excess.push({
      reason: `${updated} entries that existed already, sent without product and price book in their own upsert`,
      requests: split - writeBound(entries).bound,
    });
  }
  const jobs = tally.calls.filter((call) => call.records > BULK_THRESHOLD).length;
  excess.push(...bulkJobExcess(jobs, seen));
  return { records: products + entries, bound, rule, excess };
}

export const productsFlowBenchmark: Benchmark = {
  name: 'products-flow',
  title: 'Sage items and prices → Salesforce Product2 and PricebookEntry, and the stock pass, on SQLite',
  defaultSizes: [5_000],

  async run(options): Promise<BenchmarkReport> {
    const sizes = options.sizes ?? this.defaultSizes;
    const measurements: Measurement[] = [];
    for (const size of sizes) {
      options.log?.(`products-flow: seeding ${size} Sage items`);
      await withBenchWorld({ sagePageSize: SAGE_PAGE_SIZE, seed: { items: size } }, async (world) => {
        const { sage, salesforce } = world;
        const sageTally: SageTally = { items: 0, prices: 0 };
        const upserts: UpsertTally = { calls: [] };
        const { runtime } = await world.startRuntime((systems) => ({
          sage: countingSage(systems.sage, sageTally),
          salesforce: countingSalesforce(systems.salesforce, upserts),
        }));
        const activeQueries = () => {
          const active = salesforce
            .records('Product2')
            .filter((product) => product.IsActive === true && product.Sage_Last_Synced__c);
          return pagesOf(Math.max(1, active.length), QUERY_BATCH);
        };
        const deletionQuery = (): Excess[] => [
          {
            reason: 'active products read to find items deleted in Sage (SOQL pages of 2,000)',
            requests: activeQueries(),
          },
        ];
        const runs: RunSpec[] = [
          {
            flow: 'products',
            scenario: `first run, ${size} items with prices`,
            expectedWrites: (result) => result.created + result.updated,
            readExcess: () => [{ reason: "the standard price book's Id, read once per process", requests: 1 }],
          },
          {
            flow: 'products',
            scenario: 'second run, nothing changed',
            expectedWrites: () => 0,
            readExcess: () => [],
          },
          {
            flow: 'products',
            scenario: `third run, ${CHANGED_PRICES} prices and ${CHANGED_ITEMS} items changed`,
            before: () => changeCatalogue(sage, CHANGED_PRICES, CHANGED_ITEMS),
            expectedWrites: () => CHANGED_PRICES + CHANGED_ITEMS,
            readExcess: () => [],
          },
          {
            flow: 'productStock',
            scenario: 'stock pass, first run (every product once under its own hashes)',
            expectedWrites: () => size,
            readExcess: deletionQuery,
          },
          {
            flow: 'productStock',
            scenario: `stock pass, ${STOCK_MOVES} items' stock moved`,
            before: () => moveStock(sage, STOCK_MOVES),
            expectedWrites: () => STOCK_MOVES,
            readExcess: deletionQuery,
          },
        ];
        for (const spec of runs) {
          spec.before?.();
          options.log?.(`products-flow: ${spec.scenario}`);
          sageTally.items = 0;
          sageTally.prices = 0;
          upserts.calls = [];
          const {
            value: result,
            wallMs,
            sage: sageSeen,
            salesforce: salesforceSeen,
          } = await world.measure(() => runtime.runFlowNow(spec.flow));
          if (result.outcome !== 'succeeded') {
            throw new Error(`the ${spec.scenario} ended ${result.outcome}: ${result.message ?? ''}`);
          }
          const written = result.created + result.updated;
          const expected = spec.expectedWrites(result);
          if (written !== expected) throw new Error(`the ${spec.scenario} wrote ${written} records, not ${expected}`);
          const outcome = `read ${result.read}, created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}`;
          const scenario = `${spec.flow}: ${spec.scenario} (${outcome})`;
          for (const [route, rows, name] of [
            [ITEMS_ROUTE, sageTally.items, 'ICItems'],
            [PRICING_ROUTE, sageTally.prices, 'ICItemPricing'],
          ] as const) {
            const requests = sageSeen.byRoute[route] ?? 0;
            if (requests === 0 && rows === 0) continue;
            measurements.push({
              scenario: `${scenario} — ${name}`,
              system: 'Sage 300',
              records: rows,
              requests,
              // A read that finds nothing still asks once.
              bound: Math.max(1, pagesOf(rows, SAGE_PAGE_SIZE)),
              boundRule: `ceil(${rows}/${SAGE_PAGE_SIZE})${rows === 0 ? ', at least 1' : ''}`,
              excess: [],
              wallMs,
              detail: describeCounts({ [route]: requests }),
            });
          }
          const line = salesforceLine(upserts, salesforceSeen, spec);
          if (line.records !== written) {
            throw new Error(`the ${spec.scenario} sent ${line.records} records to Salesforce for ${written} written`);
          }
          measurements.push({
            scenario,
            system: 'Salesforce',
            records: line.records,
            requests: salesforceSeen.requests,
            bound: line.bound,
            boundRule: line.rule,
            excess: line.excess,
            wallMs,
            detail: describeCounts(salesforceSeen.byRoute),
          });
        }
      });
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        `Sage: SAGE300_PAGE_SIZE ${SAGE_PAGE_SIZE}, server page setting ${SAGE_PAGE_SIZE}; generated items (each with WHS and RTL prices) were last maintained over the past year; the flow reads the RTL/USD prices.`,
        `Sync: pages of ${PRODUCT_PAGE_SIZE} records (SYNC_PAGE_SIZE unset), SQLite store in a temporary folder; the Salesforce org is the seeded sandbox (five of the named items exist there with their RTL entries).`,
        'Records: rows read per Sage source, and Product2 plus PricebookEntry records written; records/s divides them by the wall time of the run.',
      ],
      measurements,
    };
  },
};
