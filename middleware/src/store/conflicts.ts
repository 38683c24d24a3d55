/**
 * The conflict log: fields that both systems changed since the last sync of a two-way flow. The field's master (from
 * the mapping) won on both sides; the losing value is kept here, with the run that settled it, for operators to
 * review in `sage-sf conflicts`, the operations API and the Sync Console.
 */
import type { Kysely, Selectable } from 'kysely';
import { inBatches } from './batches.js';
import { isoTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

/** One settled conflict as a flow reports it. */
export interface ConflictReport {
  /** The record's key in the flow (a Sage contact key such as `1200`). */
  recordKey: string;
  salesforceId: string | null;
  /** The field in both systems' words: `ContactsEmail / Email`. */
  field: string;
  /** The system whose value won. */
  master: 'Sage' | 'Salesforce';
  winningValue: unknown;
  losingValue: unknown;
}

export interface SyncConflict extends ConflictReport {
  id: number;
  runId: number | null;
  flow: string;
  /** The system whose value lost. */
  loser: 'Sage' | 'Salesforce';
  createdAt: Date;
}

export interface ConflictRepository {
  /** Records the conflicts a run settled. */
  record(flow: string, runId: number | null, conflicts: readonly ConflictReport[]): Promise<void>;
  /** Most recent first; `before` pages by id. */
  list(options?: { flow?: string; runId?: number; limit?: number; before?: number }): Promise<SyncConflict[]>;
  /** How many are recorded (all flows, or one). */
  count(flow?: string): Promise<number>;
}

type Row = Selectable<Database['sync_conflicts']>;

const parseValue = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

function toConflict(row: Row): SyncConflict {
  const master = row.master === 'Salesforce' ? 'Salesforce' : 'Sage';
  return {
    id: Number(row.id),
    runId: row.run_id === null ? null : Number(row.run_id),
    flow: row.flow,
    recordKey: row.record_key,
    salesforceId: row.salesforce_id,
    field: row.field,
    master,
    loser: master === 'Sage' ? 'Salesforce' : 'Sage',
    winningValue: parseValue(row.winning_value),
    losingValue: parseValue(row.losing_value),
    createdAt: new Date(row.created_at),
  };
}

export function conflictRepository(db: Kysely<Database>, clock: Clock): ConflictRepository {
  return {
    async record(flow, runId, conflicts) {
      const now = isoTime(clock());
      for (const part of inBatches(conflicts)) {
        await db
          .insertInto('sync_conflicts')
          .values(
            part.map((conflict) => ({
              run_id: runId,
              flow,
              record_key: conflict.recordKey,
              salesforce_id: conflict.salesforceId,
              field: conflict.field,
              master: conflict.master,
              winning_value: JSON.stringify(conflict.winningValue ?? null),
              losing_value: JSON.stringify(conflict.losingValue ?? null),
              created_at: now,
            })),
          )
          .execute();
      }
    },
    async list(options = {}) {
      let query = db.selectFrom('sync_conflicts').selectAll();
      if (options.flow) query = query.where('flow', '=', options.flow);
      if (options.runId !== undefined) query = query.where('run_id', '=', options.runId);
      if (options.before !== undefined) query = query.where('id', '<', options.before);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(options.limit ?? 100)
        .execute();
      return rows.map(toConflict);
    },
    async count(flow) {
      let query = db.selectFrom('sync_conflicts').select((eb) => eb.fn.countAll<string | number>().as('count'));
      if (flow) query = query.where('flow', '=', flow);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}
