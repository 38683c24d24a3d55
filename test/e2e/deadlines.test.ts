// A Sage 300 resource that stops answering: every API request still answers by its deadline, naming the cause, and
// requests to other resources are served as usual.
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import { apiClient } from '../http/api-client.js';
import { opportunityIdNamed, startSystem, testKey, type ErrorAnswer, type System } from './harness.js';

let system: System;

beforeAll(async () => {
  system = await startSystem({
    env: {
      API_DEADLINE_SECONDS: '1',
      ORDER_PUSH_DEADLINE_SECONDS: '2',
      SAGE300_TIMEOUT_MS: '1500',
      SAGE300_BREAKER_TIMEOUTS: '3',
      SAGE300_BREAKER_OPEN_SECONDS: '30',
    },
  });
});

afterAll(async () => {
  await system.close();
});

beforeEach(() => system.sage.clearFaults());

/** Calls the API and measures how long the answer took. */
async function timed<T>(call: Promise<T>): Promise<{ answer: T; ms: number }> {
  const started = performance.now();
  const answer = await call;
  return { answer, ms: performance.now() - started };
}

describe('a Sage 300 resource that hangs', () => {
  it('answers financials by the read deadline with SAGE_TIMEOUT while another route answers normally', async () => {
    const replica = await system.replica();
    const api = apiClient(replica.url, testKey);
    system.sage.setFaults('GET AR/ARCustomers', { timeout: 1 });
    // More hanging reads than there are connections to Sage, each for another customer (no shared read).
    const financials = ['1100', '1105', '1200', '1400', '1500'].map((customer) =>
      timed(api<ErrorAnswer>('GET', `/api/v1/customers/${customer}/financials?fresh=true`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const availability = await timed(api<{ itemNumber: string }>('GET', '/api/v1/items/A1-105%2F0/availability'));
    expect(availability.answer.status).toBe(200);
    expect(availability.answer.body.itemNumber).toBe('A1-105/0');
    expect(availability.ms).toBeLessThan(800);

    for (const { answer, ms } of await Promise.all(financials)) {
      expect(answer.status).toBe(504);
      expect(answer.body.error.code).toBe('SAGE_TIMEOUT');
      expect(answer.body.error.message).toContain('Sage 300 did not answer in time');
      expect(ms).toBeGreaterThan(900);
      expect(ms).toBeLessThan(1_600);
    }

    // Three timeouts in a row opened the circuit: the next call is turned away at once, without asking Sage.
    system.sage.resetCounts();
    const turnedAway = await timed(api<ErrorAnswer>('GET', '/api/v1/customers/1200/financials?fresh=true'));
    expect(turnedAway.answer.status).toBe(503);
    expect(turnedAway.answer.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(turnedAway.answer.body.error.message).toContain('AR/ARCustomers');
    expect(Number(turnedAway.answer.headers['retry-after'])).toBeGreaterThan(25);
    expect(turnedAway.ms).toBeLessThan(300);
    expect(system.sage.counts()['GET AR/ARCustomers']).toBeUndefined();
    // The other resources are not affected by that circuit.
    expect((await api('GET', '/api/v1/items/A1-105%2F0/availability')).status).toBe(200);
  });

  it('answers an order push by the push deadline, naming the Sage timeout, and creates nothing', async () => {
    const replica = await system.replica();
    const api = apiClient(replica.url, testKey);
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon);
    system.sage.setFaults('GET AR/ARCustomers', { timeout: 1 });
    const { answer, ms } = await timed(api<ErrorAnswer>('POST', '/api/v1/orders', { body: { opportunityId } }));
    expect(answer.status).toBe(504);
    expect(answer.body.error.code).toBe('SAGE_TIMEOUT');
    expect(ms).toBeLessThan(2_400);
    expect(system.sage.counts()['POST OE/OEOrders']).toBeUndefined();
  });

  it('answers a manual flow run at the deadline with the run under way, which then finishes on its own', async () => {
    const replica = await system.replica();
    const api = apiClient(replica.url, testKey);
    system.sage.setFaults('GET AR/ARCustomers', { latencyMs: 1_200 });
    const { answer, ms } = await timed(
      api<{ flow: string; run: { id: number; outcome: string } | null }>('POST', '/api/v1/sync/flows/customers/run'),
    );
    expect(answer.status).toBe(200);
    expect(ms).toBeLessThan(1_000);
    expect(answer.body.run?.outcome).toBe('running');
    const runId = answer.body.run?.id;
    let outcome = 'running';
    for (let tries = 0; tries < 100 && outcome === 'running'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const runs = await api<{ runs: { id: number; outcome: string }[] }>('GET', '/api/v1/sync/runs?flow=customers');
      outcome = runs.body.runs.find((run) => run.id === runId)?.outcome ?? 'missing';
    }
    expect(outcome).toBe('succeeded');
  });
});
