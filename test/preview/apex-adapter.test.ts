/**
 * The preview's Apex adapter answers what the package's controllers answer: the methods they declare, the classes
 * they declare (checked against the `.cls` files field by field), the sentences of SageAuraErrors, and each answer,
 * taken live from the middleware on its sandboxes, in the shape Aura would send.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creditSentences, money } from '../../middleware/src/domain/credit.js';
import { startMiddleware, type RunningMiddleware } from '../../middleware/src/main.js';
import { AuraHandledError, createApexAdapter, sentences, type ApexAdapter } from '../../preview/server/apex-adapter.js';
import { apexClasses, auraSerialised, type ApexClass, type ApexType } from '../../preview/server/apex-shapes.js';
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import { classesDir, readController } from './apex-declarations.js';

const controllers = [
  'SageAccountController',
  'SageCreditAlertController',
  'SageItemController',
  'SageOrderController',
  'SageReconciliationController',
  'SageSyncConsoleController',
];

/** An Apex type as the `.cls` writes it. */
function apexText(type: ApexType): string {
  if (typeof type === 'string') return type;
  if ('list' in type) return `List<${apexText(type.list)}>`;
  return type.name.split('.').at(-1) ?? type.name;
}

/** The type a method's declared return type names. */
function declaredType(text: string): ApexType {
  const list = /^List<(.+)>$/.exec(text);
  if (list?.[1]) return { list: declaredType(list[1]) };
  const known = (apexClasses as Record<string, ApexClass>)[text];
  return known ?? (text as ApexType);
}

/** Problems of a value the component receives against the declared type (no key the class does not declare). */
function shapeProblems(value: unknown, type: ApexType, path = 'answer'): string[] {
  if (value === undefined || value === null) return [];
  if (typeof type === 'string') {
    const ok = {
      String: typeof value === 'string',
      Id: typeof value === 'string' && /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(value),
      Boolean: typeof value === 'boolean',
      Integer: Number.isInteger(value),
      Long: Number.isInteger(value),
      Decimal: typeof value === 'number',
      Date: typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value),
      Datetime: typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value),
      void: false,
    }[type];
    return ok ? [] : [`${path}: ${JSON.stringify(value)} is not a ${type}`];
  }
  if ('list' in type) {
    if (!Array.isArray(value)) return [`${path}: not a list`];
    return value.flatMap((item, index) => shapeProblems(item, type.list, `${path}[${index}]`));
  }
  if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
  return Object.entries(value).flatMap(([key, inner]) =>
    key in type.fields
      ? shapeProblems(inner, type.fields[key] as ApexType, `${path}.${key}`)
      : [`${path}.${key}: not declared by ${type.name}`],
  );
}

let middleware: RunningMiddleware;
let adapter: ApexAdapter;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'connector-apex-adapter-'));
  middleware = await startMiddleware({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite://${join(folder, 'connector.db')}`,
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'silent',
    },
  });
  adapter = createApexAdapter({
    salesforce: middleware.salesforce,
    middleware: { url: middleware.url, apiKey: middleware.generatedKey ?? '' },
  });
});

afterAll(async () => {
  await middleware?.close();
  rmSync(folder, { recursive: true, force: true });
});

const salesforce = () => {
  const sandbox = middleware.embedded?.salesforce?.sandbox;
  if (!sandbox) throw new Error('no embedded Salesforce sandbox');
  return sandbox;
};
const idOf = (type: string, predicate: (row: Record<string, unknown>) => boolean) => {
  const record = salesforce().findOne(type, predicate);
  if (!record) throw new Error(`no such ${type}`);
  return String(record.Id);
};
const accountId = (customerNumber: string) => idOf('Account', (row) => row.Sage_Customer_Number__c === customerNumber);
const opportunityId = (name: string) => idOf('Opportunity', (row) => row.Name === name);

