/**
 * The failure queue: records a flow could not write, with the payload and the reason, one active entry per
 * flow and record. Entries are `open` (waiting; retried automatically at `next_attempt_at` unless that is null),
 * `retrying` (claimed by a runner), `resolved` (a later write succeeded) or `skipped` (an operator gave up on it).
 * An entry may wait for another record to be linked (an invoice for its customer's Account): linking that record
 * makes it due at once (`releaseWaiting`), whatever its retry schedule says.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ErrorKind } from '../domain/errors.js';
import { inBatches } from './batches.js';
import { isoTime, parseTime, type Clock } from './clock.js';
import type { Engine } from './migrations.js';
import type { Database } from './schema.js';

export type FailureStatus = 'open' | 'retrying' | 'resolved' | 'skipped';

/** A record another one waits for: its links entity and Sage key (`customer`, `1200`). */
export interface AwaitedRecord {
  entity: string;
  key: string;
}

export interface SyncFailure {
  id: number;
  flow: string;
  recordKey: string;
  payload: unknown;
  errorKind: ErrorKind;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  nextAttemptAt: Date | null;
  status: FailureStatus;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  /** The record whose link this entry waits for, if it waits for one. */
  waitsFor: AwaitedRecord | null;
}

export interface FailureReport {
  recordKey: string;
  payload: unknown;
  kind: ErrorKind;
  code: string;
  message: string;
  /**
   * When to retry automatically; null when no automatic retry is left. A function receives the attempt count the
   * entry will have (1 for a new one) and decides.
   */
  nextAttemptAt: Date | null | ((attempts: number) => Date | null);
  /** The record whose link would let this one be written; linking it makes the entry due. */
  waitsFor?: AwaitedRecord | null;
}

export interface FailureRepository {
  /** Records a failure; a record that already has an active entry gets it updated (one more attempt). Returns the id. */
  record(flow: string, failure: FailureReport): Promise<number>;
  /** Marks the active entries of these records resolved (they were written since). Returns how many. */
  resolve(flow: string, recordKeys: readonly string[]): Promise<number>;
  get(id: number): Promise<SyncFailure | undefined>;
  /** The active (open or retrying) entries of these records, by record key. */
  activeFor(flow: string, recordKeys: readonly string[]): Promise<Map<string, SyncFailure>>;
  list(options?: { flow?: string; status?: FailureStatus | 'active'; limit?: number }): Promise<SyncFailure[]>;
  /**
   * Claims up to `limit` open entries of the flow due by `dueBy` (default now), moving them to `retrying`; on
   * PostgreSQL entries another runner is claiming are skipped.
   */
  claimDue(flow: string, limit: number, dueBy?: Date): Promise<SyncFailure[]>;
  /** Puts an entry back in the queue for an immediate retry; false when it is not open or retrying. */
  requestRetry(id: number): Promise<boolean>;
  /** Gives up on an entry; false when it is already resolved or skipped. */
  skip(id: number): Promise<boolean>;
  /** Entries by status (all flows, or one). */
  countByStatus(flow?: string): Promise<Record<FailureStatus, number>>;
  /**
   * Makes the open entries that wait for these records (of one entity, by Sage key) due now, on every flow. Returns
   * how many.
   */
  releaseWaiting(entity: string, keys: readonly string[]): Promise<number>;
  /** Entries left `retrying` by a runner that died go back to `open`. */
  reopenStale(flow: string): Promise<number>;
}

type Row = Selectable<Database['sync_failures']>;

function toFailure(row: Row): SyncFailure {
  return {
    id: Number(row.id),
    flow: row.flow,
    recordKey: row.record_key,
    payload: row.payload === null ? null : (JSON.parse(row.payload) as unknown),
    errorKind: row.error_kind as ErrorKind,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    attempts: Number(row.attempts),
    nextAttemptAt: parseTime(row.next_attempt_at),
    status: row.status as FailureStatus,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    resolvedAt: parseTime(row.resolved_at),
    waitsFor:
      row.waits_for_entity && row.waits_for_key ? { entity: row.waits_for_entity, key: row.waits_for_key } : null,
  };
}

const active = ['open', 'retrying'] as const;

