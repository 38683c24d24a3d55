// The creditAlerts flow over both sandboxes and a real store: Sage balances, limits and holds → Sage_Credit_Alert__c
// and Tasks for the account owners. Balances move through the Sage sandbox's control endpoints (invoices, payments).
import { defaultSettings } from '../../../middleware/src/domain/settings.js';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SageRecord } from '../../../sandbox/sage300/records.js';
import { creditAlertsFlow, creditFigures } from '../../../middleware/src/sync/flows/credit-alerts.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { raceOnBothReplicas, startRacingReplicas, type RacingReplicas } from '../racing-replicas.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

type Row = Record<string, unknown>;

/** Posts to the Sage sandbox's control endpoint over HTTP; answers the JSON body. */
export async function sageControl(systems: TestSystems, route: string, body: Row): Promise<Row> {
  const response = await fetch(`${systems.sageSandbox.origin}/_sandbox/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Row;
  if (response.status !== 201) throw new Error(`${route} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** Posts an A/R invoice; answers its document number. */
export async function invoice(systems: TestSystems, customerNumber: string, amount: number): Promise<string> {
  const answer = await sageControl(systems, 'invoices', { customerNumber, amount });
  return String((answer.document as Row).DocumentNumber);
}

export async function pay(systems: TestSystems, customerNumber: string, documentNumber: string, amount: number) {
  await sageControl(systems, 'payments', { customerNumber, documentNumber, amount });
}

/** The credit alerts of a customer in the Salesforce sandbox, oldest first. */
export function alertsOf(systems: TestSystems, customerNumber: string): Row[] {
  return systems.salesforceSandbox
    .records('Sage_Credit_Alert__c')
    .filter((alert) => String(alert.Alert_Key__c).startsWith(`${customerNumber}|`))
    .sort(
      (a, b) => String(a.CreatedDate).localeCompare(String(b.CreatedDate)) || String(a.Id).localeCompare(String(b.Id)),
    );
}

/** Alerts not resolved (Open or Acknowledged). */
export function unresolved(systems: TestSystems): Row[] {
  return systems.salesforceSandbox.records('Sage_Credit_Alert__c').filter((alert) => alert.Status__c !== 'Resolved');
}

/** The Tasks the credit alerts wrote, by key. */
export function alertTasks(systems: TestSystems): Row[] {
  return systems.salesforceSandbox
    .records('Task')
    .filter((task) => String(task.Sage_Alert_Key__c).startsWith('ALERT|'));
}

function accountOf(systems: TestSystems, customerNumber: string): Row {
  const account = systems.salesforceSandbox.findOne('Account', (row) => row.Sage_Customer_Number__c === customerNumber);
  if (!account) throw new Error(`no account for ${customerNumber}`);
  return account;
}

describe.each(engines)('the creditAlerts flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('credit alerts flow');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store);
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  const run = async () => {
    const result = await runtime.runFlowNow('creditAlerts');
    expect(result).toMatchObject({ outcome: 'succeeded', failed: 0 });
    return result;
  };

  it('opens one alert and one Task per condition however often it runs', async () => {
    const first = await run();
    expect(first.read).toBe(systems.sageSandbox.state.customers.size);
    expect(first.created).toBe(2);
    systems.salesforceSandbox.resetCounts();
    for (const result of [await run(), await run()]) {
      expect(result).toMatchObject({ created: 0, updated: 0, unchanged: result.read });
    }
    expect(systems.salesforceSandbox.counts().collectionWrite).toBe(0);

    // Seed: 1105 owes 24,581.25 on a limit of 20,000; 1500 is on hold.
    expect(
      unresolved(systems)
        .map((alert) => alert.Alert_Key__c)
        .sort(),
    ).toEqual(['1105|LIMIT', '1500|HOLD']);
    const [over] = alertsOf(systems, '1105');
    expect(over).toMatchObject({
      Account__c: accountOf(systems, '1105').Id,
      Alert_Type__c: 'Over Limit',
      Severity__c: 'Critical',
      Status__c: 'Open',
      Balance__c: 24581.25,
      Credit_Limit__c: 20000,
      Utilisation__c: 122.9,
      Threshold__c: 100,
    });
    expect(over?.Message__c).toBe(
      'The balance of 24,581.25 USD is 122.9 % of the credit limit of 20,000.00 USD: over the limit.',
    );
    expect(over?.Raised_At__c).toBeTruthy();
    expect(alertsOf(systems, '1500')[0]).toMatchObject({ Alert_Type__c: 'On Hold', Severity__c: 'Critical' });

    const tasks = alertTasks(systems);
    expect(tasks).toHaveLength(2);
    const overTask = tasks.find((task) => task.Sage_Alert_Key__c === `ALERT|${String(over?.Id)}|OVER`);
    expect(overTask).toMatchObject({
      WhatId: accountOf(systems, '1105').Id,
      OwnerId: accountOf(systems, '1105').OwnerId,
      Priority: 'High',
      Status: 'Not Started',
      ActivityDate: today,
      Subject: 'Credit alert: Over Limit – Bayside Office Supply (1105)',
    });
    expect(String(overTask?.Description)).toContain('Balance: 24,581.25 USD');
  });

  let bigInvoice: string;
  let alertId: string;

  it('opens Approaching Limit at the warning threshold, and escalates the same alert above the limit', async () => {
    // 1200 owes 9,955.60 of 25,000: 11,000 more is 83.8 %.
    bigInvoice = await invoice(systems, '1200', 11_000);
    await run();
    const [approaching] = alertsOf(systems, '1200');
    expect(approaching).toMatchObject({
      Alert_Key__c: '1200|LIMIT',
      Alert_Type__c: 'Approaching Limit',
      Severity__c: 'Warning',
      Utilisation__c: 83.8,
      Threshold__c: 80,
    });
    alertId = String(approaching?.Id);
    const warningTask = alertTasks(systems).find((task) => task.Sage_Alert_Key__c === `ALERT|${alertId}|APPROACHING`);
    expect(warningTask).toMatchObject({ Priority: 'Normal', OwnerId: accountOf(systems, '1200').OwnerId });

    // A rep acknowledges it; a rise that stays Approaching updates the figures and notifies no one.
    systems.salesforceSandbox.update('Sage_Credit_Alert__c', alertId, {
      Status__c: 'Acknowledged',
      Acknowledged_At__c: new Date().toISOString(),
    });
    await invoice(systems, '1200', 500);
    await run();
    expect(alertsOf(systems, '1200')).toEqual([
      expect.objectContaining({ Id: alertId, Status__c: 'Acknowledged', Utilisation__c: 85.8 }),
    ]);
    expect(alertTasks(systems)).toHaveLength(3);

    // Over the limit: the same alert escalates, is open again, and its owner gets a second Task.
    await invoice(systems, '1200', 5_000);
    await run();
    expect(alertsOf(systems, '1200')).toEqual([
      expect.objectContaining({
        Id: alertId,
        Alert_Key__c: '1200|LIMIT',
        Alert_Type__c: 'Over Limit',
        Severity__c: 'Critical',
        Status__c: 'Open',
        Acknowledged_At__c: null,
        Balance__c: 26455.6,
        Utilisation__c: 105.8,
      }),
    ]);
    const tasks = alertTasks(systems);
    expect(tasks).toHaveLength(4);
    expect(tasks.find((task) => task.Sage_Alert_Key__c === `ALERT|${alertId}|OVER`)).toMatchObject({
      Priority: 'High',
      Subject: 'Credit alert escalated: Over Limit – Black Rock Retail (1200)',
    });
  });

  it('keeps the alert while the balance hovers within the margin and resolves it past the margin', async () => {
    // 24,455.60 is 97.8 %: within 5 points of the limit, so still Over Limit.
    await pay(systems, '1200', bigInvoice, 2_000);
    await run();
    expect(alertsOf(systems, '1200')).toEqual([
      expect.objectContaining({ Id: alertId, Alert_Type__c: 'Over Limit', Utilisation__c: 97.8 }),
    ]);
    // 18,855.60 is 75.4 %: below the limit's margin (95 %), within the warning's (75 %): Approaching, quietly.
    await pay(systems, '1200', bigInvoice, 5_600);
    await run();
    expect(alertsOf(systems, '1200')).toEqual([
      expect.objectContaining({ Id: alertId, Alert_Type__c: 'Approaching Limit', Status__c: 'Open' }),
    ]);
    expect(alertTasks(systems)).toHaveLength(4);

    // 18,655.60 is 74.6 %: cleared by the margin.
    await pay(systems, '1200', bigInvoice, 200);
    await run();
    const [resolved] = alertsOf(systems, '1200');
    expect(resolved).toMatchObject({
      Id: alertId,
      Status__c: 'Resolved',
      Alert_Key__c: `1200|LIMIT|${alertId}`,
    });
    expect(resolved?.Resolved_At__c).toBeTruthy();
    expect(
      unresolved(systems)
        .map((alert) => alert.Alert_Key__c)
        .sort(),
    ).toEqual(['1105|LIMIT', '1500|HOLD']);
  });

  it('opens a new alert on a later breach and keeps the resolved one as history', async () => {
    await invoice(systems, '1200', 2_000);
    await run();
    await run();
    const history = alertsOf(systems, '1200');
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ Id: alertId, Status__c: 'Resolved' });
    expect(history[1]).toMatchObject({
      Alert_Key__c: '1200|LIMIT',
      Status__c: 'Open',
      Alert_Type__c: 'Approaching Limit',
    });
    expect(history[1]?.Id).not.toBe(alertId);
    expect(alertTasks(systems)).toHaveLength(5);
  });
  it('keeps the alert of a customer with no Account waiting, and writes it once the customers flow links it', async () => {
    // A new Sage customer on hold, which no Account carries yet.
    const state = systems.sageSandbox.state;
    const customer: SageRecord = { ...(state.customers.get(['1500']) as SageRecord), CustomerNumber: '1234' };
    customer.CustomerName = 'Harbour Lights Cafe';
    state.customers.put(customer);
    state.touch(customer);

    const first = await runtime.runFlowNow('creditAlerts');
    expect(first).toMatchObject({ outcome: 'partial', failed: 1 });
    const [waiting] = await runtime.listFailures({ flow: 'creditAlerts', status: 'open' });
    expect(waiting).toMatchObject({
      recordKey: '1234',
      errorCode: 'CUSTOMER_NOT_LINKED',
      errorMessage: 'customer 1234 has no Salesforce account',
      waitsFor: { entity: 'customer', key: '1234' },
    });
    // Not due before the customer is linked: another run leaves it waiting, writing nothing.
    systems.salesforceSandbox.resetCounts();
    expect(await runtime.runFlowNow('creditAlerts')).toMatchObject({ failed: 0, created: 0 });
    expect(systems.salesforceSandbox.counts().collectionWrite).toBe(0);
    expect(alertsOf(systems, '1234')).toEqual([]);

    expect(await runtime.runFlowNow('customers')).toMatchObject({ failed: 0 });
    const account = accountOf(systems, '1234');
    expect(await runtime.runFlowNow('creditAlerts')).toMatchObject({ outcome: 'succeeded', created: 1, failed: 0 });
    expect(alertsOf(systems, '1234')).toEqual([
      expect.objectContaining({ Alert_Key__c: '1234|HOLD', Account__c: account.Id, Status__c: 'Open' }),
    ]);
    expect(alertTasks(systems).filter((task) => task.WhatId === account.Id)).toHaveLength(1);
    expect((await store.failures.get(waiting?.id ?? -1))?.status).toBe('resolved');
  });
});

