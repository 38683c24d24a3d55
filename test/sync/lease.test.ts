// A flow's lease while it runs, against a real SQLite store (no sandbox).
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { flowLease, holdFlowLease, renewalInterval, type LeaseLostError } from '../../middleware/src/sync/lease.js';
import { sqliteDatabase, type TestDatabase } from '../store/test-databases.js';

describe('a flow lease', () => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = sqliteDatabase('lease');
    store = await openStore(database.url);
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const hold = (owner: string, options: { slot?: Date; onLost?: (error: LeaseLostError) => void } = {}) =>
    holdFlowLease({
      leases: store.leases,
      flow: 'invoices',
      owner,
      leaseMs: 150,
      ...(options.slot ? { slot: options.slot } : {}),
      onLost: options.onLost ?? (() => undefined),
      onRenewalError: () => undefined,
    });

  it('is held by one process at a time, kept alive by renewal and free again once released', async () => {
    const first = await hold('replica-1');
    expect(first?.name).toBe(flowLease('invoices'));
    expect(await hold('replica-2')).toBeUndefined();
    // Well past its 150 ms: renewals every 50 ms keep it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await hold('replica-2')).toBeUndefined();
    expect(first?.lost()).toBe(false);
    await first?.release();
    const second = await hold('replica-2');
    expect(second).toBeDefined();
    await second?.release();
  });

  it('runs a schedule slot once', async () => {
    const slot = new Date('2026-05-01T12:00:00Z');
    const first = await hold('replica-1', { slot });
    await first?.release();
    expect(await hold('replica-2', { slot })).toBeUndefined();
  });

  it('tells the run when another process has taken it over', async () => {
    const lost: LeaseLostError[] = [];
    const held = await hold('replica-1', { onLost: (error) => lost.push(error) });
    // Another replica takes the lease as it would after this one stalled past the expiry.
    await store.db
      .updateTable('sync_leases')
      .set({ owner: 'replica-2' })
      .where('name', '=', flowLease('invoices'))
      .execute();
    await new Promise((resolve) => setTimeout(resolve, renewalInterval(150) * 3));
    expect(held?.lost()).toBe(true);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.message).toBe('Lost the lease of flow invoices to another process');
    await held?.release();
  });
});
