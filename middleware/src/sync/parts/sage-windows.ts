/**
 * Reading a Sage 300 collection as a flow's pages. The Sage client reads the collection in windows of
 * `SAGE300_PAGE_SIZE` rows (following Sage's own caps inside each); this part regroups the rows into pages of the
 * flow's size (its write unit), stopping after a page once the run is stopped, and passes the count Sage announces
 * with its first answer on as the run's expected total, so progress costs no extra request. It reads one page ahead:
 * while the engine maps, writes and checkpoints a page, the next one is already being read from Sage (never more than
 * one, so memory holds two pages at most; pages still reach the engine, and are checkpointed, in key order).
 */
import type { Filter } from '../../sage300/odata.js';

/** A Sage collection read: rows in key order, told how many match with the first answer when asked. */
export type SageCollection<Row> = (query: {
  select?: readonly (keyof Row)[];
  filter?: Filter;
  onCount?: (count: number) => void;
}) => AsyncIterable<Row>;

/** Groups a stream of records into arrays of `size` (the last may be shorter); stops after a page once aborted. */
export async function* inPages<T>(records: AsyncIterable<T>, size: number, signal: AbortSignal): AsyncGenerator<T[]> {
  let page: T[] = [];
  for await (const record of records) {
    page.push(record);
    if (page.length >= size) {
      yield page;
      page = [];
      if (signal.aborted) return;
    }
  }
  if (page.length > 0) yield page;
}

/**
 * The pages of `pages`, with the next one read while the consumer works on the current one: one page ahead at most.
 * A read that fails ahead is thrown when the consumer asks for that page, after it has finished the one before. When
 * the consumer stops early, the read in flight is let finish (its rows are dropped) before the source is closed.
 */
export async function* readAhead<T>(pages: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = pages.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = pages.next();
      // Seen when the consumer asks for it; until then (or if it never does) the failure is not unhandled.
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await next.catch(() => undefined);
    await pages.return(undefined);
  }
}

/** The rows of a Sage collection that match `filter`, in pages of `pageSize`, read one page ahead. */
export function sageWindows<Row>(options: {
  list: SageCollection<Row>;
  select: readonly (keyof Row)[];
  filter: Filter | undefined;
  pageSize: number;
  signal: AbortSignal;
  onTotal?: ((expected: number) => void) | undefined;
}): AsyncGenerator<Row[]> {
  return readAhead(
    inPages(
      options.list({
        select: options.select,
        ...(options.filter ? { filter: options.filter } : {}),
        ...(options.onTotal ? { onCount: options.onTotal } : {}),
      }),
      options.pageSize,
      options.signal,
    ),
  );
}
