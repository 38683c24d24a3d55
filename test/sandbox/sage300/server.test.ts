import { startSage300Sandbox } from '../../../sandbox/sage300/server.js';
import type { Sage300Sandbox } from '../../../sandbox/sage300/server.js';

const NOW = new Date('2026-03-16T10:00:00Z');
const AUTH = `Basic ${Buffer.from('WEBAPI:WEBAPI').toString('base64')}`;

let sandbox: Sage300Sandbox;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Calls the sandbox like a Sage client would: Basic auth and the JSON content type, unless told otherwise. */
async function sage(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = path.startsWith('http') ? path : `${sandbox.apiRoot}/SAMINC/${path}`;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { Authorization: AUTH, 'Content-Type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const rows = (answer: Answer) => answer.body.value as Record<string, unknown>[];
const errorCode = (answer: Answer) => (answer.body.error as { code: string }).code;
const filter = (text: string) => encodeURIComponent(text);

beforeAll(async () => {
  sandbox = await startSage300Sandbox({ now: NOW, hangMs: 1_000 });
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.resetCounts();
});

describe('the Sage 300 sandbox: transport rules', () => {
  it('refuses requests without valid Basic credentials', async () => {
    const none = await fetch(`${sandbox.apiRoot}/SAMINC/AR/ARCustomers`, {
      headers: { 'Content-Type': 'application/json' },
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    const wrong = await sage('AR/ARCustomers', {
      headers: { Authorization: `Basic ${Buffer.from('WEBAPI:nope').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      error: { code: 'Unauthorized', message: { lang: 'en-US', value: expect.any(String) } },
    });
  });

  it('answers 500 when the JSON content type is missing, even on a GET', async () => {
    const res = await fetch(`${sandbox.apiRoot}/SAMINC/AR/ARCustomers('1200')`, { headers: { Authorization: AUTH } });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('InternalServerError');
  });

  it('answers unknown companies, modules and resources as Sage does', async () => {
    expect((await sage(`${sandbox.apiRoot}/NOCO/AR/ARCustomers`)).status).toBe(401);
    const module = await sage('XX/ARCustomers');
    expect([module.status, errorCode(module)]).toEqual([404, 'ResourceNotFound']);
    const resource = await sage('AR/ARNothing');
    expect([resource.status, errorCode(resource)]).toEqual([404, 'ResourceNotFound']);
    const wrongModule = await sage('OE/ARCustomers');
    expect(wrongModule.status).toBe(404);
  });

  it('allows only GET and POST on OEOrders', async () => {
    const order = await sage('OE/OEOrders', {
      method: 'POST',
      body: {
        CustomerNumber: '1100',
        OrderReference: 'M-1',
        OrderDetails: [{ LineType: 'Item', Item: 'A11030', QuantityOrdered: 1 }],
      },
    });
    expect(order.status).toBe(201);
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      const answer = await sage(`OE/OEOrders(${String(order.body.OrderUniquifier)})`, { method, body: {} });
      expect([answer.status, errorCode(answer)]).toEqual([405, 'MethodNotAllowed']);
    }
    const posted = await sage('AR/ARPostedDocuments', { method: 'POST', body: {} });
    expect(posted.status).toBe(405);
  });
});

describe('entry keys', () => {
  it('reads entries by quoted, numeric and named composite keys', async () => {
    expect((await sage("AR/ARCustomers('1200')")).body.CustomerName).toBe('Black Rock Retail');
    expect((await sage("AR/ARCustomers('bLaCk')")).status).toBe(404);
    expect(
      (await sage("AR/ARShipToLocations(CustomerNumber='1200',ShipToLocationKey='OFFICE')")).body.Description,
    ).toBe('Head office');
    expect(
      (await sage("AR/ARShipToLocations(ShipToLocationKey='MARKET',CustomerNumber='1200')")).body.Description,
    ).toBe('Market Street store');
    expect((await sage(`IC/ICItems('${encodeURIComponent('A1-105/0')}')`)).body.Description).toBe('Executive Desk');
  });

  it('reads doubled quotes in a key as one quote and refuses malformed keys', async () => {
    const created = await sage('AR/ARCustomers', {
      method: 'POST',
      body: { CustomerNumber: "O'NEIL", ShortName: 'ONEILL', GroupCode: 'WHL' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/ARCustomers\('O''NEIL'\)$/);
    expect((await sage("AR/ARCustomers('O''NEIL')")).body.ShortName).toBe('ONEILL    ');
    const unquoted = await sage('AR/ARCustomers(1200)');
    expect([unquoted.status, errorCode(unquoted)]).toEqual([400, 'InvalidEntityKey']);
    const open = await sage("AR/ARCustomers('1200)");
    expect(errorCode(open)).toBe('InvalidEntityKey');
    const missing = await sage('OE/OEOrders(99999999)');
    expect([missing.status, errorCode(missing)]).toEqual([404, 'RecordNotFound']);
  });

  it('returns a defaulted template body', async () => {
    const template = await sage("AR/ARCustomers('$template')", { method: 'POST' });
    expect(template.status).toBe(200);
    expect(template.body).toMatchObject({ CustomerNumber: '', Status: 'Active', OnHold: 'No', CurrencyCode: 'USD' });
  });
});

describe('OData queries', () => {
  it('filters with comparisons, and/or, parentheses, enums and v4 dates', async () => {
    const onHold = await sage(`AR/ARCustomers?$filter=${filter("OnHold eq 'Yes'")}&$select=CustomerNumber`);
    expect(rows(onHold)).toEqual([{ CustomerNumber: '1500' }]);
    const overLimit = await sage(
      `AR/ARCustomers?$filter=${filter("(GroupCode eq 'RTL' and BalanceDueInCustomerCurrency gt 9000) or CustomerNumber eq '1400'")}&$select=CustomerNumber`,
    );
    expect(rows(overLimit).map((row) => row.CustomerNumber)).toEqual(['1105', '1200', '1400']);
    const recent = await sage(
      `AR/ARPostedDocuments?$filter=${filter("CustomerNumber eq '1200' and DocumentDate ge 2026-03-01T00:00:00Z")}&$select=DocumentNumber,DocumentDate`,
    );
    expect(rows(recent).every((row) => String(row.DocumentDate) >= '2026-03-01')).toBe(true);
    expect(rows(recent)).toHaveLength(2);
    const dateOnly = await sage(
      `AR/ARPostedDocuments?$filter=${filter('DocumentDate lt 2026-01-01')}&$count=true&$top=0`,
    );
    expect(dateOnly.body['@odata.count']).toBe(5);
  });

  it('supports startswith, endswith, substringof and length, case-insensitively', async () => {
    const names = async (text: string) =>
      rows(await sage(`AR/ARCustomers?$filter=${filter(text)}&$select=CustomerNumber`)).map(
        (row) => row.CustomerNumber,
      );
    expect(await names("startswith(CustomerName,'black')")).toEqual(['1200']);
    expect(await names("endswith(CustomerName,'Inc.')")).toEqual(['1100']);
    expect(await names("substringof('office',CustomerName)")).toEqual(['1105']);
    expect(await names('length(ShortName) eq 5')).toEqual(['1200']);
    expect(await names("CustomerName eq 'BAYSIDE OFFICE SUPPLY'")).toEqual(['1105']);
  });

  it('reads doubled quotes in string literals as one quote', async () => {
    await sage("AR/ARCustomers('1400')", { method: 'PATCH', body: { ContactName: "Helen O'Hara" } });
    const found = await sage(
      `AR/ARCustomers?$filter=${filter("ContactName eq 'Helen O''Hara'")}&$select=CustomerNumber`,
    );
    expect(rows(found)).toEqual([{ CustomerNumber: '1400' }]);
  });

  it('answers 400 InvalidParameters for bad filters, unquoted strings, unknown properties and options', async () => {
    for (const query of [
      `$filter=${filter("CustomerNumber eq '1200")}`,
      `$filter=${filter('CustomerNumber eq Bob')}`,
      `$filter=${filter("Nonsense eq 'x'")}`,
      `$filter=${filter("CustomerNumber eq '1200' or")}`,
      '$select=CustomerNumber,Bogus',
      '$orderby=CustomerName',
      '$top=-1',
    ]) {
      const answer = await sage(`AR/ARCustomers?${query}`);
      expect([query, answer.status, errorCode(answer)]).toEqual([query, 400, 'InvalidParameters']);
    }
  });

  it('pages with @odata.nextLink and honours $top, $skip, $select and $count', async () => {
    const small = await startSage300Sandbox({ now: NOW, pageSize: 2 });
    try {
      const first = await sage(`${small.apiRoot}/SAMINC/AR/ARCustomers?$select=CustomerNumber&$count=true`);
      expect(first.body['@odata.context']).toBe(`${small.apiRoot}/SAMINC/AR/$metadata#ARCustomers(CustomerNumber)`);
      expect(first.body['@odata.count']).toBe(5);
      expect(rows(first)).toEqual([{ CustomerNumber: '1100' }, { CustomerNumber: '1105' }]);
      const second = await sage(String(first.body['@odata.nextLink']));
      expect(rows(second).map((row) => row.CustomerNumber)).toEqual(['1200', '1400']);
      const third = await sage(String(second.body['@odata.nextLink']));
      expect(rows(third).map((row) => row.CustomerNumber)).toEqual(['1500']);
      expect(third.body['@odata.nextLink']).toBeUndefined();

      const limited = await sage(`${small.apiRoot}/SAMINC/AR/ARCustomers?$select=CustomerNumber&$skip=1&$top=3`);
      expect(rows(limited).map((row) => row.CustomerNumber)).toEqual(['1105', '1200']);
      const rest = await sage(String(limited.body['@odata.nextLink']));
      expect(rows(rest).map((row) => row.CustomerNumber)).toEqual(['1400']);
      expect(rest.body['@odata.nextLink']).toBeUndefined();
    } finally {
      await small.close();
    }
  });

  it('pads code columns with trailing spaces and still matches them without', async () => {
    const customer = await sage("AR/ARCustomers('1200')");
    expect(customer.body.GroupCode).toBe('RTL   ');
    expect(customer.body.CustomerNumber).toBe('1200');
    const found = await sage(
      `AR/ARCustomers?$filter=${filter("GroupCode eq 'RTL' and startswith(CustomerNumber,'1')")}&$count=true&$top=0`,
    );
    expect(found.body['@odata.count']).toBe(3);
  });
});

describe('master data writes', () => {
  it('creates a customer with group defaults and refuses duplicates, unknown groups and unknown properties', async () => {
    const created = await sage('AR/ARCustomers', {
      method: 'POST',
      body: { CustomerNumber: 'new100', ShortName: 'NEW100', GroupCode: 'WHL', CustomerName: 'New Hundred' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      CustomerNumber: 'NEW100',
      Terms: 'N30   ',
      CreditLimitCustomerCurrency: 50000,
    });
    expect(created.body.DateLastMaintained).toBe('2026-03-16T00:00:00Z');
    const duplicate = await sage('AR/ARCustomers', {
      method: 'POST',
      body: { CustomerNumber: 'NEW100', ShortName: 'X', GroupCode: 'WHL' },
    });
    expect([duplicate.status, errorCode(duplicate)]).toEqual([409, 'RecordDuplicate']);
    const group = await sage('AR/ARCustomers', {
      method: 'POST',
      body: { CustomerNumber: 'NEW101', ShortName: 'X', GroupCode: 'ZZZ' },
    });
    expect([group.status, errorCode(group)]).toEqual([409, 'RecordInvalid']);
    const misspelt = await sage('AR/ARCustomers', {
      method: 'POST',
      body: { CustomerNumber: 'NEW102', ShortName: 'X', GroupCode: 'RTL', TermsCode: 'N30' },
    });
    expect([misspelt.status, errorCode(misspelt)]).toEqual([400, 'InvalidPayload']);
    const tooLong = await sage('AR/ARCustomers', {
      method: 'POST',
      body: { CustomerNumber: '1234567890123', ShortName: 'X', GroupCode: 'RTL' },
    });
    expect(tooLong.status).toBe(409);
  });

  it('patches detail rows by UpdateOperation and PUT removes the rows the body leaves out', async () => {
    await sage('AR/ARCustomers', {
      method: 'POST',
      body: { CustomerNumber: 'OPT1', ShortName: 'OPT1', GroupCode: 'RTL' },
    });
    await sage("AR/ARCustomers('OPT1')", {
      method: 'PATCH',
      body: {
        CustomerOptionalFieldValues: [
          { OptionalField: 'REGION', Value: 'WEST', UpdateOperation: 'Insert' },
          { OptionalField: 'SEGMENT', Value: 'SMB', UpdateOperation: 'Insert' },
        ],
      },
    });
    await sage("AR/ARCustomers('OPT1')", {
      method: 'PATCH',
      body: { CustomerOptionalFieldValues: [{ OptionalField: 'SEGMENT', UpdateOperation: 'Delete' }] },
    });
    expect((await sage("AR/ARCustomers('OPT1')")).body.CustomerOptionalFieldValues).toEqual([
      { OptionalField: 'REGION', Value: 'WEST' },
    ]);
    const replaced = await sage("AR/ARCustomers('OPT1')", {
      method: 'PUT',
      body: { ShortName: 'OPT1', GroupCode: 'RTL', CustomerName: 'Replaced' },
    });
    expect(replaced.status).toBe(204);
    const after = await sage("AR/ARCustomers('OPT1')");
    expect(after.body).toMatchObject({ CustomerName: 'Replaced', CustomerOptionalFieldValues: [] });
  });

  it('moves DateLastMaintained when master data changes, and deletes customers without transactions only', async () => {
    const stored = sandbox.state.customers.get(['1400']);
    if (stored) stored.DateLastMaintained = '2025-01-01T00:00:00Z';
    await sage("AR/ARCustomers('1400')", { method: 'PATCH', body: { PhoneNumber: '5415550000' } });
    expect((await sage("AR/ARCustomers('1400')")).body.DateLastMaintained).toBe('2026-03-16T00:00:00Z');
    const refused = await sage("AR/ARCustomers('1400')", { method: 'DELETE' });
    expect(refused.status).toBe(409);
    await sage('AR/ARCustomers', {
      method: 'POST',
      body: { CustomerNumber: 'GONE', ShortName: 'GONE', GroupCode: 'RTL' },
    });
    expect((await sage("AR/ARCustomers('GONE')", { method: 'DELETE' })).status).toBe(204);
    expect((await sage("AR/ARCustomers('GONE')")).status).toBe(404);
  });
});

describe('orders and the ledger', () => {
  it('numbers an order, prices it from the price list and refuses unknown customers, items and holds', async () => {
    const body = (customer: string, item: string) => ({
      CustomerNumber: customer,
      OrderReference: `REF-${customer}-${item}`,
      OrderDetails: [{ LineType: 'Item', Item: item, QuantityOrdered: 2 }],
    });
    const order = await sage('OE/OEOrders', { method: 'POST', body: body('1200', 'A14500') });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ OrderType: 'Active', PriceListCode: 'RTL   ', OrderTotal: 219.9 });
    expect(typeof order.body.OrderUniquifier).toBe('number');
    for (const [customer, item, message] of [
      ['9999', 'A14500', 'Customer 9999 does not exist.'],
      ['1200', 'NOPE', 'Item NOPE does not exist.'],
      ['1200', 'A19999', 'Item A19999 is inactive.'],
      ['1500', 'A14500', 'Customer 1500 is on hold.'],
    ] as const) {
      const refused = await sage('OE/OEOrders', { method: 'POST', body: body(customer, item) });
      expect([
        refused.status,
        errorCode(refused),
        (refused.body.error as { message: { value: string } }).message.value,
      ]).toEqual([409, 'RecordInvalid', message]);
    }
    const misspelt = await sage('OE/OEOrders', { method: 'POST', body: { ...body('1200', 'A14500'), OrderRef: 'x' } });
    expect(misspelt.status).toBe(400);
  });

  it('takes a quote as an OEOrders entry of OrderType Quote that commits no stock, lists it by type, never invoices it', async () => {
    const item = () => sandbox.state.items.get(['A14010']) ?? {};
    const onOrderBefore = item().QuantityOnSalesOrder;
    const quote = await sage('OE/OEOrders', {
      method: 'POST',
      body: {
        CustomerNumber: '1200',
        OrderReference: 'REF-QUOTE',
        OrderType: 'Quote',
        OrderDetails: [{ LineType: 'Item', Item: 'A14010', QuantityOrdered: 3 }],
      },
    });
    expect(quote.status).toBe(201);
    expect(quote.body).toMatchObject({ OrderType: 'Quote', OrderReference: 'REF-QUOTE' });
    expect(item().QuantityOnSalesOrder).toBe(onOrderBefore);

    const quotes = rows(
      await sage(`OE/OEOrders?$filter=${filter("OrderReference eq 'REF-QUOTE' and OrderType eq 'Quote'")}`),
    );
    expect(quotes.map((row) => row.OrderNumber)).toEqual([quote.body.OrderNumber]);
    const active = rows(
      await sage(`OE/OEOrders?$filter=${filter("OrderReference eq 'REF-QUOTE' and OrderType eq 'Active'")}`),
    );
    expect(active).toEqual([]);

    const invoiced = await fetch(`${sandbox.origin}/_sandbox/orders/${String(quote.body.OrderNumber)}/invoice`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(invoiced.status).toBe(409);
    const typo = await sage('OE/OEOrders', {
      method: 'POST',
      body: { CustomerNumber: '1200', OrderReference: 'REF-TYPO', OrderType: 'Quotation', OrderDetails: [] },
    });
    expect([typo.status, errorCode(typo)]).toEqual([409, 'RecordInvalid']);
  });

  it('invoices an order and records a payment through the control endpoint, updating the ledger', async () => {
    const order = await sage('OE/OEOrders', {
      method: 'POST',
      body: {
        CustomerNumber: '1100',
        OrderReference: 'REF-LEDGER',
        OrderDetails: [{ LineType: 'Item', Item: 'A1-103/0', QuantityOrdered: 4 }],
      },
    });
    const item = () => sandbox.state.items.get(['A1-103/0']) ?? {};
    const customer = () => sandbox.state.customers.get(['1100']) ?? {};
    const onHandBefore = item().QuantityOnHand as number;
    const balanceBefore = customer().BalanceDueInCustomerCurrency as number;
    expect(order.body.OrderTotal).toBe(740);

    const invoiced = await fetch(`${sandbox.origin}/_sandbox/orders/${String(order.body.OrderNumber)}/invoice`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(invoiced.status).toBe(201);
    const { document, invoice } = (await invoiced.json()) as {
      document: Record<string, unknown>;
      invoice: Record<string, unknown>;
    };
    expect(document).toMatchObject({
      CustomerNumber: '1100',
      DocumentType: 'Invoice',
      CustomerCurrencyAmountDue: 740,
      DueDate: '2026-04-15T00:00:00Z',
      OrderNumber: order.body.OrderNumber,
    });
    expect(item().QuantityOnHand).toBe(onHandBefore - 4);
    expect(customer().BalanceDueInCustomerCurrency).toBe(balanceBefore + 740);
    expect(customer().DateOfLastInvoice).toBe('2026-03-16T00:00:00Z');
    const oeInvoice = await sage(
      `OE/OEInvoices?$filter=${filter(`InvoiceNumber eq '${String(invoice.InvoiceNumber)}'`)}`,
    );
    expect(rows(oeInvoice)[0]).toMatchObject({ OrderNumber: order.body.OrderNumber, InvoiceTotalWithTax: 740 });
    const again = await fetch(`${sandbox.origin}/_sandbox/orders/${String(order.body.OrderUniquifier)}/invoice`, {
      method: 'POST',
    });
    expect(again.status).toBe(409);

    const paid = await fetch(`${sandbox.origin}/_sandbox/payments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        customerNumber: '1100',
        documentNumber: document.DocumentNumber,
        amount: 740,
        checkNumber: '20001',
      }),
    });
    expect(paid.status).toBe(201);
    const ledger = await sage(
      `AR/ARPostedDocuments(CustomerNumber='1100',DocumentNumber='${String(document.DocumentNumber)}')`,
    );
    expect(ledger.body).toMatchObject({
      FullyPaid: 'Yes',
      CustomerCurrencyAmountDue: 0,
      DatePaid: '2026-03-16T00:00:00Z',
    });
    const payments = await sage(
      `AR/ARPayments?$filter=${filter(`DocumentNumber eq '${String(document.DocumentNumber)}'`)}`,
    );
    expect(rows(payments)).toEqual([
      expect.objectContaining({ PaymentAmount: 740, CheckNumber: '20001', SequenceNumber: 1 }),
    ]);
    expect(customer()).toMatchObject({
      BalanceDueInCustomerCurrency: balanceBefore,
      DateOfLastReceipt: '2026-03-16T00:00:00Z',
    });

    const overpaid = await fetch(`${sandbox.origin}/_sandbox/payments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ customerNumber: '1100', documentNumber: document.DocumentNumber, amount: 1 }),
    });
    expect(overpaid.status).toBe(409);
  });
});

describe('faults and counts', () => {
  it('counts requests per route and reports them over the control endpoint', async () => {
    await sage("AR/ARCustomers('1200')");
    await sage('AR/ARCustomers');
    await sage('IC/ICItems');
    expect(sandbox.counts()).toEqual({ 'GET AR/ARCustomers': 2, 'GET IC/ICItems': 1 });
    const counts = await fetch(`${sandbox.origin}/_sandbox/counts`);
    expect(await counts.json()).toEqual({ 'GET AR/ARCustomers': 2, 'GET IC/ICItems': 1 });
    await fetch(`${sandbox.origin}/_sandbox/counts`, { method: 'DELETE' });
    expect(sandbox.counts()).toEqual({});
  });

  it('injects 503, 429 with Retry-After and connection resets for a number of requests', async () => {
    sandbox.setFaults('GET AR/ARTerms', { status503: 1, times: 1 });
    const unavailable = await fetch(`${sandbox.apiRoot}/SAMINC/AR/ARTerms`, {
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    });
    expect(unavailable.status).toBe(503);
    expect(await unavailable.text()).toContain('Service Unavailable');
    expect((await sage('AR/ARTerms')).status).toBe(200);

    const set = await fetch(`${sandbox.origin}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ route: 'GET AR/ARTerms', faults: { status429: 1, retryAfterSeconds: 2, times: 1 } }),
    });
    expect(set.status).toBe(200);
    const limited = await sage('AR/ARTerms');
    expect([limited.status, errorCode(limited), limited.headers.get('retry-after')]).toEqual([
      429,
      'TooManyRequests',
      '2',
    ]);

    sandbox.setFaults('*', { reset: 1, times: 1 });
    await expect(sage('AR/ARTerms')).rejects.toThrow();
    expect((await sage('AR/ARTerms')).status).toBe(200);
  });

  it('strikes the requests it is told to for sure, and carries Retry-After only on the failures of the faults that set it', async () => {
    sandbox.clearFaults();
    sandbox.setFaults('*', { retryAfterSeconds: 5, strikes: [{ at: 2, fault: 'status503' }] });
    sandbox.setFaults('GET AR/ARTerms', { strikes: [{ at: 1, fault: 'status429' }] });
    // The route's 429 carries no Retry-After, though '*' names one; the second request overall meets '*''s 503.
    const limited = await sage('AR/ARTerms');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, null]);
    const unavailable = await fetch(`${sandbox.apiRoot}/SAMINC/AR/ARTerms`, {
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    });
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '5']);
    expect((await sage('AR/ARTerms')).status).toBe(200);
    expect(sandbox.faultsFired()).toEqual({ status429: 1, status503: 1 });
    sandbox.clearFaults();
    expect(() => sandbox.setFaults('*', { strikes: [{ at: 0, fault: 'timeout' }] })).toThrow(RangeError);
  });

  it('refuses fault settings that are not probabilities', async () => {
    const bad = await fetch(`${sandbox.origin}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ route: '*', faults: { status503: 3 } }),
    });
    expect(bad.status).toBe(400);
  });

  it('delays the first request after a cold start and every request by the latency asked', async () => {
    sandbox.setFaults('GET AR/ARTerms', { coldStartMs: 400, latencyMs: { min: 20, max: 30 } });
    let started = Date.now();
    await sage('AR/ARTerms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(415);
    started = Date.now();
    await sage('AR/ARTerms');
    const second = Date.now() - started;
    expect(second).toBeGreaterThanOrEqual(18);
    expect(second).toBeLessThan(400);
  });

  it('commits an order and never answers when told to commit then time out', async () => {
    sandbox.setFaults('POST OE/OEOrders', { commitThenTimeout: true, times: 1 });
    const before = sandbox.state.orders.size;
    await expect(
      fetch(`${sandbox.apiRoot}/SAMINC/OE/OEOrders`, {
        method: 'POST',
        headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ CustomerNumber: '1100', OrderReference: 'REF-HANG', OrderDetails: [] }),
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toThrow();
    expect(sandbox.state.orders.size).toBe(before + 1);
    expect(sandbox.state.orders.all().some((order) => order.OrderReference === 'REF-HANG')).toBe(true);
  });

  it('commits a change to a customer and never answers when told to commit then time out', async () => {
    sandbox.setFaults('PATCH AR/ARCustomers', { commitThenTimeout: true, times: 1 });
    await expect(
      fetch(`${sandbox.apiRoot}/SAMINC/AR/ARCustomers('1100')`, {
        method: 'PATCH',
        headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ContactsPhone: '(303) 555-0199' }),
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toThrow();
    expect(sandbox.state.customers.get(['1100'])?.ContactsPhone).toBe('(303) 555-0199');
  });
});
