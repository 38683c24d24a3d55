// The convertedLeads flow over both sandboxes and a real store: a converted lead's account gets exactly one Sage
// customer, however often the flow runs, beside the "Create in Sage 300" API for the same account, and on replicas.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import type { SalesforceSandbox } from '../../../sandbox/salesforce/server.js';
import { apiClient } from '../../http/api-client.js';
import { startSystem, testKey, type System } from '../../e2e/harness.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

const RULES = JSON.stringify([
  { when: { country: ['Canada', 'CA'] }, customerGroup: 'WHL', priceList: 'WHS', taxGroup: 'USDTAX' },
  { when: { industry: 'Education' }, terms: 'DUETBL' },
]);

/** A lead converted into a new account (as Salesforce's conversion leaves them); answers the account's Id. */
function convertedLead(
  salesforce: SalesforceSandbox,
  company: string,
  fields: { country?: string; industry?: string; postalCode?: string; customerNumber?: string } = {},
): { accountId: string; leadId: string } {
  const accountId = salesforce.insert('Account', {
    Name: company,
    BillingCountry: fields.country ?? 'USA',
    BillingPostalCode: fields.postalCode ?? '94105',
    ...(fields.industry ? { Industry: fields.industry } : {}),
  });
  const leadId = salesforce.insert('Lead', {
    LastName: 'Buyer',
    Company: company,
    Country: fields.country ?? 'USA',
    ...(fields.industry ? { Industry: fields.industry } : {}),
    ...(fields.customerNumber ? { Sage_Customer_Number__c: fields.customerNumber } : {}),
    Status: 'Closed - Converted',
    IsConverted: true,
    ConvertedDate: '2026-11-30',
    ConvertedAccountId: accountId,
  });
  return { accountId, leadId };
}

describe.each(engines)('the convertedLeads flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;

  const sageCounts = () => systems.sageSandbox.counts() as Record<string, number>;
  const customer = (number: unknown) =>
    systems.sageSandbox.state.customers.get([String(number)]) as Record<string, unknown> | undefined;
  const account = (id: string) => systems.salesforceSandbox.get('Account', id) as Record<string, unknown>;
  const settingsId = () =>
    String(systems.salesforceSandbox.findOne('Sage_Connector_Setting__mdt', (r) => r.DeveloperName === 'Default')?.Id);

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('converted leads flow');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store);
    systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', settingsId(), { Customer_Rules__c: RULES });
    await runtime.refreshMappings();
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('gives a converted lead’s account one Sage customer with the codes of the first matching rule, when the flow runs twice', async () => {
    const canadian = convertedLead(systems.salesforceSandbox, 'Maple Leaf Schools', {
      country: 'Canada',
      industry: 'Education',
      postalCode: 'M5V 2T6',
    });
    const school = convertedLead(systems.salesforceSandbox, 'Riverside Academy', { industry: 'Education' });
    const plain = convertedLead(systems.salesforceSandbox, 'Plain Widgets Co');
    const before = systems.sageSandbox.state.customers.all().length;
    systems.sageSandbox.resetCounts();
    expect(await runtime.runFlowNow('convertedLeads')).toMatchObject({ outcome: 'succeeded', created: 3, failed: 0 });
    expect(await runtime.runFlowNow('convertedLeads')).toMatchObject({ outcome: 'succeeded', created: 0 });
    expect(await runtime.runFlowNow('convertedLeads', { full: true })).toMatchObject({ created: 0, failed: 0 });
    expect(sageCounts()['POST AR/ARCustomers']).toBe(3);
    expect(systems.sageSandbox.state.customers.all().length).toBe(before + 3);

    // First match wins: Canada before Education; then Education; then the defaults.
    expect(customer(account(canadian.accountId).Sage_Customer_Number__c)).toMatchObject({
      CustomerName: 'Maple Leaf Schools',
      GroupCode: 'WHL',
      CustomerPriceList: 'WHS',
      TaxGroup: 'USDTAX',
      Terms: 'N30',
    });
    expect(customer(account(school.accountId).Sage_Customer_Number__c)).toMatchObject({
      GroupCode: 'RTL',
      CustomerPriceList: 'RTL',
      TaxGroup: 'CALIF',
      Terms: 'DUETBL',
    });
    expect(customer(account(plain.accountId).Sage_Customer_Number__c)).toMatchObject({
      GroupCode: 'RTL',
      Terms: 'N30',
      TaxGroup: 'CALIF',
      CustomerPriceList: 'RTL',
    });
  });

  it('links the account of a lead that names an existing Sage customer instead of creating one', async () => {
    await systems.sage.customers.create({
      CustomerNumber: 'KNOWN01',
      ShortName: 'KNOWN',
      CustomerName: 'Known Buyer Inc',
      GroupCode: 'RTL',
      Terms: 'N30',
      TaxGroup: 'CALIF',
      CustomerPriceList: 'RTL',
      CurrencyCode: 'USD',
    });
    const known = convertedLead(systems.salesforceSandbox, 'Known Buyer Inc', { customerNumber: 'known01' });
    const missing = convertedLead(systems.salesforceSandbox, 'Ghost Buyer', { customerNumber: 'NOSUCH9' });
    systems.sageSandbox.resetCounts();
    const result = await runtime.runFlowNow('convertedLeads');
    expect(result).toMatchObject({ created: 0, updated: 1, failed: 1 });
    expect(sageCounts()['POST AR/ARCustomers'] ?? 0).toBe(0);
    expect(account(known.accountId).Sage_Customer_Number__c).toBe('KNOWN01');
    const [parked] = (await runtime.listFailures({ flow: 'convertedLeads', status: 'open' })).filter(
      (failure) => failure.recordKey === missing.leadId,
    );
    expect(parked).toMatchObject({ errorCode: 'LINKED_CUSTOMER_MISSING', errorKind: 'permanent' });
    expect(account(missing.accountId)).toMatchObject({
      Sage_Customer_Number__c: null,
      Sage_Sync_Status__c: 'Error',
      Sage_Sync_Message__c: expect.stringContaining('NOSUCH9'),
    });
  });
});

