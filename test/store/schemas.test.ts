// Two connectors may share one PostgreSQL database, each in its own schema (`?schema=a`, `?schema=b`).
import pg from 'pg';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { postgresDatabase } from './test-databases.js';

const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function tablesIn(schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by table_name',
      [schema],
    );
    return rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

describe('two connectors in one PostgreSQL database', () => {
  it('starts and migrates each schema on its own, whichever starts first', async () => {
    const first = postgresDatabase('schema a');
    const second = postgresDatabase('schema b');
    const stores: Store[] = [];
    try {
      stores.push(await openStore(first.url));
      // The second schema starts while the first already has the migrator's tables.
      stores.push(await openStore(second.url));
      const [a, b] = stores as [Store, Store];

      const schemaOf = (url: string) => new URL(url).searchParams.get('schema') as string;
      for (const url of [first.url, second.url]) {
        expect(await tablesIn(schemaOf(url))).toEqual(
          expect.arrayContaining(['kysely_migration', 'kysely_migration_lock', 'order_ledger', 'sync_cursors']),
        );
      }
      expect(await a.migrate()).toEqual([]);
      expect(await b.migrate()).toEqual([]);

      await a.cursors.save('customers', { day: '2026-05-01' }, { inProgress: false });
      expect((await a.cursors.get('customers'))?.value).toEqual({ day: '2026-05-01' });
      expect(await b.cursors.get('customers')).toBeUndefined();
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await Promise.all([first.drop(), second.drop()]);
    }
  });
});
