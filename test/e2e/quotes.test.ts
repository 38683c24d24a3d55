// Quotes: an opportunity sent to Sage 300 as a quote (`OrderType` Quote) through `POST /api/v1/orders` with
// `kind: quote`, at most once, and apart from the opportunity's later order.
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import { apiClient } from '../http/api-client.js';
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

interface PushAnswer {
  kind: string;
  orderNumber: string;
  replayed: boolean;
  creditCheck: unknown;
}

let system: System;

beforeAll(async () => {
  system = await startSystem({ connectorSettings: { Credit_Policy__c: 'Block' } });
});

afterAll(async () => {
  await system.close();
});

beforeEach(() => {
  system.sage.clearFaults();
  system.sage.resetCounts();
});

const quotesFor = (opportunityId: string) =>
  sageOrdersFor(system.sage, opportunityId).filter((order) => order.OrderType === 'Quote');
const activeOrdersFor = (opportunityId: string) =>
  sageOrdersFor(system.sage, opportunityId).filter((order) => order.OrderType === 'Active');

describe('sending an opportunity to Sage 300 as a quote', () => {
  it('sends an open opportunity as one quote, shown on the opportunity, committing no stock, then replays it', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.blackRockOpen);
    const lamp = () => Number(system.sage.state.items.get(['A11030'])?.QuantityOnSalesOrder);
    const onOrder = lamp();
    const answer = await system.api<PushAnswer>('POST', '/api/v1/orders', { body: { opportunityId, kind: 'quote' } });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ kind: 'quote', replayed: false, creditCheck: null });
    const quotes = quotesFor(opportunityId);
    expect(quotes).toHaveLength(1);
    expect(activeOrdersFor(opportunityId)).toHaveLength(0);
    expect(answer.body.orderNumber).toBe(quotes[0]?.OrderNumber);
    expect(lamp()).toBe(onOrder);
    const opportunity = system.salesforce.get('Opportunity', opportunityId);
    expect(opportunity?.Sage_Quote_Number__c).toBe(answer.body.orderNumber);
    expect(opportunity?.Sage_Order_Number__c ?? null).toBeNull();
    expect(String(opportunity?.Sage_Sync_Message__c)).toContain(`quote ${answer.body.orderNumber}`);

    system.sage.resetCounts();
    const again = await system.api<PushAnswer>('POST', '/api/v1/orders', { body: { opportunityId, kind: 'quote' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ kind: 'quote', replayed: true, orderNumber: answer.body.orderNumber });
    expect(sageWrites(system.sage)).toEqual({});

    // The order of an opportunity that is not won is still refused; its quote does not make it one.
    const order = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(order.status).toBe(409);
    expect(order.body.error.code).toBe('NOT_CLOSED_WON');
  });

  it('keeps the quote and the later order as two entries, each created once and each replayed', async () => {
    const opportunityId = cloneOpportunity(
      system.salesforce,
      SEED_OPPORTUNITIES.blackRockClosedWon,
      'Quote then order',
    );
    const second = apiClient((await system.replica()).url, testKey);
    const quotes = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        (index % 2 ? second : system.api)<PushAnswer>('POST', '/api/v1/orders', {
          body: { opportunityId, kind: 'quote' },
        }),
      ),
    );
    expect(quotesFor(opportunityId)).toHaveLength(1);
    expect(quotes.filter((answer) => answer.status === 201)).toHaveLength(1);
    const quoteNumber = quotesFor(opportunityId)[0]?.OrderNumber;
    expect(new Set(quotes.map((answer) => answer.body.orderNumber))).toEqual(new Set([quoteNumber]));

    const order = await system.api<PushAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(order.status).toBe(201);
    expect(order.body.kind).toBe('order');
    expect(activeOrdersFor(opportunityId)).toHaveLength(1);
    expect(order.body.orderNumber).toBe(activeOrdersFor(opportunityId)[0]?.OrderNumber);
    expect(order.body.orderNumber).not.toBe(quoteNumber);
    expect(system.salesforce.get('Opportunity', opportunityId)).toMatchObject({
      Sage_Quote_Number__c: quoteNumber,
      Sage_Order_Number__c: order.body.orderNumber,
      Sage_Order_Status__c: 'Pushed',
    });

    system.sage.resetCounts();
    const [quoteAgain, orderAgain] = await Promise.all([
      second<PushAnswer>('POST', '/api/v1/orders', { body: { opportunityId, kind: 'quote' } }),
      second<PushAnswer>('POST', '/api/v1/orders', { body: { opportunityId, kind: 'order' } }),
    ]);
    expect([quoteAgain.status, quoteAgain.body.orderNumber]).toEqual([200, quoteNumber]);
    expect([orderAgain.status, orderAgain.body.orderNumber]).toEqual([200, order.body.orderNumber]);
    expect(sageWrites(system.sage)).toEqual({});

    const quoteEntry = await system.api<{ kind: string; state: string; sageOrder: { OrderNumber: string } }>(
      'GET',
      `/api/v1/orders/${opportunityId}?kind=quote`,
    );
    expect(quoteEntry.body).toMatchObject({ kind: 'quote', state: 'created', sageOrder: { OrderNumber: quoteNumber } });
    const orderEntry = await system.api<{ kind: string; sageOrder: { OrderNumber: string } }>(
      'GET',
      `/api/v1/orders/${opportunityId}`,
    );
    expect(orderEntry.body).toMatchObject({ kind: 'order', sageOrder: { OrderNumber: order.body.orderNumber } });
  });

  it('sends a quote for a customer the credit policy would block, and still blocks its order', async () => {
    const opportunityId = cloneOpportunity(system.salesforce, SEED_OPPORTUNITIES.baysideOverCreditLimit, 'Quoted');
    const quote = await system.api<PushAnswer>('POST', '/api/v1/orders', { body: { opportunityId, kind: 'quote' } });
    expect(quote.status).toBe(201);
    expect(quotesFor(opportunityId)).toHaveLength(1);
    const order = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(order.status).toBe(409);
    expect(order.body.error.code).toBe('CREDIT_BLOCKED');
    expect(activeOrdersFor(opportunityId)).toHaveLength(0);
  });

  it('refuses a kind other than order or quote with 400 naming the field, and a quote never pushed with 404', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.northwindOnHold);
    const bad = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId, kind: 'invoice' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('kind');
    const missing = await system.api<ErrorAnswer>('GET', `/api/v1/orders/${opportunityId}?kind=quote`);
    expect(missing.status).toBe(404);
    expect(sageWrites(system.sage)).toEqual({});
  });
});