/** Calls a method and checks its answer against the method's declared return type, as the component receives it. */
async function answer(controller: string, method: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const declared = readController(controller).methods[method];
  if (!declared) throw new Error(`${controller} declares no @AuraEnabled ${method}`);
  const value = auraSerialised(await adapter.call(controller, method, params));
  expect(shapeProblems(value, declaredType(declared.returnType))).toEqual([]);
  return value;
}

async function refusal(controller: string, method: string, params: Record<string, unknown> = {}): Promise<string> {
  try {
    await adapter.call(controller, method, params);
  } catch (error) {
    if (error instanceof AuraHandledError) return error.message;
    throw error;
  }
  throw new Error(`${controller}.${method} answered instead of refusing`);
}

describe('the declarations the adapter mirrors', () => {
  it.each(controllers)('%s: the adapter answers exactly its @AuraEnabled methods', (controller) => {
    expect([...(adapter.methods[controller] ?? [])].sort()).toEqual(
      Object.keys(readController(controller).methods).sort(),
    );
  });

  it.each(Object.entries(apexClasses))('%s has the fields and types of the Apex class', (_, type) => {
    const [controller, inner] = type.name.split('.') as [string, string];
    const declared = readController(controller).classes[inner];
    expect(declared).toBeDefined();
    const mirrored = Object.fromEntries(
      Object.entries(type.fields).map(([name, fieldType]) => [
        name,
        { type: apexText(fieldType), auraEnabled: type.auraEnabled },
      ]),
    );
    expect(mirrored).toEqual(declared);
  });

  it('uses the sentences of the Apex classes word for word', () => {
    const apex = readdirSync(classesDir)
      .filter((file) => file.endsWith('.cls') && !file.endsWith('_Test.cls'))
      .map((file) => readFileSync(join(classesDir, file), 'utf8'))
      .join('\n');
    for (const sentence of Object.values(sentences)) expect(apex).toContain(`'${sentence}`);
  });
});

