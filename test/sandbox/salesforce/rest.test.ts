import { generateKeyPairSync, createSign } from 'node:crypto';
import { startSalesforceSandbox } from '../../../sandbox/salesforce/server.js';
import { FIXTURE_FORCE_APP, startHarness, type Harness } from './harness.js';

let h: Harness;
let accountId: string;

beforeAll(async () => {
  h = await startHarness();
  accountId = h.sandbox.insert('Account', { Name: 'Acme Fixtures', Fixture_Number__c: 'F-1' });
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => {
  h.sandbox.clearFaults();
  h.sandbox.setDailyLimit(100_000, 0);
});

type Errors = { errorCode: string; message: string; fields?: string[] }[];
interface Save {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
}

const widget = (code: string, extra: Record<string, unknown> = {}) => ({
  Name: `Widget ${code}`,
  Code__c: code,
  Account__c: accountId,
  ...extra,
});

describe('OAuth token endpoint', () => {
  const token = (form: Record<string, string>) =>
    fetch(`${h.sandbox.loginUrl}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams(form) });

  test('client credentials answer an access token, the instance URL and an identity URL naming the integration user', async () => {
    const response = await token({
      grant_type: 'client_credentials',
      client_id: 'sandbox-client',
      client_secret: 'sandbox-secret',
    });
    const body = (await response.json()) as Record<string, string>;

    expect(response.status).toBe(200);
    expect(body.instance_url).toBe(h.sandbox.instanceUrl);
    expect(body.id).toMatch(new RegExp(`/id/00D\\w{15}/${h.sandbox.integrationUserId}$`));
    expect(body.access_token).toBeTruthy();
  });

  test('a wrong secret is refused with invalid_client', async () => {
    const response = await token({
      grant_type: 'client_credentials',
      client_id: 'sandbox-client',
      client_secret: 'guess',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
  });

  test('JWT bearer assertions are checked for signature, issuer, audience, expiry and user', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sandbox = await startSalesforceSandbox({
      forceAppDir: FIXTURE_FORCE_APP,
      seed: false,
      jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    try {
      const assertion = (claims: Record<string, unknown>, key = privateKey) => {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const unsigned = `${encode({ alg: 'RS256' })}.${encode(claims)}`;
        return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key, 'base64url')}`;
      };
      const good = {
        iss: 'sandbox-client',
        sub: sandbox.integrationUsername,
        aud: sandbox.loginUrl,
        exp: Math.floor(Date.now() / 1000) + 120,
      };
      const grant = async (claims: Record<string, unknown>, key = privateKey) => {
        const response = await fetch(`${sandbox.loginUrl}/services/oauth2/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            assertion: assertion(claims, key),
          }),
        });
        return { status: response.status, body: (await response.json()) as Record<string, string> };
      };

      expect((await grant(good)).status).toBe(200);
      expect((await grant({ ...good, aud: 'https://login.salesforce.com' })).status).toBe(200);
      expect((await grant(good, other.privateKey)).body.error_description).toBe('invalid assertion signature');
      expect((await grant({ ...good, iss: 'someone-else' })).body.error).toBe('invalid_client_id');
      expect((await grant({ ...good, aud: 'https://example.com' })).body.error_description).toBe('audience is invalid');
      expect((await grant({ ...good, exp: Math.floor(Date.now() / 1000) - 5 })).body.error_description).toBe(
        'expired authorization code',
      );
      expect((await grant({ ...good, sub: 'nobody@example.com' })).status).toBe(400);
    } finally {
      await sandbox.close();
    }
  });

  test('API calls without a valid token answer 401 INVALID_SESSION_ID', async () => {
    const response = await fetch(`${h.sandbox.instanceUrl}/services/data/v65.0/limits`, {
      headers: { Authorization: 'Bearer nope' },
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  test('a revoked token stops working', async () => {
    const response = await token({
      grant_type: 'client_credentials',
      client_id: 'sandbox-client',
      client_secret: 'sandbox-secret',
    });
    const accessToken = ((await response.json()) as { access_token: string }).access_token;
    await fetch(`${h.sandbox.loginUrl}/services/oauth2/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: accessToken }),
    });

    const after = await fetch(`${h.sandbox.instanceUrl}/services/data/v65.0/limits`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });

    expect(after.status).toBe(401);
  });
});

