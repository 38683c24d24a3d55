/**
 * Reading a Sage 300 collection as a flow's pages. The Sage client reads the collection in windows of
 * `SAGE300_PAGE_SIZE` rows (following Sage's own caps inside each); this part regroups the rows into pages of the
 * flow's size (its write unit), stopping after a page once the run is stopped, and passes the count Sage announces
 * with its first answer on as the run's expected total, so progress costs no extra request.
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

/** The rows of a Sage collection that match `filter`, in pages of `pageSize`. */
export function sageWindows<Row>(options: {
  list: SageCollection<Row>;
  select: readonly (keyof Row)[];
  filter: Filter | undefined;
  pageSize: number;
  signal: AbortSignal;
  onTotal?: ((expected: number) => void) | undefined;
}): AsyncGenerator<Row[]> {
  return inPages(
    options.list({
      select: options.select,
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.onTotal ? { onCount: options.onTotal } : {}),
    }),
    options.pageSize,
    options.signal,
  );
}