describe('answers from the middleware on its sandboxes', () => {
  it('SageAccountController.getFinancials: live figures and open invoices of a linked account', async () => {
    const value = (await answer('SageAccountController', 'getFinancials', {
      accountId: accountId('1105'),
      fresh: true,
    })) as Record<string, unknown>;
    expect(value).toMatchObject({
      linked: true,
      stale: false,
      customerNumber: '1105',
      accountName: 'Bayside Office Supply',
    });
    expect(value.creditStanding).toBe('over-limit');
    expect((value.invoices as unknown[]).length).toBeGreaterThan(0);
  });

  it('SageAccountController.getFinancials: an account without a Sage customer says so', async () => {
    const value = await answer('SageAccountController', 'getFinancials', {
      accountId: idOf('Account', (row) => !row.Sage_Customer_Number__c),
    });
    expect(value).toMatchObject({ linked: false, message: sentences.unlinkedAccount });
  });

  it('SageAccountController.createCustomer: creates the customer of an unlinked account, then answers it linked', async () => {
    const id = salesforce().insert('Account', {
      Name: 'Harbourside Bicycle Co-op',
      BillingStreet: '12 Quay Street',
      BillingCity: 'Halifax',
      BillingState: 'NS',
      BillingPostalCode: 'B3J 1A1',
      BillingCountry: 'Canada',
    });
    const sage = middleware.embedded?.sage300?.sandbox;
    if (!sage) throw new Error('no embedded Sage 300 sandbox');
    const created = (await answer('SageAccountController', 'createCustomer', { accountId: id })) as {
      outcome: string;
      customerNumber: string;
    };
    expect(created.outcome).toBe('created');
    expect(sage.state.customers.get([created.customerNumber])?.CustomerName).toBe('Harbourside Bicycle Co-op');
    expect(salesforce().findOne('Account', (row) => row.Id === id)?.Sage_Customer_Number__c).toBe(
      created.customerNumber,
    );
    expect(await answer('SageAccountController', 'createCustomer', { accountId: id })).toEqual({
      outcome: 'linked',
      customerNumber: created.customerNumber,
    });
    expect(await refusal('SageAccountController', 'createCustomer', {})).toBe(sentences.openAccountToCreate);
  });

  it('SageAccountController.getFinancials: the last synced figures, marked stale, when the connector is down', async () => {
    const down = createApexAdapter({
      salesforce: middleware.salesforce,
      middleware: { url: 'http://127.0.0.1:9', apiKey: 'unused-key-0123456789' },
    });
    const value = auraSerialised(
      await down.call('SageAccountController', 'getFinancials', { accountId: accountId('1200') }),
    ) as Record<string, unknown>;
    expect(shapeProblems(value, apexClasses.AccountFinancials)).toEqual([]);
    expect(value.stale).toBe(true);
    expect(String(value.staleReason)).toMatch(
      /^The Sage 300 connector could not be reached: .*\. Try again in a few minutes\.$/,
    );
  });

  it('SageCreditAlertController: open alerts, and acknowledging one once', async () => {
    const account = accountId('1105');
    const alertId = salesforce().insert('Sage_Credit_Alert__c', {
      Account__c: account,
      Alert_Type__c: 'Over Limit',
      Severity__c: 'Critical',
      Status__c: 'Open',
      Message__c: 'Over its credit limit',
      Balance__c: 24581.25,
      Credit_Limit__c: 20000,
      Utilisation__c: 122.9,
      Raised_At__c: '2026-05-01T09:00:00.000+0000',
    });
    const alerts = (await answer('SageCreditAlertController', 'getOpenAlerts', { accountId: account })) as {
      id: string;
    }[];
    expect(alerts.map((alert) => alert.id)).toContain(alertId);
    const acknowledged = await answer('SageCreditAlertController', 'acknowledge', { alertId });
    expect(acknowledged).toMatchObject({ id: alertId, status: 'Acknowledged' });
    expect(await refusal('SageCreditAlertController', 'acknowledge', { alertId })).toMatch(
      /^This alert was already acknowledged by .+ on .+\.$/,
    );
  });

  it('SageItemController.getAvailability: live stock and prices of a linked product', async () => {
    const value = await answer('SageItemController', 'getAvailability', {
      productId: idOf('Product2', (row) => row.Sage_Item_Number__c === 'A14500'),
    });
    expect(value).toMatchObject({ linked: true, itemNumber: 'A14500', stale: false });
  });

  it('SageOrderController: the preview, the push, and the replay that answers the same order', async () => {
    const id = opportunityId(SEED_OPPORTUNITIES.blackRockClosedWon);
    const preview = await answer('SageOrderController', 'getPreview', { opportunityId: id });
    expect(preview).toMatchObject({ opportunityId: id, closedWon: true, canPush: true, blockers: [] });
    const pushed = (await answer('SageOrderController', 'push', { opportunityId: id })) as Record<string, unknown>;
    expect(pushed).toMatchObject({ status: 'Pushed', replayed: false });
    const again = await answer('SageOrderController', 'push', { opportunityId: id });
    expect(again).toMatchObject({ orderNumber: pushed.orderNumber, replayed: true });
    const after = await answer('SageOrderController', 'getPreview', { opportunityId: id });
    expect(after).toMatchObject({ canPush: false, existingOrder: { orderNumber: pushed.orderNumber } });
  });

  it("SageOrderController.getPreview: the credit check on the synced figures, in the connector's sentences", async () => {
    const id = opportunityId(SEED_OPPORTUNITIES.baysideOverCreditLimit);
    salesforce().update('Account', accountId('1105'), { Sage_Balance__c: 24581.25, Sage_Credit_Limit__c: 20000 });
    const preview = (await answer('SageOrderController', 'getPreview', { opportunityId: id })) as {
      total: number;
      creditCheck: { outcome: string; reasons: string[]; message: string };
    };
    expect(preview.creditCheck).toMatchObject({ outcome: 'warned', reasons: ['OVER_LIMIT'] });
    expect(preview.creditCheck.message).toBe(
      creditSentences.overLimit(money(preview.total), money(24581.25), money(20000)),
    );
  });

  it("SageOrderController.push: Sage's refusal reaches the rep in the connector's words", async () => {
    const message = await refusal('SageOrderController', 'push', {
      opportunityId: opportunityId(SEED_OPPORTUNITIES.mountainWithUnknownItem),
    });
    expect(message).toContain('Item ZZ-404 does not exist.');
  });

  it('SageOrderController: an opportunity that is not Closed Won is refused before calling out', async () => {
    const id = opportunityId(SEED_OPPORTUNITIES.blackRockOpen);
    const preview = (await answer('SageOrderController', 'getPreview', { opportunityId: id })) as {
      blockers: string[];
    };
    expect(preview.blockers).toContain(
      'Only Closed Won opportunities can be pushed to Sage 300; this one is at stage "Prospecting".',
    );
    expect(await refusal('SageOrderController', 'push', { opportunityId: id })).toBe(preview.blockers[0]);
  });

  it('SageReconciliationController.getReconciliation: refuses bad ranges, relays the connector', async () => {
    const call = (params: Record<string, unknown>) =>
      refusal('SageReconciliationController', 'getReconciliation', params);
    expect(await call({ fromMonth: '2026-01' })).toBe(sentences.chooseMonths);
    expect(await call({ fromMonth: '2026-13', toMonth: '2026-12' })).toBe(sentences.monthFormat);
    expect(await call({ fromMonth: '2026-02', toMonth: '2026-01' })).toBe(sentences.monthsInOrder);
    expect(await call({ fromMonth: '2023-01', toMonth: '2026-01' })).toBe(sentences.rangeTooLong);
    expect(await call({ fromMonth: '2026-01', toMonth: '2026-02', accountId: '006x' })).toBe(sentences.chooseAccount);

    // The connector computes the report first, then the adapter relays what it answers for the last six months.
    const headers = { Authorization: `Bearer ${middleware.generatedKey ?? ''}` };
    const run = await fetch(`${middleware.url}/api/v1/sync/flows/revenueReconciliation/run`, {
      method: 'POST',
      headers,
    });
    expect(run.status).toBe(200);
    const month = (back: number) => {
      const today = new Date();
      return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
    };
    const params = { fromMonth: month(5), toMonth: month(0) };
    const direct = await fetch(
      `${middleware.url}/api/v1/reports/revenue-reconciliation?from=${params.fromMonth}&to=${params.toMonth}`,
      { headers },
    );
    expect(direct.status).toBe(200);
    const connector = (await direct.json()) as { rows: { month: string }[]; asOf: string | null };
    expect(connector.rows.length).toBeGreaterThan(0);
    const relayed = (await answer('SageReconciliationController', 'getReconciliation', params)) as {
      fromMonth: string;
      toMonth: string;
      rows: { month: string }[];
      asOf: string;
      totals: Record<string, number>;
    };
    expect(relayed).toMatchObject({ ...params, asOf: connector.asOf });
    expect(relayed.rows.map((row) => row.month)).toEqual(connector.rows.map((row) => row.month));
    expect(Object.keys(relayed.totals).sort()).toEqual(['closedWon', 'collected', 'invoiced', 'ordered', 'variance']);

    // The download is the connector's CSV as it came, after the same checks.
    const directCsv = await fetch(
      `${middleware.url}/api/v1/reports/revenue-reconciliation?from=${params.fromMonth}&to=${params.toMonth}`,
      { headers: { ...headers, Accept: 'text/csv' } },
    );
    expect(directCsv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await answer('SageReconciliationController', 'getReconciliationCsv', params);
    expect(csv).toBe(await directCsv.text());
    expect(String(csv).split('\r\n')).toHaveLength(connector.rows.length + 2);
    expect(await refusal('SageReconciliationController', 'getReconciliationCsv', { fromMonth: '2026-01' })).toBe(
      sentences.chooseMonths,
    );
  });

  it('SageSyncConsoleController: lists the flows, runs one, lists runs and failures, retries and skips', async () => {
    const ran = await answer('SageSyncConsoleController', 'runFlow', { flow: 'customers' });
    expect(ran).toMatch(/^The customers flow ran \((succeeded|partial)\): \d+ read, /);
    const runs = (await answer('SageSyncConsoleController', 'getRuns')) as {
      id: number;
      flow: string;
      triggeredBy: string;
    }[];
    expect(runs[0]).toMatchObject({ flow: 'customers', triggeredBy: 'manual' });
    const flows = (await answer('SageSyncConsoleController', 'getFlows')) as {
      name: string;
      schedule: string;
      running: boolean;
      lastRun?: { id: number };
    }[];
    // Every flow the middleware runs, those that never ran included; a null field does not reach the component.
    expect(flows.map((flow) => flow.name)).toEqual(middleware.sync?.flows().map((flow) => flow.name));
    expect(flows.find((flow) => flow.name === 'customers')).toMatchObject({
      running: false,
      lastRun: { id: runs[0]?.id },
    });

    const record = (recordKey: string) =>
      middleware.store.failures.record('customers', {
        recordKey,
        payload: null,
        kind: 'transient',
        code: 'UNABLE_TO_LOCK_ROW',
        message: 'unable to obtain exclusive access to this record',
        nextAttemptAt: null,
      });
    const retried = await record('1100');
    const skipped = await record('1200');
    const failures = (await answer('SageSyncConsoleController', 'getFailures')) as { id: number }[];
    expect(failures.map((failure) => failure.id)).toEqual(expect.arrayContaining([retried, skipped]));
    expect(await answer('SageSyncConsoleController', 'retryFailure', { failureId: retried })).toBe(sentences.retried);
    expect(await answer('SageSyncConsoleController', 'skipFailure', { failureId: skipped })).toBe(sentences.skipped);
    expect(await refusal('SageSyncConsoleController', 'skipFailure', { failureId: skipped })).toMatch(/skipped/);
    expect(await refusal('SageSyncConsoleController', 'runFlow', { flow: 'Not A Flow' })).toBe(
      '"Not A Flow" is not the name of a sync flow.',
    );
  });

  it('SageSyncConsoleController.getConflicts: the recorded conflicts, newest first, nulls left out', async () => {
    await middleware.store.conflicts.record('contacts', null, [
      {
        recordKey: '1200',
        salesforceId: null,
        field: 'ContactsPhone / Phone',
        master: 'Salesforce',
        winningValue: '(415) 555-0121',
        losingValue: null,
      },
    ]);
    const conflicts = (await answer('SageSyncConsoleController', 'getConflicts')) as Record<string, unknown>[];
    expect(conflicts[0]).toEqual({
      id: expect.any(Number),
      flow: 'contacts',
      recordKey: '1200',
      field: 'ContactsPhone / Phone',
      master: 'Salesforce',
      loser: 'Sage',
      winningValue: '(415) 555-0121',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it('SageSyncConsoleController.testConnection: connected with the key, refused without it', async () => {
    expect(await answer('SageSyncConsoleController', 'testConnection')).toMatchObject({
      ok: true,
      status: 'ok',
      message: sentences.connected,
    });
    const wrongKey = createApexAdapter({
      salesforce: middleware.salesforce,
      middleware: { url: middleware.url, apiKey: 'not-the-key-0123456789' },
    });
    const check = auraSerialised(await wrongKey.call('SageSyncConsoleController', 'testConnection', {}));
    expect(check).toMatchObject({ ok: false, message: sentences.notAllowed });
  });

  it('refuses a malformed record id the way the platform does, and an unknown method', async () => {
    expect(await refusal('SageAccountController', 'getFinancials', { accountId: "001' OR Name != '" })).toBe(
      "Value provided is invalid for action parameter 'accountId' of type 'Id'",
    );
    await expect(adapter.call('SageAccountController', 'deleteEverything', {})).rejects.toThrow(
      'The package has no Apex method SageAccountController.deleteEverything',
    );
  });
});
