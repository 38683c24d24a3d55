/**
 * The incremental cursor of a Sage collection whose change date has day granularity (`DateLastMaintained` of
 * customers and items, `LastActivityDate` of posted documents). A run reads the rows changed on or after its first
 * day in key order, with the last committed key as a keyset tiebreak (a resumed run continues after it); the next run
 * starts one day before the newest change seen, because later changes of that day cannot be told apart from earlier
 * ones. Rows read again are dropped by the engine when their content hash is the one last synced.
 *
 * Cursor: `{ since, afterKey, newest }` — the first day the run reads, the last key committed, the newest change day.
 */
import { z } from 'zod';
import { and, ge, gt, or, type Filter } from '../../sage300/odata.js';
import type { RunOptions, SavedCursor } from '../flow.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day such as 2026-05-01');

/** The stored shape of a day watermark. */
export const dayWatermarkCursor = z.strictObject({
  since: day.nullable(),
  afterKey: z.string().min(1).nullable(),
  newest: day.nullable(),
});

export type DayWatermarkCursor = z.infer<typeof dayWatermarkCursor>;

const DAY_MS = 86_400_000;

/** `2026-05-01T00:00:00Z` → `2026-05-01`; undefined when Sage sent no date. */
export function dayOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 10) return undefined;
  return value.slice(0, 10);
}

/** The day before `day` (`2026-05-01` → `2026-04-30`). */
export function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

export interface DayWatermarkOptions<Row> {
  /** The row's change date (`DateLastMaintained`, `LastActivityDate`). */
  dateField: keyof Row & string;
  /** The collection's key field, in whose order Sage answers (`CustomerNumber`). */
  keyField: keyof Row & string;
  /**
   * The rows after a committed key, for a collection whose key has several fields (`CUSTOMER|DOCUMENT`); by default
   * `keyField gt afterKey`.
   */
  after?(afterKey: string): Filter;
  /** Rows to read again besides those changed since the first day (`since`, a day), such as documents falling due. */
  alsoRead?(since: string): Filter | undefined;
  /** The row's key as the flow stores it (trimmed, upper case). */
  keyOf(row: Row): string;
}

/** A day watermark over one Sage collection: the cursor steps a flow declares, and the filter its read uses. */
export function dayWatermark<Row>(options: DayWatermarkOptions<Row>) {
  return {
    cursor: dayWatermarkCursor,

    /** Where a run starts: everything (`full`), a given day, the checkpoint of an unfinished run, or the look-back. */
    start(saved: SavedCursor<DayWatermarkCursor> | undefined, runOptions: RunOptions): DayWatermarkCursor {
      const newest = saved?.value?.newest ?? null;
      if (runOptions.full) return { since: null, afterKey: null, newest };
      if (runOptions.since) return { since: runOptions.since.toISOString().slice(0, 10), afterKey: null, newest };
      if (saved?.inProgress && saved.value) return saved.value;
      return { since: newest ? previousDay(newest) : null, afterKey: null, newest };
    },

    /** The rows a run reads from `cursor`: changed on or after its first day, after its last committed key. */
    filter(cursor: DayWatermarkCursor | null): Filter | undefined {
      const since = cursor?.since;
      return and(
        since ? or(ge(options.dateField, new Date(`${since}T00:00:00Z`)), options.alsoRead?.(since)) : undefined,
        cursor?.afterKey ? (options.after?.(cursor.afterKey) ?? gt(options.keyField, cursor.afterKey)) : undefined,
      );
    },

    /** The cursor just after `row`. */
    advance(cursor: DayWatermarkCursor | null, row: Row): DayWatermarkCursor {
      const changed = dayOf(row[options.dateField]);
      const newest = cursor?.newest ?? null;
      return {
        since: cursor?.since ?? null,
        afterKey: options.keyOf(row),
        newest: changed && (!newest || changed > newest) ? changed : newest,
      };
    },

    /** The cursor a finished run keeps: no key (the next run starts a new read), the newest day seen. */
    finish(cursor: DayWatermarkCursor | null): DayWatermarkCursor {
      return { since: cursor?.since ?? null, afterKey: null, newest: cursor?.newest ?? null };
    },
  };
}
