// Replicas that start together on a fresh database must all come up, with the schema migrated exactly once.
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { engines } from './test-databases.js';

describe.each(engines)('starting several replicas at once on %s', (_name, makeDatabase) => {
  it('migrates a fresh store once while every replica opens it', async () => {
    const database = makeDatabase('concurrent migration');
    const stores: Store[] = [];
    try {
      const opened = await Promise.all(Array.from({ length: 4 }, () => openStore(database.url, { migrate: false })));
      stores.push(...opened);
      const applied = await Promise.all(stores.map((store) => store.migrate()));

      expect(applied.flat()).toEqual([
        '2026-11-25-001-sync-state',
        '2026-12-01-002-order-write-back',
        '2026-12-02-003-links-from-either-side',
        '2026-12-03-004-two-way-state',
        '2026-12-04-005-waiting-failures-and-repairs',
        '2026-12-05-006-system-outages',
        '2026-12-10-007-notices-and-reconciliation',
        '2026-12-11-008-ledger-kinds',
        '2026-12-12-009-customer-claims',
      ]);
      await Promise.all(stores.map((store) => store.ping()));
      expect(await stores[0]?.runs.list()).toEqual([]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await database.drop();
    }
  });
});
