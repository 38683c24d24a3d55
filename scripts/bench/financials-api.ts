/**
 * Live reads through the HTTP API: many reps open one account at once. `GET /customers/{n}/financials` reads the
 * customer and its open documents from Sage in one shared snapshot, so a burst of callers costs two Sage requests,
 * and callers within the cache's lifetime cost none. Sage answers with a small injected latency.
 */
import type { Benchmark, BenchmarkReport, Measurement } from './measure.js';
import { burstMeasurements, describeStatuses, watchedBurst } from './api-callers.js';
import { SAGE_LATENCY_MS, withBenchApi } from './systems.js';

/** A named sample customer with open and overdue documents. */
const CUSTOMER = '1200';
const WARM_UP_CUSTOMER = '1100';
/** A snapshot is the customer record and its open documents: two requests, read in parallel. */
const SNAPSHOT_REQUESTS = 2;

export const financialsApi: Benchmark = {
  name: 'financials-api',
  title: 'concurrent live financials through the HTTP API',
  defaultSizes: [100],

  async run(options): Promise<BenchmarkReport> {
    const sizes = options.sizes ?? this.defaultSizes;
    const measurements: Measurement[] = [];
    await withBenchApi({ FINANCIALS_CACHE_TTL_SECONDS: '60' }, async ({ sage, salesforce, api }) => {
      // One call for another customer first, so connection set-up and first-call compilation are not measured.
      await api.call('GET', `/api/v1/customers/${WARM_UP_CUSTOMER}/financials`);
      const path = `/api/v1/customers/${CUSTOMER}/financials`;
      for (const [index, size] of sizes.entries()) {
        // Every size starts cold: after the first, `fresh=true` makes the burst read Sage again (and share that read).
        const phases = [
          {
            scenario: `${size} concurrent callers, cold cache`,
            path: index === 0 ? path : `${path}?fresh=true`,
            bound: SNAPSHOT_REQUESTS,
          },
          { scenario: `${size} concurrent callers, cached`, path, bound: 0 },
        ];
        for (const phase of phases) {
          options.log?.(`financials-api: ${phase.scenario}`);
          const answers = await watchedBurst({ sage, salesforce }, api, size, 'GET', phase.path);
          const forTheCustomer = answers.bodies.filter(
            (body) => (body as { customerNumber?: string } | undefined)?.customerNumber === CUSTOMER,
          );
          if ((answers.statuses[200] ?? 0) !== size || forTheCustomer.length !== size) {
            throw new Error(`${phase.scenario}: answers ${describeStatuses(answers.statuses)}`);
          }
          const scenario = `${phase.scenario} (${describeStatuses(answers.statuses)})`;
          measurements.push(
            ...burstMeasurements(scenario, size, answers, {
              sage: {
                bound: phase.bound,
                boundRule: phase.bound === 0 ? 'cached' : 'customer + open documents',
                excess: [],
              },
              salesforce: { bound: 0, boundRule: 'settings cached', excess: [] },
            }),
          );
        }
      }
    });
    return {
      name: this.name,
      title: this.title,
      settings: [
        `Middleware: startMiddleware on both sandboxes, FINANCIALS_CACHE_TTL_SECONDS 60, SQLite store; callers use fetch over HTTP with the API key.`,
        `Sage latency: ${SAGE_LATENCY_MS} ms injected on every Sage route; customer ${CUSTOMER} of the sample company.`,
        'Records: API calls; calls/record = Sage (or Salesforce) requests per API call; p50/p95 are per API call.',
      ],
      measurements,
    };
  },
};
