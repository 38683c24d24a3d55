/**
 * The incremental cursor of a Salesforce object: records in `(SystemModstamp, Id)` order, read a page at a time with
 * one SOQL query per page. `SystemModstamp` is not unique, so the position is the pair: a page continues after the
 * last record's stamp, or at the same stamp after its Id. A record can commit with a stamp earlier than one already
 * read, so every new run starts a look-back window (default five minutes) before the last stamp it committed; the
 * engine drops what it reads again by content hash. Every value reaches the SOQL text through `soql.ts`; a page longer
 * than one Salesforce batch is followed with `queryMore` (`nextRecordsUrl`) by the client.
 *
 * Echoes: a record last modified by the integration user whose content hash equals the hash its link holds for the
 * Salesforce side is the connector's own write coming back; `isEcho` tells the engine to skip it without a call to
 * the other system.
 *
 * Deletions and merges (`removals`): the page is read through `/queryAll`, so deleted records come with it. They are
 * never written anywhere (nothing in Sage is deleted because a Salesforce record was); a merged one (`MasterRecordId`
 * set) re-points its link to the surviving record. Either way the cursor moves past them.
 *
 * Cursor: `{ stamp, afterId }` — the last committed record's SystemModstamp (ISO, UTC) and Id.
 */
import { z } from 'zod';
import { contentHash } from '../../domain/hash.js';
import { soqlDateTime, soqlFields, soqlIdentifier, soqlLiteral } from '../../salesforce/soql.js';
import type { Link, LinkRepository } from '../../store/index.js';
import type { RunOptions, SavedCursor } from '../flow.js';
import type { SalesforceReader } from '../systems.js';

/** The stored shape of a Salesforce change cursor. */
export const salesforceChangeCursor = z.strictObject({
  stamp: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).nullable(),
  afterId: z
    .string()
    .regex(/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/, 'must be a Salesforce Id')
    .nullable(),
});

export type SalesforceChangeCursor = z.infer<typeof salesforceChangeCursor>;

/** The fields every change read selects, besides the flow's own. */
export interface ChangedRecord {
  Id: string;
  SystemModstamp: string;
  /** Who wrote the record last (the integration user for the connector's own writes). */
  LastModifiedById?: string | null;
}

/** A deleted or merged record as `/queryAll` answers it. */
interface RemovedRecord extends ChangedRecord {
  IsDeleted?: boolean | null;
  MasterRecordId?: string | null;
}

