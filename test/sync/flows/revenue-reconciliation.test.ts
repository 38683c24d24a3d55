// The revenueReconciliation flow over both sandboxes and the real store (SQLite and PostgreSQL), and the report it
// feeds: the figures equal totals worked out by hand from the sandboxes' seed (each record named below), in JSON and
// in CSV, and every answer matches the OpenAPI document.
import { apiRouter, type ApiServices } from '../../../middleware/src/http/api.js';
import { createApp } from '../../../middleware/src/http/app.js';
import { openApiDocument } from '../../../middleware/src/http/openapi.js';
import { listen, type RunningServer } from '../../../middleware/src/http/server.js';
import { createRevenueReport, type RevenueReconciliation } from '../../../middleware/src/services/revenue-report.js';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import { builtInFlows } from '../../../middleware/src/sync/flows/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { SEED_ACCOUNTS, SEED_OPPORTUNITIES } from '../../../sandbox/salesforce/seed.js';
import { apiClient } from '../../http/api-client.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

const key = 'reconciliation-key-0123456789';

/** The month (`YYYY-MM`) of the day `days` before today, as the sandboxes date their seed. */
function monthAgo(days: number): string {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - days))
    .toISOString()
    .slice(0, 7);
}

type Figure = 'closedWon' | 'ordered' | 'invoiced' | 'collected';

/**
 * The seed, record by record: Salesforce's Closed Won opportunities (amounts from their line items at list prices),
 * the two Sage orders this test pushes, the Sage sample ledger's invoices, credit note and payments, and the invoice
 * of the Black Rock order. `days` is how long ago each is dated.
 */
const facts: { what: string; customer: string; days: number; figure: Figure; amount: number }[] = [
  {
    what: `${SEED_OPPORTUNITIES.blackRockClosedWon}: 2 × 749 + 5 × 109.95`,
    customer: '1200',
    days: 3,
    figure: 'closedWon',
    amount: 2047.75,
  },
  {
    what: `${SEED_OPPORTUNITIES.baysideOverCreditLimit}: 12 × 229`,
    customer: '1105',
    days: 2,
    figure: 'closedWon',
    amount: 2748,
  },
  {
    what: `${SEED_OPPORTUNITIES.northwindOnHold}: 4 × 129 + 10 × 34.99`,
    customer: '1500',
    days: 5,
    figure: 'closedWon',
    amount: 865.9,
  },
  {
    what: `${SEED_OPPORTUNITIES.mountainWithUnknownItem}: 10 × 34.99 + 6 × 45`,
    customer: '1100',
    days: 1,
    figure: 'closedWon',
    amount: 619.9,
  },
  {
    what: `${SEED_OPPORTUNITIES.cedarValleyUnlinkedProduct}: 6 × 129 + 2 × 150`,
    customer: '1400',
    days: 4,
    figure: 'closedWon',
    amount: 1074,
  },
  {
    what: `${SEED_OPPORTUNITIES.greenfieldNewCustomer}: 3 × 129 + 2 × 109.95`,
    customer: 'greenfield',
    days: 1,
    figure: 'closedWon',
    amount: 606.9,
  },
  // Orders pushed in this test, counted in the month their opportunity closed.
  {
    what: 'Sage order for the Store Refit: 2 × 749 + 5 × 109.95',
    customer: '1200',
    days: 3,
    figure: 'ordered',
    amount: 2047.75,
  },
  {
    what: 'Sage order for the Classroom Assembly: 6 × 129 (the assembly service is not a Sage item)',
    customer: '1400',
    days: 4,
    figure: 'ordered',
    amount: 774,
  },
  // The Sage sample ledger (sandbox/sage300/seed.ts), by document date.
  { what: '1100 MO-4471 Spring outdoor fixtures', customer: '1100', days: 95, figure: 'invoiced', amount: 14250 },
  { what: '1100 MO-4502 Display cabinets', customer: '1100', days: 48, figure: 'invoiced', amount: 3980.4 },
  { what: '1100 MO-4530 Executive desks for new branch', customer: '1100', days: 12, figure: 'invoiced', amount: 7425 },
  { what: '1105 BOS-118 Filing cabinets, head office', customer: '1105', days: 75, figure: 'invoiced', amount: 9850 },
  {
    what: '1105 BOS-121 Whiteboards and bulletin boards',
    customer: '1105',
    days: 60,
    figure: 'invoiced',
    amount: 8420.5,
  },
  {
    what: '1105 BOS-125 Desk lamps, back-to-school stock',
    customer: '1105',
    days: 45,
    figure: 'invoiced',
    amount: 6310.75,
  },
  { what: '1200 BR-2001 Store fixtures', customer: '1200', days: 120, figure: 'invoiced', amount: 2780 },
  {
    what: '1200 BR-2044 Filing cabinets, Market Street store',
    customer: '1200',
    days: 80,
    figure: 'invoiced',
    amount: 5000,
  },
  { what: '1200 BR-2087 Bulletin boards', customer: '1200', days: 10, figure: 'invoiced', amount: 2150 },
  { what: '1200 BR-2093 Executive desks', customer: '1200', days: 5, figure: 'invoiced', amount: 4815.6 },
  {
    what: '1200 credit note: damaged bulletin board returned',
    customer: '1200',
    days: 30,
    figure: 'invoiced',
    amount: -250,
  },
  { what: '1400 CVS-PO-7781 Classroom furniture', customer: '1400', days: 70, figure: 'invoiced', amount: 22340 },
  {
    what: '1400 CVS-PO-7830 Library shelving and lamps',
    customer: '1400',
    days: 10,
    figure: 'invoiced',
    amount: 12600,
  },
  { what: '1500 NW-300 Desk lamps', customer: '1500', days: 95, figure: 'invoiced', amount: 1870.4 },
  {
    what: 'Invoice of the Store Refit order (this test)',
    customer: '1200',
    days: 0,
    figure: 'invoiced',
    amount: 2047.75,
  },
  { what: '1100 check 10231 for MO-4471', customer: '1100', days: 64, figure: 'collected', amount: 14250 },
  { what: '1100 check 10388 for MO-4502', customer: '1100', days: 20, figure: 'collected', amount: 3980.4 },
  { what: '1200 check 5521 for BR-2001', customer: '1200', days: 85, figure: 'collected', amount: 2780 },
  { what: '1200 check 5590 for BR-2044 (part)', customer: '1200', days: 40, figure: 'collected', amount: 1760 },
  { what: '1400 check 88104 for CVS-PO-7781', customer: '1400', days: 35, figure: 'collected', amount: 22340 },
];

