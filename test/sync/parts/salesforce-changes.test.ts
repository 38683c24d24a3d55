// The Salesforce (SystemModstamp, Id) cursor: its SOQL and its steps (the sandbox run is in flows/registry.test.ts).
import { changesQuery, salesforceChanges } from '../../../middleware/src/sync/parts/salesforce-changes.js';

const options = {
  reader: { queryAll: async () => [] },
  object: 'Account',
  fields: () => ['Name', 'Sage_Customer_Number__c'],
  where: () => "Type = 'Customer'",
  pageSize: 200,
  lookBackMs: 300_000,
};

describe('Salesforce changes', () => {
  it('ask for one page after the last (SystemModstamp, Id), escaping every value through soql.ts', () => {
    expect(changesQuery(options, { stamp: '2026-05-01T13:00:00.000Z', afterId: "001A' OR Name != '" })).toBe(
      'SELECT Id, SystemModstamp, Name, Sage_Customer_Number__c FROM Account' +
        " WHERE (Type = 'Customer') AND (SystemModstamp > 2026-05-01T13:00:00Z OR (SystemModstamp = 2026-05-01T13:00:00Z" +
        " AND Id > '001A\\' OR Name != \\''))" +
        ' ORDER BY SystemModstamp, Id LIMIT 200',
    );
    expect(
      changesQuery({ ...options, where: () => undefined }, { stamp: '2026-05-01T13:00:00.000Z', afterId: null }),
    ).toBe(
      'SELECT Id, SystemModstamp, Name, Sage_Customer_Number__c FROM Account WHERE SystemModstamp >= 2026-05-01T13:00:00Z ORDER BY SystemModstamp, Id LIMIT 200',
    );
    expect(() => changesQuery({ ...options, object: 'Account; DELETE' }, null)).toThrow(/not a Salesforce API name/);
  });

  it('start a new run a look-back window before the last stamp committed', () => {
    const changes = salesforceChanges(options);
    const last = { stamp: '2026-05-01T13:00:00.000Z', afterId: '001000000000001AAA' };
    expect(changes.start({ value: last, inProgress: false }, {})).toEqual({
      stamp: '2026-05-01T12:55:00.000Z',
      afterId: null,
    });
    expect(changes.start({ value: last, inProgress: true }, {})).toEqual(last);
    expect(changes.start({ value: last, inProgress: false }, { full: true })).toEqual({ stamp: null, afterId: null });
    expect(changes.advance(null, { Id: '001000000000002AAA', SystemModstamp: '2026-05-01T14:00:00.000+0000' })).toEqual(
      {
        stamp: '2026-05-01T14:00:00.000Z',
        afterId: '001000000000002AAA',
      },
    );
    expect(changes.cursor.safeParse({ stamp: 'yesterday', afterId: null }).success).toBe(false);
  });

  it('read page after page until one comes back short', async () => {
    const queries: string[] = [];
    const pages = [
      [
        { Id: '001000000000001AAA', SystemModstamp: '2026-05-01T13:00:00.000+0000' },
        { Id: '001000000000002AAA', SystemModstamp: '2026-05-01T13:00:00.000+0000' },
      ],
      [{ Id: '001000000000003AAA', SystemModstamp: '2026-05-01T13:00:01.000+0000' }],
    ];
    const changes = salesforceChanges({
      ...options,
      pageSize: 2,
      reader: {
        queryAll: async <T>(soql: string) => {
          queries.push(soql);
          return (pages[queries.length - 1] ?? []) as T[];
        },
      },
    });
    const read: string[][] = [];
    for await (const page of changes.read(null, new AbortController().signal)) read.push(page.map((row) => row.Id));
    expect(read).toEqual([['001000000000001AAA', '001000000000002AAA'], ['001000000000003AAA']]);
    expect(queries).toHaveLength(2);
    expect(queries[1]).toContain("SystemModstamp = 2026-05-01T13:00:00Z AND Id > '001000000000002AAA'");
  });
});