const postgresServer = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe.each([
  ['one process on SQLite', false],
  ['replicas on PostgreSQL', true],
] as const)('a converted lead and the "Create in Sage 300" API racing, %s', (_name, postgres) => {
  const schema = `leads_e2e_${randomBytes(4).toString('hex')}`;
  let system: System;

  beforeAll(async () => {
    system = await startSystem(
      postgres ? { env: { DATABASE_URL: `${postgresServer}?schema=${schema}`, SAGE300_TIMEOUT_MS: '9000' } } : {},
    );
  });

  afterAll(async () => {
    await system.close();
    if (!postgres) return;
    const client = new pg.Client({ connectionString: postgresServer });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  it('makes exactly one Sage customer when the flow and a POST /api/v1/customers for the same account run at once', async () => {
    // The API is served by another replica (its own provisioning, the same store) when there are replicas.
    const other = postgres ? await system.replica() : system.middleware;
    const api = apiClient(other.url, testKey);
    const { accountId } = convertedLead(system.salesforce, 'Racing Robotics', { postalCode: '30301' });
    const before = system.sage.state.customers.all().length;
    system.sage.resetCounts();
    // A slow create, so both callers are at work at the same moment.
    system.sage.setFaults('POST AR/ARCustomers', { latencyMs: 800, times: 1 });
    const sync = system.middleware.sync;
    if (!sync) throw new Error('the middleware runs no sync');
    const otherSync = other.sync;
    const [run, answer, secondRun] = await Promise.all([
      sync.runFlowNow('convertedLeads'),
      api<{ customerNumber: string; outcome: string }>('POST', '/api/v1/customers', { body: { accountId } }),
      // On replicas, the other one's schedule may fire at the same time: its lease makes it skip or find nothing new.
      postgres && otherSync ? otherSync.runFlowNow('convertedLeads') : Promise.resolve(undefined),
    ]);
    expect(run.failed).toBe(0);
    expect(secondRun?.failed ?? 0).toBe(0);
    expect([200, 201]).toContain(answer.status);
    expect(system.sage.counts()['POST AR/ARCustomers']).toBe(1);
    expect(system.sage.state.customers.all().length).toBe(before + 1);
    const created = system.sage.state.customers.all().filter((row) => row.CustomerName === 'Racing Robotics');
    expect(created).toHaveLength(1);
    expect(system.salesforce.get('Account', accountId)?.Sage_Customer_Number__c).toBe(answer.body.customerNumber);
    expect(created[0]?.CustomerNumber).toBe(answer.body.customerNumber);
  });
});
