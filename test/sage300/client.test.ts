import type { Sage300Settings } from '../../middleware/src/config/env.js';
import { ConnectorError } from '../../middleware/src/domain/errors.js';
import { createSage300Client } from '../../middleware/src/sage300/client.js';
import type { Sage300Client } from '../../middleware/src/sage300/client.js';
import { collect } from '../../middleware/src/sage300/paging.js';
import type { RetryEvent, SageRequestInfo } from '../../middleware/src/sage300/transport.js';
import { startSage300Sandbox } from '../../sandbox/sage300/server.js';
import type { Sage300Sandbox } from '../../sandbox/sage300/server.js';

const NOW = new Date('2026-03-16T10:00:00Z');
const INJECTION = "1200') or (CustomerNumber ne '";

let sandbox: Sage300Sandbox;
let client: Sage300Client;
/** A client that gives up after 300 ms, for the faults that never answer. */
let impatient: Sage300Client;
const retries: RetryEvent[] = [];
/** Every HTTP attempt the clients reported through their onRequest hook. */
const attempts: SageRequestInfo[] = [];
const clients: Sage300Client[] = [];

function settingsFor(target: Sage300Sandbox, overrides: Partial<Sage300Settings> = {}): Sage300Settings {
  return {
    baseUrl: target.apiRoot,
    company: target.company,
    user: target.user,
    password: target.password,
    timeoutMs: 5_000,
    pageSize: 500,
    maxConcurrency: 4,
    ...overrides,
  };
}

function clientFor(target: Sage300Sandbox, overrides: Partial<Sage300Settings> = {}): Sage300Client {
  const created = createSage300Client(settingsFor(target, overrides), {
    retry: { attempts: 4, baseDelayMs: 2, maxDelayMs: 20 },
    onRetry: (event) => retries.push(event),
    onRequest: (info) => attempts.push(info),
  });
  clients.push(created);
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sandbox = await startSage300Sandbox({ now: NOW, hangMs: 5_000 });
  client = clientFor(sandbox);
  impatient = clientFor(sandbox, { timeoutMs: 300 });
});

afterAll(async () => {
  for (const created of clients) created.close();
  await sandbox.close();
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.resetCounts();
  retries.length = 0;
  attempts.length = 0;
});