describe('sObject rows', () => {
  test('create, retrieve, update and delete a record, with system fields maintained', async () => {
    const created = await h.api('POST', '/sobjects/Widget__c', widget('W-1', { Price__c: 12.5, Due__c: '2030-01-31' }));
    const id = (created.body as Save).id ?? '';
    const read = await h.api('GET', `/sobjects/Widget__c/${id}`);
    const record = read.body as Record<string, unknown>;

    expect(created.status).toBe(201);
    expect(id.startsWith('a01')).toBe(true);
    expect(record).toMatchObject({
      Code__c: 'W-1',
      Price__c: 12.5,
      Double_Price__c: 25,
      Active__c: true,
      Colour__c: 'Red',
      Due__c: '2030-01-31',
      Days_Late__c: 0,
    });
    expect(record.CreatedById).toBe(h.sandbox.integrationUserId);
    expect(record.OwnerId).toBe(h.sandbox.integrationUserId);
    expect(record.SystemModstamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);

    expect((await h.api('PATCH', `/sobjects/Widget__c/${id}`, { Size__c: 3.25 })).status).toBe(204);
    expect(h.sandbox.get('Widget__c', id)?.Size__c).toBe(3.3);
    expect((await h.api('DELETE', `/sobjects/Widget__c/${id}`)).status).toBe(204);
    expect((await h.api('GET', `/sobjects/Widget__c/${id}`)).status).toBe(404);
  });

  test('a formula counts days since the due date while an amount is owed', async () => {
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const id = h.sandbox.insert('Widget__c', widget('W-late', { Price__c: 5, Due__c: tenDaysAgo }));

    const record = (await h.api('GET', `/sobjects/Widget__c/${id}?fields=Days_Late__c,Double_Price__c`)).body as Record<
      string,
      unknown
    >;

    expect(record.Days_Late__c).toBe(10);
    expect(record.Double_Price__c).toBe(10);
  });

  test('upsert by external id answers 201 when it creates and 204 when it updates, and sets the id from the URL', async () => {
    const first = await h.api('PATCH', '/sobjects/Widget__c/Code__c/W-up', { Name: 'Up', Account__c: accountId });
    const second = await h.api('PATCH', '/sobjects/Widget__c/Code__c/w-UP', { Name: 'Up again' });

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ success: true, created: true });
    expect(second.status).toBe(204);
    const record = h.sandbox.get('Widget__c', (first.body as Save).id ?? '');
    expect(record).toMatchObject({ Code__c: 'W-up', Name: 'Up again' });
  });

  test.each([
    ['an unknown field', { Sparkle__c: 1 }, 'INVALID_FIELD', ['Sparkle__c']],
    ['a number that is not a number', { Size__c: 'large' }, 'INVALID_TYPE_ON_FIELD_IN_RECORD', ['Size__c']],
    ['a number too large for its precision', { Size__c: 123456 }, 'NUMBER_OUTSIDE_VALID_RANGE', ['Size__c']],
    ['a date that is not a date', { Due__c: '31/01/2030' }, 'INVALID_TYPE_ON_FIELD_IN_RECORD', ['Due__c']],
    ['text longer than the field', { Code__c: 'X'.repeat(21) }, 'STRING_TOO_LONG', ['Code__c']],
    ['a bad e-mail address', { Contact_Email__c: 'not-an-address' }, 'INVALID_EMAIL_ADDRESS', ['Contact_Email__c']],
    [
      'a value outside a restricted picklist',
      { Colour__c: 'Blue' },
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      ['Colour__c'],
    ],
    ['a formula field', { Double_Price__c: 1 }, 'INVALID_FIELD_FOR_INSERT_UPDATE', ['Double_Price__c']],
    ['a system field', { CreatedDate: '2020-01-01T00:00:00Z' }, 'INVALID_FIELD_FOR_INSERT_UPDATE', ['CreatedDate']],
    ['a malformed id', { Account__c: 'banana' }, 'MALFORMED_ID', ['Account__c']],
  ])('%s is refused with the matching error code', async (_case, fields, code, named) => {
    const answer = await h.api('POST', '/sobjects/Widget__c', widget('E-1', fields));

    expect(answer.status).toBe(400);
    expect((answer.body as Errors)[0]).toMatchObject({ errorCode: code, fields: named });
  });

  test('an unrestricted picklist accepts a new value', async () => {
    const answer = await h.api('POST', '/sobjects/Widget__c', widget('W-gloss', { Finish__c: 'Gloss' }));

    expect(answer.status).toBe(201);
  });

  test('a missing required field answers REQUIRED_FIELD_MISSING naming it', async () => {
    const answer = await h.api('POST', '/sobjects/Widget__c', { Name: 'Orphan' });

    expect((answer.body as Errors)[0]).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Account__c'] });
  });

  test('a second record with the same unique external id answers DUPLICATE_VALUE', async () => {
    await h.api('POST', '/sobjects/Widget__c', widget('W-dup'));

    const answer = await h.api('POST', '/sobjects/Widget__c', widget('w-DUP'));

    expect((answer.body as Errors)[0]?.errorCode).toBe('DUPLICATE_VALUE');
  });

  test('a lookup to a record of the wrong type or to no record is refused', async () => {
    const wrongType = await h.api(
      'POST',
      '/sobjects/Widget__c',
      widget('W-wt', { Account__c: h.sandbox.integrationUserId }),
    );
    const missing = await h.api('POST', '/sobjects/Widget__c', widget('W-nf', { Account__c: '001A0000006Vm9rIAC' }));

    expect((wrongType.body as Errors)[0]?.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect((missing.body as Errors)[0]?.errorCode).toBe('INVALID_CROSS_REFERENCE_KEY');
  });

  test('a parent can be named by its external id (Account__r: { Fixture_Number__c })', async () => {
    const answer = await h.api('PATCH', '/sobjects/Widget__c/Code__c/W-ref', {
      Name: 'By ref',
      Account__r: { Fixture_Number__c: 'F-1' },
    });
    const unknown = await h.api('PATCH', '/sobjects/Widget__c/Code__c/W-ref2', {
      Name: 'By ref',
      Account__r: { Fixture_Number__c: 'F-404' },
    });

    expect(h.sandbox.get('Widget__c', (answer.body as Save).id ?? '')?.Account__c).toBe(accountId);
    expect((unknown.body as Errors)[0]).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining('Foreign key external ID: F-404 not found'),
    });
  });

  test('auto-number names are issued in sequence and master-detail children go with their parent', async () => {
    const parent = h.sandbox.insert('Widget__c', widget('W-parent'));
    const first = await h.api('POST', '/sobjects/Gadget__c', { Widget__c: parent, Weight__c: 12.5 });
    const second = await h.api('POST', '/sobjects/Gadget__c', { Widget__c: parent });
    const names = [first, second].map((answer) =>
      String(h.sandbox.get('Gadget__c', (answer.body as Save).id ?? '')?.Name),
    );

    expect(names[0]).toMatch(/^G-\d{4}$/);
    expect(Number(names[1]?.slice(2))).toBe(Number(names[0]?.slice(2)) + 1);
    await h.api('DELETE', `/sobjects/Widget__c/${parent}`);
    expect(h.sandbox.get('Gadget__c', (first.body as Save).id ?? '')).toBeUndefined();
  });

  test('a lookup with a Restrict delete constraint blocks deleting the parent', async () => {
    const answer = await h.api('DELETE', `/sobjects/Account/${accountId}`);

    expect(answer.status).toBe(400);
    expect((answer.body as Errors)[0]?.errorCode).toBe('DELETE_FAILED');
  });

  test('custom metadata records are readable but cannot be written', async () => {
    const list = await h.query(
      'SELECT DeveloperName, Threshold__c, Enabled__c, Mode__c FROM Fixture_Setting__mdt ORDER BY DeveloperName',
    );
    const write = await h.api('POST', '/sobjects/Fixture_Setting__mdt', { DeveloperName: 'New' });

    expect((list.body as { records: unknown[] }).records).toEqual([
      expect.objectContaining({ DeveloperName: 'Default', Threshold__c: 80, Enabled__c: true, Mode__c: 'Warn' }),
      expect.objectContaining({ DeveloperName: 'Strict', Threshold__c: 95.5, Enabled__c: false, Mode__c: null }),
    ]);
    expect(write.status).toBe(400);
    expect((write.body as Errors)[0]?.errorCode).toBe('INVALID_TYPE');
  });

  test('tests can change a custom metadata record directly while the API still cannot', async () => {
    const strict = h.sandbox.findOne('Fixture_Setting__mdt', (record) => record.DeveloperName === 'Strict');
    const id = String(strict?.Id);
    const refused = await h.api('PATCH', `/sobjects/Fixture_Setting__mdt/${id}`, { Threshold__c: 50 });
    h.sandbox.update('Fixture_Setting__mdt', id, { Threshold__c: 70 });
    const list = await h.query("SELECT Threshold__c FROM Fixture_Setting__mdt WHERE DeveloperName = 'Strict'");

    expect(refused.status).toBe(400);
    expect((list.body as { records: { Threshold__c: number }[] }).records[0]?.Threshold__c).toBe(70);
    h.sandbox.update('Fixture_Setting__mdt', id, { Threshold__c: 95.5 });
  });

  test('describe lists fields with their types, external ids and picklist values', async () => {
    const answer = await h.api('GET', '/sobjects/Widget__c/describe');
    const fields = (
      answer.body as {
        fields: {
          name: string;
          type: string;
          externalId: boolean;
          calculated: boolean;
          picklistValues: { value: string }[];
        }[];
      }
    ).fields;

    expect(fields.find((field) => field.name === 'Code__c')).toMatchObject({ type: 'string', externalId: true });
    expect(fields.find((field) => field.name === 'Double_Price__c')).toMatchObject({ calculated: true });
    expect(fields.find((field) => field.name === 'Colour__c')?.picklistValues.map((value) => value.value)).toEqual([
      'Red',
      'Green',
    ]);
  });
});