/** A record merged into another: its Id and the surviving record's. */
export interface SalesforceMerge {
  id: string;
  masterId: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface SalesforceChangesOptions<Row extends ChangedRecord = any> {
  reader: SalesforceReader;
  /** The object read (`Account`). */
  object: string;
  /** The fields the flow maps (only these are selected, with Id and SystemModstamp). */
  fields: () => readonly string[];
  /**
   * Child relationship subqueries selected with each record, already built with `soql.ts`
   * (`(SELECT Id FROM Opportunities WHERE IsWon = true LIMIT 1)`).
   */
  children?: () => readonly string[];
  /** A condition every record must meet, already built with `soql.ts` (`Sage_Sync_Eligible__c = true`). */
  where?: () => string | undefined;
  /** Records per page (and per SOQL query). */
  pageSize: number;
  /** How far before the last committed stamp a new run starts. */
  lookBackMs: number;
  /**
   * The Salesforce side's content of a record in the shape its link's `salesforceHash` was taken from (the fields the
   * connector writes to it); with it, `isEcho` recognises the connector's own writes.
   */
  echoContent?: (record: Row) => unknown;
  /**
   * Read deleted and merged records too (objects with `MasterRecordId`: Account, Contact, Lead): they are dropped
   * from the pages, and `onMerged` is told of merges.
   */
  removals?: { onMerged(merges: readonly SalesforceMerge[]): Promise<void> };
}

/**
 * Re-points the links of merged records to the surviving ones: the survivor takes over a merged record's link unless
 * it has one of its own. Nothing is deleted on the other side.
 */
export async function repointMergedLinks(
  links: Pick<LinkRepository, 'findBySalesforceId' | 'upsertMany'>,
  entity: string,
  merges: readonly SalesforceMerge[],
): Promise<void> {
  for (const { id, masterId } of merges) {
    const merged = await links.findBySalesforceId(entity, id);
    if (!merged || (await links.findBySalesforceId(entity, masterId))) continue;
    await links.upsertMany(entity, [
      { sageKey: merged.sageKey, salesforceId: masterId, sageHash: null, salesforceHash: null },
    ]);
  }
}

/** A record's SystemModstamp as the cursor keeps it (`2026-05-01T13:00:00.000Z`). */
function stampOf(record: ChangedRecord): string {
  const time = Date.parse(record.SystemModstamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(time))
    throw new TypeError(`Salesforce sent a SystemModstamp that is not a date-time: ${record.SystemModstamp}`);
  return new Date(time).toISOString();
}

/** The SOQL of the page after `position`. */
export function changesQuery(options: SalesforceChangesOptions, position: SalesforceChangeCursor | null): string {
  const removals = options.removals ? ['IsDeleted', 'MasterRecordId'] : [];
  const echo = options.echoContent ? ['LastModifiedById'] : [];
  const fields = [...new Set(['Id', 'SystemModstamp', ...echo, ...removals, ...options.fields()])];
  const conditions: string[] = [];
  const extra = options.where?.();
  if (extra) conditions.push(`(${extra})`);
  if (position?.stamp) {
    const stamp = soqlDateTime(position.stamp);
    conditions.push(
      position.afterId
        ? `(SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > ${soqlLiteral(position.afterId)}))`
        : `SystemModstamp >= ${stamp}`,
    );
  }
  return (
    `SELECT ${[soqlFields(fields), ...(options.children?.() ?? [])].join(', ')} FROM ${soqlIdentifier(options.object)}` +
    (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '') +
    ` ORDER BY SystemModstamp, Id LIMIT ${Math.max(1, Math.floor(options.pageSize))}`
  );
}

/** A Salesforce change cursor over one object: the cursor steps a flow declares, its paged read, and echo detection. */
export function salesforceChanges<Row extends ChangedRecord = ChangedRecord & Record<string, unknown>>(
  options: SalesforceChangesOptions<Row>,
) {
  // What the latest read learnt: the integration user, and the position after the last record it read (a page whose
  // records were all deleted yields nothing to the engine, yet the cursor must not read them again).
  let integrationUser: string | undefined;
  let furthest: SalesforceChangeCursor | null = null;
  const later = (a: SalesforceChangeCursor | null, b: SalesforceChangeCursor | null) => {
    if (!a?.stamp) return b ?? a;
    if (!b?.stamp) return a;
    if (a.stamp !== b.stamp) return Date.parse(a.stamp) > Date.parse(b.stamp) ? a : b;
    return (a.afterId ?? '') >= (b.afterId ?? '') ? a : b;
  };
  return {
    cursor: salesforceChangeCursor,

    /** Where a run starts: everything (`full`), a given day, the checkpoint of an unfinished run, or the look-back. */
    start(saved: SavedCursor<SalesforceChangeCursor> | undefined, runOptions: RunOptions): SalesforceChangeCursor {
      if (runOptions.full) return { stamp: null, afterId: null };
      if (runOptions.since) return { stamp: runOptions.since.toISOString(), afterId: null };
      if (saved?.inProgress && saved.value) return saved.value;
      const last = saved?.value?.stamp;
      if (!last) return { stamp: null, afterId: null };
      return { stamp: new Date(Date.parse(last) - options.lookBackMs).toISOString(), afterId: null };
    },

    /** Pages of records after `cursor`, one query each, until a page comes back short or the run is stopped. */
    async *read(cursor: SalesforceChangeCursor | null, signal: AbortSignal): AsyncGenerator<Row[]> {
      let position = cursor;
      furthest = null;
      if (options.echoContent) integrationUser = await options.reader.integrationUserId?.();
      for (;;) {
        const rows = await options.reader.queryAll<Row & RemovedRecord>(
          changesQuery(options, position),
          options.removals ? { includeDeleted: true } : undefined,
        );
        const live = rows.filter((row) => row.IsDeleted !== true);
        const merges = rows.flatMap((row) =>
          row.IsDeleted === true && row.MasterRecordId ? [{ id: row.Id, masterId: row.MasterRecordId }] : [],
        );
        if (merges.length > 0) await options.removals?.onMerged(merges);
        if (live.length > 0) yield live;
        const last = rows.at(-1);
        if (last) furthest = position = { stamp: stampOf(last), afterId: last.Id };
        if (!last || rows.length < options.pageSize || signal.aborted) return;
      }
    },

    /** The cursor just after `record`. */
    advance(_cursor: SalesforceChangeCursor | null, record: Row): SalesforceChangeCursor {
      return { stamp: stampOf(record), afterId: record.Id };
    },

    /** A finished run keeps its last position (past any deleted records it read): the next one looks back from it. */
    finish(cursor: SalesforceChangeCursor | null): SalesforceChangeCursor {
      return later(cursor, furthest) ?? { stamp: null, afterId: null };
    },

    /**
     * True when `record` is the connector's own write coming back: last modified by the integration user, with the
     * content its link last synced to Salesforce.
     */
    isEcho(record: Row, link: Link): boolean {
      if (!options.echoContent || !integrationUser || !link.salesforceHash) return false;
      if (!sameId(record.LastModifiedById, integrationUser)) return false;
      return contentHash(options.echoContent(record)) === link.salesforceHash;
    },
  };
}

/** Salesforce Ids compare in their 15-character, case-sensitive form. */
function sameId(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && a.slice(0, 15) === b.slice(0, 15);
}
