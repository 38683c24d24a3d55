// Every benchmark at a tiny size: the requests it prints must meet the lower bound, apart from the excess it names,
// so a change that costs extra API calls fails here before it shows in docs/benchmarks.md.
import { customerNumbering } from '../../scripts/bench/customer-numbering.js';
import { customersFlowBenchmark } from '../../scripts/bench/customers-flow.js';
import { financialsApi } from '../../scripts/bench/financials-api.js';
import { invoicesFlowBenchmark } from '../../scripts/bench/invoices-flow.js';
import {
  formatReport,
  measurementCells,
  TABLE_HEADER,
  unexplainedRequests,
  type BenchmarkReport,
  type Measurement,
} from '../../scripts/bench/measure.js';
import { orderPush } from '../../scripts/bench/order-push.js';
import { productsFlowBenchmark } from '../../scripts/bench/products-flow.js';
import { sageReads } from '../../scripts/bench/sage-reads.js';
import { salesforceWrites } from '../../scripts/bench/salesforce-writes.js';

const column = (name: string) => TABLE_HEADER.indexOf(name);

/** The printed table line of a measurement, split into its cells. */
function printed(report: BenchmarkReport, m: Measurement): string[] {
  const line = formatReport(report)
    .split('\n')
    .find((text) => text.startsWith(`| ${m.scenario} | ${m.system} |`));
  if (line === undefined) throw new Error(`no printed line for ${m.scenario} (${m.system})`);
  const cells = line.slice(2, -2).split(' | ');
  expect(cells).toEqual(measurementCells(m));
  return cells;
}

/** Every line prints calls per record equal to the bound per record, or names each request above it. */
function expectAtTheBound(report: BenchmarkReport): void {
  expect(report.measurements.length).toBeGreaterThan(0);
  for (const m of report.measurements) {
    const cells = printed(report, m);
    expect({ line: `${m.scenario} (${m.system})`, requests: unexplainedRequests(m) }).toEqual({
      line: `${m.scenario} (${m.system})`,
      requests: m.bound,
    });
    if (m.excess.length === 0) {
      expect(cells[column('Calls/record')]).toBe(cells[column('Bound/record')]);
      expect(cells[column('Ratio')]).toBe('1.000');
    }
  }
}

const byScenario = (report: BenchmarkReport, text: string, system: Measurement['system']) =>
  report.measurements.find((m) => m.scenario.includes(text) && m.system === system) as Measurement;

