/**
 * A first sync with the network's latency injected: every Sage request answered 40 ms late, every Salesforce request
 * 80 ms late, as with servers a continent away. The first sync is the invoices flow's over 20,000 posted documents, in
 * a middleware process of its own (as `sage-sf run invoices`; the customers flow linked every customer first, without
 * latency, not measured). The run's time (the engine's, from the flow's lease to its last checkpoint) is set against its
 * latency bound — the requests it made times the latency, divided by the concurrency the connector allows against each
 * system — and the ratio is the figure (target ≤ 1.5): how much of the run is waiting one request after another where
 * it could overlap them, or work besides the requests.
 */
import { loadConfig } from '../../middleware/src/config/env.js';
import { INVOICE_PAGE_SIZE } from '../../middleware/src/sync/flows/invoices.js';
import type { Benchmark, BenchmarkReport, Measurement } from './measure.js';
import { STARTUP_QUERIES, STARTUP_QUERIES_REASON } from './invoices-flow.js';
import { flowRunLines, pagedWriteExcess, withBenchWorld } from './world.js';

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
    for (const size of sizes) {
      const customers = Math.max(5, Math.round(size / 5));
      const seed = { customers, postedDocuments: size };
      // The same first sync twice, in two fresh worlds: without latency (the run's own work on this machine), then with it.
      const runs: { latency: boolean; runMs: number; sage: number; salesforce: number }[] = [];
      for (const latency of [false, true]) {
        options.log?.(`latency: seeding ${size} posted documents of ${customers} customers`);
        await withBenchWorld({ sagePageSize: SAGE_PAGE_SIZE, seed }, async (world) => {
          const linked = await world.runFlowProcess('customers');
          if (linked.result.outcome !== 'succeeded')
            throw new Error(`the customers run ended ${linked.result.outcome}`);
          if (latency) {
            world.sage.setFaults('*', { latencyMs: SAGE_REQUEST_LATENCY_MS });
            world.salesforce.setFaults({ latencyMs: SALESFORCE_REQUEST_LATENCY_MS });
          }
          const label = latency ? 'latency injected' : 'no latency (the same run’s own work)';
          options.log?.(`latency: first sync of ${size} documents, ${label}`);
          const measured = await world.measure(() => world.runFlowProcess('invoices'));
          const { result } = measured.value;
          if (result.outcome !== 'succeeded') {
            throw new Error(`the first sync ended ${result.outcome}: ${result.message ?? ''}`);
          }
          // The run's own time: the process's start-up (and its Custom Metadata reads) is not part of the sync.
          const runMs = result.durationMs;
          const written = result.created + result.updated;
          measurements.push(
            ...flowRunLines({
              scenario: `first sync, ${size} documents, ${label} (read ${result.read}, written ${written})`,
              read: result.read,
              written,
              sagePageSize: SAGE_PAGE_SIZE,
              measured: { ...measured, wallMs: runMs },
              salesforceExcess: [
                { reason: STARTUP_QUERIES_REASON, requests: STARTUP_QUERIES },
                ...pagedWriteExcess(written, INVOICE_PAGE_SIZE, measured.salesforce),
              ],
            }),
          );
          runs.push({
            latency,
            runMs,
            sage: measured.sage.requests,
            salesforce: measured.salesforce.requests - STARTUP_QUERIES,
          });
        });
      }
      const [plain, slowed] = runs as [(typeof runs)[number], (typeof runs)[number]];
      const bound = latencyBoundMs(slowed.sage, slowed.salesforce);
      const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      notes.push(
        `${size} documents: latency-bound time ${seconds(bound)} = ${slowed.sage} Sage requests × ` +
          `${SAGE_REQUEST_LATENCY_MS} ms ÷ ${SAGE_CONCURRENCY} + ${slowed.salesforce} Salesforce requests of the run × ` +
          `${SALESFORCE_REQUEST_LATENCY_MS} ms ÷ ${SALESFORCE_CONCURRENCY}; measured ${seconds(slowed.runMs)}: ` +
          `ratio ${(slowed.runMs / bound).toFixed(2)} (target ≤ 1.5). The same run without latency (its own work on ` +
          `this machine) took ${seconds(plain.runMs)}; ` +
          (slowed.runMs > plain.runMs
            ? `the latency added ${seconds(slowed.runMs - plain.runMs)}, ` +
              `${((slowed.runMs - plain.runMs) / bound).toFixed(2)} × its bound.`
            : 'the run with latency was not slower: the difference is within the variation of this machine.'),
      );
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        `Latency injected by the sandboxes on every request: Sage ${SAGE_REQUEST_LATENCY_MS} ms, Salesforce ${SALESFORCE_REQUEST_LATENCY_MS} ms.`,
        `Allowed concurrency: Sage ${SAGE_CONCURRENCY} (SAGE300_MAX_CONCURRENCY), Salesforce ${SALESFORCE_CONCURRENCY}; SAGE300_PAGE_SIZE ${SAGE_PAGE_SIZE}; pages of ${INVOICE_PAGE_SIZE} documents; SQLite store.`,
        'The invoices flow runs in a middleware process of its own; Wall s is the run (FlowRunResult.durationMs), without the process start-up.',
      ],
      measurements,
      notes,
    };
  },
};
