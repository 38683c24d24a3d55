/**
 * The order ledger: one row per Opportunity and kind pushed to Sage (its order, its quote), the guard that makes a
 * Sage order or quote happen at most once.
 *
 * Row: `opportunity_id` + `kind` (`order` | `quote`; the primary key), `state`, `owner` + `claimed_until` (who is working on it, until when),
 * `sage_order_number`, `sage_order_uniquifier`, `attempts`, `last_error_code`, `last_error_message`, `result_json`
 * (the first answer, replayed to later callers), `created_at`, `updated_at`.
 *
 * States:
 * - `pending`   claimed, nothing sent to Sage yet;
 * - `creating`  the order POST is about to go out or is under way (a crash here means: look the order up first);
 * - `in_doubt`  the POST's outcome is unknown; look the order up by `OrderReference` before any new POST;
 * - `created`   final: the order exists (`sage_order_number`); every later push replays `result_json`;
 * - `failed`    Sage refused the order (credit block, unknown item...); a later push may claim it again.
 *
 * A `created` entry also says whether the opportunity shows the order (`write_back`): `pending` from the moment the
 * order is recorded until Salesforce has taken the order number, status and time, then `done`. A pending write-back
 * is completed by the next push of the opportunity and retried in the background until then.
 *
 * Protocol: `claim` (atomic on both engines: insert, or take over an entry that is not `created` and whose claim is
 * free or expired) → `markCreating` → POST → `recordCreated` | `recordFailure` → `release`, with `renew` every third
 * of the lease while the holder works, so a short lease still covers a slow push and a dead holder is noticed within
 * one lease. Only the claim holder may change an entry; every change but `get` checks the owner.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { inBatches } from './batches.js';
import { claimableBy } from './claims.js';
import { isoTime, parseTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

/** What an entry stands for: the opportunity's Sage order, or its quote (the same as `domain/orders.ts` OrderKind). */
export type LedgerKind = 'order' | 'quote';

export type OrderLedgerState = 'pending' | 'creating' | 'in_doubt' | 'created' | 'failed';

/** Whether the opportunity shows a created order; null for entries recorded before the ledger kept it. */
export type WriteBackState = 'pending' | 'done' | null;

