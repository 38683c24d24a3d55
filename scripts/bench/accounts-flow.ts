/**
 * The accounts flow with N changed accounts: after a first sync (customers flow, then one accounts run), every linked
 * account's phone is changed in Salesforce and one accounts run writes them to Sage; then one run with nothing changed,
 * and one customers-flow run to show nothing is copied back.
 *
 * Fewest requests: in Salesforce one change-stream query per page of 200 accounts (`ceil(N / 200)`), no write; in Sage
 * one PATCH per changed customer (A/R has no batch write). Named excess: the Sage reads of each page's customers to
 * compare with (50 customers per read, to keep the URL short); a last query that finds no more rows when the rows read
 * are a whole number of pages; rows of the cursor's own second read again (the cursor has whole seconds).
 * With nothing changed: one query, no Sage request (plus the cursor's own second read again).
 *
 * The Salesforce look-back window is 0 here, so a run reads only what changed since the last one.
 */
import { setTimeout as pause } from 'node:timers/promises';
import {
  countsSince,
  describeCountsByKey,
  pagesOf,
  total,
  type Benchmark,
  type BenchmarkReport,
  type Excess,
  type Measurement,
} from './measure.js';
import { withBenchWorld } from './world.js';

/** Rows per Sage answer (client and server). */
const SAGE_PAGE_SIZE = 1000;
/** Accounts per page of the accounts flow (its default), and so per change-stream query. */
const ACCOUNT_PAGE_SIZE = 200;
/** Customers per Sage read of a page's customers (the flow's `CUSTOMERS_PER_READ`). */
const CUSTOMERS_PER_READ = 50;
const SAGE_WRITE = /^(POST|PATCH|PUT|DELETE) /;
const SALESFORCE_WRITES = ['collectionWrite', 'singleWrite', 'bulkJob'];
/** Sandbox counters that are not requests of a run: the sum, and the session the runtime already holds. */
const NOT_REQUESTS = ['total', 'auth'];

const stampOf = (row: Record<string, unknown>) => Date.parse(String(row.SystemModstamp).replace(/\+0000$/, 'Z'));

