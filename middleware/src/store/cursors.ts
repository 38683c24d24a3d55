/** Flow cursors: what the next run reads from, the checkpoint of a run under way, and quota pauses. */
import type { Kysely } from 'kysely';
import { isoTime, parseTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

export interface FlowCursor {
  flow: string;
  /** The flow's own cursor document (null: read from the beginning). */
  value: unknown;
  /** True when `value` is the checkpoint of a run that has not finished. */
  inProgress: boolean;
  pausedUntil: Date | null;
  pauseReason: string | null;
  updatedAt: Date;
}

export interface CursorRepository {
  get(flow: string): Promise<FlowCursor | undefined>;
  list(): Promise<FlowCursor[]>;
  /** Stores the cursor (or a run's checkpoint when `inProgress`). */
  save(flow: string, value: unknown, options: { inProgress: boolean }): Promise<void>;
  /** Forgets where the flow had got to: its next run reads everything. */
  reset(flow: string): Promise<void>;
  /** Stops the flow from running before `until` (its quota is spent). */
  pause(flow: string, until: Date, reason: string): Promise<void>;
  resume(flow: string): Promise<void>;
}

type Row = Database['sync_cursors'];

function toCursor(row: Row): FlowCursor {
  return {
    flow: row.flow,
    value: row.value === null ? null : (JSON.parse(row.value) as unknown),
    inProgress: Number(row.in_progress) === 1,
    pausedUntil: parseTime(row.paused_until),
    pauseReason: row.pause_reason,
    updatedAt: new Date(row.updated_at),
  };
}

export function cursorRepository(db: Kysely<Database>, clock: Clock): CursorRepository {
  const upsert = async (flow: string, set: Partial<Row>) => {
    const now = isoTime(clock());
    await db
      .insertInto('sync_cursors')
      .values({ flow, value: null, in_progress: 0, paused_until: null, pause_reason: null, updated_at: now, ...set })
      .onConflict((oc) => oc.column('flow').doUpdateSet({ ...set, updated_at: now }))
      .execute();
  };
  return {
    async get(flow) {
      const row = await db.selectFrom('sync_cursors').selectAll().where('flow', '=', flow).executeTakeFirst();
      return row && toCursor(row);
    },
    async list() {
      const rows = await db.selectFrom('sync_cursors').selectAll().orderBy('flow').execute();
      return rows.map(toCursor);
    },
    save: (flow, value, { inProgress }) =>
      upsert(flow, {
        value: value === null || value === undefined ? null : JSON.stringify(value),
        in_progress: inProgress ? 1 : 0,
      }),
    reset: (flow) => upsert(flow, { value: null, in_progress: 0 }),
    pause: (flow, until, reason) => upsert(flow, { paused_until: isoTime(until), pause_reason: reason }),
    resume: (flow) => upsert(flow, { paused_until: null, pause_reason: null }),
  };
}
