/** Every run of every flow, with its counts and outcome, for the API, the CLI and the console component. */
import { sql, type Kysely, type Selectable } from 'kysely';
import { isoTime, parseTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

/**
 * `running` while under way; `succeeded` (nothing failed), `partial` (some records went to the failure queue),
 * `failed` (the run stopped on an error; the next run resumes from the last checkpoint), `paused` (the quota is spent),
 * `interrupted` (stopped by shutdown, or its process died; resumed by the next run).
 */
export type RunOutcome = 'running' | 'succeeded' | 'partial' | 'failed' | 'paused' | 'interrupted';
export type RunTrigger = 'schedule' | 'manual' | 'retry';

export interface RunCounts {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export interface SyncRun extends RunCounts {
  id: number;
  flow: string;
  trigger: RunTrigger;
  owner: string;
  scheduledFor: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: RunOutcome;
  message: string | null;
}

export interface RunRepository {
  start(run: { flow: string; trigger: RunTrigger; owner: string; scheduledFor?: Date | null }): Promise<number>;
  /** Adds a committed page's counts to the run. */
  addCounts(id: number, counts: Partial<RunCounts>): Promise<void>;
  finish(id: number, outcome: Exclude<RunOutcome, 'running'>, message?: string | null): Promise<void>;
  get(id: number): Promise<SyncRun | undefined>;
  /** Most recent first. */
  list(options?: { flow?: string; limit?: number; before?: number }): Promise<SyncRun[]>;
  /** The newest run of each flow. */
  latestPerFlow(): Promise<SyncRun[]>;
  /** Runs of the flow still marked `running` whose process is gone become `interrupted`. */
  interruptAbandoned(flow: string, exceptId: number): Promise<number>;
}

type Row = Selectable<Database['sync_runs']>;

function toRun(row: Row): SyncRun {
  return {
    id: Number(row.id),
    flow: row.flow,
    trigger: row.trigger as RunTrigger,
    owner: row.owner,
    scheduledFor: parseTime(row.scheduled_for),
    startedAt: new Date(row.started_at),
    finishedAt: parseTime(row.finished_at),
    outcome: row.outcome as RunOutcome,
    read: Number(row.read_count),
    created: Number(row.created_count),
    updated: Number(row.updated_count),
    unchanged: Number(row.unchanged_count),
    failed: Number(row.failed_count),
    message: row.message,
  };
}

export function runRepository(db: Kysely<Database>, clock: Clock): RunRepository {
  return {
    async start(run) {
      const row = await db
        .insertInto('sync_runs')
        .values({
          flow: run.flow,
          trigger: run.trigger,
          owner: run.owner,
          scheduled_for: run.scheduledFor ? isoTime(run.scheduledFor) : null,
          started_at: isoTime(clock()),
          finished_at: null,
          outcome: 'running',
          read_count: 0,
          created_count: 0,
          updated_count: 0,
          unchanged_count: 0,
          failed_count: 0,
          message: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },
    async addCounts(id, counts) {
      await db
        .updateTable('sync_runs')
        .set({
          read_count: sql`read_count + ${counts.read ?? 0}`,
          created_count: sql`created_count + ${counts.created ?? 0}`,
          updated_count: sql`updated_count + ${counts.updated ?? 0}`,
          unchanged_count: sql`unchanged_count + ${counts.unchanged ?? 0}`,
          failed_count: sql`failed_count + ${counts.failed ?? 0}`,
        })
        .where('id', '=', id)
        .execute();
    },
    async finish(id, outcome, message = null) {
      await db
        .updateTable('sync_runs')
        .set({ outcome, message: message && message.slice(0, 2000), finished_at: isoTime(clock()) })
        .where('id', '=', id)
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRun(row);
    },
    async list(options = {}) {
      let query = db
        .selectFrom('sync_runs')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(options.limit ?? 50);
      if (options.flow) query = query.where('flow', '=', options.flow);
      if (options.before !== undefined) query = query.where('id', '<', options.before);
      return (await query.execute()).map(toRun);
    },
    async latestPerFlow() {
      const latest = db
        .selectFrom('sync_runs')
        .select((eb) => eb.fn.max('id').as('id'))
        .groupBy('flow');
      const rows = await db.selectFrom('sync_runs').selectAll().where('id', 'in', latest).orderBy('flow').execute();
      return rows.map(toRun);
    },
    async interruptAbandoned(flow, exceptId) {
      const result = await db
        .updateTable('sync_runs')
        .set({
          outcome: 'interrupted',
          finished_at: isoTime(clock()),
          message: 'its process stopped before the run finished',
        })
        .where('flow', '=', flow)
        .where('outcome', '=', 'running')
        .where('id', '<>', exceptId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