/** The 5,000-changed-accounts benchmark. */
export const accountsFlowBenchmark: Benchmark = {
  name: 'accounts-flow',
  title: 'changed accounts to Sage (accounts flow)',
  defaultSizes: [5000],
  async run(options): Promise<BenchmarkReport> {
    const measurements: Measurement[] = [];
    const notes: string[] = [];
    for (const size of options.sizes ?? this.defaultSizes) {
      await withBenchWorld(
        {
          sagePageSize: SAGE_PAGE_SIZE,
          seed: { customers: size },
          environment: { SYNC_SALESFORCE_LOOKBACK_SECONDS: '0' },
        },
        async (world) => {
          const sageSandbox = world.sage;
          const salesforceSandbox = world.salesforce;
          const { runtime: sync, store: openedStore } = await world.startRuntime();
          options.log?.(`accounts flow: first sync of ${size} customers, then a first accounts run`);
          const customers = await sync.runFlowNow('customers');
          const first = await sync.runFlowNow('accounts');
          // The customer the first accounts run created (the seeded Closed Won account) reaches its account once.
          const settled = await sync.runFlowNow('customers');
          if (customers.failed + first.failed + settled.failed > 0 || first.outcome !== 'succeeded') {
            throw new Error(`the first sync did not succeed: ${first.outcome}, ${first.failed} failed`);
          }

          /** The accounts the next run reads (stamped at or after the cursor's second), in the flow's order. */
          const toRead = async () => {
            const saved = (await openedStore.cursors.get('accounts'))?.value as { stamp?: string } | undefined;
            const second = saved?.stamp ? Math.floor(Date.parse(saved.stamp) / 1000) * 1000 : 0;
            return salesforceSandbox
              .records('Account')
              .filter((row) => stampOf(row) >= second)
              .sort((a, b) => stampOf(a) - stampOf(b) || String(a.Id).localeCompare(String(b.Id)));
          };

          /** One accounts run, measured on both sides. */
          const measure = async (
            scenario: string,
            records: number,
            changed: ReadonlySet<string>,
            flow: 'accounts' | 'customers' = 'accounts',
          ) => {
            const rows = flow === 'accounts' ? await toRead() : [];
            const sageBefore = sageSandbox.counts();
            const salesforceBefore: Record<string, number> = { ...salesforceSandbox.counts() };
            const started = performance.now();
            const result = await sync.runFlowNow(flow);
            const wallMs = performance.now() - started;
            if (result.outcome !== 'succeeded') throw new Error(`${scenario}: the run ended ${result.outcome}`);
            const sageCounts = countsSince(sageBefore, sageSandbox.counts(), NOT_REQUESTS);
            const salesforceCounts = countsSince(salesforceBefore, { ...salesforceSandbox.counts() }, NOT_REQUESTS);
            // What the flow must read: a query per page of rows, the last one short (or empty after full pages).
            const pages = Math.floor(rows.length / ACCOUNT_PAGE_SIZE) + 1;
            const reads: number[] = [];
            for (let start = 0; start < rows.length; start += ACCOUNT_PAGE_SIZE) {
              const inPage = rows.slice(start, start + ACCOUNT_PAGE_SIZE).filter((row) => changed.has(String(row.Id)));
              reads.push(pagesOf(inPage.length, CUSTOMERS_PER_READ));
            }
            const queriesBound = Math.max(1, pagesOf(changed.size, ACCOUNT_PAGE_SIZE));
            const emptyLast = rows.length > 0 && rows.length % ACCOUNT_PAGE_SIZE === 0 ? 1 : 0;
            const rereadPages = pages - queriesBound - emptyLast;
            const sides: [Measurement['system'], Record<string, number>, number, string, Excess[], number][] = [
              [
                'Sage 300',
                sageCounts,
                changed.size,
                `${changed.size} PATCH (no batch write)`,
                [
                  {
                    reason: `customers read to compare, ${CUSTOMERS_PER_READ} per read`,
                    requests: reads.reduce((a, b) => a + b, 0),
                  },
                ],
                total(sageCounts, (route) => SAGE_WRITE.test(route)),
              ],
              [
                'Salesforce',
                salesforceCounts,
                queriesBound,
                changed.size > 0 ? `ceil(${changed.size}/${ACCOUNT_PAGE_SIZE}) queries` : '1 query',
                [
                  { reason: "rows of the cursor's own second read again", requests: rereadPages },
                  { reason: 'a last query finds no more rows (whole pages read)', requests: emptyLast },
                ],
                total(salesforceCounts, (kind) => SALESFORCE_WRITES.includes(kind)),
              ],
            ];
            if (rereadPages < 0) throw new Error(`${scenario}: ${rows.length} rows cannot hold the changed accounts`);
            for (const [system, counts, bound, boundRule, excess, writes] of sides) {
              measurements.push({
                scenario: `${scenario} (${size} customers)`,
                system,
                records,
                requests: total(counts),
                bound,
                boundRule,
                excess: excess.filter((item) => item.requests > 0),
                wallMs,
                detail: `${describeCountsByKey(counts)}; writes ${writes}`,
              });
            }
            return { result, sageCounts, salesforceCounts };
          };

          // Every linked account's phone changes in Salesforce, a second after the last write (whole-second cursor).
          await pause(1100);
          const linked = salesforceSandbox
            .records('Account')
            .filter((row) => typeof row.Sage_Customer_Number__c === 'string');
          for (const account of linked) {
            salesforceSandbox.update('Account', String(account.Id), {
              Phone: `(555) 700-${String(account.Sage_Customer_Number__c).slice(-4).padStart(4, '0')}`,
            });
          }
          const changed = new Set(linked.map((row) => String(row.Id)));
          options.log?.(`accounts flow: ${changed.size} accounts changed in Salesforce`);
          const written = await measure(`${changed.size} changed accounts`, changed.size, changed);
          const quiet = await measure('nothing changed', 0, new Set());
          // The customers flow reads the patched customers back from Sage and finds nothing to copy to Salesforce.
          const salesforceBefore: Record<string, number> = { ...salesforceSandbox.counts() };
          const back = await sync.runFlowNow('customers');
          const copiedBack = total(
            countsSince(salesforceBefore, { ...salesforceSandbox.counts() }, NOT_REQUESTS),
            (kind) => SALESFORCE_WRITES.includes(kind),
          );
          notes.push(
            `${size} customers, ${changed.size} accounts changed: ${written.result.updated} written with ` +
              `${written.sageCounts['PATCH AR/ARCustomers'] ?? 0} PATCH and ${written.sageCounts['PUT AR/ARCustomers'] ?? 0} PUT; ` +
              `then a run with nothing changed made ${total(quiet.sageCounts)} Sage request(s); the customers flow then read ` +
              `${back.read} customers and wrote ${back.created + back.updated} accounts in ${copiedBack} Salesforce write request(s)`,
          );
        },
      );
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        `Sage sandbox and client at ${SAGE_PAGE_SIZE} rows per answer; the accounts flow's default page (${ACCOUNT_PAGE_SIZE})`,
        'Salesforce look-back window 0 s (SYNC_SALESFORCE_LOOKBACK_SECONDS=0): a run reads what changed since the last',
        'the changed field is Phone (Salesforce masters it under the default mapping)',
      ],
      measurements,
      notes,
    };
  },
};
