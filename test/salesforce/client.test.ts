import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { createSalesforceClient, type SalesforceClient } from '../../middleware/src/salesforce/client.js';
import { soqlLiteral, soqlUriLength } from '../../middleware/src/salesforce/soql.js';
import { ConnectorError } from '../../middleware/src/domain/errors.js';
import type { SalesforceSettings } from '../../middleware/src/config/env.js';

let sandbox: SalesforceSandbox;
let client: SalesforceClient;

const fastRetries = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

function settingsFor(target: SalesforceSandbox): SalesforceSettings {
  return {
    loginUrl: target.loginUrl,
    apiVersion: '65.0',
    auth: { kind: 'client_credentials', clientId: target.clientId, clientSecret: target.clientSecret },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sandbox = await startSalesforceSandbox();
  client = createSalesforceClient(settingsFor(sandbox), { retry: fastRetries, bulkPollIntervalMs: 50 });
  await client.authorize();
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.setDailyLimit(100_000, 0);
  sandbox.resetCounts();
});

const accounts = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, index) => ({
    Sage_Customer_Number__c: `${prefix}${String(index).padStart(4, '0')}`,
    Name: `Customer ${prefix}${index}`,
    BillingCity: 'Portland',
  }));

describe('Salesforce client against the sandbox', () => {
  test('upserting 450 accounts by Sage customer number costs three Collections requests', async () => {
    const results = await client.upsert('Account', 'Sage_Customer_Number__c', accounts(450, 'C'));

    expect(results).toHaveLength(450);
    expect(results.every((result) => result.ok && result.created === true)).toBe(true);
    expect(sandbox.counts().collectionWrite).toBe(3);
    expect(sandbox.counts().total).toBe(3);
    expect(sandbox.findOne('Account', (record) => record.Sage_Customer_Number__c === 'C0449')?.Name).toBe(
      'Customer C449',
    );
  });

  test('a second upsert of the same accounts updates them instead of creating duplicates', async () => {
    const first = await client.upsert('Account', 'Sage_Customer_Number__c', accounts(3, 'R'));
    const again = await client.upsert(
      'Account',
      'Sage_Customer_Number__c',
      accounts(3, 'R').map((record) => ({ ...record, BillingCity: 'Salem' })),
    );

    expect(again.map((result) => result.created)).toEqual([false, false, false]);
    expect(again.map((result) => result.id)).toEqual(first.map((result) => result.id));
    expect(
      sandbox.records('Account').filter((record) => String(record.Sage_Customer_Number__c).startsWith('R0')),
    ).toHaveLength(3);
  });

  test('5,000 products go through one Bulk API 2.0 job and come back in input order', async () => {
    const products = Array.from({ length: 5000 }, (_, index) => ({
      Sage_Item_Number__c: `BULK-${String(index).padStart(5, '0')}`,
      Name: `Bulk item ${index}`,
      IsActive: index % 2 === 0,
    }));

    const results = await client.upsert('Product2', 'Sage_Item_Number__c', products);

    expect(results).toHaveLength(5000);
    expect(results.filter((result) => result.ok)).toHaveLength(5000);
    expect(sandbox.counts().bulkJob).toBe(1);
    expect(sandbox.counts().collectionWrite).toBe(0);
    const stored = sandbox.get('Product2', results[4321]?.id ?? '');
    expect(stored?.Sage_Item_Number__c).toBe('BULK-04321');
    expect(stored?.IsActive).toBe(false);
  });

  test('bulk results keep each failing record with its own code while the rest succeed', async () => {
    const invoices = Array.from({ length: 2100 }, (_, index) => ({
      Sage_Document_Key__c: `1200|BK${String(index).padStart(6, '0')}`,
      Name: `BK${index}`,
      Account__r: { Sage_Customer_Number__c: '1200' },
      Status__c: index === 17 ? 'Lost In Post' : 'Open',
      Amount__c: 100 + index,
    }));

    const results = await client.upsert('Sage_Invoice__c', 'Sage_Document_Key__c', invoices);

    expect(sandbox.counts().bulkJob).toBe(1);
    expect(results[17]).toMatchObject({
      ok: false,
      kind: 'permanent',
      errors: [{ code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['Status__c'] }],
    });
    expect(results.filter((result) => result.ok)).toHaveLength(2099);
    const account = sandbox.findOne('Account', (record) => record.Sage_Customer_Number__c === '1200');
    expect(sandbox.get('Sage_Invoice__c', results[18]?.id ?? '')?.Account__c).toBe(account?.Id);
  });

  test('a record with an unknown field fails alone with INVALID_FIELD while its batch-mates succeed', async () => {
    const records = accounts(3, 'U');
    const withUnknown = [records[0], { ...records[1], Loyalty_Tier__c: 'Gold' }, records[2]] as Record<
      string,
      unknown
    >[];

    const results = await client.upsert('Account', 'Sage_Customer_Number__c', withUnknown);

    expect(results[0]?.ok).toBe(true);
    expect(results[2]?.ok).toBe(true);
    expect(results[1]).toMatchObject({
      ok: false,
      kind: 'permanent',
      errors: [{ code: 'INVALID_FIELD', fields: ['Loyalty_Tier__c'] }],
    });
    expect(sandbox.findOne('Account', (record) => record.Sage_Customer_Number__c === 'U0001')).toBeUndefined();
  });

  test('writing a field the package does not define fails with INVALID_FIELD', async () => {
    const results = await client.upsert('Sage_Invoice__c', 'Sage_Document_Key__c', [
      { Sage_Document_Key__c: '1200|IN-X1', Account__r: { Sage_Customer_Number__c: '1200' }, Sage_Discount__c: 5 },
    ]);

    expect(results[0]).toMatchObject({ ok: false, errors: [{ code: 'INVALID_FIELD' }] });
  });

  test('a bulk job naming a field the package does not define fails every record with INVALID_FIELD', async () => {
    const products = Array.from({ length: 30 }, (_, index) => ({
      Sage_Item_Number__c: `NOPE-${index}`,
      Name: 'x',
      Colour__c: 'Red',
    }));

    const results = await client.upsert('Product2', 'Sage_Item_Number__c', products, { bulkThreshold: 10 });

    expect(
      results.every(
        (result) => !result.ok && result.errors[0]?.code === 'INVALID_FIELD' && result.kind === 'permanent',
      ),
    ).toBe(true);
  });

  test("a name like O'Brien' OR Name != ' is escaped and matches nothing", async () => {
    sandbox.insert('Account', { Name: "O'Brien Hardware" });

    const injected = await client.queryAll(
      `SELECT Id FROM Account WHERE Name = ${soqlLiteral("O'Brien' OR Name != '")}`,
    );
    const exact = await client.queryAll<{ Name: string }>(
      `SELECT Name FROM Account WHERE Name = ${soqlLiteral("O'Brien Hardware")}`,
    );

    expect(injected).toEqual([]);
    expect(exact).toEqual([{ Name: "O'Brien Hardware" }]);
  });

  test('records refused with UNABLE_TO_LOCK_ROW are sent again and succeed', async () => {
    sandbox.setFaults({ unableToLockRow: { rate: 1, times: 2 } });

    const results = await client.upsert('Account', 'Sage_Customer_Number__c', accounts(5, 'L'));

    expect(results.every((result) => result.ok)).toBe(true);
    expect(sandbox.counts().collectionWrite).toBe(2);
  });

  test('a record still locked after every attempt is reported as transient', async () => {
    sandbox.setFaults({ unableToLockRow: 1 });

    const results = await client.upsert('Account', 'Sage_Customer_Number__c', accounts(1, 'K'));

    expect(results[0]).toMatchObject({ ok: false, kind: 'transient', errors: [{ code: 'UNABLE_TO_LOCK_ROW' }] });
    expect(sandbox.counts().collectionWrite).toBe(fastRetries.attempts);
  });

  test('a 503 and a concurrency REQUEST_LIMIT_EXCEEDED are retried', async () => {
    sandbox.setFaults({ serviceUnavailable: { rate: 1, times: 1 } });
    await expect(client.queryAll('SELECT Id FROM User')).resolves.not.toHaveLength(0);
    sandbox.setFaults({ requestLimitExceeded: { rate: 1, times: 1 } });
    await expect(client.queryAll('SELECT Id FROM User')).resolves.not.toHaveLength(0);

    expect(sandbox.counts().query).toBe(4);
  });

  test('an exhausted daily API allowance is classified as quota and not retried', async () => {
    sandbox.setDailyLimit(50, 50);

    const error = await rejection(client.queryAll('SELECT Id FROM Account'));
    const results = await client.upsert('Account', 'Sage_Customer_Number__c', accounts(2, 'Q'));

    expect(error).toMatchObject({ kind: 'quota', code: 'REQUEST_LIMIT_EXCEEDED' });
    expect(results.map((result) => result.kind)).toEqual(['quota', 'quota']);
    expect(sandbox.counts().total).toBe(0);
  });

  test('API usage is tracked from the Sforce-Limit-Info header', async () => {
    sandbox.setDailyLimit(1000, 700);

    await client.queryAll('SELECT Id FROM User LIMIT 1');

    expect(client.limits()).toEqual({ used: 701, max: 1000 });
    await expect(client.fetchLimits()).resolves.toEqual({ used: 702, max: 1000 });
  });

  test('an expired token is renewed once and the call succeeds', async () => {
    sandbox.expireTokens();

    const users = await client.queryAll('SELECT Id FROM User');

    expect(users.length).toBeGreaterThan(0);
    expect(sandbox.counts().auth).toBe(1);
  });

  test('queries follow nextRecordsUrl through every page', async () => {
    for (let index = 0; index < 4500; index++)
      sandbox.insert('Contact', { LastName: `Pager ${index}`, Title: 'Pager' });

    const query = client.query<{ LastName: string }>(
      "SELECT LastName FROM Contact WHERE Title = 'Pager' ORDER BY LastName",
    );
    const sizes: number[] = [];
    for await (const page of query.pages()) sizes.push(page.records.length);
    let streamed = 0;
    for await (const record of client.query<{ LastName: string }>(
      "SELECT LastName FROM Contact WHERE Title = 'Pager'",
    )) {
      if (record.LastName.startsWith('Pager')) streamed++;
    }

    expect(sizes).toEqual([2000, 2000, 500]);
    expect(streamed).toBe(4500);
    expect(sandbox.counts().query).toBe(6);
  });

  test('unsupported SOQL is refused with MALFORMED_QUERY as a permanent error', async () => {
    const error = await rejection(client.queryAll('SELECT Name, COUNT(Id) FROM Account GROUP BY Name'));

    expect(error).toMatchObject({ kind: 'permanent', code: 'MALFORMED_QUERY' });
  });

  test('a query too long for one request is refused by status, with a message saying so, and is not retried', async () => {
    const numbers = (count: number) =>
      Array.from({ length: count }, (_, index) => soqlLiteral(`C${String(index).padStart(6, '0')}`)).join(',');
    const soql = (count: number) => `SELECT Id FROM Account WHERE Sage_Customer_Number__c IN (${numbers(count)})`;
    // URI under 16,384 bytes, URI and headers over: 431, answered without a body.
    expect(soqlUriLength(soql(1005))).toBeGreaterThan(16_100);
    expect(soqlUriLength(soql(1005))).toBeLessThan(16_200);
    const tooLarge = await rejection(client.queryAll(soql(1005)));
    expect(tooLarge).toMatchObject({ kind: 'permanent', status: 431 });
    expect(tooLarge.message).toBe('Salesforce: HTTP 431 Request Header Fields Too Large (no message in the response)');
    // The URI alone over the limit: 414.
    const tooLong = await rejection(client.queryAll(soql(1060)));
    expect(tooLong).toMatchObject({ kind: 'permanent', status: 414 });
    expect(tooLong.message).toBe('Salesforce: HTTP 414 URI Too Long (no message in the response)');
    expect(sandbox.counts().total).toBe(0);
  });

  test('changes the connector makes carry the integration user as LastModifiedById', async () => {
    const [result] = await client.update('Opportunity', [
      {
        Id: sandbox.findOne('Opportunity', (record) => record.StageName === 'Closed Won')?.Id,
        Sage_Order_Status__c: 'Pushed',
        Sage_Order_Number__c: 'ORD000123',
      },
    ]);

    expect(result).toMatchObject({ ok: true, errors: [] });
    const opportunity = sandbox.get('Opportunity', result?.id ?? '');
    expect(opportunity?.LastModifiedById).toBe(sandbox.integrationUserId);
    expect(opportunity?.Sage_Order_Number__c).toBe('ORD000123');
  });

  test('creates answer one id per record in input order', async () => {
    const account = sandbox.findOne('Account', (record) => record.Sage_Customer_Number__c === '1105');
    const results = await client.create('Task', [
      { Subject: 'Credit limit exceeded', WhatId: account?.Id, Sage_Alert_Key__c: '1105|OVER' },
      { Subject: 'Bad priority', WhatId: account?.Id, Priority: 'Whenever' },
    ]);

    expect(results[0]?.ok).toBe(true);
    expect(sandbox.get('Task', results[0]?.id ?? '')?.Subject).toBe('Credit limit exceeded');
    expect(results[1]).toMatchObject({ ok: false, errors: [{ code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' }] });
  });

  test('records without their key are refused without a request', async () => {
    const results = await client.upsert('Account', 'Sage_Customer_Number__c', [{ Name: 'No number' }]);

    expect(results[0]).toMatchObject({ ok: false, kind: 'permanent', errors: [{ code: 'MISSING_EXTERNAL_ID' }] });
    expect(sandbox.counts().total).toBe(0);
  });
});

describe('Salesforce client authentication', () => {
  test('logs in with the JWT bearer grant as the named user', async () => {
    const jwtClient = createSalesforceClient({
      loginUrl: sandbox.loginUrl,
      apiVersion: '65.0',
      auth: {
        kind: 'jwt',
        clientId: sandbox.clientId,
        username: sandbox.integrationUsername,
        privateKey: sandbox.jwtPrivateKey ?? '',
      },
    });

    const [user] = await jwtClient.queryAll<{ Username: string }>(
      `SELECT Username FROM User WHERE Id = ${soqlLiteral(sandbox.integrationUserId)}`,
    );

    expect(user?.Username).toBe(sandbox.integrationUsername);
  });

  test('a wrong client secret is a permanent login failure', async () => {
    const wrong = createSalesforceClient({
      ...settingsFor(sandbox),
      auth: { kind: 'client_credentials', clientId: sandbox.clientId, clientSecret: 'nope' },
    });

    const error = await rejection(wrong.queryAll('SELECT Id FROM User'));

    expect(error).toMatchObject({ kind: 'permanent', code: 'invalid_client' });
  });

  test('a token that is rejected every time stops after a bounded number of renewals', async () => {
    const shortLived = await startSalesforceSandbox({ seed: false, tokenLifetimeMs: 0 });
    try {
      const doomed = createSalesforceClient(settingsFor(shortLived), {
        retry: fastRetries,
        maxTokenRefreshesPerMinute: 2,
      });

      const error = await rejection(doomed.queryAll('SELECT Id FROM User'));

      expect(error.kind).toBe('permanent');
      expect(shortLived.counts().auth).toBe(3);
    } finally {
      await shortLived.close();
    }
  });
});
