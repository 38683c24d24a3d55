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
    const opportunityIds = Array.from({ length: 4 }, (_, index) =>
      cloneOpportunity(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon, `Race ${index + 1}`),
    );
    const flowReplica = await system.replica();
    const flowApi = apiClient(flowReplica.url, testKey);
    // Slow order POSTs, so the flow's pushes and the button's overlap in Sage.
    system.sage.setFaults('POST OE/OEOrders', { latencyMs: 300 });
    try {
      const [run, ...answers] = await Promise.all([
        flowApi<{ run: { outcome: string } | null }>('POST', '/api/v1/sync/flows/closedWonOrders/run'),
        ...opportunityIds.map((opportunityId) =>
          system.api<OrderAnswer>('POST', '/api/v1/orders', { body: { opportunityId } }),
        ),
      ]);
      expect(run?.status).toBe(200);
      for (const [index, opportunityId] of opportunityIds.entries()) {
        const orders = sageOrdersFor(system.sage, opportunityId);
        expect(orders).toHaveLength(1);
        const answer = answers[index];
        expect([200, 201]).toContain(answer?.status);
        expect(answer?.body.orderNumber).toBe(orders[0]?.OrderNumber);
        expect(system.salesforce.get('Opportunity', opportunityId)).toMatchObject({
          Sage_Order_Status__c: 'Pushed',
          Sage_Order_Number__c: orders[0]?.OrderNumber,
        });
      }
      // Every seeded Closed Won opportunity the flow could push has exactly one order, too.
      const blackRock = system.salesforce.findOne(
        'Opportunity',
        (row) => row.Name === SEED_OPPORTUNITIES.blackRockClosedWon,
      );
      expect(sageOrdersFor(system.sage, String(blackRock?.Id))).toHaveLength(1);
    } finally {
      system.sage.clearFaults();
    }
  });
});
