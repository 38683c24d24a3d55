import { startHarness, type Harness } from './harness.js';

let h: Harness;
const ids: Record<string, string> = {};

interface Page {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

beforeAll(async () => {
  h = await startHarness();
  ids.acme = h.sandbox.insert('Account', { Name: 'Acme', Fixture_Number__c: 'A-1', BillingCity: 'Denver' });
  ids.beta = h.sandbox.insert('Account', { Name: 'Beta 50% Off_Sale', Fixture_Number__c: 'B-1' });
  ids.gamma = h.sandbox.insert('Account', { Name: "Gamma's", BillingCity: 'Boise' });
  const widget = (code: string, fields: Record<string, unknown>) =>
    h.sandbox.insert('Widget__c', { Name: code, Code__c: code, ...fields });
  widget('W1', {
    Account__c: ids.acme,
    Price__c: 10,
    Size__c: 1,
    Due__c: '2030-01-15',
    Checked_At__c: '2030-01-15T10:00:00Z',
    Colour__c: 'Red',
  });
  widget('W2', {
    Account__c: ids.acme,
    Price__c: 20,
    Size__c: null,
    Due__c: '2030-02-15',
    Checked_At__c: '2030-01-15T23:30:00Z',
    Colour__c: 'Green',
  });
  widget('W3', { Account__c: ids.beta, Price__c: 30, Size__c: 3, Due__c: null, Colour__c: 'Green', Active__c: false });
});

afterAll(async () => {
  await h.close();
});

async function rows(soql: string): Promise<Record<string, unknown>[]> {
  const answer = await h.query(soql);
  expect(answer.status).toBe(200);
  return (answer.body as Page).records;
}

const codes = async (where: string) =>
  (await rows(`SELECT Code__c FROM Widget__c WHERE ${where} ORDER BY Code__c`)).map((row) => row.Code__c);

async function refusal(soql: string): Promise<{ errorCode: string; message: string }> {
  const answer = await h.query(soql);
  expect(answer.status).toBe(400);
  return (answer.body as { errorCode: string; message: string }[])[0] as { errorCode: string; message: string };
}

describe('SOQL in the sandbox', () => {
  test('parent fields come back as nested records and a child subquery as a record list', async () => {
    const [acme] = await rows(
      "SELECT Name, Owner.Name, (SELECT Code__c, Price__c FROM Widgets__r ORDER BY Price__c DESC) FROM Account WHERE Fixture_Number__c = 'A-1'",
    );

    expect(acme).toMatchObject({
      attributes: { type: 'Account' },
      Name: 'Acme',
      Owner: { attributes: { type: 'User' }, Name: expect.any(String) },
      Widgets__r: {
        totalSize: 2,
        done: true,
        records: [expect.objectContaining({ Code__c: 'W2' }), expect.objectContaining({ Code__c: 'W1' })],
      },
    });
    const [gamma] = await rows("SELECT (SELECT Id FROM Widgets__r) FROM Account WHERE Name = 'Gamma\\'s'");
    expect(gamma?.Widgets__r).toBeNull();
  });

  test('relationship paths filter and order', async () => {
    expect(await codes("Account__r.Fixture_Number__c = 'A-1'")).toEqual(['W1', 'W2']);
    const ordered = await rows('SELECT Code__c, Account__r.Name FROM Widget__c ORDER BY Account__r.Name DESC, Code__c');
    expect(ordered.map((row) => row.Code__c)).toEqual(['W3', 'W1', 'W2']);
    expect(ordered[0]?.Account__r).toMatchObject({ Name: 'Beta 50% Off_Sale' });
  });

  test('text comparison ignores case; != also matches blanks, as in Salesforce', async () => {
    expect(await codes("Colour__c = 'green'")).toEqual(['W2', 'W3']);
    expect(await codes('Size__c != 1')).toEqual(['W2', 'W3']);
    expect(await codes('Size__c = null')).toEqual(['W2']);
    expect(await codes('Size__c != null')).toEqual(['W1', 'W3']);
    expect(await codes('Size__c < 5')).toEqual(['W1', 'W3']);
  });

  test('AND, OR and NOT with parentheses', async () => {
    expect(await codes("(Colour__c = 'Green' AND Price__c > 25) OR Code__c = 'W1'")).toEqual(['W1', 'W3']);
    expect(await codes("NOT (Colour__c = 'Green')")).toEqual(['W1']);
    expect(await codes('Active__c = false')).toEqual(['W3']);
  });

  test('IN and NOT IN lists', async () => {
    expect(await codes("Code__c IN ('W1', 'w3', 'W9')")).toEqual(['W1', 'W3']);
    expect(await codes("Code__c NOT IN ('W1')")).toEqual(['W2', 'W3']);
    expect(await codes(`Account__c IN ('${ids.beta}')`)).toEqual(['W3']);
    expect(await codes(`Account__c = '${ids.beta?.slice(0, 15)}'`)).toEqual(['W3']);
  });

  test('LIKE with wildcards, and escaped % and _ that match themselves', async () => {
    expect((await rows("SELECT Name FROM Account WHERE Name LIKE 'a%'")).map((row) => row.Name)).toEqual(['Acme']);
    expect((await rows("SELECT Name FROM Account WHERE Name LIKE '%50\\% Off\\_%'")).map((row) => row.Name)).toEqual([
      'Beta 50% Off_Sale',
    ]);
    expect(await rows("SELECT Name FROM Account WHERE Name LIKE '%50\\% Off\\_X%'")).toEqual([]);
  });

  test('date and date-time literals, including relative dates', async () => {
    expect(await codes('Due__c >= 2030-02-01')).toEqual(['W2']);
    expect(await codes('Due__c = 2030-01-15')).toEqual(['W1']);
    expect(await codes('Checked_At__c > 2030-01-15T12:00:00Z')).toEqual(['W2']);
    expect(await codes('Checked_At__c < 2030-01-15T12:00:00-05:00')).toEqual(['W1']);
    expect(await codes('CreatedDate = TODAY')).toEqual(['W1', 'W2', 'W3']);
    expect(await codes('CreatedDate < LAST_N_DAYS:3')).toEqual([]);
    expect(await codes('Due__c > NEXT_N_DAYS:7')).toEqual(['W1', 'W2']);
  });

  test('ORDER BY puts blanks first ascending and last descending unless told otherwise', async () => {
    const order = async (clause: string) =>
      (await rows(`SELECT Code__c FROM Widget__c ORDER BY ${clause}`)).map((row) => row.Code__c);

    expect(await order('Size__c')).toEqual(['W2', 'W1', 'W3']);
    expect(await order('Size__c DESC')).toEqual(['W3', 'W1', 'W2']);
    expect(await order('Size__c ASC NULLS LAST')).toEqual(['W1', 'W3', 'W2']);
  });

  test('LIMIT, OFFSET and COUNT()', async () => {
    expect(
      (await rows('SELECT Code__c FROM Widget__c ORDER BY Code__c LIMIT 1 OFFSET 1')).map((row) => row.Code__c),
    ).toEqual(['W2']);
    const counted = await h.query("SELECT COUNT() FROM Widget__c WHERE Colour__c = 'Green'");
    expect(counted.body).toEqual({ totalSize: 2, done: true, records: [] });
  });

  test('large results are paged with nextRecordsUrl, honouring a smaller batch size', async () => {
    for (let index = 0; index < 450; index++)
      h.sandbox.insert('Contact', { LastName: `Page ${index}`, Title: 'Paged' });

    const first = await h.api(
      'GET',
      `/query?q=${encodeURIComponent("SELECT LastName FROM Contact WHERE Title = 'Paged'")}`,
      undefined,
      {
        'Sforce-Query-Options': 'batchSize=200',
      },
    );
    const page = first.body as Page;
    const second = (await h.api('GET', page.nextRecordsUrl ?? '')).body as Page;

    expect(page).toMatchObject({ totalSize: 450, done: false });
    expect(page.records).toHaveLength(200);
    expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v65\.0\/query\/01g\w+-200$/);
    expect(second.records).toHaveLength(250);
    expect(second.done).toBe(true);
  });

  test.each([
    ['GROUP BY', 'SELECT Colour__c FROM Widget__c GROUP BY Colour__c'],
    ['aggregate functions', 'SELECT COUNT(Id) FROM Widget__c'],
    [
      'AND mixed with OR without parentheses',
      "SELECT Id FROM Widget__c WHERE Code__c = 'W1' AND Price__c > 1 OR Size__c = 3",
    ],
    ['semi-joins', 'SELECT Id FROM Account WHERE Id IN (SELECT Account__c FROM Widget__c)'],
    ['bind variables', 'SELECT Id FROM Account WHERE Name = :name'],
    ['WITH SECURITY_ENFORCED', 'SELECT Id FROM Account WITH SECURITY_ENFORCED'],
    ['FIELDS()', 'SELECT FIELDS(ALL) FROM Account LIMIT 200'],
    ['an unterminated string', "SELECT Id FROM Account WHERE Name = 'Acme"],
    ['a quoted number', "SELECT Id FROM Widget__c WHERE Price__c = '10'"],
    ['a quoted date', "SELECT Id FROM Widget__c WHERE Due__c = '2030-01-15'"],
    ['a date for a date-time field', 'SELECT Id FROM Widget__c WHERE Checked_At__c > 2030-01-15'],
    ['an unknown escape', "SELECT Id FROM Account WHERE Name = 'a\\qb'"],
  ])('%s answer MALFORMED_QUERY', async (_case, soql) => {
    expect((await refusal(soql)).errorCode).toBe('MALFORMED_QUERY');
  });

  test('unknown fields, relationships and objects are named in the error', async () => {
    expect(await refusal('SELECT Sparkle__c FROM Widget__c')).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining('Sparkle__c'),
    });
    expect((await refusal('SELECT Nope__r.Name FROM Widget__c')).errorCode).toBe('INVALID_FIELD');
    expect((await refusal('SELECT Id FROM Gizmo__c')).errorCode).toBe('INVALID_TYPE');
    expect((await refusal('SELECT (SELECT Id FROM Gizmos__r) FROM Account')).errorCode).toBe('INVALID_TYPE');
    expect((await refusal("SELECT Id FROM Account WHERE Id = 'banana'")).errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
  });

  test('polymorphic parents resolve per record (Task.What)', async () => {
    h.sandbox.insert('Task', { Subject: 'Follow up', WhatId: ids.acme, Fixture_Key__c: 'poly' });

    const [task] = await rows("SELECT Subject, What.Name, Account.Name FROM Task WHERE Fixture_Key__c = 'poly'");

    expect(task).toMatchObject({ What: { attributes: { type: 'Account' }, Name: 'Acme' }, Account: { Name: 'Acme' } });
  });

  test('the (SystemModstamp, Id) cursor filter pages through records that share a timestamp', async () => {
    const stamp = '2031-03-01T10:00:00.000+0000';
    const made = ['P1', 'P2', 'P3'].map((code) =>
      h.sandbox.insert('Widget__c', { Name: code, Code__c: code, Account__c: ids.acme, SystemModstamp: stamp }),
    );
    const sorted = [...made].sort();

    const after = await rows(
      `SELECT Id FROM Widget__c WHERE (SystemModstamp = 2031-03-01T10:00:00Z AND Id > '${sorted[0]}') OR SystemModstamp > 2031-03-01T10:00:00Z ORDER BY SystemModstamp, Id`,
    );

    expect(after.map((row) => row.Id)).toEqual(sorted.slice(1));
  });
});
