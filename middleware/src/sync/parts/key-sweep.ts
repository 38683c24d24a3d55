/**
 * The cursor of a flow that reads a whole Sage collection every run (credit alerts, overdue invoices: what matters is
 * the state now, not what changed): rows in key order, the last committed key as a keyset, so a run that stopped
 * resumes after it; a finished run starts the next one from the beginning. Rows whose content is what was last
 * handled are dropped by the engine's content hashes.
 *
 * Cursor: `{ afterKey }` — the last key committed by a run under way, null between runs.
 */
import { z } from 'zod';
import type { Filter } from '../../sage300/odata.js';
import type { RunOptions, SavedCursor } from '../flow.js';

export const keySweepCursor = z.strictObject({ afterKey: z.string().min(1).nullable() });

export type KeySweepCursor = z.infer<typeof keySweepCursor>;

export interface KeySweepOptions<Row> {
  /** The row's key as the flow stores it; it also orders the rows. */
  keyOf(row: Row): string;
  /** The rows after a key, as a Sage filter (in the collection's key order). */
  after(key: string): Filter | undefined;
}

/** A sweep over one Sage collection: the cursor steps a flow declares, and the filter its read uses. */
export function keySweep<Row>(options: KeySweepOptions<Row>) {
  return {
    cursor: keySweepCursor,

    /** Where a run starts: after the checkpoint of an unfinished run, else (or when asked for all) at the start. */
    start(saved: SavedCursor<KeySweepCursor> | undefined, runOptions: RunOptions): KeySweepCursor {
      if (!runOptions.full && saved?.inProgress && saved.value) return saved.value;
      return { afterKey: null };
    },

    /** The rows a run reads from `cursor`. */
    filter(cursor: KeySweepCursor | null): Filter | undefined {
      return cursor?.afterKey ? options.after(cursor.afterKey) : undefined;
    },

    /** The cursor just after `row`. */
    advance(_cursor: KeySweepCursor | null, row: Row): KeySweepCursor {
      return { afterKey: options.keyOf(row) };
    },

    /** A finished run leaves no key: the next run reads everything again. */
    finish(): KeySweepCursor {
      return { afterKey: null };
    },
  };
}
