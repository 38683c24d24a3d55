// A run's outcome says what happened to its records: all written, some parked (partial), or none written (failed).
import { z } from 'zod';
import { ConnectorError } from '../../middleware/src/domain/errors.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { SyncEngine } from '../../middleware/src/sync/engine.js';
import type { SyncFlow, WriteOutcome } from '../../middleware/src/sync/flow.js';
import { sqliteDatabase, type TestDatabase } from '../store/test-databases.js';
import { silentLogger } from './systems.js';

/** Eight rows; the target refuses the rows whose key `refuse` accepts, one outcome per record. */
function refusingFlow(name: string, refuse: (key: string) => boolean) {
  const rows = Array.from({ length: 8 }, (_, i) => ({ key: `K${i}` }));
  const flow: SyncFlow<{ key: string }, { key: string }, { done: boolean }> = {
    name,
    entity: name,
    source: 'sage',
    cursor: z.object({ done: z.boolean() }),
    pageSize: 4,
    idempotentWrites: true,
    startCursor: () => ({ done: false }),
    async *read() {
      yield rows.slice(0, 4);
      yield rows.slice(4);
    },
    advance: () => ({ done: false }),
    finish: () => ({ done: true }),
    keyOf: (row) => row.key,
    map: (row) => ({ key: row.key }),
    write: async (records) =>
      records.map((record): WriteOutcome =>
        refuse(record.key)
          ? {
              key: record.key,
              ok: false,
              error: new ConnectorError('permanent', 'The target refused it', {
                code: 'REFUSED',
                system: 'salesforce',
              }),
            }
          : { key: record.key, ok: true, created: true, targetKey: record.key },
      ),
    fetch: async (keys) => rows.filter((row) => keys.includes(row.key)),
  };
  return flow;
}

describe('the outcome of a run', () => {
  let database: TestDatabase;
  let store: Store;
  let engine: SyncEngine;

  beforeAll(async () => {
    database = sqliteDatabase('run-outcome');
    store = await openStore(database.url);
    engine = new SyncEngine({ store, logger: silentLogger, owner: 'run-outcome-test', leaseMs: 5_000 });
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('is partial when some records went to the failure queue and the others were written', async () => {
    const result = await engine.run(
      refusingFlow('some-refused', (key) => key === 'K2'),
      { trigger: 'manual' },
    );
    expect(result).toMatchObject({ outcome: 'partial', created: 7, failed: 1 });
  });

  it('is failed, saying so, when every record it handled went to the failure queue', async () => {
    const flow = refusingFlow('all-refused', () => true);
    const result = await engine.run(flow, { trigger: 'manual' });
    expect(result).toMatchObject({ outcome: 'failed', created: 0, failed: 8 });
    const [run] = await store.runs.list({ flow: flow.name });
    expect(run).toMatchObject({ outcome: 'failed', message: 'every record of this run (8) went to the failure queue' });
  });
});