export interface OrderLedgerEntry {
  opportunityId: string;
  kind: LedgerKind;
  state: OrderLedgerState;
  owner: string | null;
  claimedUntil: Date | null;
  sageOrderNumber: string | null;
  sageOrderUniquifier: string | null;
  attempts: number;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  /** The stored answer of the first successful push (parsed JSON), replayed to later callers. */
  result: unknown;
  writeBack: WriteBackState;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrderLedgerRepository {
  /** Every method takes the entry's kind last; without it, the opportunity's order. */
  get(opportunityId: string, kind?: LedgerKind): Promise<OrderLedgerEntry | undefined>;
  /**
   * Claims the entry for `owner` for `leaseMs`: creates it as `pending`, or takes it over when it is not `created` and
   * unclaimed, expired or already this owner's. `claimed` says whether the caller now holds it; `entry` is the current row.
   */
  claim(
    opportunityId: string,
    owner: string,
    leaseMs: number,
    kind?: LedgerKind,
  ): Promise<{ claimed: boolean; entry: OrderLedgerEntry }>;
  /** Extends the holder's claim to `leaseMs` from now; false when `owner` no longer holds it. */
  renew(opportunityId: string, owner: string, leaseMs: number, kind?: LedgerKind): Promise<boolean>;
  /** Moves the holder's entry to `creating` and counts the attempt; false when `owner` no longer holds it. */
  markCreating(opportunityId: string, owner: string, kind?: LedgerKind): Promise<boolean>;
  /** Records the created order (final) with its write-back pending, and frees the claim. */
  recordCreated(
    opportunityId: string,
    order: { orderNumber: string; uniquifier: string | number; result: unknown },
    kind?: LedgerKind,
  ): Promise<OrderLedgerEntry>;
  /** Records a failed or unclear attempt with Sage's (or our) code and message; the claim stays with its holder. */
  recordFailure(
    opportunityId: string,
    state: Exclude<OrderLedgerState, 'created'>,
    code: string,
    message: string,
    kind?: LedgerKind,
  ): Promise<OrderLedgerEntry>;
  /** Records that the opportunity shows its created order. */
  recordWrittenBack(opportunityId: string, kind?: LedgerKind): Promise<void>;
  /** The opportunities of created orders (not quotes), by Sage order number (numbers without one are absent). */
  opportunitiesForOrders(orderNumbers: readonly string[]): Promise<Map<string, string>>;
  /** Frees the claim if `owner` holds it. */
  release(opportunityId: string, owner: string, kind?: LedgerKind): Promise<void>;
  list(options?: {
    state?: OrderLedgerState;
    writeBack?: 'pending';
    kind?: LedgerKind;
    limit?: number;
  }): Promise<OrderLedgerEntry[]>;
  /** How many created orders the opportunity does not show yet. */
  countPendingWriteBacks(): Promise<number>;
}

type Row = Selectable<Database['order_ledger']>;

function toEntry(row: Row): OrderLedgerEntry {
  return {
    opportunityId: row.opportunity_id,
    kind: row.kind === 'quote' ? 'quote' : 'order',
    state: row.state as OrderLedgerState,
    owner: row.owner,
    claimedUntil: parseTime(row.claimed_until),
    sageOrderNumber: row.sage_order_number,
    sageOrderUniquifier: row.sage_order_uniquifier,
    attempts: Number(row.attempts),
    lastErrorCode: row.last_error_code,
    lastErrorMessage: row.last_error_message,
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as unknown),
    writeBack: row.write_back === 'pending' || row.write_back === 'done' ? row.write_back : null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function orderLedgerRepository(db: Kysely<Database>, clock: Clock): OrderLedgerRepository {
  const get = async (opportunityId: string, kind: LedgerKind = 'order') => {
    const row = await db
      .selectFrom('order_ledger')
      .selectAll()
      .where('opportunity_id', '=', opportunityId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return row && toEntry(row);
  };
  const mustGet = async (opportunityId: string, kind: LedgerKind) => {
    const entry = await get(opportunityId, kind);
    if (!entry) throw new Error(`No order ledger ${kind} entry for opportunity ${opportunityId}`);
    return entry;
  };

  return {
    get,
    async claim(opportunityId, owner, leaseMs, kind = 'order') {
      const now = clock();
      const nowText = isoTime(now);
      const until = isoTime(new Date(now.getTime() + leaseMs));
      const claimed = await db
        .insertInto('order_ledger')
        .values({
          opportunity_id: opportunityId,
          kind,
          state: 'pending',
          owner,
          claimed_until: until,
          attempts: 0,
          created_at: nowText,
          updated_at: nowText,
        })
        .onConflict((oc) =>
          oc
            .columns(['opportunity_id', 'kind'])
            .doUpdateSet({ owner, claimed_until: until, updated_at: nowText })
            .where('order_ledger.state', '<>', 'created')
            .where(claimableBy('order_ledger.owner', 'order_ledger.claimed_until', owner, nowText)),
        )
        .returningAll()
        .executeTakeFirst();
      if (claimed) return { claimed: true, entry: toEntry(claimed) };
      return { claimed: false, entry: await mustGet(opportunityId, kind) };
    },
    async renew(opportunityId, owner, leaseMs, kind = 'order') {
      const now = clock();
      const result = await db
        .updateTable('order_ledger')
        .set({ claimed_until: isoTime(new Date(now.getTime() + leaseMs)) })
        .where('opportunity_id', '=', opportunityId)
        .where('kind', '=', kind)
        .where('owner', '=', owner)
        .where('state', '<>', 'created')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async markCreating(opportunityId, owner, kind = 'order') {
      const result = await db
        .updateTable('order_ledger')
        .set({ state: 'creating', attempts: sql`attempts + 1`, updated_at: isoTime(clock()) })
        .where('opportunity_id', '=', opportunityId)
        .where('kind', '=', kind)
        .where('owner', '=', owner)
        .where('state', '<>', 'created')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async recordCreated(opportunityId, order, kind = 'order') {
      await db
        .updateTable('order_ledger')
        .set({
          state: 'created',
          sage_order_number: order.orderNumber,
          sage_order_uniquifier: String(order.uniquifier),
          result_json: JSON.stringify(order.result ?? null),
          write_back: 'pending',
          owner: null,
          claimed_until: null,
          last_error_code: null,
          last_error_message: null,
          updated_at: isoTime(clock()),
        })
        .where('opportunity_id', '=', opportunityId)
        .where('kind', '=', kind)
        .execute();
      return mustGet(opportunityId, kind);
    },
    async recordFailure(opportunityId, state, code, message, kind = 'order') {
      await db
        .updateTable('order_ledger')
        .set({
          state,
          last_error_code: code,
          last_error_message: message.slice(0, 2000),
          updated_at: isoTime(clock()),
        })
        .where('opportunity_id', '=', opportunityId)
        .where('kind', '=', kind)
        .where('state', '<>', 'created')
        .execute();
      return mustGet(opportunityId, kind);
    },
    async recordWrittenBack(opportunityId, kind = 'order') {
      await db
        .updateTable('order_ledger')
        .set({ write_back: 'done', updated_at: isoTime(clock()) })
        .where('opportunity_id', '=', opportunityId)
        .where('kind', '=', kind)
        .where('state', '=', 'created')
        .execute();
    },
    async release(opportunityId, owner, kind = 'order') {
      await db
        .updateTable('order_ledger')
        .set({ owner: null, claimed_until: null, updated_at: isoTime(clock()) })
        .where('opportunity_id', '=', opportunityId)
        .where('kind', '=', kind)
        .where('owner', '=', owner)
        .execute();
    },
    async list(options = {}) {
      let query = db
        .selectFrom('order_ledger')
        .selectAll()
        .orderBy('updated_at', 'desc')
        .limit(options.limit ?? 100);
      if (options.state) query = query.where('state', '=', options.state);
      if (options.writeBack) query = query.where('write_back', '=', options.writeBack);
      if (options.kind) query = query.where('kind', '=', options.kind);
      return (await query.execute()).map(toEntry);
    },
    async opportunitiesForOrders(orderNumbers) {
      const found = new Map<string, string>();
      for (const batch of inBatches([...new Set(orderNumbers)])) {
        const rows = await db
          .selectFrom('order_ledger')
          .select(['opportunity_id', 'sage_order_number'])
          .where('state', '=', 'created')
          .where('kind', '=', 'order')
          .where('sage_order_number', 'in', batch)
          .execute();
        for (const row of rows) if (row.sage_order_number) found.set(row.sage_order_number, row.opportunity_id);
      }
      return found;
    },
    async countPendingWriteBacks() {
      const row = await db
        .selectFrom('order_ledger')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('state', '=', 'created')
        .where('write_back', '=', 'pending')
        .executeTakeFirst();
      return Number(row?.count ?? 0);
    },
  };
}
