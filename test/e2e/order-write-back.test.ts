// Sage created the order but Salesforce refused the write-back: the ledger keeps it pending, shows it to operators,
// and the next push, the background retry or an operator completes it, until the opportunity shows the order.
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import { apiClient } from '../http/api-client.js';
import { runCli } from '../sync/child.js';
import { cloneOpportunity, sageOrdersFor, startSystem, testKey, type System } from './harness.js';

interface OrderAnswer {
  orderNumber: string;
  replayed: boolean;
  message?: string;
}

interface LedgerAnswer {
  state: string;
  writeBack: string | null;
}

interface FailureList {
  failures: { id: number; recordKey: string; status: string; message: string; nextAttemptAt: string | null }[];
}

let system: System;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system.close();
});

beforeEach(() => {
  system.sage.clearFaults();
  system.salesforce.clearFaults();
});

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Pushes a new opportunity whose order POST Sage holds for a moment, during which Salesforce starts answering 503 to
 * every attempt of the write-back; answers the push and the Sage order.
 */
async function pushWhileSalesforceFails(name: string, api = system.api) {
  const opportunityId = cloneOpportunity(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon, name);
  system.sage.setFaults('POST OE/OEOrders', { latencyMs: 300, times: 1 });
  system.sage.resetCounts();
  const pushing = api<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
  await until(() => system.sage.counts()['POST OE/OEOrders'] === 1, 'the order POST');
  // The Salesforce client tries a request four times before it gives up.
  system.salesforce.setFaults({ serviceUnavailable: { rate: 1, times: 4 } });
  const answer = await pushing;
  const [order] = sageOrdersFor(system.sage, opportunityId);
  if (!order) throw new Error('Sage has no order for the push');
  return { opportunityId, answer, orderNumber: String(order.OrderNumber) };
}

const pendingWriteBacks = async (opportunityId: string) =>
  (await system.api<FailureList>('GET', '/api/v1/sync/failures?flow=order-write-back')).body.failures.filter(
    (failure) => failure.recordKey === opportunityId,
  );

describe('the write-back of a created order', () => {
  it('stays pending and visible when Salesforce refuses it, and the next push completes it', async () => {
    const { opportunityId, answer, orderNumber } = await pushWhileSalesforceFails('Write-back refused');
    expect(answer.status).toBe(201);
    expect(answer.body.orderNumber).toBe(orderNumber);
    expect(answer.body.message).toMatch(/opportunity does not show it yet/);
    expect(system.salesforce.get('Opportunity', opportunityId)?.Sage_Order_Number__c ?? null).toBeNull();

    const ledger = await system.api<LedgerAnswer>('GET', `/api/v1/orders/${opportunityId}`);
    expect(ledger.body).toMatchObject({ state: 'created', writeBack: 'pending' });
    const [queued] = await pendingWriteBacks(opportunityId);
    expect(queued).toMatchObject({ status: 'open' });
    expect(queued?.message).toContain(`Sage 300 order ${orderNumber} exists, but the opportunity does not show it yet`);
    expect(queued?.nextAttemptAt).not.toBeNull();
    const status = await runCli(['status'], system.env as Record<string, string>);
    expect(status.stdout).toContain('Order write-backs: 1 pending');

    const replayed = await system.api<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ orderNumber, replayed: true });
    expect(replayed.body.message).toBeUndefined();
    const opportunity = system.salesforce.get('Opportunity', opportunityId);
    expect(opportunity?.Sage_Order_Number__c).toBe(orderNumber);
    expect(opportunity?.Sage_Order_Status__c).toBe('Pushed');
    expect(opportunity?.Sage_Pushed_At__c).toBeTruthy();
    expect((await system.api<LedgerAnswer>('GET', `/api/v1/orders/${opportunityId}`)).body.writeBack).toBe('done');
    expect(await pendingWriteBacks(opportunityId)).toEqual([]);
    expect(system.sage.counts()['POST OE/OEOrders']).toBe(1);
  }, 30_000);

  it('is retried in the background until the opportunity shows the order', async () => {
    // A replica that runs background work, whose first retry comes half a second after the failure.
    const background = await system.replica({ SCHEDULER_ENABLED: 'true', ORDER_WRITE_BACK_RETRY_SECONDS: '0.5' });
    const { opportunityId, orderNumber, answer } = await pushWhileSalesforceFails(
      'Write-back retried',
      apiClient(background.url, testKey),
    );
    expect(answer.body.message).toMatch(/opportunity does not show it yet/);
    await until(
      () => system.salesforce.get('Opportunity', opportunityId)?.Sage_Order_Number__c === orderNumber,
      'the background retry',
    );
    expect(system.salesforce.get('Opportunity', opportunityId)?.Sage_Order_Status__c).toBe('Pushed');
    await until(
      async () => (await system.api<LedgerAnswer>('GET', `/api/v1/orders/${opportunityId}`)).body.writeBack === 'done',
      'the ledger to record it',
    );
    expect(await pendingWriteBacks(opportunityId)).toEqual([]);
  }, 30_000);

  it('is retried at once when an operator asks, as the Sync Console does', async () => {
    const { opportunityId, orderNumber } = await pushWhileSalesforceFails('Write-back by hand');
    const [queued] = await pendingWriteBacks(opportunityId);
    const api = apiClient(system.middleware.url, testKey);
    const retried = await api<{ id: number; status: string }>('POST', `/api/v1/sync/failures/${queued?.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ id: queued?.id, status: 'resolved' });
    expect(system.salesforce.get('Opportunity', opportunityId)?.Sage_Order_Number__c).toBe(orderNumber);
  }, 30_000);
});
