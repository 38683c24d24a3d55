// The highest all-digit customer number, read in a few requests however many customers Sage holds.
import { createSage300Client, type Sage300Client } from '../../middleware/src/sage300/client.js';
import { startSage300Sandbox, type Sage300Sandbox } from '../../sandbox/sage300/server.js';

let sandbox: Sage300Sandbox;
let client: Sage300Client;

beforeAll(async () => {
  // The sample customers (1100 … 1500) and 3,000 generated ones numbered C000001 …, 100 rows per answer as Sage sends.
  sandbox = await startSage300Sandbox({ port: 0, seed: { customers: 3_005 } });
  client = createSage300Client({
    baseUrl: sandbox.apiRoot,
    company: sandbox.company,
    user: sandbox.user,
    password: sandbox.password,
    timeoutMs: 5_000,
    pageSize: 1000,
    maxConcurrency: 4,
  });
});

afterAll(async () => {
  client.close();
  await sandbox.close();
});

beforeEach(() => sandbox.resetCounts());

function addCustomer(customerNumber: string): void {
  sandbox.state.customers.put({ ...sandbox.state.customers.blank(), CustomerNumber: customerNumber });
}

function removeCustomer(customerNumber: string): void {
  const record = sandbox.state.customers.get([customerNumber]);
  if (record) sandbox.state.customers.delete(record);
}

describe('the highest all-digit customer number', () => {
  it('is found in six requests among thousands of customers, none of them read page by page', async () => {
    expect(sandbox.state.customers.size).toBeGreaterThan(3_000);
    expect(await client.customers.highestNumericNumber()).toBe('1500');
    expect(sandbox.counts()).toEqual({ 'GET AR/ARCustomers': 6 });
  });

  it('skips numbers with letters or separators that sort above it, and compares lengths by value', async () => {
    const odd = ['15A0', '16-0', '0099999', '150000', '1Z'];
    for (const number of odd) addCustomer(number);
    try {
      expect(await client.customers.highestNumericNumber()).toBe('150000');
      removeCustomer('150000');
      expect(await client.customers.highestNumericNumber()).toBe('0099999');
      removeCustomer('0099999');
      sandbox.resetCounts();
      expect(await client.customers.highestNumericNumber()).toBe('1500');
      // One more look (count and last) below 16-0, whose separator sorts before digits; 15A0 falls outside it.
      expect(sandbox.counts()['GET AR/ARCustomers']).toBe(8);
    } finally {
      for (const number of odd) removeCustomer(number);
    }
  });

  it('is undefined when no customer number is all digits', async () => {
    const samples = ['1100', '1105', '1200', '1400', '1500'].map((number) => sandbox.state.customers.get([number]));
    for (const number of ['1100', '1105', '1200', '1400', '1500']) removeCustomer(number);
    try {
      expect(await client.customers.highestNumericNumber()).toBeUndefined();
    } finally {
      for (const record of samples) if (record) sandbox.state.customers.put(record);
    }
  });
});
