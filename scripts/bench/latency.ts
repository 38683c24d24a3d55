/**
 * A first sync with the network's latency injected: every Sage request answered 40 ms late, every Salesforce request
 * 80 ms late, as with servers a continent away. The run's wall time is set against its latency bound — the requests
 * it made times the latency, divided by the concurrency the connector allows against each system — and the ratio is
 * the figure (target ≤ 1.5): how much of the run is waiting one request after another where it could overlap them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../middleware/src/config/env.js';
import { createLogger } from '../../middleware/src/observability/logger.js';
import type { Sage300Client } from '../../middleware/src/sage300/client.js';
import { startSync } from '../../middleware/src/composition.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../middleware/src/sync/runtime.js';
import { startSage300Sandbox, type Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { describeCounts, pagesOf, timed, type Benchmark, type BenchmarkReport, type Measurement } from './measure.js';
import { pagedWriteExcess, writeBound } from './customers-flow.js';
import { sageClientFor, salesforceClientFor, watchSage, watchSalesforce } from './systems.js';

export const SAGE_REQUEST_LATENCY_MS = 40;
export const SALESFORCE_REQUEST_LATENCY_MS = 80;
const SAGE_PAGE_SIZE = 1000;
/** Requests in flight the connector allows against Sage (`SAGE300_MAX_CONCURRENCY`'s default). */
const SAGE_CONCURRENCY = loadConfig({}).env.SAGE300_MAX_CONCURRENCY;
/** The Salesforce client sends one request at a time (no pool): its allowed concurrency is one. */
const SALESFORCE_CONCURRENCY = 1;

/** The latency bound of a run: each system's requests × its latency ÷ the concurrency allowed against it. */
export function latencyBoundMs(sageRequests: number, salesforceRequests: number): number {
  return (
    (sageRequests * SAGE_REQUEST_LATENCY_MS) / SAGE_CONCURRENCY +
    (salesforceRequests * SALESFORCE_REQUEST_LATENCY_MS) / SALESFORCE_CONCURRENCY
  );
}

export const latencyBenchmark: Benchmark = {
  name: 'latency',
  title: `First sync with latency injected (Sage ${SAGE_REQUEST_LATENCY_MS} ms, Salesforce ${SALESFORCE_REQUEST_LATENCY_MS} ms per request)`,
  defaultSizes: [20_000],

  async run(options): Promise<BenchmarkReport> {
    const sizes = options.sizes ?? this.defaultSizes;
    const measurements: Measurement[] = [];
    const notes: string[] = [];
    const config = loadConfig({});
    const pageSize = config.sync.pageSize ?? 10_000;
    for (const size of sizes) {
      options.log?.(`latency: seeding ${size} Sage customers`);
      const folder = mkdtempSync(join(tmpdir(), 'connector-bench-latency-'));
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
          config,
          store,
          systems: { sage: client, salesforce: salesforceClientFor(salesforce) },
          logger: createLogger('silent'),
          schedule: false,
        });
        sage.setFaults('*', { latencyMs: SAGE_REQUEST_LATENCY_MS });
        salesforce.setFaults({ latencyMs: SALESFORCE_REQUEST_LATENCY_MS });
        options.log?.(`latency: first sync of ${size} customers`);
        const sageWatch = watchSage(sage);
        const salesforceWatch = watchSalesforce(salesforce);
        const { value: result, wallMs } = await timed(() => (runtime as SyncRuntime).runFlowNow('customers'));
        const sageSeen = sageWatch.stop();
        const salesforceSeen = salesforceWatch.stop();
        if (result.outcome !== 'succeeded')
          throw new Error(`the first sync ended ${result.outcome}: ${result.message ?? ''}`);
        const written = result.created + result.updated;
        const scenario = `first sync, ${size} customers (read ${result.read}, written ${written})`;
        measurements.push({
          scenario,
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
          scenario,
          system: 'Salesforce',
          records: written,
          requests: salesforceSeen.requests,
          bound: writeBound(written).bound,
          boundRule: writeBound(written).rule,
          excess: pagedWriteExcess(written, pageSize, salesforceSeen),
          wallMs,
          detail: describeCounts(salesforceSeen.byRoute),
        });
        const bound = latencyBoundMs(sageSeen.requests, salesforceSeen.requests);
        notes.push(
          `${size} customers: latency-bound time ${(bound / 1000).toFixed(2)} s = ${sageSeen.requests} Sage requests × ` +
            `${SAGE_REQUEST_LATENCY_MS} ms ÷ ${SAGE_CONCURRENCY} + ${salesforceSeen.requests} Salesforce requests × ` +
            `${SALESFORCE_REQUEST_LATENCY_MS} ms ÷ ${SALESFORCE_CONCURRENCY}; measured ${(wallMs / 1000).toFixed(2)} s; ` +
            `ratio ${(wallMs / bound).toFixed(2)} (target ≤ 1.5)`,
        );
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
        `Latency injected by the sandboxes on every request: Sage ${SAGE_REQUEST_LATENCY_MS} ms, Salesforce ${SALESFORCE_REQUEST_LATENCY_MS} ms.`,
        `Allowed concurrency: Sage ${SAGE_CONCURRENCY} (SAGE300_MAX_CONCURRENCY), Salesforce ${SALESFORCE_CONCURRENCY}; SAGE300_PAGE_SIZE ${SAGE_PAGE_SIZE}; pages of ${pageSize} records; SQLite store.`,
      ],
      measurements,
      notes,
    };
  },
};
