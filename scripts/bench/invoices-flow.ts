/**
 * The invoices flow end to end: Sage ARPostedDocuments → Salesforce Sage_Invoice__c, each run in a middleware process
 * of its own (configured by environment variables, as `sage-sf run invoices`) so its peak memory is measured apart from
 * the sandboxes. The customers flow runs first (unmeasured) so every customer has its Account. Three measured runs:
 * the first full one, one with nothing changed (reads only, no writes), and one after 100 payments in Sage. Fewest
 * requests per run: ceil(read / 1000) Sage pages; ceil(written / 200) Collections up to the Bulk threshold, one Bulk
 * API 2.0 job above it. Peak memory must stay under 300 MB and grow by at most 20% from the smallest size to the
 * largest (pages, not the whole ledger, are held in memory).
 */
import type { FlowRunResult } from '../../middleware/src/sync/engine.js';
import { INVOICE_PAGE_SIZE } from '../../middleware/src/sync/flows/invoices.js';
import { seededRandom } from '../../sandbox/random.js';
import type { SageRecord } from '../../sandbox/sage300/records.js';
import type { Sage300Sandbox } from '../../sandbox/sage300/server.js';
import type { Benchmark, BenchmarkReport, Measurement } from './measure.js';
import { flowRunLines, middlewareNodeFlags, pagedWriteExcess, withBenchWorld } from './world.js';

/** Rows per Sage answer: `SAGE300_PAGE_SIZE`, with the server's page setting raised to match. */
const SAGE_PAGE_SIZE = 1000;
/** Payments recorded in Sage before the third run. */
const PAYMENTS = 100;
/**
 * Salesforce queries each run's process makes when it starts, before the flow runs: the connector settings and the
 * field mappings (Custom Metadata), read once per process.
 */
export const STARTUP_QUERIES = 2;
export const STARTUP_QUERIES_REASON = 'Custom Metadata read when the process starts (settings, mappings)';
/** Peak resident memory of the middleware process allowed at the largest size. */
export const PEAK_RSS_LIMIT_BYTES = 300 * 1024 * 1024;
/** How much the peak may grow from the smallest size to the largest. */
export const PEAK_RSS_GROWTH_LIMIT = 1.2;

/** Records `count` payments on open invoices chosen by a seeded draw (the same ones every time). */
function recordPayments(sage: Sage300Sandbox, count: number): number {
  const random = seededRandom(11);
  const open = sage.state.postedDocuments
    .all()
    .filter((document) => document.DocumentType === 'Invoice' && document.FullyPaid !== 'Yes');
  const paid = new Set<SageRecord>();
  while (paid.size < Math.min(count, open.length)) {
    const document = open[Math.floor(random() * open.length)] as SageRecord;
    if (paid.has(document)) continue;
    paid.add(document);
    const due = document.CustomerCurrencyAmountDue as number;
    sage.recordPayment({
      customerNumber: String(document.CustomerNumber),
      documentNumber: String(document.DocumentNumber),
      amount: Math.max(0.01, Math.round(due * 50) / 100),
    });
  }
  return paid.size;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export const invoicesFlowBenchmark: Benchmark = {
  name: 'invoices-flow',
  title: 'Sage posted documents → Salesforce Sage_Invoice__c, the middleware in its own process on SQLite',
  defaultSizes: [20_000, 100_000],

  async run(options): Promise<BenchmarkReport> {
    const sizes = options.sizes ?? this.defaultSizes;
    const measurements: Measurement[] = [];
    const peaks: { size: number; bytes: number }[] = [];
    for (const size of sizes) {
      const customers = Math.max(5, Math.round(size / 5));
      options.log?.(`invoices-flow: seeding ${size} posted documents of ${customers} customers`);
      const seed = { customers, postedDocuments: size };
      await withBenchWorld({ sagePageSize: SAGE_PAGE_SIZE, seed }, async (world) => {
        const { sage } = world;
        options.log?.('invoices-flow: the customers flow links every customer to an Account (not measured)');
        const linked = await world.runFlowProcess('customers');
        if (linked.result.outcome !== 'succeeded') throw new Error(`the customers run ended ${linked.result.outcome}`);

        const documents = sage.state.postedDocuments.size;
        let payments = 0;
        const runs = [
          { scenario: `first run, ${documents} documents`, writes: (r: FlowRunResult) => r.created + r.updated },
          { scenario: 'second run, nothing changed', writes: () => 0 },
          { scenario: 'third run, payments recorded', writes: () => payments },
        ];
        for (const [index, spec] of runs.entries()) {
          if (index === 2) payments = recordPayments(sage, PAYMENTS);
          const scenario = index === 2 ? `third run, ${payments} payments recorded` : spec.scenario;
          options.log?.(`invoices-flow: ${scenario}`);
          const measured = await world.measure(() => world.runFlowProcess('invoices'));
          const { result, peakRssBytes } = measured.value;
          if (result.outcome !== 'succeeded') {
            throw new Error(`the ${scenario} ended ${result.outcome}: ${result.message ?? ''}`);
          }
          const written = result.created + result.updated;
          const expected = spec.writes(result);
          if (written !== expected) throw new Error(`the ${scenario} wrote ${written} records, not ${expected}`);
          if (index === 0) peaks.push({ size, bytes: peakRssBytes });
          const outcome = `read ${result.read}, created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}; peak RSS ${megabytes(peakRssBytes)}`;
          measurements.push(
            ...flowRunLines({
              scenario: `${scenario} (${outcome})`,
              read: result.read,
              written,
              sagePageSize: SAGE_PAGE_SIZE,
              measured,
              salesforceExcess: [
                { reason: STARTUP_QUERIES_REASON, requests: STARTUP_QUERIES },
                ...(index === 0 ? pagedWriteExcess(written, INVOICE_PAGE_SIZE, measured.salesforce) : []),
              ],
            }),
          );
        }
      });
    }
    const memory = peaks.map((peak) => `${peak.size.toLocaleString('en-US')} documents: ${megabytes(peak.bytes)}`);
    const smallest = peaks[0];
    const largest = peaks.at(-1);
    if (largest && largest.bytes >= PEAK_RSS_LIMIT_BYTES) {
      throw new Error(
        `the first run at ${largest.size} documents peaked at ${megabytes(largest.bytes)} (limit 300 MB)`,
      );
    }
    if (smallest && largest && largest !== smallest && largest.bytes > PEAK_RSS_GROWTH_LIMIT * smallest.bytes) {
      throw new Error(`peak memory grew from ${memory.join(' to ')}: more than ${PEAK_RSS_GROWTH_LIMIT}×`);
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        `Sage: SAGE300_PAGE_SIZE ${SAGE_PAGE_SIZE}, server page setting ${SAGE_PAGE_SIZE}; generated invoices and credit notes over the past 400 days, one customer per five documents.`,
        `Sync: pages of ${INVOICE_PAGE_SIZE} documents (the invoices flow's default; one write and one checkpoint per page), SQLite store in a temporary folder, each run a process of its own.`,
        'Salesforce: Sage_Invoice__c upserts on Sage_Document_Key__c with the Account by Sage_Customer_Number__c in the same request; the customers flow ran first (not counted).',
        `Peak resident memory of the middleware process, first run: ${memory.join('; ')} (limit 300 MB, and at most ${PEAK_RSS_GROWTH_LIMIT}× the smallest size's). Measured as the process's own maxRSS (getrusage, through process.resourceUsage()) when its run ends; the process runs only the middleware (the sandboxes live in the benchmark's process), launched with the product's Node flags (${middlewareNodeFlags().join(' ') || 'none'}).`,
      ],
      measurements,
    };
  },
};
