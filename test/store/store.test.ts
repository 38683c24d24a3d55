// The state store's contract, run against SQLite and PostgreSQL alike.
import { sql } from 'kysely';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { engines, type TestDatabase } from './test-databases.js';

describe.each(engines)('the state store on %s', (_name, makeDatabase) => {
  let database: TestDatabase;
  let store: Store;
  let other: Store;
  let now = new Date('2026-05-01T12:00:00.000Z');
  const clock = () => now;
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  beforeAll(async () => {
    database = makeDatabase('store contract');
    store = await openStore(database.url, { clock });
    // A second connection, as a second replica would have.
    other = await openStore(database.url, { clock });
  });

  afterAll(async () => {
    await other.close();
    await store.close();
    await database.drop();
  });

  it('applies its migrations once, however often it is opened', async () => {
    expect(await store.migrate()).toEqual([]);
    const again = await openStore(database.url);
    expect(await again.migrate()).toEqual([]);
    await again.ping();
    await again.close();
  });

  it('upgrades links kept before a Salesforce Id named one link: the most recently synced keeps it', async () => {
    // The schema as the first migration left it: a plain index, and two links holding one Salesforce Id.
    await store.db.schema.dropIndex('sync_links_salesforce_key').execute();
    await store.db.schema
      .createIndex('sync_links_salesforce_id')
      .on('sync_links')
      .columns(['entity', 'salesforce_id'])
      .execute();
    // …and without what later migrations added.
    await store.db.schema.dropTable('sync_repairs').execute();
    await store.db.schema.dropIndex('sync_failures_waits_for').execute();
    await store.db.schema.dropIndex('order_ledger_order_number').execute();
    await store.db.schema.alterTable('sync_failures').dropColumn('waits_for_key').execute();
    await store.db.schema.alterTable('sync_failures').dropColumn('waits_for_entity').execute();
    await store.db.schema.dropTable('sync_conflicts').execute();
    await store.db.schema.dropTable('system_outages').execute();
    await store.db.schema.alterTable('sync_links').dropColumn('synced_state').execute();
    for (const table of ['notice_throttle', 'revenue_reconciliation', 'report_snapshots', 'customer_claims'] as const) {
      await store.db.schema.dropTable(table).execute();
    }
    await sql`delete from kysely_migration where name >= '2026-12-02-003-links-from-either-side'`.execute(store.db);
    const link = (key: string, syncedAt: string) => ({
      entity: 'upgraded',
      sage_key: key,
      salesforce_id: '001DUP',
      sage_hash: key,
      salesforce_hash: key,
      last_synced_at: syncedAt,
      created_at: syncedAt,
      updated_at: syncedAt,
    });
    await store.db
      .insertInto('sync_links')
      .values([link('EARLIER', '2026-04-01T00:00:00.000Z'), link('LATER', '2026-04-02T00:00:00.000Z')])
      .execute();

    expect(await store.migrate()).toEqual([
      '2026-12-02-003-links-from-either-side',
      '2026-12-03-004-two-way-state',
      '2026-12-04-005-waiting-failures-and-repairs',
      '2026-12-05-006-system-outages',
      '2026-12-10-007-notices-and-reconciliation',
      '2026-12-11-008-ledger-kinds',
      '2026-12-12-009-customer-claims',
    ]);
    expect(await store.links.findBySalesforceId('upgraded', '001DUP')).toMatchObject({ sageKey: 'LATER' });
    expect(await store.links.get('upgraded', 'EARLIER')).toMatchObject({ salesforceId: null, sageHash: 'EARLIER' });
  });

  describe('cursors', () => {
    it('keeps a checkpoint apart from a finished cursor and forgets both on reset', async () => {
      expect(await store.cursors.get('customers')).toBeUndefined();
      await store.cursors.save('customers', { since: '2026-04-30', afterKey: '1200' }, { inProgress: true });
      expect(await other.cursors.get('customers')).toMatchObject({
        value: { since: '2026-04-30', afterKey: '1200' },
        inProgress: true,
      });
      await store.cursors.save('customers', { since: '2026-05-01' }, { inProgress: false });
      expect(await store.cursors.get('customers')).toMatchObject({ value: { since: '2026-05-01' }, inProgress: false });
      await store.cursors.reset('customers');
      expect(await store.cursors.get('customers')).toMatchObject({ value: null, inProgress: false });
    });

    it('pauses a flow until a time and resumes it', async () => {
      const until = new Date(now.getTime() + 3_600_000);
      await store.cursors.pause('invoices', until, 'REQUEST_LIMIT_EXCEEDED');
      expect(await store.cursors.get('invoices')).toMatchObject({
        pausedUntil: until,
        pauseReason: 'REQUEST_LIMIT_EXCEEDED',
      });
      await store.cursors.resume('invoices');
      expect(await store.cursors.get('invoices')).toMatchObject({ pausedUntil: null, pauseReason: null });
    });
  });

  describe('links', () => {
    it('stores both hashes per record and keeps stored values where an update brings none', async () => {
      await store.links.upsertMany('customer', [
        { sageKey: '1100', salesforceId: '001A', sageHash: 'h1', salesforceHash: 's1' },
        { sageKey: '1200', salesforceId: '001B', sageHash: 'h2', salesforceHash: 's2' },
      ]);
      await store.links.upsertMany('customer', [
        { sageKey: '1200', salesforceId: null, sageHash: 'h3', salesforceHash: null },
      ]);
      const links = await store.links.getMany('customer', 'sage', ['1100', '1200', '9999']);
      expect([...links.keys()].sort()).toEqual(['1100', '1200']);
      expect(links.get('1200')).toMatchObject({ salesforceId: '001B', sageHash: 'h3', salesforceHash: 's2' });
      expect(await store.links.findBySalesforceId('customer', '001A')).toMatchObject({ sageKey: '1100' });
      expect(await store.links.count('customer')).toBe(2);
      expect(await store.links.count('item')).toBe(0);
    });

    it('reads and writes links for more keys than one statement holds', async () => {
      const many = Array.from({ length: 450 }, (_, i) => ({
        sageKey: `K${i}`,
        salesforceId: `001${i}`,
        sageHash: `h${i}`,
        salesforceHash: null,
      }));
      await store.links.upsertMany('bulk', many);
      const found = await store.links.getMany(
        'bulk',
        'sage',
        many.map((link) => link.sageKey),
      );
      expect(found.size).toBe(450);
      expect(found.get('K449')?.sageHash).toBe('h449');
    });

    it('finds links from the Salesforce side, by Salesforce Id', async () => {
      await store.links.upsertMany('contact', [
        { sageKey: 'C1', salesforceId: '003A', sageHash: 'h1', salesforceHash: 's1' },
        { sageKey: 'C2', salesforceId: null, sageHash: 'h2', salesforceHash: null },
      ]);
      const links = await store.links.getMany('contact', 'salesforce', ['003A', '003Z']);
      expect([...links.keys()]).toEqual(['003A']);
      expect(links.get('003A')).toMatchObject({ sageKey: 'C1', salesforceHash: 's1' });
    });

    it('gives a Salesforce Id to one link only: the one it moved to', async () => {
      await store.links.upsertMany('account', [
        { sageKey: 'OLD', salesforceId: '001M', sageHash: 'h1', salesforceHash: 'h1' },
      ]);
      await store.links.upsertMany('account', [
        { sageKey: 'NEW', salesforceId: '001M', sageHash: 'h2', salesforceHash: 'h2' },
      ]);
      expect(await store.links.findBySalesforceId('account', '001M')).toMatchObject({ sageKey: 'NEW' });
      expect(await store.links.get('account', 'OLD')).toMatchObject({ salesforceId: null, sageHash: 'h1' });
    });
  });

  describe('transactions', () => {
    it('commits links and the checkpoint together, or neither when the work fails', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.links.upsertMany('customer', [
            { sageKey: '1500', salesforceId: '001C', sageHash: 'x', salesforceHash: 'x' },
          ]);
          await tx.cursors.save('tx-flow', { afterKey: '1500' }, { inProgress: true });
          throw new Error('the page could not be committed');
        }),
      ).rejects.toThrow('the page could not be committed');
      expect(await store.links.get('customer', '1500')).toBeUndefined();
      expect(await store.cursors.get('tx-flow')).toBeUndefined();

      await store.transaction(async (tx) => {
        await tx.links.upsertMany('customer', [
          { sageKey: '1500', salesforceId: '001C', sageHash: 'x', salesforceHash: 'x' },
        ]);
        await tx.cursors.save('tx-flow', { afterKey: '1500' }, { inProgress: true });
      });
      expect(await other.links.get('customer', '1500')).toMatchObject({ salesforceId: '001C' });
      expect(await other.cursors.get('tx-flow')).toMatchObject({ value: { afterKey: '1500' } });
    });
  });

  describe('order ledger', () => {
    it('keeps an opportunity’s quote and its order as two entries, each claimed and created once', async () => {
      expect((await store.orderLedger.claim('006KIND', 'quoting', 30_000, 'quote')).claimed).toBe(true);
      expect((await other.orderLedger.claim('006KIND', 'ordering', 30_000)).claimed).toBe(true);
      expect((await other.orderLedger.claim('006KIND', 'late', 30_000, 'quote')).claimed).toBe(false);
      expect(await store.orderLedger.markCreating('006KIND', 'quoting', 'quote')).toBe(true);
      await store.orderLedger.recordCreated('006KIND', { orderNumber: 'QUO1', uniquifier: 1, result: null }, 'quote');
      expect(await store.orderLedger.get('006KIND')).toMatchObject({ kind: 'order', state: 'pending' });
      await other.orderLedger.recordCreated('006KIND', { orderNumber: 'ORD1', uniquifier: 2, result: null });
      expect(await store.orderLedger.get('006KIND', 'quote')).toMatchObject({
        kind: 'quote',
        state: 'created',
        sageOrderNumber: 'QUO1',
      });
      expect(await store.orderLedger.get('006KIND')).toMatchObject({ kind: 'order', sageOrderNumber: 'ORD1' });
      // Invoices name orders, never quotes.
      expect(await store.orderLedger.opportunitiesForOrders(['QUO1', 'ORD1'])).toEqual(new Map([['ORD1', '006KIND']]));
    });

    it('lets exactly one of many concurrent claimants hold an opportunity', async () => {
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).orderLedger.claim('006RACE', `replica-${i}`, 30_000),
        ),
      );
      const winners = claims.filter((claim) => claim.claimed);
      expect(winners).toHaveLength(1);
      const entry = await store.orderLedger.get('006RACE');
      expect(entry).toMatchObject({ state: 'pending', owner: winners[0]?.entry.owner, attempts: 0 });
    });

    it('hands an expired claim over, keeps the in-doubt state for the next holder, and never reclaims a created order', async () => {
      expect((await store.orderLedger.claim('006A', 'first', 1_000)).claimed).toBe(true);
      expect(await store.orderLedger.markCreating('006A', 'first')).toBe(true);
      await store.orderLedger.recordFailure('006A', 'in_doubt', 'TIMEOUT', 'Sage did not answer the order POST');
      expect((await other.orderLedger.claim('006A', 'second', 1_000)).claimed).toBe(false);
      expect(await other.orderLedger.markCreating('006A', 'second')).toBe(false);

      advance(1_500);
      const takeover = await other.orderLedger.claim('006A', 'second', 1_000);
      expect(takeover).toMatchObject({ claimed: true, entry: { state: 'in_doubt', owner: 'second', attempts: 1 } });
      expect(takeover.entry.lastErrorCode).toBe('TIMEOUT');

      const created = await other.orderLedger.recordCreated('006A', {
        orderNumber: 'ORD000123',
        uniquifier: 42,
        result: { orderNumber: 'ORD000123', status: 'created' },
      });
      expect(created).toMatchObject({
        state: 'created',
        owner: null,
        sageOrderNumber: 'ORD000123',
        sageOrderUniquifier: '42',
        result: { orderNumber: 'ORD000123', status: 'created' },
      });
      advance(60_000);
      expect((await store.orderLedger.claim('006A', 'third', 1_000)).claimed).toBe(false);
      expect(await store.orderLedger.recordFailure('006A', 'failed', 'X', 'late')).toMatchObject({ state: 'created' });
    });

    it('keeps a renewed claim past its first lease, and lets only the holder renew it', async () => {
      expect((await store.orderLedger.claim('006R', 'worker', 1_000)).claimed).toBe(true);
      advance(800);
      expect(await store.orderLedger.renew('006R', 'worker', 1_000)).toBe(true);
      expect(await other.orderLedger.renew('006R', 'intruder', 1_000)).toBe(false);
      advance(800);
      expect((await other.orderLedger.claim('006R', 'intruder', 1_000)).claimed).toBe(false);
      advance(300);
      expect((await other.orderLedger.claim('006R', 'intruder', 1_000)).claimed).toBe(true);
      expect(await store.orderLedger.renew('006R', 'worker', 1_000)).toBe(false);
    });

    it('frees a claim only for its holder', async () => {
      await store.orderLedger.claim('006B', 'holder', 60_000);
      await store.orderLedger.release('006B', 'intruder');
      expect((await other.orderLedger.claim('006B', 'intruder', 60_000)).claimed).toBe(false);
      await store.orderLedger.release('006B', 'holder');
      expect((await other.orderLedger.claim('006B', 'intruder', 60_000)).claimed).toBe(true);
      expect((await store.orderLedger.list({ state: 'pending' })).map((entry) => entry.opportunityId)).toContain(
        '006B',
      );
    });
  });

  describe('failure queue', () => {
    it('keeps one active entry per record, counting attempts, until a write resolves it', async () => {
      // The same record refused twice for the same reason, with a different payload each time.
      const tooLong = {
        recordKey: '1400',
        kind: 'permanent',
        code: 'STRING_TOO_LONG',
        message: 'Name: data value too large',
      } as const;
      const first = await store.failures.record('customers', {
        ...tooLong,
        payload: { Name: 'x' },
        nextAttemptAt: new Date(now.getTime() + 60_000),
      });
      const second = await store.failures.record('customers', {
        ...tooLong,
        payload: { Name: 'y' },
        nextAttemptAt: null,
      });
      expect(second).toBe(first);
      expect(await store.failures.get(first)).toMatchObject({
        attempts: 2,
        status: 'open',
        payload: { Name: 'y' },
        nextAttemptAt: null,
      });

      expect(await store.failures.resolve('customers', ['1400', 'unknown'])).toBe(1);
      expect(await store.failures.get(first)).toMatchObject({ status: 'resolved' });
      const third = await store.failures.record('customers', {
        recordKey: '1400',
        payload: null,
        kind: 'transient',
        code: 'UNABLE_TO_LOCK_ROW',
        message: 'locked',
        nextAttemptAt: now,
      });
      expect(third).not.toBe(first);
    });

    it('hands each due entry to one claimant only', async () => {
      for (const key of ['D1', 'D2', 'D3']) {
        await store.failures.record('due-flow', {
          recordKey: key,
          payload: null,
          kind: 'transient',
          code: 'UNABLE_TO_LOCK_ROW',
          message: 'locked',
          nextAttemptAt: key === 'D3' ? new Date(now.getTime() + 3_600_000) : now,
        });
      }
      const [a, b] = await Promise.all([
        store.failures.claimDue('due-flow', 10),
        other.failures.claimDue('due-flow', 10),
      ]);
      const claimed = [...(a ?? []), ...(b ?? [])].map((failure) => failure.recordKey).sort();
      expect(claimed).toEqual(['D1', 'D2']);
      expect(await store.failures.claimDue('due-flow', 10)).toEqual([]);
      expect(await store.failures.countByStatus('due-flow')).toEqual({ open: 1, retrying: 2, resolved: 0, skipped: 0 });
      expect(await store.failures.reopenStale('due-flow')).toBe(2);
    });

    it('lets an operator retry or skip an entry', async () => {
      const id = await store.failures.record('ops-flow', {
        recordKey: 'S1',
        payload: null,
        kind: 'permanent',
        code: 'INVALID_FIELD',
        message: 'bad',
        nextAttemptAt: null,
      });
      expect(await store.failures.claimDue('ops-flow', 10)).toEqual([]);
      expect(await store.failures.requestRetry(id)).toBe(true);
      expect((await store.failures.claimDue('ops-flow', 10)).map((failure) => failure.id)).toEqual([id]);
      expect(await store.failures.skip(id)).toBe(true);
      expect(await store.failures.skip(id)).toBe(false);
      expect(await store.failures.requestRetry(id)).toBe(false);
      expect(await store.failures.list({ flow: 'ops-flow', status: 'skipped' })).toHaveLength(1);
      expect(await store.failures.list({ flow: 'ops-flow', status: 'active' })).toHaveLength(0);
    });
  });

  describe('runs', () => {
    it('records counts per page and the outcome, newest first', async () => {
      const id = await store.runs.start({ flow: 'customers', trigger: 'manual', owner: 'test' });
      await store.runs.addCounts(id, { read: 100, created: 90, unchanged: 10 });
      await store.runs.addCounts(id, { read: 50, updated: 49, failed: 1 });
      await store.runs.finish(id, 'partial', '1 record failed');
      expect(await other.runs.get(id)).toMatchObject({
        outcome: 'partial',
        read: 150,
        created: 90,
        updated: 49,
        unchanged: 10,
        failed: 1,
        message: '1 record failed',
      });
      const later = await store.runs.start({
        flow: 'customers',
        trigger: 'schedule',
        owner: 'test',
        scheduledFor: now,
      });
      expect((await store.runs.list({ flow: 'customers' })).map((run) => run.id)).toEqual([later, id]);
      expect((await store.runs.latestPerFlow()).find((run) => run.flow === 'customers')?.id).toBe(later);
      const newest = await store.runs.start({ flow: 'customers', trigger: 'schedule', owner: 'other' });
      expect(await store.runs.interruptAbandoned('customers', newest)).toBe(1);
      expect(await store.runs.get(later)).toMatchObject({ outcome: 'interrupted' });
      expect(await store.runs.get(newest)).toMatchObject({ outcome: 'running' });
    });
  });

  describe('system outages', () => {
    it('keeps the earliest start of an outage across replicas, the latest reason and reporter, until it is cleared', async () => {
      const start = new Date(now.getTime() - 60_000);
      await store.outages.report('sage300', { since: start, reason: 'HTTP503', seenBy: 'a' });
      advance(1_000);
      await other.outages.report('sage300', { since: new Date(now.getTime() - 5_000), reason: 'Timeout', seenBy: 'b' });
      expect(await store.outages.list()).toEqual([
        { system: 'sage300', since: start, reason: 'Timeout', seenBy: 'b', seenAt: now },
      ]);
      const earlier = new Date(start.getTime() - 1_000);
      await other.outages.report('sage300', { since: earlier, reason: 'Timeout', seenBy: 'b' });
      expect((await store.outages.list())[0]?.since).toEqual(earlier);
      await other.outages.clear('sage300');
      expect(await store.outages.list()).toEqual([]);
    });
  });

  describe('leases', () => {
    it('has one holder at a time and passes to another when it expires', async () => {
      expect(await store.leases.acquire('flow:customers', 'a', 5_000)).toBe(true);
      expect(await other.leases.acquire('flow:customers', 'b', 5_000)).toBe(false);
      expect(await other.leases.renew('flow:customers', 'b', 5_000)).toBe(false);
      advance(4_000);
      expect(await store.leases.renew('flow:customers', 'a', 5_000)).toBe(true);
      advance(4_000);
      expect(await other.leases.acquire('flow:customers', 'b', 5_000)).toBe(false);
      advance(2_000);
      expect(await other.leases.acquire('flow:customers', 'b', 5_000)).toBe(true);
      expect(await store.leases.renew('flow:customers', 'a', 5_000)).toBe(false);
      await store.leases.release('flow:customers', 'a');
      expect(await store.leases.get('flow:customers')).toMatchObject({ owner: 'b' });
      await other.leases.release('flow:customers', 'b');
      expect(await store.leases.get('flow:customers')).toMatchObject({ owner: null });
    });

    it('runs a scheduled slot once even when the first holder has already finished', async () => {
      const slot = new Date('2026-05-01T13:00:00.000Z');
      const contenders = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : store).leases.acquire('flow:slots', `r${i}`, 5_000, { slot }),
        ),
      );
      expect(contenders.filter(Boolean)).toHaveLength(1);
      const winner = `r${contenders.indexOf(true)}`;
      await store.leases.release('flow:slots', winner);
      expect(await other.leases.acquire('flow:slots', 'late', 5_000, { slot })).toBe(false);
      expect(await other.leases.acquire('flow:slots', 'late', 5_000, { slot: new Date(slot.getTime() - 1000) })).toBe(
        false,
      );
      expect(await other.leases.acquire('flow:slots', 'late', 5_000, { slot: new Date(slot.getTime() + 2000) })).toBe(
        true,
      );
      expect((await store.leases.list()).map((lease) => lease.name)).toContain('flow:slots');
    });
  });
});
