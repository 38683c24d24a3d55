/**
 * The notice throttle: a topic (`health:customers`) may go out once per window. The claim is one conditional write,
 * so two replicas (or a restart) racing for the same topic send it once.
 */
import type { Kysely } from 'kysely';
import { isoTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

export interface NoticeThrottleRepository {
  /** True when the topic has not gone out within `windowMs` (and records that it goes out now); false otherwise. */
  claim(topic: string, windowMs: number): Promise<boolean>;
  /** When the topic last went out, if ever. */
  lastSent(topic: string): Promise<Date | undefined>;
}

export function noticeThrottleRepository(db: Kysely<Database>, clock: Clock): NoticeThrottleRepository {
  return {
    async claim(topic, windowMs) {
      const now = clock();
      const nowText = isoTime(now);
      const inserted = await db
        .insertInto('notice_throttle')
        .values({ topic, last_sent_at: nowText })
        .onConflict((oc) => oc.column('topic').doNothing())
        .returning('topic')
        .executeTakeFirst();
      if (inserted) return true;
      const updated = await db
        .updateTable('notice_throttle')
        .set({ last_sent_at: nowText })
        .where('topic', '=', topic)
        .where('last_sent_at', '<=', isoTime(new Date(now.getTime() - windowMs)))
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },
    async lastSent(topic) {
      const row = await db
        .selectFrom('notice_throttle')
        .select('last_sent_at')
        .where('topic', '=', topic)
        .executeTakeFirst();
      return row ? new Date(row.last_sent_at) : undefined;
    },
  };
}