describe('creditAlerts runs racing on PostgreSQL', () => {
  let racing: RacingReplicas;
  let systems: TestSystems;

  beforeAll(async () => {
    racing = await startRacingReplicas('credit alerts race');
    systems = racing.systems;
  });

  afterAll(async () => {
    await racing.close();
  });

  it('keeps one open alert and one Task per condition when two replicas run the flow at once', async () => {
    await raceOnBothReplicas(racing, 'creditAlerts', 2);

    expect(
      unresolved(systems)
        .map((alert) => alert.Alert_Key__c)
        .sort(),
    ).toEqual(['1105|LIMIT', '1500|HOLD']);
    expect(alertTasks(systems)).toHaveLength(2);
  });

  it('writes one alert and one Task per opening even when two runs write the same page without a lease', async () => {
    await invoice(systems, '1400', 90_000);
    const flow = () =>
      creditAlertsFlow({
        customers: (query) => systems.sage.customers.list(query),
        getCustomer: (number) => systems.sage.customers.get(number),
        salesforce: systems.salesforce,
        settings: () => defaultSettings,
        clock: () => new Date(),
      });
    const customer = await systems.sage.customers.get('1400');
    if (!customer) throw new Error('no customer 1400');
    const target = {
      figures: creditFigures(customer),
      settings: { warningThreshold: 80, hysteresis: 5 },
    };
    const page = [{ key: '1400', target, hash: 'race' }];
    const signal = new AbortController().signal;
    const outcomes = await Promise.all([flow().write(page, signal), flow().write(page, signal)]);
    expect(outcomes.flat().map((outcome) => outcome.ok)).toEqual([true, true]);
    expect(outcomes.flat().filter((outcome) => outcome.ok && outcome.created)).toHaveLength(1);

    expect(alertsOf(systems, '1400')).toEqual([
      expect.objectContaining({ Alert_Key__c: '1400|LIMIT', Alert_Type__c: 'Over Limit', Status__c: 'Open' }),
    ]);
    const alertId = String(alertsOf(systems, '1400')[0]?.Id);
    expect(alertTasks(systems).filter((task) => String(task.Sage_Alert_Key__c).includes(alertId))).toHaveLength(1);
  });
});
