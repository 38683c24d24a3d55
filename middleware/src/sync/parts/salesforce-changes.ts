/**
 * The incremental cursor of a Salesforce object: records in `(SystemModstamp, Id)` order, read a page at a time with
 * one SOQL query per page. `SystemModstamp` is not unique, so the position is the pair: a page continues after the
 * last record's stamp, or at the same stamp after its Id. A record can commit with a stamp earlier than one already
 * read, so every new run starts a look-back window (default five minutes) before the last stamp it committed; the
 * engine drops what it reads again by content hash. Every value reaches the SOQL text through `soql.ts`.
 *
 * Cursor: `{ stamp, afterId }` — the last committed record's SystemModstamp (ISO, UTC) and Id.
 */
import { z } from 'zod';
import { soqlDateTime, soqlFields, soqlIdentifier, soqlLiteral } from '../../salesforce/soql.js';
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
}

export interface SalesforceChangesOptions {
  reader: SalesforceReader;
  /** The object read (`Account`). */
  object: string;
  /** The fields the flow maps (only these are selected, with Id and SystemModstamp). */
  fields: () => readonly string[];
  /** A condition every record must meet, already built with `soql.ts` (`Sage_Sync_Eligible__c = true`). */
  where?: () => string | undefined;
  /** Records per page (and per SOQL query). */
  pageSize: number;
  /** How far before the last committed stamp a new run starts. */
  lookBackMs: number;
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
  const fields = [...new Set(['Id', 'SystemModstamp', ...options.fields()])];
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
    `SELECT ${soqlFields(fields)} FROM ${soqlIdentifier(options.object)}` +
    (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '') +
    ` ORDER BY SystemModstamp, Id LIMIT ${Math.max(1, Math.floor(options.pageSize))}`
  );
}

/** A Salesforce change cursor over one object: the cursor steps a flow declares, and its paged read. */
export function salesforceChanges<Row extends ChangedRecord = ChangedRecord & Record<string, unknown>>(
  options: SalesforceChangesOptions,
) {
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
      for (;;) {
        const rows = await options.reader.queryAll<Row>(changesQuery(options, position));
        if (rows.length > 0) yield rows;
        const last = rows.at(-1);
        if (!last || rows.length < options.pageSize || signal.aborted) return;
        position = { stamp: stampOf(last), afterId: last.Id };
      }
    },

    /** The cursor just after `record`. */
    advance(_cursor: SalesforceChangeCursor | null, record: Row): SalesforceChangeCursor {
      return { stamp: stampOf(record), afterId: record.Id };
    },

    /** A finished run keeps its last position: the next one looks back from its stamp. */
    finish(cursor: SalesforceChangeCursor | null): SalesforceChangeCursor {
      return cursor ?? { stamp: null, afterId: null };
    },
  };
}
