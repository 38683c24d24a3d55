/**
 * Order push through the HTTP API: many concurrent pushes of one Closed Won opportunity create one Sage order.
 * Fewest requests for the push that creates it: Salesforce — read the opportunity with its lines and account (one
 * query) and write the outcome back (one Collections request); Sage — the credit check's customer and open documents
 * and the order POST. Pushes after the order exists are answered from the ledger with no requests at all.
 */
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import type { Benchmark, BenchmarkReport, Measurement } from './measure.js';
import { burstMeasurements, describeStatuses, watchedBurst } from './api-callers.js';
import { SAGE_LATENCY_MS, withBenchApi } from './systems.js';

const ORDER_POST = 'POST OE/OEOrders';
/** Sage requests the creating push cannot do without: customer and open documents (credit check), the order POST. */
const SAGE_MINIMUM = 3;
/** Salesforce requests the creating push cannot do without: the opportunity query and the write-back. */
const SALESFORCE_MINIMUM = 2;

export const orderPush: Benchmark = {
  name: 'order-push',
  title: 'concurrent pushes of one opportunity through the HTTP API',
  defaultSizes: [50],

  async run(options): Promise<BenchmarkReport> {
    const sizes = options.sizes ?? this.defaultSizes;
    const measurements: Measurement[] = [];
    for (const size of sizes) {
      await withBenchApi({ ORDER_VERIFY_DELAY_MS: '50' }, async ({ sage, salesforce, api }) => {
        const opportunity = salesforce.findOne(
          'Opportunity',
          (record) => record.Name === SEED_OPPORTUNITIES.blackRockClosedWon,
        );
        if (!opportunity) throw new Error('The Salesforce sandbox has no Closed Won Black Rock opportunity');
        // One read first, so connection set-up and first-call compilation are not measured.
        await api.call('GET', `/api/v1/orders/${String(opportunity.Id)}`);

        const phases = [
          { scenario: `${size} concurrent pushes of one opportunity`, creates: true },
          { scenario: `${size} more pushes after the order exists`, creates: false },
        ];
        for (const phase of phases) {
          options.log?.(`order-push: ${phase.scenario}`);
          const ordersBefore = sage.state.orders.size;
          const answers = await watchedBurst({ sage, salesforce }, api, size, 'POST', '/api/v1/orders', {
            opportunityId: opportunity.Id,
          });
          const ok = (answers.statuses[200] ?? 0) + (answers.statuses[201] ?? 0);
          if (ok !== size || (answers.statuses[201] ?? 0) !== (phase.creates ? 1 : 0)) {
            throw new Error(`${phase.scenario}: answers ${describeStatuses(answers.statuses)}`);
          }
          const orderNumbers = new Set(answers.bodies.map((body) => (body as { orderNumber?: string }).orderNumber));
          if (orderNumbers.size !== 1) throw new Error(`${phase.scenario}: ${orderNumbers.size} different orders`);
          const [orderNumber] = orderNumbers;
          const writtenBack = salesforce.get('Opportunity', String(opportunity.Id))?.Sage_Order_Number__c;
          if (sage.state.orders.size - ordersBefore !== (phase.creates ? 1 : 0) || writtenBack !== orderNumber) {
            throw new Error(`${phase.scenario}: Sage holds the wrong orders, or the opportunity shows ${writtenBack}`);
          }
          const orderPosts = answers.sageSeen.byRoute[ORDER_POST] ?? 0;
          const scenario = `${phase.scenario} (${describeStatuses(answers.statuses)}; ${orderPosts} order POST)`;
          measurements.push(
            ...burstMeasurements(scenario, size, answers, {
              sage: phase.creates
                ? {
                    bound: SAGE_MINIMUM,
                    boundRule: 'customer + open documents + 1 order POST',
                    excess: [],
                  }
                : { bound: 0, boundRule: 'replayed from the ledger', excess: [] },
              salesforce: phase.creates
                ? { bound: SALESFORCE_MINIMUM, boundRule: 'opportunity query + write-back', excess: [] }
                : { bound: 0, boundRule: 'replayed from the ledger', excess: [] },
            }),
          );
        }
      });
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        'Middleware: startMiddleware on both sandboxes, SQLite store; callers POST /api/v1/orders over HTTP at once.',
        `Sage latency: ${SAGE_LATENCY_MS} ms injected on every Sage route; the sample Closed Won opportunity of Black Rock Retail (customer 1200).`,
        'Records: pushes (API calls); calls/record = requests per push; p50/p95 are per push.',
      ],
      measurements,
    };
  },
};