describe('the Sage 300 client over HTTP', () => {
  it('reads a customer with the field names of the Web API and without Sage padding', async () => {
    const customer = await client.customers.get('1200');
    expect(customer).toBeDefined();
    expect(Object.keys(customer ?? {})).toEqual(
      expect.arrayContaining([
        'CustomerNumber',
        'CustomerName',
        'ShortName',
        'GroupCode',
        'Terms',
        'TaxGroup',
        'CustomerPriceList',
        'CreditLimitCustomerCurrency',
        'BalanceDueInCustomerCurrency',
        'AmountPastDue',
        'NumberOfOpenDocuments',
        'DateOfLastInvoice',
        'DateLastMaintained',
        'ContactsEmail',
        'ZipPostalCode',
      ]),
    );
    expect(customer).not.toHaveProperty('TermsCode');
    expect(customer).toMatchObject({
      CustomerNumber: '1200',
      CustomerName: 'Black Rock Retail',
      ShortName: 'BLACK',
      GroupCode: 'RTL',
      Terms: 'DUETBL',
      TaxGroup: 'CALIF',
      CustomerPriceList: 'RTL',
      CreditLimitCustomerCurrency: 25000,
    });
  });

  it('answers undefined for a customer Sage does not have', async () => {
    await expect(client.customers.get('NOSUCH')).resolves.toBeUndefined();
  });

  it('sends a customer number with quotes and operators as one literal that matches nothing', async () => {
    await expect(client.customers.get(INJECTION)).resolves.toBeUndefined();
    await expect(collect(client.documents.postedDocuments({ customerNumber: INJECTION }))).resolves.toEqual([]);
    await expect(client.customers.findByEmail("x' or Email ne '")).resolves.toEqual([]);
    expect(sandbox.counts()['GET AR/ARCustomers']).toBe(2);
    expect(sandbox.counts()['GET AR/ARPostedDocuments']).toBe(1);

    // The same text pasted into a filter unescaped would have matched every customer.
    const unescaped = await client.transport.get<{ value: unknown[] }>('AR/ARCustomers', {
      params: { $filter: `(CustomerNumber eq '${INJECTION}')` },
    });
    expect(unescaped.value.length).toBe(5);
  });

  it('finds customers by e-mail address regardless of case', async () => {
    const found = await client.customers.findByEmail('AP@BlackRockRetail.example.com');
    expect(found.map((customer) => customer.CustomerNumber)).toEqual(['1200']);
  });

  it('sends the JSON content type on every request, so GET, POST, PATCH and DELETE succeed first time', async () => {
    await client.customers.get('1100');
    await client.customers.create({ CustomerNumber: 'ct-check', ShortName: 'CTCHECK', GroupCode: 'RTL' });
    await client.customers.patch('CT-CHECK', { CustomerName: 'Content Type Check' });
    await client.transport.delete("AR/ARCustomers('CT-CHECK')");
    expect(sandbox.counts()).toEqual({
      'GET AR/ARCustomers': 1,
      'POST AR/ARCustomers': 1,
      'PATCH AR/ARCustomers': 1,
      'DELETE AR/ARCustomers': 1,
    });
    expect(retries).toEqual([]);
  });

  it('creates a customer with defaults from its group and patches it, moving DateLastMaintained', async () => {
    const created = await client.customers.create({
      CustomerNumber: 'sf-0001',
      ShortName: 'HARBOR',
      GroupCode: 'WHL',
      CustomerName: "O'Neill Harbor Supply",
      Email: 'orders@oneill.example.com',
      CustomerPriceList: 'WHS',
    });
    expect(created).toMatchObject({
      CustomerNumber: 'SF-0001',
      CustomerName: "O'Neill Harbor Supply",
      Terms: 'N30',
      AccountSet: 'USA',
      CreditLimitCustomerCurrency: 50000,
      DateLastMaintained: '2026-03-16T00:00:00Z',
    });
    const stored = sandbox.state.customers.get(['SF-0001']);
    expect(stored).toBeDefined();
    if (stored) stored.DateLastMaintained = '2026-01-01T00:00:00Z';
    await client.customers.patch('SF-0001', { ContactName: 'Eileen Harbor', OnHold: 'Yes' });
    const read = await client.customers.get('sf-0001');
    expect(read).toMatchObject({
      ContactName: 'Eileen Harbor',
      OnHold: 'Yes',
      DateLastMaintained: '2026-03-16T00:00:00Z',
    });
    const changed = await collect(client.customers.list({ changedSince: new Date('2026-03-16T00:00:00Z') }));
    expect(changed.map((customer) => customer.CustomerNumber)).toContain('SF-0001');
    expect(changed.map((customer) => customer.CustomerNumber)).not.toContain('1200');
  });

  it('raises a permanent error with Sage code, message and key fields for a duplicate customer', async () => {
    const error = await rejection(
      client.customers.create({ CustomerNumber: '1100', ShortName: 'DUP', GroupCode: 'WHL' }),
    );
    expect(error).toMatchObject({ kind: 'permanent', code: 'RecordDuplicate', status: 409, system: 'sage300' });
    expect(error.context).toMatchObject({ customerNumber: '1100' });
    expect(sandbox.counts()['POST AR/ARCustomers']).toBe(1);
  });

  it('reads ship-to locations of a customer', async () => {
    const locations = await client.customers.shipToLocations('1200');
    expect(locations.map((location) => location.ShipToLocationKey)).toEqual(['MARKET', 'OFFICE']);
    const office = await client.customers.getShipToLocation('1200', 'office');
    expect(office).toMatchObject({ Description: 'Head office', PrimaryShipToIndicator: 'Yes' });
  });
});

