/**
 * Drift repair's state per flow: the checkpoint of a pass under way (the flow's own cursor over a full read), when it
 * started, when the last pass finished and how many records it rewrote. A pass that a crash interrupted resumes from
 * its checkpoint; the flow's incremental cursor is never touched by it.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { isoTime, parseTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

export interface RepairState {
  flow: string;
  /** The checkpoint of the pass under way (null: from the beginning). */
  value: unknown;
  inProgress: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Records rewritten by the pass under way, or by the last one. */
  repaired: number;
}

export interface RepairRepository {
  get(flow: string): Promise<RepairState | undefined>;
  /** Records that the flow's repair schedule counts from now, when nothing is recorded yet. */
  baseline(flow: string): Promise<void>;
  /** Starts a pass from the beginning (a checkpoint of an earlier pass is dropped). */
  start(flow: string): Promise<void>;
  /** Saves a committed page's checkpoint and adds the records it rewrote. */
  checkpoint(flow: string, value: unknown, repaired: number): Promise<void>;
  /** Ends the pass under way. */
  finish(flow: string): Promise<void>;
}

type Row = Selectable<Database['sync_repairs']>;

function toState(row: Row): RepairState {
  return {
    flow: row.flow,
    value: row.value === null ? null : (JSON.parse(row.value) as unknown),
    inProgress: Number(row.in_progress) === 1,
    startedAt: parseTime(row.started_at),
    finishedAt: parseTime(row.finished_at),
    repaired: Number(row.repaired),
  };
}

export function repairRepository(db: Kysely<Database>, clock: Clock): RepairRepository {
  return {
    async get(flow) {
      const row = await db.selectFrom('sync_repairs').selectAll().where('flow', '=', flow).executeTakeFirst();
      return row && toState(row);
    },
    async baseline(flow) {
      const now = isoTime(clock());
      await db
        .insertInto('sync_repairs')
        .values({ flow, value: null, in_progress: 0, started_at: null, finished_at: now, repaired: 0, updated_at: now })
        .onConflict((oc) => oc.column('flow').doNothing())
        .execute();
    },
    async start(flow) {
      const now = isoTime(clock());
      const fresh = { value: null, in_progress: 1, started_at: now, repaired: 0, updated_at: now };
      await db
        .insertInto('sync_repairs')
        .values({ flow, finished_at: null, ...fresh })
        .onConflict((oc) => oc.column('flow').doUpdateSet(fresh))
        .execute();
    },
    async checkpoint(flow, value, repaired) {
      await db
        .updateTable('sync_repairs')
        .set({
          value: value === null || value === undefined ? null : JSON.stringify(value),
          repaired: sql`repaired + ${repaired}`,
          updated_at: isoTime(clock()),
        })
        .where('flow', '=', flow)
        .execute();
    },
    async finish(flow) {
      const now = isoTime(clock());
      await db
        .updateTable('sync_repairs')
        .set({ value: null, in_progress: 0, finished_at: now, updated_at: now })
        .where('flow', '=', flow)
        .execute();
    },
  };
}
