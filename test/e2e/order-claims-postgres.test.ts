// Replicas on PostgreSQL pushing one opportunity: the replica that works renews its claim, a caller waiting on it is
// answered by its deadline (409 PUSH_IN_PROGRESS with Retry-After), a replica that died mid-push is noticed within one
// claim, and Sage still gets exactly one order.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import { apiClient } from '../http/api-client.js';
import { startChild, type Child } from '../sync/child.js';
import { cloneOpportunity, sageOrdersFor, startSystem, testKey, type ErrorAnswer, type System } from './harness.js';

const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `claims_e2e_${randomBytes(4).toString('hex')}`;
let system: System;

interface OrderAnswer {
  orderNumber: string;
  replayed: boolean;
}

beforeAll(async () => {
  system = await startSystem({
    env: {
      DATABASE_URL: `${server}?schema=${schema}`,
      ORDER_CLAIM_SECONDS: '5',
      ORDER_PUSH_DEADLINE_SECONDS: '10',
      SAGE300_TIMEOUT_MS: '9000',
    },
  });
});

afterAll(async () => {
  await system.close();
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

beforeEach(() => system.sage.clearFaults());

async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function timed<T>(call: Promise<T>): Promise<{ answer: T; ms: number }> {
  const started = performance.now();
  const answer = await call;
  return { answer, ms: performance.now() - started };
}

describe('pushing one opportunity through replicas on PostgreSQL', () => {
  it('answers a caller waiting on a slow push 409 PUSH_IN_PROGRESS by its deadline; the slow push keeps its claim', async () => {
    const opportunityId = cloneOpportunity(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon, 'Slow push');
    const impatient = apiClient((await system.replica({ ORDER_PUSH_DEADLINE_SECONDS: '2' })).url, testKey);
    // The order POST takes longer than a claim lasts: only renewing it keeps another replica from taking over.
    system.sage.setFaults('POST OE/OEOrders', { latencyMs: 6_500, times: 1 });
    system.sage.resetCounts();
    const slow = system.api<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    await until(() => system.sage.counts()['POST OE/OEOrders'] === 1, 'the order POST');

    const waiting = await timed(impatient<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } }));
    expect(waiting.answer.status).toBe(409);
    expect(waiting.answer.body.error.code).toBe('PUSH_IN_PROGRESS');
    expect(waiting.answer.body.error.message).toMatch(/^Another push of this opportunity is under way/);
    expect(Number(waiting.answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(waiting.ms).toBeLessThan(2_000);

    const created = await slow;
    expect(created.status).toBe(201);
    const orders = sageOrdersFor(system.sage, opportunityId);
    expect(orders).toHaveLength(1);
    expect(system.sage.counts()['POST OE/OEOrders']).toBe(1);

    const again = await impatient<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ orderNumber: orders[0]?.OrderNumber, replayed: true });
  }, 30_000);

  it('notices a replica that died mid-push within one claim, and answers by the deadline meanwhile', async () => {
    const opportunityId = cloneOpportunity(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon, 'Dead replica');
    const healthy = apiClient((await system.replica({ ORDER_PUSH_DEADLINE_SECONDS: '3' })).url, testKey);
    const doomed: Child = startChild('middleware/src/main.ts', [], {
      ...(system.env as Record<string, string>),
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    try {
      await until(() => /listening on (\S+)/.test(doomed.stdout()), 'the replica to listen', 30_000);
      const url = /listening on (\S+)/.exec(doomed.stdout())?.[1] as string;
      system.sage.setFaults('POST OE/OEOrders', { latencyMs: 300, times: 1 });
      system.sage.resetCounts();
      const lost = apiClient(url, testKey)('POST', '/api/v1/orders', { body: { opportunityId } }).catch(
        (error: unknown) => error,
      );
      await until(() => system.sage.counts()['POST OE/OEOrders'] === 1, 'the order POST');
      doomed.process.kill('SIGKILL');
      await doomed.exited;
      await lost;

      const first = await timed(healthy<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } }));
      expect(first.answer.status).toBe(409);
      expect(first.answer.body.error.code).toBe('PUSH_IN_PROGRESS');
      expect(first.ms).toBeLessThan(3_000);
      const retryAfter = Number(first.answer.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(5);

      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      const second = await timed(healthy<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } }));
      expect(second.ms).toBeLessThan(3_000);
      const orders = sageOrdersFor(system.sage, opportunityId);
      expect(orders).toHaveLength(1);
      expect([200, 201]).toContain(second.answer.status);
      expect(second.answer.body.orderNumber).toBe(orders[0]?.OrderNumber);
      expect(system.salesforce.get('Opportunity', opportunityId)?.Sage_Order_Number__c).toBe(orders[0]?.OrderNumber);
    } finally {
      if (doomed.process.exitCode === null && doomed.process.signalCode === null) doomed.process.kill('SIGKILL');
    }
  }, 60_000);
});