describe('paging', () => {
  let large: Sage300Sandbox;

  beforeAll(async () => {
    large = await startSage300Sandbox({ now: NOW, pageSize: 100, seed: { customers: 1234, randomSeed: 7 } });
  });

  afterAll(async () => {
    await large.close();
  });

  it('yields each of 1,234 customers exactly once across windows and next links', async () => {
    const paged = clientFor(large, { pageSize: 500 });
    const numbers: string[] = [];
    for await (const customer of paged.customers.list({ select: ['CustomerNumber'] }))
      numbers.push(customer.CustomerNumber);
    expect(numbers).toHaveLength(1234);
    expect(new Set(numbers).size).toBe(1234);
    expect(new Set(numbers)).toEqual(new Set(large.state.customers.all().map((row) => row.CustomerNumber)));
    // Windows of 500 rows, each served as pages of 100 (5 + 5 + 3 requests).
    expect(large.counts()['GET AR/ARCustomers']).toBe(13);
  });

  it('reports how many customers match with the first page, without a request of its own', async () => {
    large.resetCounts();
    const paged = clientFor(large, { pageSize: 100 });
    const since = new Date('2026-01-01T00:00:00Z');
    const matching = large.state.customers.all().filter((row) => String(row.DateLastMaintained) >= '2026-01-01');
    const counts: number[] = [];
    let readBeforeCount: number | undefined;
    let read = 0;
    for await (const _customer of paged.customers.list({
      select: ['CustomerNumber'],
      changedSince: since,
      onCount: (count) => {
        counts.push(count);
        readBeforeCount = read;
      },
    }))
      read++;
    expect(read).toBe(matching.length);
    expect(counts).toEqual([matching.length]);
    expect(readBeforeCount).toBe(0);
    // As many requests as the same read without the count (252 rows do not fill their last window).
    const withCount = large.counts()['GET AR/ARCustomers'];
    large.resetCounts();
    await collect(paged.customers.list({ select: ['CustomerNumber'], changedSince: since }));
    expect(withCount).toBe(large.counts()['GET AR/ARCustomers']);
    expect(matching.length).toBeGreaterThan(100);
  });

  it('reads the legacy string spelling of the count', async () => {
    const legacy = await startSage300Sandbox({ now: NOW, pageSize: 2, odataDialect: 'legacy' });
    try {
      const paged = clientFor(legacy, { pageSize: 1000 });
      let total: number | undefined;
      const customers = await collect(paged.customers.list({ onCount: (count) => (total = count) }));
      expect(total).toBe(5);
      expect(customers).toHaveLength(5);
      expect(legacy.counts()['GET AR/ARCustomers']).toBe(3);
    } finally {
      await legacy.close();
    }
  });

  it('ends a read of exactly one window at the announced count, without the empty answer after it', async () => {
    const exact = await startSage300Sandbox({ now: NOW, pageSize: 2 });
    try {
      // Windows of 5 rows served as pages of 2: the sample company's 5 customers fill the first window exactly.
      const paged = clientFor(exact, { pageSize: 5 });
      const counted = await collect(paged.customers.list({ onCount: () => undefined }));
      expect(counted).toHaveLength(5);
      expect(exact.counts()['GET AR/ARCustomers']).toBe(3);
      exact.resetCounts();
      const uncounted = await collect(paged.customers.list());
      expect(uncounted).toEqual(counted);
      expect(exact.counts()['GET AR/ARCustomers']).toBe(4);
    } finally {
      await exact.close();
    }
  });

  it('follows the legacy odata.nextLink spelling', async () => {
    const legacy = await startSage300Sandbox({ now: NOW, pageSize: 2, odataDialect: 'legacy' });
    try {
      const paged = clientFor(legacy, { pageSize: 1000 });
      const customers = await collect(paged.customers.list());
      expect(customers.map((customer) => customer.CustomerNumber)).toEqual(['1100', '1105', '1200', '1400', '1500']);
      expect(legacy.counts()['GET AR/ARCustomers']).toBe(3);
    } finally {
      await legacy.close();
    }
  });
});

