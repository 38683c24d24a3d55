import { startSystem, type ErrorAnswer, type System } from './harness.js';

interface Financials {
  customerNumber: string;
  balance: number;
  creditLimit: number;
  availableCredit: number | null;
  pastDue: number;
  aging: Record<string, number>;
  onHold: boolean;
  openDocuments: number;
  asOf: string;
}
interface InvoiceList {
  invoices: { documentNumber: string; dueDate: string | null; status: string; balanceDue: number }[];
  truncated: boolean;
}

let system: System;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system.close();
});

beforeEach(() => system.sage.resetCounts());

describe('live financials', () => {
  it('answers 100 concurrent requests for one customer with one Sage read of the customer and its documents', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => system.api<Financials>('GET', '/api/v1/customers/1100/financials')),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(system.sage.counts()).toEqual({ 'GET AR/ARCustomers': 1, 'GET AR/ARPostedDocuments': 1 });

    const metrics = (await system.api<string>('GET', '/metrics')).body;
    const lookups = (result: string) =>
      Number(
        new RegExp(`connector_cache_lookups_total\\{cache="financials",result="${result}"\\} (\\d+)`).exec(
          metrics,
        )?.[1] ?? 0,
      );
    expect(lookups('miss')).toBe(1);
    expect(lookups('coalesced') + lookups('hit')).toBe(99);
  });

  it('serves repeat requests from the cache and goes back to Sage when fresh data is asked for', async () => {
    await system.api('GET', '/api/v1/customers/1400/financials');
    await system.api('GET', '/api/v1/customers/1400/financials');
    expect(system.sage.counts()['GET AR/ARCustomers']).toBe(1);
    const fresh = await system.api<Financials>('GET', '/api/v1/customers/1400/financials?fresh=true');
    expect(fresh.status).toBe(200);
    expect(system.sage.counts()['GET AR/ARCustomers']).toBe(2);
  });

  it('reports the figures Sage holds, with aging that adds up to the open documents', async () => {
    const answer = await system.api<Financials>('GET', '/api/v1/customers/1200/financials?fresh=true');
    const customer = system.sage.state.customers.get(['1200']);
    const open = system.sage.state.postedDocuments
      .withFirstKey('1200')
      .filter((document) => document.FullyPaid !== 'Yes' && document.CustomerCurrencyAmountDue !== 0);
    const openTotal = open.reduce((sum, document) => sum + Number(document.CustomerCurrencyAmountDue), 0);
    expect(answer.body.balance).toBe(customer?.BalanceDueInCustomerCurrency);
    expect(answer.body.creditLimit).toBe(customer?.CreditLimitCustomerCurrency);
    expect(answer.body.availableCredit).toBeCloseTo(answer.body.creditLimit - answer.body.balance, 2);
    expect(answer.body.openDocuments).toBe(open.length);
    const agingTotal = Object.values(answer.body.aging).reduce((sum, value) => sum + value, 0);
    expect(agingTotal).toBeCloseTo(openTotal, 2);
    expect(answer.body.pastDue).toBeCloseTo(agingTotal - (answer.body.aging.current ?? 0), 2);
  });

  it('shows a customer on hold', async () => {
    const answer = await system.api<Financials>('GET', '/api/v1/customers/1500/financials');
    expect(answer.body.onHold).toBe(true);
  });

  it('tells a rep plainly that a customer does not exist', async () => {
    const answer = await system.api<ErrorAnswer>('GET', '/api/v1/customers/9999/financials');
    expect(answer.status).toBe(404);
    expect(answer.body.error).toEqual({
      code: 'CUSTOMER_NOT_FOUND',
      message: 'Sage 300 has no customer 9999. Check the Sage customer number on the account.',
      details: { customerNumber: '9999' },
    });
  });
});

describe('invoices', () => {
  it('lists open documents oldest due first, and all documents when asked', async () => {
    const open = await system.api<InvoiceList>('GET', '/api/v1/customers/1200/invoices');
    expect(open.status).toBe(200);
    expect(open.body.invoices.length).toBeGreaterThan(0);
    expect(open.body.invoices.every((invoice) => invoice.balanceDue !== 0)).toBe(true);
    const due = open.body.invoices.map((invoice) => invoice.dueDate ?? '9999');
    expect(due).toEqual([...due].sort());

    const all = await system.api<InvoiceList>('GET', '/api/v1/customers/1200/invoices?status=all&limit=1000');
    expect(all.body.invoices.length).toBe(system.sage.state.postedDocuments.withFirstKey('1200').length);
    expect(all.body.invoices.some((invoice) => invoice.status === 'Paid')).toBe(true);
  });

  it('returns at most the limit and says the list was cut', async () => {
    const answer = await system.api<InvoiceList>('GET', '/api/v1/customers/1200/invoices?status=all&limit=1');
    expect(answer.body.invoices).toHaveLength(1);
    expect(answer.body.truncated).toBe(true);
  });

  it('answers 404 for the documents of an unknown customer', async () => {
    const answer = await system.api<ErrorAnswer>('GET', '/api/v1/customers/NOPE/invoices?status=all');
    expect(answer.status).toBe(404);
  });
});

describe('item availability', () => {
  it('shows stock and the price on each price list of an item whose number holds a slash', async () => {
    const answer = await system.api<{
      itemNumber: string;
      quantityOnHand: number;
      quantityAvailable: number;
      prices: { priceList: string; unitPrice: number }[];
    }>('GET', '/api/v1/items/a1-105%2F0/availability');
    expect(answer.status).toBe(200);
    const item = system.sage.state.items.all().find((row) => row.ItemNumber === 'A1-105/0');
    expect(answer.body.itemNumber).toBe('A1-105/0');
    expect(answer.body.quantityOnHand).toBe(item?.QuantityOnHand);
    expect(answer.body.prices.map((price) => price.priceList)).toEqual(['RTL', 'WHS']);
  });

  it('marks an inactive item and tells a rep plainly that an item does not exist', async () => {
    const inactive = await system.api<{ active: boolean }>('GET', '/api/v1/items/A19999/availability');
    expect(inactive.body.active).toBe(false);
    const missing = await system.api<ErrorAnswer>('GET', '/api/v1/items/ZZ-404/availability');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('Sage 300 has no item ZZ-404. Check the Sage item number on the product.');
  });
});