describe('sObject Collections', () => {
  test('each record gets its own result, in order, and a bad one does not stop the others', async () => {
    const answer = await h.api('POST', '/composite/sobjects', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Widget__c' }, ...widget('C-1') },
        { attributes: { type: 'Widget__c' }, ...widget('C-2', { Colour__c: 'Purple' }) },
        { attributes: { type: 'Task' }, Subject: 'Call', WhatId: accountId, Fixture_Key__c: 'k-1' },
      ],
    });
    const results = answer.body as Save[];

    expect(answer.status).toBe(200);
    expect(results.map((result) => result.success)).toEqual([true, false, true]);
    expect(results[1]?.errors[0]).toMatchObject({
      statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      fields: ['Colour__c'],
    });
    expect(h.sandbox.get('Task', results[2]?.id ?? '')).toMatchObject({
      AccountId: accountId,
      Status: 'Not Started',
      Priority: 'Normal',
    });
  });

  test('allOrNone rolls every record back when one fails', async () => {
    const answer = await h.api('POST', '/composite/sobjects', {
      allOrNone: true,
      records: [
        { attributes: { type: 'Widget__c' }, ...widget('AON-1') },
        { attributes: { type: 'Widget__c' }, Name: 'no account' },
      ],
    });
    const results = answer.body as Save[];

    expect(results[0]?.errors[0]?.statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(results[1]?.errors[0]?.statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect(h.sandbox.findOne('Widget__c', (record) => record.Code__c === 'AON-1')).toBeUndefined();
  });

  test('more than 200 records in one request are refused', async () => {
    const records = Array.from({ length: 201 }, (_, index) => ({
      attributes: { type: 'Widget__c' },
      ...widget(`MAX-${index}`),
    }));

    const answer = await h.api('POST', '/composite/sobjects', { records });

    expect(answer.status).toBe(400);
    expect((answer.body as Errors)[0]?.errorCode).toBe('EXCEEDED_ID_LIMIT');
  });

  test('upsert by external id reports created per record and refuses the same key twice in one request', async () => {
    h.sandbox.insert('Widget__c', widget('UP-old'));
    const answer = await h.api('PATCH', '/composite/sobjects/Widget__c/Code__c', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Widget__c' }, ...widget('UP-old', { Size__c: 1 }) },
        { attributes: { type: 'Widget__c' }, ...widget('UP-new') },
        { attributes: { type: 'Widget__c' }, ...widget('UP-twice') },
        { attributes: { type: 'Widget__c' }, ...widget('up-TWICE') },
      ],
    });
    const results = answer.body as Save[];

    expect(results.map((result) => [result.success, result.created])).toEqual([
      [true, false],
      [true, true],
      [false, undefined],
      [false, undefined],
    ]);
    expect(results[2]?.errors[0]?.statusCode).toBe('DUPLICATE_EXTERNAL_ID');
  });

  test('update by id accepts the id under any letter case and answers per record', async () => {
    const id = h.sandbox.insert('Widget__c', widget('UPD-1'));
    const answer = await h.api('PATCH', '/composite/sobjects', {
      records: [
        { attributes: { type: 'Widget__c' }, id, Size__c: 7 },
        { attributes: { type: 'Widget__c' }, Size__c: 7 },
      ],
    });
    const results = answer.body as Save[];

    expect(results[0]).toMatchObject({ success: true, id });
    expect(results[1]?.errors[0]?.statusCode).toBe('MISSING_ARGUMENT');
    expect(h.sandbox.get('Widget__c', id)?.Size__c).toBe(7);
  });

  test('delete by ids answers per record', async () => {
    const id = h.sandbox.insert('Widget__c', widget('DEL-1'));

    const answer = await h.api('DELETE', `/composite/sobjects?ids=${id},001A0000006Vm9rIAC`);

    expect((answer.body as Save[]).map((result) => result.success)).toEqual([true, false]);
    expect(h.sandbox.get('Widget__c', id)).toBeUndefined();
  });
});