describe('retries and failure kinds', () => {
  it('retries a read answered with 503 and succeeds', async () => {
    sandbox.setFaults('GET AR/ARCustomers', { status503: 1, times: 2 });
    await expect(client.customers.get('1100')).resolves.toMatchObject({ CustomerNumber: '1100' });
    expect(sandbox.counts()['GET AR/ARCustomers']).toBe(3);
    expect(retries.map((event) => event.error.status)).toEqual([503, 503]);
  });

  it('retries a read answered with 429 after the Retry-After the server asked for', async () => {
    sandbox.setFaults('GET AR/ARCustomers', { status429: 1, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    await expect(client.customers.get('1100')).resolves.toMatchObject({ CustomerNumber: '1100' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ delayMs: 1000, error: { code: 'TooManyRequests', kind: 'transient' } });
  });

  it('retries reads that time out or whose connection is reset', async () => {
    sandbox.setFaults('GET AR/ARCustomers', { timeout: 1, times: 1 });
    await expect(impatient.customers.get('1400')).resolves.toMatchObject({ CustomerNumber: '1400' });
    expect(retries[0]?.error).toMatchObject({ kind: 'transient', code: 'Timeout' });
    retries.length = 0;
    sandbox.setFaults('GET AR/ARCustomers', { reset: 1, times: 1 });
    await expect(client.customers.get('1400')).resolves.toMatchObject({ CustomerNumber: '1400' });
    expect(retries.map((event) => event.error.code)).toEqual(['ECONNRESET']);
  });

  it('gives up with a transient error when the server keeps failing, and then turns requests away at once', async () => {
    // A client of its own: once it gave up, Sage is unreachable for it until the next probe.
    const failing = clientFor(sandbox);
    sandbox.setFaults('GET AR/ARCustomers', { status503: 1 });
    const before = Date.now();
    const error = await rejection(failing.customers.get('1100'));
    expect(error).toMatchObject({ kind: 'transient', status: 503, code: 'HTTP503' });
    expect(error.context).toMatchObject({ customerNumber: '1100' });
    // IIS's HTML page is not Sage's envelope: there are no words of Sage's to carry.
    expect(error.context).not.toHaveProperty('sageCode');
    expect(error.context).not.toHaveProperty('sageMessage');
    expect(sandbox.counts()['GET AR/ARCustomers']).toBe(4);

    const outage = failing.outage();
    expect(outage?.since.getTime()).toBeGreaterThanOrEqual(before);
    expect(outage?.since.getTime()).toBeLessThanOrEqual(Date.now());
    const turnedAway = await rejection(failing.terms());
    expect(turnedAway).toMatchObject({ kind: 'transient', code: 'SageUnreachable' });
    expect(turnedAway.retryAfterMs).toBeGreaterThan(25_000);
    expect(turnedAway.message).toContain(`unreachable since ${outage?.since.toISOString() ?? ''}`);
    expect(sandbox.counts()['GET AR/ARTerms']).toBeUndefined();
    expect(client.outage()).toBeUndefined();
  });

  it('does not retry a 409 and reports Sage code, message and the order reference', async () => {
    const error = await rejection(
      client.orders.create({
        CustomerNumber: '1500',
        OrderReference: '006HOLD0000001',
        OrderDetails: [{ LineType: 'Item', Item: 'A11030', QuantityOrdered: 1 }],
      }),
    );
    expect(error).toMatchObject({ kind: 'permanent', code: 'RecordInvalid', status: 409 });
    expect(error.message).toContain('Customer 1500 is on hold.');
    expect(error.context).toMatchObject({ customerNumber: '1500', orderReference: '006HOLD0000001' });
    expect(error.context).toMatchObject({ sageCode: 'RecordInvalid', sageMessage: 'Customer 1500 is on hold.' });
    expect(sandbox.counts()['POST OE/OEOrders']).toBe(1);
    expect(retries).toEqual([]);
  });

  it('refuses wrong credentials with a permanent Unauthorized error', async () => {
    const stranger = clientFor(sandbox, { password: 'WRONG' });
    const error = await rejection(stranger.customers.get('1100'));
    expect(error).toMatchObject({ kind: 'permanent', status: 401, code: 'Unauthorized' });
  });
});

describe('orders', () => {
  it('raises in-doubt when the order commits but the answer never comes, and finds it by OrderReference', async () => {
    sandbox.setFaults('POST OE/OEOrders', { commitThenTimeout: true, times: 1 });
    const reference = '006Dn00000AbCdEIAV';
    const error = await rejection(
      impatient.orders.create({
        CustomerNumber: '1100',
        OrderReference: reference,
        OrderDetails: [{ LineType: 'Item', Item: 'A14500', QuantityOrdered: 3 }],
      }),
    );
    expect(error).toMatchObject({ kind: 'in-doubt', code: 'Timeout', system: 'sage300' });
    expect(error.context).toMatchObject({ orderReference: reference, customerNumber: '1100' });
    expect(sandbox.counts()['POST OE/OEOrders']).toBe(1);

    const found = await client.orders.findByReference(reference);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ CustomerNumber: '1100', OrderReference: reference, OrderTotal: 264.15 });
  });

  it('raises in-doubt without retrying when an order POST gets a 503', async () => {
    sandbox.setFaults('POST OE/OEOrders', { status503: 1, times: 1 });
    const error = await rejection(
      client.orders.create({
        CustomerNumber: '1100',
        OrderReference: 'REF-503',
        OrderDetails: [{ LineType: 'Item', Item: 'A11030', QuantityOrdered: 1 }],
      }),
    );
    expect(error.kind).toBe('in-doubt');
    expect(sandbox.counts()['POST OE/OEOrders']).toBe(1);
    await expect(client.orders.findByReference('REF-503')).resolves.toEqual([]);
  });

  it('creates an order priced from the customer price list, numbered lines, and commits stock', async () => {
    const before = await client.items.get('A1-105/0');
    const order = await client.orders.create({
      CustomerNumber: '1400',
      OrderReference: '006CEDAR0000001',
      PurchaseOrderNumber: 'CVS-PO-8000',
      OrderDetails: [
        { LineType: 'Item', Item: 'A1-105/0', QuantityOrdered: 2 },
        { LineType: 'Item', Item: 'A14010', QuantityOrdered: 1, PricingUnitPrice: 80, PriceOverride: true },
        { LineType: 'Miscellaneous', MiscellaneousChargesCode: 'HC', ExtendedAmount: 20.25 },
      ],
    });
    expect(order.OrderNumber).toMatch(/^ORD\d+$/);
    expect(order.OrderDetails.map((line) => [line.LineNumber, line.PricingUnitPrice, line.ExtendedAmount])).toEqual([
      [32, 612.5, 1225],
      [64, 80, 80],
      [96, 0, 20.25],
    ]);
    expect(order.OrderTotal).toBe(1325.25);
    expect(order.TermsCode).toBe('N30');

    await expect(client.orders.get(order.OrderUniquifier)).resolves.toMatchObject({ OrderNumber: order.OrderNumber });
    await expect(client.orders.findByNumber(order.OrderNumber)).resolves.toMatchObject({
      OrderUniquifier: order.OrderUniquifier,
    });
    const after = await client.items.get('A1-105/0');
    expect(after?.QuantityOnSalesOrder).toBe((before?.QuantityOnSalesOrder ?? 0) + 2);
    expect(after?.QuantityAvailable).toBe((before?.QuantityAvailable ?? 0) - 2);
  });

  it('refuses an inactive item with a permanent error', async () => {
    const error = await rejection(
      client.orders.create({
        CustomerNumber: '1100',
        OrderReference: 'REF-INACTIVE',
        OrderDetails: [{ LineType: 'Item', Item: 'A19999', QuantityOrdered: 1 }],
      }),
    );
    expect(error).toMatchObject({ kind: 'permanent', code: 'RecordInvalid', status: 409 });
  });
});