export function failureRepository(db: Kysely<Database>, clock: Clock, engine: Engine): FailureRepository {
  return {
    async record(flow, failure) {
      const now = isoTime(clock());
      let nextAttemptAt = failure.nextAttemptAt;
      if (typeof nextAttemptAt === 'function') {
        const existing = await db
          .selectFrom('sync_failures')
          .select('attempts')
          .where('flow', '=', flow)
          .where('record_key', '=', failure.recordKey)
          .where('status', 'in', active)
          .executeTakeFirst();
        nextAttemptAt = nextAttemptAt(existing ? Number(existing.attempts) + 1 : 1);
      }
      const fields = {
        payload: failure.payload === undefined ? null : JSON.stringify(failure.payload),
        error_kind: failure.kind,
        error_code: failure.code,
        error_message: failure.message.slice(0, 2000),
        next_attempt_at: nextAttemptAt && isoTime(nextAttemptAt),
        status: 'open',
        updated_at: now,
        waits_for_entity: failure.waitsFor?.entity ?? null,
        waits_for_key: failure.waitsFor?.key ?? null,
      };
      const updated = await db
        .updateTable('sync_failures')
        .set({ ...fields, attempts: sql`attempts + 1` })
        .where('flow', '=', flow)
        .where('record_key', '=', failure.recordKey)
        .where('status', 'in', active)
        .returning('id')
        .executeTakeFirst();
      if (updated) return Number(updated.id);
      const inserted = await db
        .insertInto('sync_failures')
        .values({ flow, record_key: failure.recordKey, attempts: 1, created_at: now, resolved_at: null, ...fields })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(inserted.id);
    },
    async resolve(flow, recordKeys) {
      if (recordKeys.length === 0) return 0;
      const now = isoTime(clock());
      let resolved = 0;
      for (const batch of inBatches(recordKeys)) {
        const result = await db
          .updateTable('sync_failures')
          .set({ status: 'resolved', resolved_at: now, updated_at: now, next_attempt_at: null })
          .where('flow', '=', flow)
          .where('record_key', 'in', batch)
          .where('status', 'in', active)
          .executeTakeFirst();
        resolved += Number(result.numUpdatedRows);
      }
      return resolved;
    },
    async get(id) {
      const row = await db.selectFrom('sync_failures').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toFailure(row);
    },
    async activeFor(flow, recordKeys) {
      const found = new Map<string, SyncFailure>();
      for (const batch of inBatches(recordKeys)) {
        const rows = await db
          .selectFrom('sync_failures')
          .selectAll()
          .where('flow', '=', flow)
          .where('record_key', 'in', batch)
          .where('status', 'in', active)
          .execute();
        for (const row of rows) found.set(row.record_key, toFailure(row));
      }
      return found;
    },
    async list(options = {}) {
      let query = db
        .selectFrom('sync_failures')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(options.limit ?? 100);
      if (options.flow) query = query.where('flow', '=', options.flow);
      if (options.status === 'active') query = query.where('status', 'in', active);
      else if (options.status) query = query.where('status', '=', options.status);
      return (await query.execute()).map(toFailure);
    },
    async claimDue(flow, limit, dueBy) {
      const now = isoTime(clock());
      const due = isoTime(dueBy ?? clock());
      const candidates = db
        .selectFrom('sync_failures')
        .select('id')
        .where('flow', '=', flow)
        .where('status', '=', 'open')
        .where('next_attempt_at', 'is not', null)
        .where('next_attempt_at', '<=', due)
        .orderBy('id')
        .limit(limit);
      const rows = await db
        .updateTable('sync_failures')
        .set({ status: 'retrying', updated_at: now })
        .where('id', 'in', engine === 'postgres' ? candidates.forUpdate().skipLocked() : candidates)
        .where('status', '=', 'open')
        .returningAll()
        .execute();
      return rows.map(toFailure).sort((a, b) => a.id - b.id);
    },
    async requestRetry(id) {
      const now = isoTime(clock());
      const result = await db
        .updateTable('sync_failures')
        .set({ status: 'open', next_attempt_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', 'in', active)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async skip(id) {
      const now = isoTime(clock());
      const result = await db
        .updateTable('sync_failures')
        .set({ status: 'skipped', next_attempt_at: null, updated_at: now, resolved_at: now })
        .where('id', '=', id)
        .where('status', 'in', active)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async countByStatus(flow) {
      let query = db
        .selectFrom('sync_failures')
        .select(['status', (eb) => eb.fn.countAll<string | number>().as('count')])
        .groupBy('status');
      if (flow) query = query.where('flow', '=', flow);
      const counts: Record<FailureStatus, number> = { open: 0, retrying: 0, resolved: 0, skipped: 0 };
      for (const row of await query.execute()) counts[row.status as FailureStatus] = Number(row.count);
      return counts;
    },
    async releaseWaiting(entity, keys) {
      if (keys.length === 0) return 0;
      const now = isoTime(clock());
      let released = 0;
      for (const batch of inBatches([...new Set(keys)])) {
        const result = await db
          .updateTable('sync_failures')
          .set({ next_attempt_at: now, updated_at: now })
          .where('waits_for_entity', '=', entity)
          .where('waits_for_key', 'in', batch)
          .where('status', '=', 'open')
          .executeTakeFirst();
        released += Number(result.numUpdatedRows);
      }
      return released;
    },
    async reopenStale(flow) {
      const result = await db
        .updateTable('sync_failures')
        .set({ status: 'open', updated_at: isoTime(clock()) })
        .where('flow', '=', flow)
        .where('status', '=', 'retrying')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
