// The closedWonOrders flow over both sandboxes and a real store: off unless set or asked for, refusals shown on the
// opportunity and remembered until it changes, and a run with nothing changed costs one query and nothing in Sage.
import { SEED_OPPORTUNITIES } from '../../../sandbox/salesforce/server.js';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { cloneOpportunity } from '../../e2e/harness.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

describe.each(engines)('the closedWonOrders flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;

  const opportunity = (name: string) => {
    const record = systems.salesforceSandbox.findOne('Opportunity', (row) => row.Name === name);
    if (!record) throw new Error(`No opportunity named ${name}`);
    return record;
  };
  const ordersFor = (opportunityId: string) =>
    systems.sageSandbox.state.orders.all().filter((order) => order.OrderReference === opportunityId);
  const resetCounts = () => {
    systems.sageSandbox.resetCounts();
    systems.salesforceSandbox.resetCounts();
  };
  const sageRequests = () => systems.sageSandbox.counts() as Record<string, number>;
  /** Changes the connector settings record in Salesforce and has the runtime read it again. */
  const setSettings = async (fields: Record<string, unknown>) => {
    const settings = systems.salesforceSandbox.findOne(
      'Sage_Connector_Setting__mdt',
      (row) => row.DeveloperName === 'Default',
    );
    systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', String(settings?.Id), fields);
    await runtime.refreshMappings();
  };
  /** An edit a user makes on the opportunity. */
  const editOpportunity = (name: string, fields: Record<string, unknown>) =>
    systems.salesforceSandbox.update('Opportunity', String(opportunity(name).Id), fields);

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('closed won orders');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store);
    await setSettings({ Credit_Policy__c: 'Block' });
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('does not run while Auto_Push_Closed_Won__c is off: no query, no Sage request', async () => {
    resetCounts();
    const result = await runtime.runFlowNow('closedWonOrders');
    expect(result).toMatchObject({ outcome: 'skipped', skippedBecause: 'off' });
    expect(systems.salesforceSandbox.counts().query).toBe(0);
    expect(sageRequests()).toEqual({});
    expect(ordersFor(String(opportunity(SEED_OPPORTUNITIES.blackRockClosedWon).Id))).toHaveLength(0);
  });

  it('pushes every Closed Won opportunity without an order when an operator runs it, even with auto-push off', async () => {
    const result = await runtime.runFlowNow('closedWonOrders', { operatorRequested: true });
    // Black Rock and Greenfield (a new customer) become orders; the other four won opportunities are refused.
    expect(result).toMatchObject({ read: 6, created: 2, failed: 4 });
    for (const name of [SEED_OPPORTUNITIES.blackRockClosedWon, SEED_OPPORTUNITIES.greenfieldNewCustomer]) {
      const record = opportunity(name);
      const orders = ordersFor(String(record.Id));
      expect(orders).toHaveLength(1);
      expect(record).toMatchObject({ Sage_Order_Status__c: 'Pushed', Sage_Order_Number__c: orders[0]?.OrderNumber });
    }
    expect(ordersFor(String(opportunity(SEED_OPPORTUNITIES.blackRockOpen).Id))).toHaveLength(0);
  });

  it('marks an opportunity the credit policy blocks as Blocked and one with unlinked products as Failed, with the reason', async () => {
    const bayside = opportunity(SEED_OPPORTUNITIES.baysideOverCreditLimit);
    expect(bayside.Sage_Order_Status__c).toBe('Blocked');
    expect(String(bayside.Sage_Sync_Message__c)).toMatch(/credit/i);
    expect(ordersFor(String(bayside.Id))).toHaveLength(0);

    const cedar = opportunity(SEED_OPPORTUNITIES.cedarValleyUnlinkedProduct);
    expect(cedar.Sage_Order_Status__c).toBe('Failed');
    expect(String(cedar.Sage_Sync_Message__c)).toContain('On-site Assembly Service');

    const failures = await runtime.listFailures({ flow: 'closedWonOrders', status: 'open' });
    const codes = Object.fromEntries(failures.map((failure) => [failure.recordKey, failure.errorCode]));
    expect(codes[String(bayside.Id)]).toBe('CREDIT_BLOCKED');
    expect(codes[String(cedar.Id)]).toBe('PRODUCTS_WITHOUT_SAGE_ITEM');
    expect(codes[String(opportunity(SEED_OPPORTUNITIES.mountainWithUnknownItem).Id)]).toBe('SAGE_REJECTED');
  });

  it('with auto-push on, a run with nothing changed costs one SOQL query and no Sage request', async () => {
    await setSettings({ Auto_Push_Closed_Won__c: true });
    resetCounts();
    // The refused opportunities were written to (their status) and come back within the look-back: they wait.
    const result = await runtime.runFlowNow('closedWonOrders');
    expect(result).toMatchObject({ outcome: 'succeeded', created: 0, updated: 0, failed: 0 });
    expect(result.unchanged).toBeGreaterThanOrEqual(4);
    expect(systems.salesforceSandbox.counts().query).toBe(1);
    expect(systems.salesforceSandbox.counts().total).toBe(1);
    expect(sageRequests()).toEqual({});
  });

  it('does not push a blocked opportunity again until it changes, then pushes it once', async () => {
    const bayside = String(opportunity(SEED_OPPORTUNITIES.baysideOverCreditLimit).Id);
    // The policy now allows the order, but the opportunity itself has not changed: it is not tried again.
    await setSettings({ Credit_Policy__c: 'Warn' });
    resetCounts();
    const waiting = await runtime.runFlowNow('closedWonOrders');
    expect(waiting).toMatchObject({ created: 0, failed: 0 });
    expect(sageRequests()).toEqual({});
    expect(ordersFor(bayside)).toHaveLength(0);

    editOpportunity(SEED_OPPORTUNITIES.baysideOverCreditLimit, { CloseDate: '2026-01-15' });
    resetCounts();
    const pushed = await runtime.runFlowNow('closedWonOrders');
    expect(pushed).toMatchObject({ created: 1, failed: 0 });
    expect(sageRequests()['POST OE/OEOrders']).toBe(1);
    const orders = ordersFor(bayside);
    expect(orders).toHaveLength(1);
    expect(opportunity(SEED_OPPORTUNITIES.baysideOverCreditLimit)).toMatchObject({
      Sage_Order_Status__c: 'Pushed',
      Sage_Order_Number__c: orders[0]?.OrderNumber,
    });
    const open = await runtime.listFailures({ flow: 'closedWonOrders', status: 'open' });
    expect(open.map((failure) => failure.recordKey)).not.toContain(bayside);

    // Pushed and shown: it no longer matches the flow's query, and nothing is sent again.
    resetCounts();
    await runtime.runFlowNow('closedWonOrders');
    expect(sageRequests()['POST OE/OEOrders']).toBeUndefined();
    expect(ordersFor(bayside)).toHaveLength(1);
  });

  it('with Closed_Won_Creates__c Quote, sends a won opportunity as a quote once, and none for one with its order', async () => {
    await setSettings({ Closed_Won_Creates__c: 'Quote' });
    const opportunityId = cloneOpportunity(
      systems.salesforceSandbox,
      SEED_OPPORTUNITIES.blackRockClosedWon,
      'Quoted when won',
    );
    resetCounts();
    const result = await runtime.runFlowNow('closedWonOrders');
    expect(result).toMatchObject({ outcome: expect.stringMatching(/succeeded|partial/), created: 1 });
    const documents = ordersFor(opportunityId);
    expect(documents.map((document) => document.OrderType)).toEqual(['Quote']);
    expect(systems.salesforceSandbox.get('Opportunity', opportunityId)).toMatchObject({
      Sage_Quote_Number__c: documents[0]?.OrderNumber,
    });
    expect(systems.salesforceSandbox.get('Opportunity', opportunityId)?.Sage_Order_Number__c ?? null).toBeNull();
    const blackRock = String(opportunity(SEED_OPPORTUNITIES.blackRockClosedWon).Id);
    expect(ordersFor(blackRock).map((document) => document.OrderType)).toEqual(['Active']);

    resetCounts();
    await runtime.runFlowNow('closedWonOrders');
    expect(sageRequests()['POST OE/OEOrders']).toBeUndefined();
    expect(ordersFor(opportunityId)).toHaveLength(1);
    await setSettings({ Closed_Won_Creates__c: 'Order' });
  });
});