describe('documents and items', () => {
  it('reads the posted documents of a customer, which add up to its balance', async () => {
    const documents = await collect(client.documents.postedDocuments({ customerNumber: '1105' }));
    const customer = await client.customers.get('1105');
    const total = documents.reduce((sum, document) => sum + document.CustomerCurrencyAmountDue, 0);
    expect(Math.round(total * 100) / 100).toBe(customer?.BalanceDueInCustomerCurrency);
    expect(customer?.BalanceDueInCustomerCurrency).toBeGreaterThan(customer?.CreditLimitCustomerCurrency ?? Infinity);
    expect(documents.every((document) => document.DocumentType === 'Invoice' && document.FullyPaid === 'No')).toBe(
      true,
    );
  });

  it('sees an invoiced order and a payment as changes since the day they happened', async () => {
    const order = await client.orders.create({
      CustomerNumber: '1200',
      OrderReference: '006BLACK0000001',
      OrderDetails: [{ LineType: 'Item', Item: 'A11030', QuantityOrdered: 10 }],
    });
    const { document } = sandbox.invoiceOrder(order.OrderUniquifier);
    const today = new Date('2026-03-16T00:00:00Z');
    const changed = await collect(client.documents.postedDocuments({ customerNumber: '1200', changedSince: today }));
    expect(changed.map((row) => row.DocumentNumber)).toEqual([document.DocumentNumber]);
    expect(changed[0]).toMatchObject({
      OrderNumber: order.OrderNumber,
      CustomerCurrencyAmountDue: 349.9,
      Terms: 'DUETBL',
    });

    sandbox.recordPayment({ customerNumber: '1200', documentNumber: String(document.DocumentNumber), amount: 349.9 });
    const payments = await collect(client.documents.payments({ customerNumber: '1200', changedSince: today }));
    expect(payments).toEqual([
      expect.objectContaining({ DocumentNumber: document.DocumentNumber, PaymentAmount: 349.9 }),
    ]);
    const open = await collect(client.documents.postedDocuments({ customerNumber: '1200', openOnly: true }));
    expect(open.map((row) => row.DocumentNumber)).not.toContain(document.DocumentNumber);
    const invoices = await collect(client.documents.orderInvoices({ since: today }));
    expect(invoices.map((invoice) => invoice.OrderNumber)).toContain(order.OrderNumber);
  });

  it('reads items, prices per price list, price lists and locations', async () => {
    const pricing = await client.items.pricing('A14500', 'WHS');
    expect(pricing).toHaveLength(1);
    expect(
      pricing[0]?.ItemPricingDetails.find((detail) => detail.PriceDetailType === 'BasePriceQuantity')?.UnitPrice,
    ).toBe(88.05);
    const lists = await client.items.priceLists();
    expect(lists.map((list) => list.PriceListCodeKey).sort()).toEqual(['RTL', 'WHS']);
    const locations = await client.items.locations();
    expect(locations.map((location) => location.LocationKey)).toEqual(['1', '2', '3', '4']);
    const active = await collect(client.items.list({ activeOnly: true }));
    expect(active.map((item) => item.ItemNumber)).not.toContain('A19999');
    expect(active).toHaveLength(5);
    await expect(client.items.get('A19999')).resolves.toMatchObject({
      Status: 'Inactive',
      Description: 'Discontinued Chair',
    });
  });

  it('proves the server, credentials and company with ping', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
    const elsewhere = clientFor(sandbox, { company: 'NOCO' });
    await expect(elsewhere.ping()).rejects.toMatchObject({ kind: 'permanent', status: 401 });
  });
});

