/**
 * Creating a Sage customer for a Salesforce account under the Sequential numbering strategy, through the HTTP API.
 * The next number is one above the highest all-digit number in use; finding it must not read every customer, so the
 * Sage requests stay the same however many customers the company holds. Sage answers with a small injected latency.
 */
import { startSage300Sandbox, type Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { describeCounts, timed, type Benchmark, type BenchmarkReport, type Measurement } from './measure.js';
import { SAGE_LATENCY_MS, startBenchMiddleware, watchSage, watchSalesforce, type BenchMiddleware } from './systems.js';

/** The sample account without a Sage customer number. */
const ACCOUNT_NAME = 'Greenfield Robotics';

/**
 * Sage requests of the creation (the account has no postal code to match by, so only the numbering reads Sage): the highest number (4 to find the longest digit-led
 * number length by binary search on length(), then the count of that length's all-digit range and its last row by
 * position, since the Web API documents no $orderby); the check that the next number is free (1); the POST (1).
 */
const SAGE_REQUESTS = 8;
/** Salesforce requests: the account read, its re-read inside the provisioning queue, the customer number written back. */
const SALESFORCE_REQUESTS = 3;

export const customerNumbering: Benchmark = {
  name: 'customer-numbering',
  title: 'a new Sage customer for an account under Sequential numbering, through the HTTP API',
  defaultSizes: [20_000],

  async run(options): Promise<BenchmarkReport> {
    const sizes = options.sizes ?? this.defaultSizes;
    const measurements: Measurement[] = [];
    for (const size of sizes) {
      options.log?.(`customer-numbering: ${size} customers in Sage`);
      let sage: Sage300Sandbox | undefined;
      let salesforce: SalesforceSandbox | undefined;
      let api: BenchMiddleware | undefined;
      try {
        sage = await startSage300Sandbox({ seed: { customers: size } });
        salesforce = await startSalesforceSandbox({});
        api = await startBenchMiddleware(sage, salesforce, {
          CUSTOMER_NUMBER_STRATEGY: 'Sequential',
        });
        sage.setFaults('*', { latencyMs: SAGE_LATENCY_MS });
        const account = salesforce.findOne('Account', (record) => record.Name === ACCOUNT_NAME);
        if (!account) throw new Error(`The Salesforce sandbox has no account named ${ACCOUNT_NAME}`);
        // Without a postal code there is nothing to match by name and postal code: the creation is all numbering.
        salesforce.update('Account', String(account.Id), { BillingPostalCode: null });
        const customers = sage.state.customers.size;
        const sageWatch = watchSage(sage);
        const salesforceWatch = watchSalesforce(salesforce);
        const client = api;
        const { value: answer, wallMs } = await timed(() =>
          client.call('POST', '/api/v1/customers', { accountId: account.Id }),
        );
        const sageSeen = sageWatch.stop();
        const salesforceSeen = salesforceWatch.stop();
        const created = answer.body as { outcome?: string; customerNumber?: string } | undefined;
        if (answer.status !== 201 || created?.outcome !== 'created' || created.customerNumber !== '1501') {
          throw new Error(`${size} customers: answered ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        const scenario = `create customer ${created.customerNumber} among ${customers.toLocaleString('en-US')} customers`;
        measurements.push(
          {
            scenario,
            system: 'Sage 300',
            records: 1,
            requests: sageSeen.requests,
            bound: SAGE_REQUESTS,
            boundRule: 'highest number 6 + free check 1 + POST 1',
            excess: [],
            wallMs,
            detail: describeCounts(sageSeen.byRoute),
          },
          {
            scenario,
            system: 'Salesforce',
            records: 1,
            requests: salesforceSeen.requests,
            bound: SALESFORCE_REQUESTS,
            boundRule: 'account read 2 + link 1',
            excess: [],
            wallMs,
            detail: describeCounts(salesforceSeen.byRoute),
          },
        );
      } finally {
        await api?.close();
        await salesforce?.close();
        await sage?.close();
      }
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        'Middleware: startMiddleware on both sandboxes, CUSTOMER_NUMBER_STRATEGY Sequential, SQLite store; the account has no postal code, so no match is looked for.',
        `Sage: the sample company plus generated customers numbered C000001 …, 100 rows per answer; ${SAGE_LATENCY_MS} ms latency on every route.`,
        'Records: the one customer created; its number is one above the highest all-digit number (1500 in the sample company).',
      ],
      measurements,
    };
  },
};
