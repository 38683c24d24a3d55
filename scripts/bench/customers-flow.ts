/**
 * The customers flow end to end: Sage ARCustomers → Salesforce Accounts through the sync runtime on an SQLite store.
 * Three runs: the first full one, one with nothing changed (reads only, no writes), and one after 100 customers
 * changed in Sage. Fewest requests per run: ceil(read / 1000) Sage pages; ceil(written / 200) Collections up to the
 * Bulk threshold, one Bulk API 2.0 job (6 requests) above it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../middleware/src/observability/logger.js';
import { loadConfig } from '../../middleware/src/config/env.js';
import type { Sage300Client } from '../../middleware/src/sage300/client.js';
import { COLLECTION_SIZE } from '../../middleware/src/salesforce/writer.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { startSync } from '../../middleware/src/composition.js';
import type { SyncRuntime } from '../../middleware/src/sync/runtime.js';
import type { FlowRunResult } from '../../middleware/src/sync/engine.js';
import { CUSTOMER_PAGE_SIZE, type CustomerCursor } from '../../middleware/src/sync/flows/customers.js';
import { startSage300Sandbox, type Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { seededRandom } from '../../sandbox/random.js';
import type { SageRecord } from '../../sandbox/sage300/records.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import {
  describeCounts,
  pagesOf,
  timed,
  type Benchmark,
  type BenchmarkReport,
  type Excess,
  type Measurement,
} from './measure.js';
import { sageClientFor, salesforceClientFor, watchSage, watchSalesforce, type RequestWindow } from './systems.js';

/** Rows per Sage answer: `SAGE300_PAGE_SIZE`'s default, with the server's page setting raised to match. */
const SAGE_PAGE_SIZE = 1000;
/** Customers changed in Sage before the third run. */
const CHANGED_CUSTOMERS = 100;

const DAY_MS = 86_400_000;
const dayOf = (value: unknown) => (typeof value === 'string' ? value.slice(0, 10) : '');

/** The Salesforce client's default: an upsert of more records than this goes through one Bulk API 2.0 job. */
export const BULK_THRESHOLD = 2000;
/** Bulk API 2.0 requests a job cannot do without: create, upload, close, one status check, two result reads. */
export const BULK_JOB_MINIMUM = 6;
/** Job requests (under `/jobs/ingest/{id}`) besides status checks, as jsforce runs a job: upload, close, 3 reads. */
const JOB_REQUESTS_BESIDES_CHECKS = 5;

/** The configuration as the middleware runs by default (`SYNC_PAGE_SIZE` unset: the flow's own page size). */
const defaultConfig = () => loadConfig({});

/** The fewest Salesforce requests for one upsert of `records`. */
export function writeBound(records: number): { bound: number; rule: string } {
  return records > BULK_THRESHOLD
    ? { bound: BULK_JOB_MINIMUM, rule: '1 Bulk job' }
    : { bound: pagesOf(records, COLLECTION_SIZE), rule: `ceil(${records}/${COLLECTION_SIZE})` };
}

/**
 * What a run that wrote every record it read spends above the bound: one upsert per page of `pageSize` (a Bulk job
 * for a page above the threshold, Collections otherwise) instead of one for the whole run, plus what jsforce adds to
 * each Bulk job (the unprocessed-records read, and status checks beyond the first while the job ran).
 */
export function pagedWriteExcess(written: number, pageSize: number, seen: RequestWindow): Excess[] {
  const pages = Array.from({ length: pagesOf(written, pageSize) }, (_, index) =>
    Math.min(pageSize, written - index * pageSize),
  );
  const jobs = pages.filter((records) => records > BULK_THRESHOLD).length;
  const fewest = pages.reduce((sum, records) => sum + writeBound(records).bound, 0);
  const excess: Excess[] = [];
  if (fewest > writeBound(written).bound) {
    excess.push({
      reason: `one upsert per page of ${pageSize} (${pages.length} pages, ${jobs} of them Bulk jobs), each checkpointed`,
      requests: fewest - writeBound(written).bound,
    });
  }
  return [...excess, ...bulkJobExcess(jobs, seen)];
}

/** What jsforce adds to `jobs` Bulk jobs: the unprocessed-records read, and status checks beyond the first. */
export function bulkJobExcess(jobs: number, seen: RequestWindow): Excess[] {
  if (jobs === 0) return [];
  const excess: Excess[] = [
    { reason: 'unprocessed-records read per Bulk job (jsforce reads it for every job)', requests: jobs },
  ];
  const checks = (seen.byRoute.bulkRequest ?? 0) - JOB_REQUESTS_BESIDES_CHECKS * jobs;
  if (checks > jobs) excess.push({ reason: 'status checks while the jobs ran', requests: checks - jobs });
  return excess;
}

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
      const folder = mkdtempSync(join(tmpdir(), 'connector-bench-flow-'));
      let sage: Sage300Sandbox | undefined;
      let salesforce: SalesforceSandbox | undefined;
      let store: Store | undefined;
      let runtime: SyncRuntime | undefined;
      let client: Sage300Client | undefined;
      try {
        sage = await startSage300Sandbox({ pageSize: SAGE_PAGE_SIZE, seed: { customers: size } });
        salesforce = await startSalesforceSandbox({ dailyLimit: 10_000_000 });
        client = sageClientFor(sage, SAGE_PAGE_SIZE);
        store = await openStore(`sqlite://${join(folder, 'connector.db')}`);
        runtime = await startSync({
          config: defaultConfig(),
          store,
          systems: { sage: client, salesforce: salesforceClientFor(salesforce) },
          logger: createLogger('silent'),
          schedule: false,
        });

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
              const pages = pagesHoldingChanges(sage as Sage300Sandbox, sinceDay, changed, pageSize);
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
          const sageWatch = watchSage(sage);
          const salesforceWatch = watchSalesforce(salesforce);
          const { value: result, wallMs } = await timed(() => (runtime as SyncRuntime).runFlowNow('customers'));
          const sageSeen = sageWatch.stop();
          const salesforceSeen = salesforceWatch.stop();
          if (result.outcome !== 'succeeded') {
            throw new Error(`the ${spec.scenario} ended ${result.outcome}: ${result.message ?? ''}`);
          }
          const written = result.created + result.updated;
          const expected = spec.expectedWrites(result);
          if (written !== expected) throw new Error(`the ${spec.scenario} wrote ${written} records, not ${expected}`);
          const outcome = `read ${result.read}, created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}`;
          measurements.push({
            scenario: `${spec.scenario} (${outcome})`,
            system: 'Sage 300',
            records: result.read,
            requests: sageSeen.requests,
            bound: pagesOf(result.read, SAGE_PAGE_SIZE),
            boundRule: `ceil(${result.read}/${SAGE_PAGE_SIZE})`,
            // The flow's read asks $count with its first page, so it ends at the last row without an empty answer.
            excess: [],
            wallMs,
            detail: describeCounts(sageSeen.byRoute),
          });
          measurements.push({
            scenario: `${spec.scenario} (${outcome})`,
            system: 'Salesforce',
            records: written,
            requests: salesforceSeen.requests,
            bound: writeBound(written).bound,
            boundRule: writeBound(written).rule,
            excess: spec.writeExcess(result, salesforceSeen),
            wallMs,
            detail: describeCounts(salesforceSeen.byRoute),
          });
        }
      } finally {
        await runtime?.stop();
        await store?.close();
        client?.close();
        await salesforce?.close();
        await sage?.close();
        rmSync(folder, { recursive: true, force: true });
      }
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
