import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import {
  cloneOpportunity,
  opportunityIdNamed,
  sageOrdersFor,
  sageWrites,
  startSystem,
  testKey,
  type ErrorAnswer,
  type System,
} from './harness.js';
import { apiClient } from '../http/api-client.js';

interface OrderAnswer {
  orderNumber: string;
  status: string;
  replayed: boolean;
  creditCheck: { outcome: string; message: string } | null;
  customerNumber: string;
}

/** The package's settings: credit policy Warn. */
let system: System;
/** An org whose admin set the credit policy to Block. */
let blocking: System;

beforeAll(async () => {
  [system, blocking] = await Promise.all([
    startSystem(),
    startSystem({ connectorSettings: { Credit_Policy__c: 'Block' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([system.close(), blocking.close()]);
});

beforeEach(() => {
  for (const each of [system, blocking]) {
    each.sage.clearFaults();
    each.sage.resetCounts();
  }
});

describe('pushing an opportunity to Sage 300', () => {
  it('creates one Sage order when the same opportunity is pushed 50 times at once through two replicas', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon);
    const second = await system.replica();
    const secondApi = apiClient(second.url, testKey);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        (index % 2 === 0 ? system.api : secondApi)<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } }),
      ),
    );
    const orders = sageOrdersFor(system.sage, opportunityId);
    expect(orders).toHaveLength(1);
    const orderNumber = String(orders[0]?.OrderNumber);
    expect(answers.map((answer) => answer.body.orderNumber)).toEqual(Array(50).fill(orderNumber));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.body.replayed)).toHaveLength(49);
    expect(system.sage.counts()['POST OE/OEOrders']).toBe(1);

    const opportunity = system.salesforce.get('Opportunity', opportunityId);
    expect(opportunity?.Sage_Order_Number__c).toBe(orderNumber);
    expect(opportunity?.Sage_Order_Status__c).toBe('Pushed');
    expect(opportunity?.Sage_Pushed_At__c).toBeTruthy();
  });

  it('answers a later push with the first result, marked as a replay, without calling Sage', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon);
    const answer = await system.api<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(answer.status).toBe(200);
    expect(answer.body.replayed).toBe(true);
    expect(answer.body.orderNumber).toBe(sageOrdersFor(system.sage, opportunityId)[0]?.OrderNumber);
    expect(sageWrites(system.sage)).toEqual({});
  });

  it('shows the ledger entry and the Sage order of a pushed opportunity', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon);
    const answer = await system.api<{ state: string; orderNumber: string; sageOrder: { OrderReference: string } }>(
      'GET',
      `/api/v1/orders/${opportunityId}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.state).toBe('created');
    expect(answer.body.sageOrder.OrderReference).toBe(opportunityId);
  });

  it('still creates exactly one order when Sage commits the order but the answer never arrives', async () => {
    const opportunityId = cloneOpportunity(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon, 'Lost answer');
    system.sage.setFaults('POST OE/OEOrders', { commitThenTimeout: true, times: 1 });
    const answer = await system.api<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    const orders = sageOrdersFor(system.sage, opportunityId);
    expect(orders).toHaveLength(1);
    expect(answer.status).toBe(201);
    expect(answer.body.orderNumber).toBe(orders[0]?.OrderNumber);
    expect(system.sage.counts()['POST OE/OEOrders']).toBe(1);
    expect(system.salesforce.get('Opportunity', opportunityId)?.Sage_Order_Number__c).toBe(orders[0]?.OrderNumber);
  });

  it('turns Sage refusing an unknown item into a 422 with Sage’s code, shown on the opportunity, and no order', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.mountainWithUnknownItem);
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('SAGE_REJECTED');
    const sageCode = String(answer.body.error.details?.sageCode);
    expect(sageCode).toMatch(/^Record(Invalid|NotFound)$|^FieldInvalid$|^General$/);
    expect(answer.body.error.message).toContain(sageCode);
    expect(answer.body.error.message).toContain('ZZ-404');
    expect(answer.body.error.message).not.toContain('POST OE/OEOrders');
    expect(sageOrdersFor(system.sage, opportunityId)).toHaveLength(0);
    const opportunity = system.salesforce.get('Opportunity', opportunityId);
    expect(opportunity?.Sage_Order_Status__c).toBe('Failed');
    expect(String(opportunity?.Sage_Sync_Message__c)).toContain('ZZ-404');
  });

  it('blocks an order for a customer over its limit under the Block policy, naming limit and balance', async () => {
    const opportunityId = opportunityIdNamed(blocking.salesforce, SEED_OPPORTUNITIES.baysideOverCreditLimit);
    const customer = blocking.sage.state.customers.get(['1105']);
    const limit = Number(customer?.CreditLimitCustomerCurrency);
    const balance = Number(customer?.BalanceDueInCustomerCurrency);
    expect(balance).toBeGreaterThan(limit);

    const answer = await blocking.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('CREDIT_BLOCKED');
    const format = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(answer.body.error.message).toContain(format(limit));
    expect(answer.body.error.message).toContain(format(balance));
    expect(answer.body.error.details?.creditCheck).toMatchObject({ outcome: 'blocked', creditLimit: limit, balance });
    expect(blocking.sage.counts()['POST OE/OEOrders']).toBeUndefined();
    expect(sageOrdersFor(blocking.sage, opportunityId)).toHaveLength(0);
    expect(blocking.salesforce.get('Opportunity', opportunityId)?.Sage_Order_Status__c).toBe('Blocked');
  });

  it('checks credit on the balance Sage has at push time, reading the customer once, even with figures cached', async () => {
    const customer = blocking.sage.state.customers.get(['1200']);
    if (!customer) throw new Error('The Sage sandbox has no customer 1200');
    const cached = await blocking.api<{ balance: number }>('GET', '/api/v1/customers/1200/financials');
    expect(cached.status).toBe(200);
    const limit = Number(customer.CreditLimitCustomerCurrency);
    const balanceBefore = customer.BalanceDueInCustomerCurrency;
    const balanceNow = limit + 1000;
    blocking.sage.state.customers.put({ ...customer, BalanceDueInCustomerCurrency: balanceNow });
    blocking.sage.resetCounts();
    try {
      const opportunityId = cloneOpportunity(blocking.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon, 'Live');
      const answer = await blocking.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('CREDIT_BLOCKED');
      expect(answer.body.error.details?.creditCheck).toMatchObject({ balance: balanceNow, creditLimit: limit });
      expect(blocking.sage.counts()).toEqual({ 'GET AR/ARCustomers': 1, 'GET AR/ARPostedDocuments': 1 });
    } finally {
      blocking.sage.state.customers.put({ ...customer, BalanceDueInCustomerCurrency: balanceBefore });
    }
  });

  it('creates the order with a warning under the Warn policy and records it on the opportunity', async () => {
    const opportunityId = cloneOpportunity(system.salesforce, SEED_OPPORTUNITIES.baysideOverCreditLimit, 'Warned');
    const answer = await system.api<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(answer.status).toBe(201);
    expect(answer.body.creditCheck?.outcome).toBe('warned');
    expect(sageOrdersFor(system.sage, opportunityId)).toHaveLength(1);
    expect(String(system.salesforce.get('Opportunity', opportunityId)?.Sage_Sync_Message__c)).toContain(
      'Credit warning',
    );
  });

  it('refuses an opportunity that is not Closed Won with 409', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.blackRockOpen);
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('NOT_CLOSED_WON');
    expect(answer.body.error.message).toContain('Prospecting');
    expect(sageWrites(system.sage)).toEqual({});
  });

  it('refuses lines whose product has no Sage item number with 422 naming the products', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.cedarValleyUnlinkedProduct);
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('PRODUCTS_WITHOUT_SAGE_ITEM');
    expect(answer.body.error.message).toContain('On-site Assembly Service');
    expect(answer.body.error.details?.products).toEqual(['On-site Assembly Service']);
    expect(sageWrites(system.sage)).toEqual({});
  });

  it('creates the customer of an account without a Sage number before its first order', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.greenfieldNewCustomer);
    const answer = await system.api<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(answer.status).toBe(201);
    const account = system.salesforce.findOne('Account', (row) => row.Name === 'Greenfield Robotics');
    expect(account?.Sage_Customer_Number__c).toBe(answer.body.customerNumber);
    expect(system.sage.state.customers.get([answer.body.customerNumber])?.CustomerName).toBe('Greenfield Robotics');
    expect(sageOrdersFor(system.sage, opportunityId)[0]?.CustomerNumber).toBe(answer.body.customerNumber);
  });

  it('blocks a customer on hold under the Block policy and lets Sage refuse it under Warn', async () => {
    const blockedId = opportunityIdNamed(blocking.salesforce, SEED_OPPORTUNITIES.northwindOnHold);
    const blocked = await blocking.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId: blockedId } });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toContain('on hold');
    expect(blocking.sage.counts()['POST OE/OEOrders']).toBeUndefined();

    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.northwindOnHold);
    const refused = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain('on hold');
    expect(sageOrdersFor(system.sage, opportunityId)).toHaveLength(0);
  });

  it('answers 404 for an opportunity Salesforce does not have and for one never pushed', async () => {
    const missing = await system.api<ErrorAnswer>('POST', '/api/v1/orders', {
      body: { opportunityId: '006000000000000AAA' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('OPPORTUNITY_NOT_FOUND');
    const never = await system.api<ErrorAnswer>('GET', '/api/v1/orders/006000000000000AAA');
    expect(never.status).toBe(404);
  });
});
