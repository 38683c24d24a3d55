/**
 * The invoices flow end to end: Sage ARPostedDocuments → Salesforce Sage_Invoice__c, each run in a middleware process
 * of its own (configured by environment variables, as `sage-sf run invoices`) so its peak memory is measured apart from
 * the sandboxes. The customers flow runs first (unmeasured) so every customer has its Account. Three measured runs:
 * the first full one, one with nothing changed (reads only, no writes), and one after 100 payments in Sage. Fewest
 * requests per run: ceil(read / 1000) Sage pages; ceil(written / 200) Collections up to the Bulk threshold, one Bulk
 * API 2.0 job above it. Peak memory must stay under 300 MB and grow by at most 20% from the smallest size to the
 * largest (pages, not the whole ledger, are held in memory).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowRunResult } from '../../middleware/src/sync/engine.js';
import { INVOICE_PAGE_SIZE } from '../../middleware/src/sync/flows/invoices.js';
import { seededRandom } from '../../sandbox/random.js';
import type { SageRecord } from '../../sandbox/sage300/records.js';
import { startSage300Sandbox, type Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { pagedWriteExcess, writeBound } from './customers-flow.js';
import { describeCounts, pagesOf, timed, type Benchmark, type BenchmarkReport, type Measurement } from './measure.js';
import { watchSage, watchSalesforce } from './systems.js';

/** Rows per Sage answer: `SAGE300_PAGE_SIZE`, with the server's page setting raised to match. */
const SAGE_PAGE_SIZE = 1000;
/** Payments recorded in Sage before the third run. */
const PAYMENTS = 100;
/**
 * Salesforce queries each run's process makes when it starts, before the flow runs: the connector settings and the
 * field mappings (Custom Metadata), read once per process.
 */
const STARTUP_QUERIES = 2;
/** Peak resident memory of the middleware process allowed at the largest size. */
export const PEAK_RSS_LIMIT_BYTES = 300 * 1024 * 1024;
/** How much the peak may grow from the smallest size to the largest. */
export const PEAK_RSS_GROWTH_LIMIT = 1.2;

const root = fileURLToPath(new URL('../..', import.meta.url));

/** One flow run in a child process, with the result it printed and its peak memory. */
async function runFlowProcess(
  flow: string,
  env: Record<string, string>,
): Promise<{ result: FlowRunResult; peakRssBytes: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/flow-child.ts', flow], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) {
    throw new Error(`the ${flow} run exited ${String(code)}: ${stderr.trim().slice(-2000)}`);
  }
  return JSON.parse(line) as { result: FlowRunResult; peakRssBytes: number };
}

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
      const folder = mkdtempSync(join(tmpdir(), 'connector-bench-invoices-'));
      let sage: Sage300Sandbox | undefined;
      let salesforce: SalesforceSandbox | undefined;
      try {
        sage = await startSage300Sandbox({ pageSize: SAGE_PAGE_SIZE, seed: { customers, postedDocuments: size } });
        salesforce = await startSalesforceSandbox({ dailyLimit: 10_000_000 });
        const env = {
          SAGE300_URL: sage.apiRoot,
          SAGE300_COMPANY: sage.company,
          SAGE300_USER: sage.user,
          SAGE300_PASSWORD: sage.password,
          SAGE300_PAGE_SIZE: String(SAGE_PAGE_SIZE),
          SF_LOGIN_URL: salesforce.loginUrl,
          SF_CLIENT_ID: salesforce.clientId,
          SF_CLIENT_SECRET: salesforce.clientSecret,
          SF_API_VERSION: salesforce.apiVersion,
          DATABASE_URL: `sqlite://${join(folder, 'connector.db')}`,
        };
        options.log?.('invoices-flow: the customers flow links every customer to an Account (not measured)');
        const linked = await runFlowProcess('customers', env);
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
          const sageWatch = watchSage(sage);
          const salesforceWatch = watchSalesforce(salesforce);
          const { value: run, wallMs } = await timed(() => runFlowProcess('invoices', env));
          const sageSeen = sageWatch.stop();
          const salesforceSeen = salesforceWatch.stop();
          const { result } = run;
          if (result.outcome !== 'succeeded') {
            throw new Error(`the ${scenario} ended ${result.outcome}: ${result.message ?? ''}`);
          }
          const written = result.created + result.updated;
          const expected = spec.writes(result);
          if (written !== expected) throw new Error(`the ${scenario} wrote ${written} records, not ${expected}`);
          if (index === 0) peaks.push({ size, bytes: run.peakRssBytes });
          const outcome = `read ${result.read}, created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}; peak RSS ${megabytes(run.peakRssBytes)}`;
          measurements.push({
            scenario: `${scenario} (${outcome})`,
            system: 'Sage 300',
            records: result.read,
            requests: sageSeen.requests,
            bound: pagesOf(result.read, SAGE_PAGE_SIZE),
            boundRule: `ceil(${result.read}/${SAGE_PAGE_SIZE})`,
            excess: [],
            wallMs,
            detail: describeCounts(sageSeen.byRoute),
          });
          measurements.push({
            scenario: `${scenario} (${outcome})`,
            system: 'Salesforce',
            records: written,
            requests: salesforceSeen.requests,
            bound: writeBound(written).bound,
            boundRule: writeBound(written).rule,
            excess: [
              {
                reason: 'Custom Metadata read when the process starts (settings, mappings)',
                requests: STARTUP_QUERIES,
              },
              ...(index === 0 ? pagedWriteExcess(written, INVOICE_PAGE_SIZE, salesforceSeen) : []),
            ],
            wallMs,
            detail: describeCounts(salesforceSeen.byRoute),
          });
        }
      } finally {
        await salesforce?.close();
        await sage?.close();
        rmSync(folder, { recursive: true, force: true });
      }
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
        `Peak resident memory of the middleware process, first run: ${memory.join('; ')} (limit 300 MB, and at most ${PEAK_RSS_GROWTH_LIMIT}× the smallest size's).`,
      ],
      measurements,
    };
  },
};
