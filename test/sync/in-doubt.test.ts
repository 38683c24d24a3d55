// Writes whose outcome is unknown: verified before any retry when writing twice would duplicate a record.
// The flow here writes to an in-memory ledger that creates a new entry on every write (like Sage's POST OEOrders).
import { z } from 'zod';
import { ConnectorError } from '../../middleware/src/domain/errors.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { SyncEngine } from '../../middleware/src/sync/engine.js';
import type { SyncFlow, WriteOutcome } from '../../middleware/src/sync/flow.js';
import { sqliteDatabase, type TestDatabase } from '../store/test-databases.js';
import { silentLogger } from './systems.js';

interface Row {
  key: string;
  amount: number;
}

/** A source of 25 rows and a ledger whose first write commits and then answers with a timeout. */
function ledgerFlow(options: { verify: boolean }) {
  const source: Row[] = Array.from({ length: 25 }, (_, i) => ({
    key: `R${String(i).padStart(3, '0')}`,
    amount: i * 10,
  }));
  const ledger: { key: string; amount: number }[] = [];
  let timeoutsLeft = 1;
  const flow: SyncFlow<Row, { amount: number }, { after: string | null }> = {
    name: options.verify ? 'ledger-verified' : 'ledger-unverifiable',
    entity: options.verify ? 'ledger-verified' : 'ledger-unverifiable',
    source: 'sage',
    cursor: z.object({ after: z.string().nullable() }),
    pageSize: 10,
    idempotentWrites: false,
    startCursor: (saved) => (saved?.inProgress && saved.value ? saved.value : { after: null }),
    async *read(cursor) {
      const rows = source.filter((row) => !cursor?.after || row.key > cursor.after);
      for (let start = 0; start < rows.length; start += 10) yield rows.slice(start, start + 10);
    },
    advance: (_cursor, row) => ({ after: row.key }),
    finish: () => ({ after: null }),
    keyOf: (row) => row.key,
    map: (row) => ({ amount: row.amount }),
    async write(records) {
      for (const record of records) ledger.push({ key: record.key, amount: record.target.amount });
      if (timeoutsLeft > 0) {
        timeoutsLeft--;
        throw new ConnectorError('in-doubt', 'The ledger did not answer in time', {
          code: 'TIMEOUT',
          system: 'connector',
        });
      }
      return records.map((record): WriteOutcome => ({ key: record.key, ok: true, created: true, targetKey: null }));
    },
    fetch: async (keys) => source.filter((row) => keys.includes(row.key)),
  };
  if (options.verify) {
    flow.verify = async (records) =>
      new Map(
        records
          .filter((record) => ledger.some((entry) => entry.key === record.key))
          .map((record): [string, WriteOutcome] => [
            record.key,
            { key: record.key, ok: true, created: true, targetKey: null },
          ]),
      );
  }
  return { flow, ledger, source };
}

describe('writes with an unknown outcome', () => {
  let database: TestDatabase;
  let store: Store;
  let engine: SyncEngine;

  beforeAll(async () => {
    database = sqliteDatabase('in-doubt');
    store = await openStore(database.url);
    engine = new SyncEngine({
      store,
      logger: silentLogger,
      owner: 'in-doubt-test',
      leaseMs: 5_000,
      failureRetry: { maxAttempts: 3, baseMs: 1, capMs: 1 },
    });
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const countsByKey = (ledger: { key: string }[]) => {
    const counts = new Map<string, number>();
    for (const entry of ledger) counts.set(entry.key, (counts.get(entry.key) ?? 0) + 1);
    return counts;
  };

  it('looks the records up before writing again, so each is stored once', async () => {
    const { flow, ledger, source } = ledgerFlow({ verify: true });
    const result = await engine.run(flow, { trigger: 'manual' });
    expect(result).toMatchObject({ outcome: 'succeeded', read: 25, created: 25, failed: 0 });
    expect(ledger).toHaveLength(source.length);
    expect([...countsByKey(ledger).values()].every((count) => count === 1)).toBe(true);
  });

  it('parks records it cannot verify instead of writing them twice, also when the failure queue retries them', async () => {
    const { flow, ledger } = ledgerFlow({ verify: false });
    const result = await engine.run(flow, { trigger: 'manual' });
    expect(result).toMatchObject({ outcome: 'partial', read: 25, created: 15, failed: 10 });
    const parked = await store.failures.list({ flow: flow.name, status: 'open' });
    expect(parked).toHaveLength(10);
    expect(parked.every((failure) => failure.errorKind === 'in-doubt' && failure.errorCode === 'TIMEOUT')).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const retry = await engine.run(flow, { trigger: 'schedule' });
    expect(retry).toMatchObject({ failed: 10, created: 0 });
    const again = await store.failures.list({ flow: flow.name, status: 'open' });
    expect(again.every((failure) => failure.errorCode === 'UNVERIFIED_WRITE' && failure.attempts === 2)).toBe(true);
    expect(ledger).toHaveLength(25);
    expect([...countsByKey(ledger).values()].every((count) => count === 1)).toBe(true);
  });
});
