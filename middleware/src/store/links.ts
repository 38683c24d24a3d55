/**
 * Links: one row per record known on both sides (entity + Sage key), with its Salesforce Id and the content hash last
 * synced from each side. A flow writes a record only when its hash differs from the one stored here, which is also what
 * drops the connector's own echoes. A link is found from either side: by Sage key, or by Salesforce Id (unique per
 * entity), so flows in both directions share one row per record.
 */
import { sql, type Kysely } from 'kysely';
import { inBatches } from './batches.js';
import { isoTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

/** One of the two systems a link joins. */
export type LinkSide = 'sage' | 'salesforce';

export interface Link {
  entity: string;
  sageKey: string;
  salesforceId: string | null;
  sageHash: string | null;
  salesforceHash: string | null;
  /** For two-way flows: what both sides held after the last sync (the base of a field-by-field merge); else null. */
  syncedState?: unknown;
  lastSyncedAt: Date;
}

/** A link to store; a null Salesforce Id or hash keeps the value already stored. */
export interface LinkUpdate {
  sageKey: string;
  salesforceId: string | null;
  sageHash: string | null;
  salesforceHash: string | null;
  /** For two-way flows: what both sides hold after this sync; undefined keeps the value already stored. */
  syncedState?: unknown;
}

export interface LinkRepository {
  get(entity: string, sageKey: string): Promise<Link | undefined>;
  /** The links of these keys of one side (Sage keys or Salesforce Ids), by that key; keys without a link are absent. */
  getMany(entity: string, side: LinkSide, keys: readonly string[]): Promise<Map<string, Link>>;
  findBySalesforceId(entity: string, salesforceId: string): Promise<Link | undefined>;
  /**
   * Stores links. A Salesforce Id belongs to one link per entity: when a record's Salesforce Id moves to another Sage
   * key (an Account re-keyed), the older link lets go of it.
   */
  upsertMany(entity: string, links: readonly LinkUpdate[]): Promise<void>;
  count(entity: string): Promise<number>;
}

type Row = Database['sync_links'];

function toLink(row: Row): Link {
  return {
    entity: row.entity,
    sageKey: row.sage_key,
    salesforceId: row.salesforce_id,
    sageHash: row.sage_hash,
    salesforceHash: row.salesforce_hash,
    syncedState:
      row.synced_state === null || row.synced_state === undefined ? null : (JSON.parse(row.synced_state) as unknown),
    lastSyncedAt: new Date(row.last_synced_at),
  };
}

export function linkRepository(db: Kysely<Database>, clock: Clock): LinkRepository {
  return {
    async get(entity, sageKey) {
      const row = await db
        .selectFrom('sync_links')
        .selectAll()
        .where('entity', '=', entity)
        .where('sage_key', '=', sageKey)
        .executeTakeFirst();
      return row && toLink(row);
    },
    async getMany(entity, side, keys) {
      const column = side === 'sage' ? 'sage_key' : 'salesforce_id';
      const found = new Map<string, Link>();
      for (const part of inBatches([...new Set(keys)])) {
        const rows = await db
          .selectFrom('sync_links')
          .selectAll()
          .where('entity', '=', entity)
          .where(column, 'in', part)
          .execute();
        for (const row of rows) found.set((side === 'sage' ? row.sage_key : row.salesforce_id) as string, toLink(row));
      }
      return found;
    },
    async findBySalesforceId(entity, salesforceId) {
      const row = await db
        .selectFrom('sync_links')
        .selectAll()
        .where('entity', '=', entity)
        .where('salesforce_id', '=', salesforceId)
        .executeTakeFirst();
      return row && toLink(row);
    },
    async upsertMany(entity, links) {
      const now = isoTime(clock());
      for (const part of inBatches(links)) {
        const ids = part.flatMap((link) => (link.salesforceId === null ? [] : [link.salesforceId]));
        if (ids.length > 0) {
          await db
            .updateTable('sync_links')
            .set({ salesforce_id: null, updated_at: now })
            .where('entity', '=', entity)
            .where('salesforce_id', 'in', ids)
            .where(
              'sage_key',
              'not in',
              part.map((link) => link.sageKey),
            )
            .execute();
        }
        await db
          .insertInto('sync_links')
          .values(
            part.map((link) => ({
              entity,
              sage_key: link.sageKey,
              salesforce_id: link.salesforceId,
              sage_hash: link.sageHash,
              salesforce_hash: link.salesforceHash,
              synced_state: link.syncedState === undefined ? null : JSON.stringify(link.syncedState),
              last_synced_at: now,
              created_at: now,
              updated_at: now,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['entity', 'sage_key']).doUpdateSet({
              salesforce_id: sql`coalesce(excluded.salesforce_id, sync_links.salesforce_id)`,
              sage_hash: sql`coalesce(excluded.sage_hash, sync_links.sage_hash)`,
              salesforce_hash: sql`coalesce(excluded.salesforce_hash, sync_links.salesforce_hash)`,
              synced_state: sql`coalesce(excluded.synced_state, sync_links.synced_state)`,
              last_synced_at: now,
              updated_at: now,
            }),
          )
          .execute();
      }
    },
    async count(entity) {
      const row = await db
        .selectFrom('sync_links')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('entity', '=', entity)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}