describe('benchmarks at a tiny size', () => {
  it('pages Sage customers and documents in ceil(N / rows per answer) requests for every page setting', async () => {
    const report = await sageReads.run({ sizes: [250] });
    expectAtTheBound(report);
    expect(report.measurements).toHaveLength(6);
    expect(byScenario(report, 'customers; server raised to 1000', 'Sage 300').requests).toBe(1);
    expect(byScenario(report, 'customers; server left at 100, client 1000', 'Sage 300').requests).toBe(3);
  }, 60_000);

  it('upserts Accounts in Collections of 200 up to the Bulk threshold and in one Bulk job above it', async () => {
    const report = await salesforceWrites.run({ sizes: [250, 450], bulkThreshold: 300, bulkPollIntervalMs: 20 });
    expectAtTheBound(report);
    const collections = byScenario(report, 'upsert 250', 'Salesforce');
    expect(collections).toMatchObject({ requests: 2, bound: 2 });
    const bulk = byScenario(report, 'upsert 450', 'Salesforce');
    expect(bulk.bound).toBe(6);
    expect(bulk.detail).toMatch(/^1 bulkJob, \d+ bulkRequest$/);
  }, 60_000);

  it('writes nothing on an unchanged second run and one Collections request for 100 changed customers', async () => {
    const report = await customersFlowBenchmark.run({ sizes: [450] });
    expectAtTheBound(report);
    expect(byScenario(report, 'first run', 'Salesforce')).toMatchObject({ records: 450, requests: 3 });
    expect(byScenario(report, 'second run', 'Salesforce')).toMatchObject({ records: 0, requests: 0 });
    expect(byScenario(report, 'third run', 'Salesforce')).toMatchObject({ records: 100, requests: 1 });
  }, 120_000);

  it('syncs items and prices in one upsert per object, and keeps stock current by writing only what moved', async () => {
    const report = await productsFlowBenchmark.run({ sizes: [450] });
    expectAtTheBound(report);
    const line = (text: string, system: Measurement['system'], source = '') =>
      report.measurements.find(
        (m) => m.scenario.includes(text) && m.scenario.includes(source) && m.system === system,
      ) as Measurement;
    // 450 items and their 450 RTL prices: one Sage request per source.
    expect(line('first run', 'Sage 300', 'ICItems')).toMatchObject({ records: 450, requests: 1 });
    expect(line('first run', 'Sage 300', 'ICItemPricing')).toMatchObject({ records: 450, requests: 1 });
    // 3 Collections of products, 3 of new entries, 1 of the 5 seeded entries, 1 query for the standard price book.
    expect(line('first run', 'Salesforce')).toMatchObject({ records: 900, requests: 8, bound: 6 });
    expect(line('second run', 'Sage 300', 'ICItems').requests).toBe(1);
    expect(line('second run', 'Sage 300', 'ICItemPricing').requests).toBe(1);
    expect(line('second run', 'Salesforce')).toMatchObject({ records: 0, requests: 0 });
    expect(line('third run', 'Salesforce')).toMatchObject({ records: 100, requests: 2 });
    expect(line('third run', 'Sage 300', 'ICItems').requests).toBe(1);
    expect(line('third run', 'Sage 300', 'ICItemPricing').requests).toBe(1);
    expect(line("items' stock moved", 'Sage 300', 'ICItems').requests).toBe(1);
    expect(line("items' stock moved", 'Salesforce')).toMatchObject({ records: 100, requests: 2 });
    expect(line("items' stock moved", 'Salesforce').detail).toBe('1 query, 1 collectionWrite');
  }, 120_000);

  it('writes posted documents in the fewest requests, nothing when unchanged, and 100 payments in one request', async () => {
    const report = await invoicesFlowBenchmark.run({ sizes: [1000] });
    expectAtTheBound(report);
    expect(byScenario(report, 'first run', 'Sage 300')).toMatchObject({ records: 1000, requests: 1 });
    // Each run is a process of its own, which reads the Custom Metadata (2 queries) when it starts.
    expect(byScenario(report, 'first run', 'Salesforce')).toMatchObject({ records: 1000, requests: 5 + 2 });
    expect(byScenario(report, 'second run', 'Sage 300').requests).toBe(1);
    expect(byScenario(report, 'second run', 'Salesforce')).toMatchObject({ records: 0, requests: 2 });
    expect(byScenario(report, 'second run', 'Salesforce').detail).toBe('1 auth, 2 query');
    expect(byScenario(report, 'third run', 'Sage 300').scenario).toContain('third run, 100 payments recorded');
    expect(byScenario(report, 'third run', 'Sage 300').requests).toBe(1);
    expect(byScenario(report, 'third run', 'Salesforce')).toMatchObject({ records: 100, requests: 1 + 2 });
    expect(report.settings.join('\n')).toMatch(/first run: 1,000 documents: \d+ MB/);
  }, 240_000);

  it('answers a burst of financials calls with two Sage requests, and cached calls with none', async () => {
    const report = await financialsApi.run({ sizes: [8] });
    expectAtTheBound(report);
    expect(byScenario(report, 'cold cache', 'Sage 300').requests).toBe(2);
    expect(byScenario(report, 'cached', 'Sage 300').requests).toBe(0);
  }, 60_000);

  it('creates one Sage order for concurrent pushes of one opportunity and replays later pushes for free', async () => {
    const report = await orderPush.run({ sizes: [6] });
    expectAtTheBound(report);
    const first = byScenario(report, 'concurrent pushes', 'Sage 300');
    expect(first.detail).toContain('1 POST OE/OEOrders');
    expect(byScenario(report, 'concurrent pushes', 'Salesforce').requests).toBe(2);
    expect(byScenario(report, 'after the order exists', 'Sage 300').requests).toBe(0);
  }, 60_000);

  it('finds the next Sequential customer number in the same few Sage requests for 250 or 2,000 customers', async () => {
    const report = await customerNumbering.run({ sizes: [250, 2_000] });
    expectAtTheBound(report);
    const sage = report.measurements.filter((m) => m.system === 'Sage 300');
    expect(sage.map((m) => m.requests)).toEqual([8, 8]);
    expect(sage.map((m) => m.detail)).toEqual([
      '7 GET AR/ARCustomers, 1 POST AR/ARCustomers',
      '7 GET AR/ARCustomers, 1 POST AR/ARCustomers',
    ]);
  }, 60_000);
});
