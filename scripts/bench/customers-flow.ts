/**
 * The customers flow end to end: Sage ARCustomers → Salesforce Accounts through the sync runtime on an SQLite store.
 * Three runs: the first full one, one with nothing changed (reads only, no writes), and one after 100 customers
 * changed in Sage. Fewest requests per run: ceil(read / 1000) Sage pages; ceil(written / 200) Collections up to the
 * Bulk threshold, one Bulk API 2.0 job (6 requests) above it.
 */
import { loadConfig } from '../../middleware/src/config/env.js';
import { COLLECTION_SIZE } from '../../middleware/src/salesforce/writer.js';
import type { FlowRunResult } from '../../middleware/src/sync/engine.js';
import { CUSTOMER_PAGE_SIZE, type CustomerCursor } from '../../middleware/src/sync/flows/customers.js';
import { seededRandom } from '../../sandbox/random.js';
import type { SageRecord } from '../../sandbox/sage300/records.js';
import type { Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { pagesOf, type Benchmark, type BenchmarkReport, type Excess, type Measurement } from './measure.js';
import type { RequestWindow } from './systems.js';
import { flowRunLines, pagedWriteExcess, withBenchWorld } from './world.js';

/** Rows per Sage answer: `SAGE300_PAGE_SIZE`'s default, with the server's page setting raised to match. */
const SAGE_PAGE_SIZE = 1000;
/** Customers changed in Sage before the third run. */
const CHANGED_CUSTOMERS = 100;

const DAY_MS = 86_400_000;
const dayOf = (value: unknown) => (typeof value === 'string' ? value.slice(0, 10) : '');

/** The configuration as the middleware runs by default (`SYNC_PAGE_SIZE` unset: the flow's own page size). */
const defaultConfig = () => loadConfig({});

/** Changes the credit limit of `count` generated customers chosen by a seeded draw (so every run picks the same). */
function changeCustomers(sage: Sage300Sandbox, count: number): Set<string> {
  const random = seededRandom(7);
  const customers = sage.state.customers.all();
  const changed = new Set<string>();
  while (changed.size < Math.min(count, customers.length)) {
    const customer = customers[Math.floor(random() * customers.length)] as SageRecord;
    const number = String(customer.CustomerNumber).trim();
    if (changed.has(number)) continue;
    changed.add(number);
    customer.CreditLimitCustomerCurrency = Number(customer.CreditLimitCustomerCurrency) + 1000;
    sage.state.touch(customer);
  }
  sage.state.customers.changed();
  return changed;
}

/**
 * The flow writes once per page it reads, so changed customers cost one Collections request per page of
 * `SYNC_PAGE_SIZE` read records that holds any of them: the pages of the customers maintained since the cursor's day.
 */
function pagesHoldingChanges(sage: Sage300Sandbox, since: string, changed: Set<string>, pageSize: number): number {
  const read = sage.state.customers.all().filter((customer) => dayOf(customer.DateLastMaintained) >= since);
  const pages = new Set<number>();
  read.forEach((customer, index) => {
    if (changed.has(String(customer.CustomerNumber).trim())) pages.add(Math.floor(index / pageSize));
  });
  return pages.size;
}

interface RunSpec {
  scenario: string;
  /** Records the run should write to Salesforce (for the Salesforce bound). */
  expectedWrites: (result: FlowRunResult) => number;
  /** Salesforce requests above the bound the flow's paging is known to spend. */
  writeExcess: (result: FlowRunResult, seen: RequestWindow) => Excess[];
}

export const customersFlowBenchmark: Benchmark = {
  name: 'customers-flow',
  title: 'Sage customers → Salesforce Accounts through the sync runtime on SQLite',
  defaultSizes: [20_000],

  async run(options): Promise<BenchmarkReport> {
    const sizes = options.sizes ?? this.defaultSizes;
    const measurements: Measurement[] = [];
    const pageSize = defaultConfig().sync.pageSize ?? CUSTOMER_PAGE_SIZE;
    for (const size of sizes) {
      options.log?.(`customers-flow: seeding ${size} Sage customers`);
      await withBenchWorld({ sagePageSize: SAGE_PAGE_SIZE, seed: { customers: size } }, async (world) => {
        const { sage } = world;
        const { runtime, store } = await world.startRuntime();
        let changed = new Set<string>();
        let sinceDay = '';
        const runs: RunSpec[] = [
          {
            scenario: `first run, ${size} customers`,
            expectedWrites: (result) => result.created + result.updated,
            writeExcess: (result, seen) => pagedWriteExcess(result.created + result.updated, pageSize, seen),
          },
          {
            scenario: 'second run, nothing changed',
            expectedWrites: () => 0,
            writeExcess: () => [],
          },
          {
            scenario: `third run, ${CHANGED_CUSTOMERS} customers changed`,
            expectedWrites: () => changed.size,
            writeExcess: () => {
              const pages = pagesHoldingChanges(sage, sinceDay, changed, pageSize);
              const bound = pagesOf(changed.size, COLLECTION_SIZE);
              return pages > bound
                ? [
                    {
                      reason: `changed customers spread over ${pages} pages of ${pageSize} read`,
                      requests: pages - bound,
                    },
                  ]
                : [];
            },
          },
        ];
        for (const [index, spec] of runs.entries()) {
          if (index === 2) {
            // The run reads from the day before the newest change the cursor has seen.
            const saved = (await store.cursors.get('customers'))?.value as CustomerCursor | null;
            const newest = saved?.newest ?? sage.state.today().toISOString().slice(0, 10);
            sinceDay = new Date(Date.parse(`${newest}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
            changed = changeCustomers(sage, CHANGED_CUSTOMERS);
          }
          options.log?.(`customers-flow: ${spec.scenario}`);
          const measured = await world.measure(() => runtime.runFlowNow('customers'));
          const result = measured.value;
          if (result.outcome !== 'succeeded') {
            throw new Error(`the ${spec.scenario} ended ${result.outcome}: ${result.message ?? ''}`);
          }
          const written = result.created + result.updated;
          const expected = spec.expectedWrites(result);
          if (written !== expected) throw new Error(`the ${spec.scenario} wrote ${written} records, not ${expected}`);
          const outcome = `read ${result.read}, created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}`;
          measurements.push(
            ...flowRunLines({
              scenario: `${spec.scenario} (${outcome})`,
              read: result.read,
              written,
              sagePageSize: SAGE_PAGE_SIZE,
              measured,
              salesforceExcess: spec.writeExcess(result, measured.salesforce),
            }),
          );
        }
      });
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        `Sage: SAGE300_PAGE_SIZE ${SAGE_PAGE_SIZE}, server page setting ${SAGE_PAGE_SIZE}; generated customers were last maintained over the past year.`,
        `Sync: pages of ${pageSize} records (SYNC_PAGE_SIZE unset: the customers flow's default; one write and one checkpoint per page), SQLite store in a temporary folder.`,
        'Salesforce: Account upserts on Sage_Customer_Number__c; the field mappings are read once at start-up, before counting.',
        'Records: customers read (Sage rows) and Accounts written (Salesforce rows); records/s divides them by the wall time of the run.',
      ],
      measurements,
    };
  },
};