const names: Record<string, string> = {
  '1100': SEED_ACCOUNTS.mountain.name,
  '1105': SEED_ACCOUNTS.bayside.name,
  '1200': SEED_ACCOUNTS.blackRock.name,
  '1400': SEED_ACCOUNTS.cedarValley.name,
  '1500': SEED_ACCOUNTS.northwind.name,
  greenfield: SEED_ACCOUNTS.greenfield.name,
};

const round = (amount: number) => Math.round(amount * 100) / 100;

/** The expected figures per account name and month, summed from the facts. */
function expectedRows(): Map<string, Record<Figure, number>> {
  const rows = new Map<string, Record<Figure, number>>();
  for (const fact of facts) {
    const key = `${monthAgo(fact.days)}|${names[fact.customer]}`;
    const row = rows.get(key) ?? { closedWon: 0, ordered: 0, invoiced: 0, collected: 0 };
    row[fact.figure] = round(row[fact.figure] + fact.amount);
    rows.set(key, row);
  }
  return rows;
}

describe.each(engines)('revenueReconciliation on %s', (_engine, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;
  let server: RunningServer;
  let api: ReturnType<typeof apiClient>;
  const opportunityIds: Record<string, string> = {};

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('reconciliation');
    store = await openStore(database.url);
    // The grace days come from the connector settings, over the environment's.
    const settings = systems.salesforceSandbox.findOne(
      'Sage_Connector_Setting__mdt',
      (record) => record.DeveloperName === 'Default',
    );
    systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', String(settings?.Id), {
      Reconciliation_Late_Days__c: 2,
    });
    runtime = await startTestRuntime(systems, store, { env: { RECONCILIATION_LATE_DAYS: '9' } });
    for (const name of Object.values(SEED_OPPORTUNITIES)) {
      const found = systems.salesforceSandbox.findOne('Opportunity', (record) => record.Name === name);
      opportunityIds[name] = String(found?.Id);
    }
    const refit = await systems.sage.orders.create({
      CustomerNumber: '1200',
      OrderReference: opportunityIds[SEED_OPPORTUNITIES.blackRockClosedWon] as string,
      OrderDetails: [
        { LineType: 'Item', Item: 'A1-105/0', QuantityOrdered: 2, PricingUnitPrice: 749, PriceOverride: true },
        { LineType: 'Item', Item: 'A14500', QuantityOrdered: 5, PricingUnitPrice: 109.95, PriceOverride: true },
      ],
    });
    systems.sageSandbox.invoiceOrder(refit.OrderNumber);
    // A quote sent for the same opportunity before it was won is not an order: it adds nothing to what was ordered.
    await systems.sage.orders.create({
      CustomerNumber: '1200',
      OrderReference: opportunityIds[SEED_OPPORTUNITIES.blackRockClosedWon] as string,
      OrderType: 'Quote',
      OrderDetails: [
        { LineType: 'Item', Item: 'A14500', QuantityOrdered: 40, PricingUnitPrice: 99, PriceOverride: true },
      ],
    });
    await systems.sage.orders.create({
      CustomerNumber: '1400',
      OrderReference: opportunityIds[SEED_OPPORTUNITIES.cedarValleyUnlinkedProduct] as string,
      OrderDetails: [
        { LineType: 'Item', Item: 'A14010', QuantityOrdered: 6, PricingUnitPrice: 129, PriceOverride: true },
      ],
    });
    const services = { reports: createRevenueReport(store.revenueReconciliation) } as ApiServices;
    const options = { flowNames: builtInFlows.names };
    server = await listen(
      createApp({ api: { keys: [key], router: apiRouter(services, options), openapi: openApiDocument(options) } }),
      { port: 0, host: '127.0.0.1' },
    );
    api = apiClient(server.url, key);
  });

  afterAll(async () => {
    await server?.close();
    await runtime?.stop();
    await store?.close();
    await database?.drop();
    await systems?.close();
  });

  const from = monthAgo(130);
  const to = monthAgo(0);

  it('answers an empty report with no "as of" before the flow has run', async () => {
    const { status, body } = await api<RevenueReconciliation>(
      'GET',
      `/api/v1/reports/revenue-reconciliation?from=${from}&to=${to}`,
    );
    expect(status).toBe(200);
    expect(body.asOf).toBeNull();
    expect(body.rows).toEqual([]);
  });

  it('stores per month and account what the seed adds up to by hand, and the report answers it as JSON', async () => {
    const started = Date.now();
    const run = await runtime.runFlowNow('revenueReconciliation');
    expect(run.outcome).toBe('succeeded');

    const { status, body } = await api<RevenueReconciliation>(
      'GET',
      `/api/v1/reports/revenue-reconciliation?from=${from}&to=${to}`,
    );
    expect(status).toBe(200);
    expect(Date.parse(body.asOf ?? '')).toBeGreaterThanOrEqual(started - 1000);
    const actual = new Map(
      body.rows.map((row) => [
        `${row.month}|${row.accountName}`,
        { closedWon: row.closedWon, ordered: row.ordered, invoiced: row.invoiced, collected: row.collected },
      ]),
    );
    expect(actual).toEqual(expectedRows());
    for (const row of body.rows) expect(row.variance).toBe(round(row.closedWon - row.invoiced));

    const blackRock = body.rows.find((row) => row.month === monthAgo(3) && row.customerNumber === '1200');
    expect(blackRock?.wonOpportunities).toBe(1);
    expect(blackRock?.withoutOrder).toEqual([]);
    expect(blackRock?.withoutInvoice).toEqual([]);
    // Closed two or more days ago (Reconciliation_Late_Days__c = 2) with no order: Bayside, Northwind.
    const late = (customer: string) =>
      body.rows.find(
        (row) =>
          row.month ===
            monthAgo(facts.find((fact) => fact.customer === customer && fact.figure === 'closedWon')?.days ?? 0) &&
          row.customerNumber === customer,
      );
    expect(late('1105')?.withoutOrder.map((opportunity) => opportunity.name)).toEqual([
      SEED_OPPORTUNITIES.baysideOverCreditLimit,
    ]);
    expect(late('1500')?.withoutOrder.map((opportunity) => opportunity.name)).toEqual([
      SEED_OPPORTUNITIES.northwindOnHold,
    ]);
    // Ordered but never invoiced: Cedar Valley's Classroom Assembly.
    expect(late('1400')?.withoutOrder).toEqual([]);
    expect(late('1400')?.withoutInvoice).toEqual([
      expect.objectContaining({
        name: SEED_OPPORTUNITIES.cedarValleyUnlinkedProduct,
        amount: 1074,
        orderNumber: expect.stringMatching(/^ORD/),
      }),
    ]);
    // Closed yesterday: not late yet.
    expect(late('1100')?.withoutOrder).toEqual([]);

    const sum = (figure: Figure) =>
      round(facts.filter((fact) => fact.figure === figure).reduce((total, fact) => total + fact.amount, 0));
    expect(body.totals).toEqual({
      closedWon: sum('closedWon'),
      ordered: sum('ordered'),
      invoiced: sum('invoiced'),
      collected: sum('collected'),
      variance: round(sum('closedWon') - sum('invoiced')),
    });
  });

  it('answers one account, by its Salesforce Id', async () => {
    const blackRockId = String(
      systems.salesforceSandbox.findOne('Account', (record) => record.Name === SEED_ACCOUNTS.blackRock.name)?.Id,
    );
    const { body } = await api<RevenueReconciliation>(
      'GET',
      `/api/v1/reports/revenue-reconciliation?from=${from}&to=${to}&accountId=${blackRockId}`,
    );
    expect(new Set(body.rows.map((row) => row.accountId))).toEqual(new Set([blackRockId]));
    const invoiced = round(
      facts
        .filter((fact) => fact.customer === '1200' && fact.figure === 'invoiced')
        .reduce((total, fact) => total + fact.amount, 0),
    );
    expect(body.totals.invoiced).toBe(invoiced);
  });

  it('answers the same figures as CSV (RFC 4180), for Accept: text/csv and for format=csv', async () => {
    const json = await api<RevenueReconciliation>(
      'GET',
      `/api/v1/reports/revenue-reconciliation?from=${from}&to=${to}`,
    );
    const byAccept = await api<string>('GET', `/api/v1/reports/revenue-reconciliation?from=${from}&to=${to}`, {
      headers: { accept: 'text/csv' },
    });
    const byFormat = await api<string>(
      'GET',
      `/api/v1/reports/revenue-reconciliation?from=${from}&to=${to}&format=csv`,
    );
    expect(byAccept.status).toBe(200);
    expect(String(byAccept.headers['content-type'])).toMatch(/^text\/csv/);
    expect(byFormat.text).toBe(byAccept.text);
    expect(byAccept.text.endsWith('\r\n')).toBe(true);
    const lines = byAccept.text.slice(0, -2).split('\r\n');
    expect(lines[0]).toBe(
      'month,accountId,accountName,customerNumber,closedWon,ordered,invoiced,collected,variance,wonOpportunities,withoutOrder,withoutInvoice,asOf',
    );
    expect(lines).toHaveLength(json.body.rows.length + 1);
    const expected = expectedRows();
    for (const line of lines.slice(1)) {
      const [month, , accountName, , closedWon, ordered, invoiced, collected] = line.split(',');
      expect({
        closedWon: Number(closedWon),
        ordered: Number(ordered),
        invoiced: Number(invoiced),
        collected: Number(collected),
      }).toEqual(expected.get(`${month}|${accountName}`));
    }
  });

  it('refuses bad ranges with a 400 naming the parameter', async () => {
    const ask = (query: string) =>
      api<{ error: { code: string; message: string } }>('GET', `/api/v1/reports/revenue-reconciliation?${query}`);
    const before = await ask('from=2026-05&to=2026-04');
    expect(before.status).toBe(400);
    expect(before.body.error.message).toBe('to: must not be before from (2026-05)');
    const tooLong = await ask('from=2023-01&to=2026-01');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toBe('to: must be at most 36 months after from (the range covers 37)');
    expect((await ask('from=2023-02&to=2026-01')).status).toBe(200);
    const malformed = await ask('from=2026-13&to=2026-12');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/^from: must be a month written YYYY-MM/);
    const missing = await ask('from=2026-01');
    expect(missing.body.error.message).toMatch(/^to: /);
    const account = await ask('from=2026-01&to=2026-02&accountId=006000000000001');
    expect(account.body.error.message).toMatch(/^accountId: must be a Salesforce Account id/);
    expect((await ask('from=2026-01&to=2026-02&format=xml')).body.error.message).toBe('format: must be json or csv');
  });

  it('writes nothing when run again with the same figures, yet refreshes the "as of"', async () => {
    const stored = () =>
      store.db.selectFrom('revenue_reconciliation').select(['account_key', 'month', 'computed_at']).execute();
    const before = await stored();
    const first = (await store.revenueReconciliation.snapshot())?.asOf.getTime() ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await runtime.runFlowNow('revenueReconciliation');
    expect(again).toMatchObject({ outcome: 'succeeded', read: 1, unchanged: 1, created: 0, updated: 0 });
    expect(await stored()).toEqual(before);
    expect((await store.revenueReconciliation.snapshot())?.asOf.getTime()).toBeGreaterThan(first);

    // A new figure (an invoice today) is written.
    await systems.sage.orders
      .create({
        CustomerNumber: '1100',
        OrderReference: 'COUNTER-SALE',
        OrderDetails: [
          { LineType: 'Item', Item: 'A14010', QuantityOrdered: 1, PricingUnitPrice: 129, PriceOverride: true },
        ],
      })
      .then((order) => systems.sageSandbox.invoiceOrder(order.OrderNumber));
    const changed = await runtime.runFlowNow('revenueReconciliation');
    expect(changed).toMatchObject({ outcome: 'succeeded', read: 1, unchanged: 0, updated: 1 });
    expect((await stored()).map((entry) => entry.computed_at)).not.toContain(before[0]?.computed_at);
  });
});
