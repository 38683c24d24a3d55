import { createHash } from 'node:crypto';
import { seedCompany } from '../../../sandbox/sage300/seed.js';
import type { Company } from '../../../sandbox/sage300/company.js';

const NOW = new Date('2026-03-16T10:00:00Z');
const clock = () => NOW;

function fingerprint(company: Company): string {
  const hash = createHash('sha256');
  for (const table of [company.customers, company.postedDocuments, company.payments]) {
    for (const row of table.all()) hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}

describe('the SAMINC seed', () => {
  const company = seedCompany({}, clock);
  const customer = (number: string) => company.customers.get([number]) ?? {};

  it('holds the named customers with their groups, terms, price lists and limits', () => {
    expect(
      company.customers
        .all()
        .map((row) => [
          row.CustomerNumber,
          row.CustomerName,
          row.GroupCode,
          row.Terms,
          row.CustomerPriceList,
          row.CreditLimitCustomerCurrency,
        ]),
    ).toEqual([
      ['1100', 'Mountain Outfitters Inc.', 'WHL', 'N30', 'WHS', 50000],
      ['1105', 'Bayside Office Supply', 'RTL', 'N30', 'RTL', 20000],
      ['1200', 'Black Rock Retail', 'RTL', 'DUETBL', 'RTL', 25000],
      ['1400', 'Cedar Valley Schools', 'WHL', 'N30', 'WHS', 100000],
      ['1500', 'Northwind Traders', 'RTL', 'N30', 'RTL', 5000],
    ]);
    expect(customer('1200')).toMatchObject({ ShortName: 'BLACK', TaxGroup: 'CALIF' });
    expect(customer('1500').OnHold).toBe('Yes');
    for (const row of company.customers.all()) {
      expect(row.AddressLine1).not.toBe('');
      expect(row.ZipPostalCode).not.toBe('');
      expect(row.Email).toMatch(/@/);
      expect(row.ContactName).not.toBe('');
    }
  });

  it('puts Bayside over its credit limit with overdue invoices and Black Rock under it with some overdue', () => {
    const bayside = customer('1105');
    expect(bayside.BalanceDueInCustomerCurrency as number).toBeGreaterThan(
      bayside.CreditLimitCustomerCurrency as number,
    );
    expect(bayside.AmountPastDue).toBe(bayside.BalanceDueInCustomerCurrency);
    const blackRock = customer('1200');
    expect(blackRock.BalanceDueInCustomerCurrency as number).toBeLessThan(
      blackRock.CreditLimitCustomerCurrency as number,
    );
    expect(blackRock.AmountPastDue as number).toBeGreaterThan(0);
    expect(blackRock.AmountPastDue as number).toBeLessThan(blackRock.BalanceDueInCustomerCurrency as number);
    const documents = company.postedDocuments.withFirstKey('1200');
    const balance = documents.reduce((sum, row) => sum + (row.CustomerCurrencyAmountDue as number), 0);
    expect(Math.round(balance * 100) / 100).toBe(blackRock.BalanceDueInCustomerCurrency);
  });

  it('holds the items, active with stock and prices on both lists, and one inactive item', () => {
    const items = company.items.all();
    expect(items.map((row) => [row.ItemNumber, row.Description, row.Status])).toEqual([
      ['A1-103/0', 'Steel Filing Cabinet', 'Active'],
      ['A1-105/0', 'Executive Desk', 'Active'],
      ['A11030', 'Desk Lamp', 'Active'],
      ['A14010', 'Whiteboard 4x6', 'Active'],
      ['A14500', 'Bulletin Board', 'Active'],
      ['A19999', 'Discontinued Chair', 'Inactive'],
    ]);
    for (const item of items.filter((row) => row.Status === 'Active')) {
      expect(item.QuantityOnHand as number).toBeGreaterThan(0);
      for (const list of ['WHS', 'RTL']) expect(company.itemPricing.get([item.ItemNumber, list, 'USD'])).toBeDefined();
    }
    const bulletin = company.basePrice(company.items.get(['A14500']) ?? {}, 'WHS', 'USD');
    expect(bulletin).toEqual({ priceList: 'WHS', unitPrice: 88.05 });
    expect(company.locations.all().map((row) => row.LocationKey)).toEqual(['1', '2', '3', '4']);
    expect(company.shipVia.get(['CCT'])).toBeDefined();
    expect(company.terms.all().map((row) => row.TermsCode)).toEqual(['DUETBL', 'N30']);
  });
});

describe('the large-company generator', () => {
  it('builds 20,000 customers and 100,000 posted documents in seconds', () => {
    const started = Date.now();
    const company = seedCompany({ customers: 20_000, postedDocuments: 100_000, randomSeed: 11 }, clock);
    const elapsed = Date.now() - started;
    expect(company.customers.size).toBe(20_000);
    expect(company.postedDocuments.size).toBe(100_000);
    expect(company.payments.size).toBeGreaterThan(10_000);
    // A few seconds on an idle machine; the ceiling leaves room for a loaded CI runner.
    expect(elapsed).toBeLessThan(30_000);
    const sample = company.customers.get(['C000123']) ?? {};
    const documents = company.postedDocuments.withFirstKey('C000123');
    const due = documents.reduce((sum, row) => sum + (row.CustomerCurrencyAmountDue as number), 0);
    expect(Math.round(due * 100) / 100).toBe(sample.BalanceDueInCustomerCurrency);
  }, 60_000);

  it('gives the same data for the same seed and different data for another', () => {
    const options = { customers: 500, postedDocuments: 3_000 };
    const first = fingerprint(seedCompany({ ...options, randomSeed: 3 }, clock));
    expect(fingerprint(seedCompany({ ...options, randomSeed: 3 }, clock))).toBe(first);
    expect(fingerprint(seedCompany({ ...options, randomSeed: 4 }, clock))).not.toBe(first);
  });
});
