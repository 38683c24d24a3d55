/**
 * Systems that stopped answering, as the middleware saw them: since when, why, and which process saw it last. The
 * process that meets an outage records it and clears it when the system answers again, so `sage-sf status` (another
 * process) can say since when a system is unreachable. An outage already recorded keeps its start when another
 * replica reports it too.
 */
import type { Kysely } from 'kysely';
import { isoTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

export interface SystemOutage {
  /** `sage300`. */
  system: string;
  since: Date;
  reason: string;
  /** The process that reported it last, and when. */
  seenBy: string;
  seenAt: Date;
}

export interface OutageRepository {
  /** Records that `system` does not answer since `since`; a recorded outage keeps its (earlier) start. */
  report(system: string, outage: { since: Date; reason: string; seenBy: string }): Promise<void>;
  /** The system answers again. */
  clear(system: string): Promise<void>;
  list(): Promise<SystemOutage[]>;
}

export function outageRepository(db: Kysely<Database>, clock: Clock): OutageRepository {
  return {
    async report(system, outage) {
      const since = isoTime(outage.since);
      const seen = { reason: outage.reason, seen_by: outage.seenBy, seen_at: isoTime(clock()) };
      await db
        .insertInto('system_outages')
        .values({ system, since, ...seen })
        .onConflict((oc) => oc.column('system').doUpdateSet(seen))
        .execute();
      await db
        .updateTable('system_outages')
        .set({ since })
        .where('system', '=', system)
        .where('since', '>', since)
        .execute();
    },
    async clear(system) {
      await db.deleteFrom('system_outages').where('system', '=', system).execute();
    },
    async list() {
      const rows = await db.selectFrom('system_outages').selectAll().orderBy('system').execute();
      return rows.map((row) => ({
        system: row.system,
        since: new Date(row.since),
        reason: row.reason,
        seenBy: row.seen_by,
        seenAt: new Date(row.seen_at),
      }));
    },
  };
}