describe('limits, counters and faults', () => {
  test('every API response carries Sforce-Limit-Info and /limits reports the same allowance', async () => {
    h.sandbox.setDailyLimit(500, 100);

    const answer = await h.api('GET', '/limits');

    expect(answer.headers.get('sforce-limit-info')).toBe('api-usage=101/500');
    expect((answer.body as { DailyApiRequests: unknown }).DailyApiRequests).toEqual({ Max: 500, Remaining: 399 });
  });

  test('a spent daily allowance answers 403 REQUEST_LIMIT_EXCEEDED (TotalRequests)', async () => {
    h.sandbox.setDailyLimit(5, 5);

    const answer = await h.query('SELECT Id FROM Account');

    expect(answer.status).toBe(403);
    expect(answer.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
  });

  test('requests are counted by kind', async () => {
    h.sandbox.resetCounts();

    await h.query('SELECT Id FROM Account');
    await h.api('POST', '/sobjects/Widget__c', widget('CNT-1'));
    await h.api('POST', '/composite/sobjects', {
      records: [{ attributes: { type: 'Widget__c' }, ...widget('CNT-2') }],
    });
    await h.api('GET', '/sobjects/Widget__c/describe');

    expect(h.sandbox.counts()).toMatchObject({ query: 1, singleWrite: 1, collectionWrite: 1, describe: 1, total: 4 });
  });

  test('faults strike the configured share of occasions, at most the configured number of times', async () => {
    h.sandbox.setFaults({ serviceUnavailable: { rate: 1, times: 2 } });

    const statuses = [];
    for (let index = 0; index < 3; index++) statuses.push((await h.api('GET', '/limits')).status);

    expect(statuses).toEqual([503, 503, 200]);
  });

  test('faults strike the occasions named in `at` for sure, whatever the rate draws', async () => {
    h.sandbox.setFaults({ serviceUnavailable: { rate: 0, at: [2, 4] } });

    const statuses = [];
    for (let index = 0; index < 5; index++) statuses.push((await h.api('GET', '/limits')).status);

    expect(statuses).toEqual([200, 503, 200, 503, 200]);
    expect(h.sandbox.faultsFired().serviceUnavailable).toBe(2);
  });

  test('row locks fail single records of a collection with UNABLE_TO_LOCK_ROW', async () => {
    h.sandbox.setFaults({ unableToLockRow: 0.5, seed: 7 });
    const records = Array.from({ length: 40 }, (_, index) => ({
      attributes: { type: 'Widget__c' },
      ...widget(`LOCK-${index}`),
    }));

    const results = (await h.api('POST', '/composite/sobjects', { records })).body as Save[];
    const locked = results.filter((result) => result.errors[0]?.statusCode === 'UNABLE_TO_LOCK_ROW').length;

    expect(locked).toBeGreaterThan(5);
    expect(locked).toBeLessThan(35);
    expect(results.filter((result) => result.success)).toHaveLength(40 - locked);
  });

  test('latency delays every answer', async () => {
    h.sandbox.setFaults({ latencyMs: 60 });
    const started = Date.now();

    await h.api('GET', '/limits');

    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});
