/**
 * Leases: a named right to do one piece of scheduled work, held by one process until it expires. A holder renews its
 * lease while it works; when it dies the lease expires and another replica takes over. `slot` (the schedule time a run
 * is for) makes each scheduled tick run once across replicas: a lease taken for a slot is refused for the same or an
 * earlier slot. On PostgreSQL the row is claimed with `FOR UPDATE SKIP LOCKED`, so contenders never queue behind each other.
 */
import type { Kysely } from 'kysely';
import { claimableBy } from './claims.js';
import { isoTime, parseTime, type Clock } from './clock.js';
import type { Engine } from './migrations.js';
import type { Database } from './schema.js';

export interface Lease {
  name: string;
  owner: string | null;
  acquiredAt: Date | null;
  expiresAt: Date | null;
  lastSlot: Date | null;
}

export interface LeaseRepository {
  /** Takes the lease for `ttlMs` when it is free, expired or already ours (and, with a slot, not yet run for it). */
  acquire(name: string, owner: string, ttlMs: number, options?: { slot?: Date }): Promise<boolean>;
  /** Extends our lease; false when it is no longer ours. */
  renew(name: string, owner: string, ttlMs: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
  get(name: string): Promise<Lease | undefined>;
  list(): Promise<Lease[]>;
}

type Row = Database['sync_leases'];

function toLease(row: Row): Lease {
  return {
    name: row.name,
    owner: row.owner,
    acquiredAt: parseTime(row.acquired_at),
    expiresAt: parseTime(row.expires_at),
    lastSlot: parseTime(row.last_slot),
  };
}

export function leaseRepository(db: Kysely<Database>, clock: Clock, engine: Engine): LeaseRepository {
  return {
    async acquire(name, owner, ttlMs, options = {}) {
      await db
        .insertInto('sync_leases')
        .values({ name, owner: null, acquired_at: null, expires_at: null, last_slot: null })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const now = clock();
      const nowText = isoTime(now);
      const slot = options.slot ? isoTime(options.slot) : undefined;
      let claimable = db
        .selectFrom('sync_leases')
        .select('name')
        .where('name', '=', name)
        .where(claimableBy('owner', 'expires_at', owner, nowText));
      if (slot) claimable = claimable.where((eb) => eb.or([eb('last_slot', 'is', null), eb('last_slot', '<', slot)]));
      const taken = await db
        .updateTable('sync_leases')
        .set({
          owner,
          acquired_at: nowText,
          expires_at: isoTime(new Date(now.getTime() + ttlMs)),
          ...(slot ? { last_slot: slot } : {}),
        })
        .where('name', 'in', engine === 'postgres' ? claimable.forUpdate().skipLocked() : claimable)
        .returning('name')
        .executeTakeFirst();
      return taken !== undefined;
    },
    async renew(name, owner, ttlMs) {
      const result = await db
        .updateTable('sync_leases')
        .set({ expires_at: isoTime(new Date(clock().getTime() + ttlMs)) })
        .where('name', '=', name)
        .where('owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async release(name, owner) {
      await db
        .updateTable('sync_leases')
        .set({ owner: null, expires_at: null })
        .where('name', '=', name)
        .where('owner', '=', owner)
        .execute();
    },
    async get(name) {
      const row = await db.selectFrom('sync_leases').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toLease(row);
    },
    async list() {
      return (await db.selectFrom('sync_leases').selectAll().orderBy('name').execute()).map(toLease);
    },
  };
}
