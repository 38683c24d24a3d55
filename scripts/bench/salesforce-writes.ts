/**
 * Salesforce writes: the middleware's Salesforce client upserts N Accounts on `Sage_Customer_Number__c`. Up to the
 * Bulk threshold the fewest requests are ceil(N / 200) sObject Collections; above it, one Bulk API 2.0 job needs six:
 * create, upload, close, one status check, successful results, failed results.
 */
import { startSalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { BULK_FIRST_POLL_MS } from '../../middleware/src/salesforce/client.js';
import { COLLECTION_SIZE } from '../../middleware/src/salesforce/writer.js';
import {
  describeCounts,
  pagesOf,
  timed,
  type Benchmark,
  type BenchmarkOptions,
  type BenchmarkReport,
  type Excess,
  type Measurement,
} from './measure.js';
import { salesforceClientFor, watchSalesforce, type RequestWindow } from './systems.js';
import { BULK_JOB_MINIMUM, BULK_THRESHOLD as DEFAULT_BULK_THRESHOLD, JOB_REQUESTS_BESIDES_CHECKS } from './world.js';

export interface SalesforceWritesOptions extends BenchmarkOptions {
  bulkThreshold?: number;
  /** The longest wait between a Bulk job's status checks (the client's default is 2 s). */
  bulkPollIntervalMs?: number;
}

/** Accounts as the customers flow would send them: name, Sage number and the synced Sage figures. */
function benchmarkAccounts(count: number, prefix = 'BENCH'): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({
    Sage_Customer_Number__c: `${prefix}${String(index + 1).padStart(6, '0')}`,
    Name: `Benchmark Customer ${index + 1}`,
    Sage_Balance__c: (index * 37) % 10_000,
    Sage_Credit_Limit__c: 25_000,
    Sage_On_Hold__c: false,
    Sage_Sync_Status__c: 'Synced',
  }));
}

/** The lower bound for one upsert of `records` and the excess a Bulk job is known to spend above it. */
function upsertBound(
  records: number,
  bulkThreshold: number,
  seen: RequestWindow,
): { bound: number; rule: string; excess: Excess[] } {
  if (records <= bulkThreshold) {
    return { bound: pagesOf(records, COLLECTION_SIZE), rule: `ceil(${records}/${COLLECTION_SIZE})`, excess: [] };
  }
  // Only status checks vary; a second job or a Collections fallback stays unexplained and shows in the ratio.
  const statusChecks = (seen.byRoute.bulkRequest ?? 0) - JOB_REQUESTS_BESIDES_CHECKS;
  const excess: Excess[] = [];
  if (statusChecks > 1) excess.push({ reason: 'status checks while the job ran', requests: statusChecks - 1 });
  return { bound: BULK_JOB_MINIMUM, rule: '1 Bulk job', excess };
}

export const salesforceWrites: Benchmark & { run(options: SalesforceWritesOptions): Promise<BenchmarkReport> } = {
  name: 'salesforce-writes',
  title: 'upserting Accounts through Collections and Bulk API 2.0',
  defaultSizes: [450, 1_999, 5_000, 20_000],

  async run(options: SalesforceWritesOptions): Promise<BenchmarkReport> {
    const sizes = options.sizes ?? this.defaultSizes;
    const bulkThreshold = options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD;
    const bulkPollIntervalMs = options.bulkPollIntervalMs ?? 2000;
    const measurements: Measurement[] = [];
    const sandbox = await startSalesforceSandbox({ seed: false, dailyLimit: 10_000_000 });
    const client = salesforceClientFor(sandbox, { bulkThreshold, bulkPollIntervalMs });
    try {
      await client.authorize();
      for (const [index, size] of sizes.entries()) {
        options.log?.(`salesforce-writes: ${size} accounts`);
        const accounts = benchmarkAccounts(size, `B${index}X`);
        const watch = watchSalesforce(sandbox);
        const { value: results, wallMs } = await timed(() =>
          client.upsert('Account', 'Sage_Customer_Number__c', accounts),
        );
        const seen = watch.stop();
        const failed = results.filter((result) => !result.ok);
        if (failed.length > 0) {
          throw new Error(`${failed.length} of ${size} accounts failed, first: ${JSON.stringify(failed[0]?.errors)}`);
        }
        const { bound, rule, excess } = upsertBound(size, bulkThreshold, seen);
        measurements.push({
          scenario: `upsert ${size} new Accounts (${size > bulkThreshold ? 'Bulk API 2.0' : 'Collections'})`,
          system: 'Salesforce',
          records: size,
          requests: seen.requests,
          bound,
          boundRule: rule,
          excess,
          wallMs,
          detail: describeCounts(seen.byRoute),
        });
      }
    } finally {
      await sandbox.close();
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        `Client: createSalesforceClient, Bulk threshold ${bulkThreshold} records; a Bulk job is first checked ${Math.min(BULK_FIRST_POLL_MS, bulkPollIntervalMs)} ms after it closes, then at doubling waits up to ${bulkPollIntervalMs} ms.`,
        'Each row: one upsert call of new Accounts on Sage_Customer_Number__c; the token request is not an API request and is not counted.',
      ],
      measurements,
    };
  },
};