describe('the request hook', () => {
  const withoutTimes = (seen: SageRequestInfo[]) => seen.map(({ durationMs: _ms, ...rest }) => rest);

  it('reports every HTTP attempt, retries included, labelled by resource and never by record', async () => {
    sandbox.setFaults('GET AR/ARCustomers', { status503: 1, times: 2 });
    await expect(client.customers.get('1100')).resolves.toMatchObject({ CustomerNumber: '1100' });
    expect(withoutTimes(attempts)).toEqual([
      { method: 'GET', route: 'AR/ARCustomers', status: 503, outcome: 'transient' },
      { method: 'GET', route: 'AR/ARCustomers', status: 503, outcome: 'transient' },
      { method: 'GET', route: 'AR/ARCustomers', status: 200, outcome: 'ok' },
    ]);
    expect(attempts).toHaveLength(sandbox.counts()['GET AR/ARCustomers'] ?? 0);
  });

  it('reports a refusal with Sage’s status and the error’s kind, once, since it is not retried', async () => {
    await rejection(client.customers.create({ CustomerNumber: '1100', ShortName: 'DUP', GroupCode: 'WHL' }));
    await expect(client.customers.get('NOSUCH')).resolves.toBeUndefined();
    expect(withoutTimes(attempts)).toEqual([
      { method: 'POST', route: 'AR/ARCustomers', status: 409, outcome: 'permanent' },
      { method: 'GET', route: 'AR/ARCustomers', status: 404, outcome: 'permanent' },
    ]);
  });

  it('reports an attempt that got no answer without a status, as in doubt for an order POST', async () => {
    sandbox.setFaults('POST OE/OEOrders', { commitThenTimeout: true, times: 1 });
    await rejection(
      impatient.orders.create({
        CustomerNumber: '1100',
        OrderReference: '006HOOK0000001',
        OrderDetails: [{ LineType: 'Item', Item: 'A11030', QuantityOrdered: 1 }],
      }),
    );
    expect(withoutTimes(attempts)).toEqual([{ method: 'POST', route: 'OE/OEOrders', outcome: 'in-doubt' }]);
    expect(attempts[0]?.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('times each attempt from sending to the answer', async () => {
    sandbox.setFaults('GET AR/ARTerms', { latencyMs: 40 });
    await client.terms();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ method: 'GET', route: 'AR/ARTerms', status: 200, outcome: 'ok' });
    expect(attempts[0]?.durationMs).toBeGreaterThanOrEqual(35);
    expect(attempts[0]?.durationMs).toBeLessThan(2_000);
  });

  it('labels the pages reached through next links with the resource they page through', async () => {
    const legacy = await startSage300Sandbox({ now: NOW, pageSize: 2 });
    try {
      const paged = clientFor(legacy, { pageSize: 1000 });
      const customers = await collect(paged.customers.list({ select: ['CustomerNumber'] }));
      expect(customers).toHaveLength(5);
      expect(withoutTimes(attempts)).toEqual(
        Array.from({ length: 3 }, () => ({ method: 'GET', route: 'AR/ARCustomers', status: 200, outcome: 'ok' })),
      );
    } finally {
      await legacy.close();
    }
  });
});
