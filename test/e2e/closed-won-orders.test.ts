// The button and the automatic push racing: two middleware replicas on one store, one pushing through
// `POST /api/v1/orders` while the other runs the closedWonOrders flow, produce one Sage order per opportunity.
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import { apiClient } from '../http/api-client.js';
import { cloneOpportunity, sageOrdersFor, startSystem, testKey, type System } from './harness.js';

interface OrderAnswer {
  orderNumber: string;
  replayed: boolean;
}

let system: System;

beforeAll(async () => {
  system = await startSystem({ connectorSettings: { Auto_Push_Closed_Won__c: 'true' } });
});

afterAll(async () => {
  await system.close();
});

describe('the button and the automatic push of Closed Won opportunities', () => {
  it('create one Sage order per opportunity when they race, as Sage lists them by OrderReference', async () => {
    const flowReplica = await system.replica();
    const flowApi = apiClient(flowReplica.url, testKey);
    const runFlow = () =>
      flowApi<{ run: { outcome: string; created: number } | null }>('POST', '/api/v1/sync/flows/closedWonOrders/run');
    // The seeded Closed Won opportunities are pushed (or refused and left waiting) first, so each race below is the
    // flow's only work and meets the button's push of the same opportunity.
    expect((await runFlow()).status).toBe(200);
    // Slow order POSTs, so the two pushes overlap in Sage.
    system.sage.setFaults('POST OE/OEOrders', { latencyMs: 300 });
    try {
      for (let race = 1; race <= 3; race += 1) {
        const opportunityId = cloneOpportunity(
          system.salesforce,
          SEED_OPPORTUNITIES.blackRockClosedWon,
          `Race ${race}`,
        );
        const [run, button] = await Promise.all([
          runFlow(),
          system.api<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } }),
        ]);
        expect(run.status).toBe(200);
        expect(run.body.run?.outcome).toBe('succeeded');
        const orders = sageOrdersFor(system.sage, opportunityId);
        expect(orders).toHaveLength(1);
        expect([200, 201]).toContain(button.status);
        expect(button.body.orderNumber).toBe(orders[0]?.OrderNumber);
        expect(system.salesforce.get('Opportunity', opportunityId)).toMatchObject({
          Sage_Order_Status__c: 'Pushed',
          Sage_Order_Number__c: orders[0]?.OrderNumber,
        });
      }
    } finally {
      system.sage.clearFaults();
    }
  });
});
