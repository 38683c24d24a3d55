import { ConnectorError } from '../domain/errors.js';
import { queryParams } from './odata.js';
import type { QueryOptions } from './odata.js';
import type { Sage300Transport } from './transport.js';

/** A collection answer in either spelling: v4 `@odata.*` or the older `odata.*` (where the count is a string). */
interface CollectionBody<T> {
  value?: T[];
  '@odata.nextLink'?: string;
  'odata.nextLink'?: string;
  '@odata.count'?: number | string;
  'odata.count'?: number | string;
}

function rowsOf<T>(body: CollectionBody<T>, resource: string): T[] {
  if (!Array.isArray(body.value)) {
    throw new ConnectorError('permanent', `Sage 300 answered ${resource} without a value array`, {
      code: 'UnexpectedResponse',
      system: 'sage300',
      context: { resource },
    });
  }
  return body.value;
}

/** The `$count` of a collection answer, in either spelling; throws when the answer has none. */
function countOf(body: CollectionBody<unknown>, resource: string): number {
  const count = Number(body['@odata.count'] ?? body['odata.count']);
  if (!Number.isFinite(count)) {
    throw new ConnectorError('permanent', `Sage 300 answered ${resource} without a count`, {
      code: 'UnexpectedResponse',
      system: 'sage300',
      context: { resource },
    });
  }
  return count;
}

/**
 * Pages of a collection (`AR/ARCustomers`), in Sage's key order. Reads windows of the configured page size with
 * `$skip`/`$top` and follows `@odata.nextLink` inside each window, because the server caps rows per answer at its own
 * setting (100 by default) whatever we ask for. Paging is by offset: rows inserted while paging can shift a window.
 * With `onCount`, the first request also asks `$count=true` and reports how many rows match the query, so a caller
 * learns the total with its first page instead of spending a request on it; the read then also ends once that many
 * rows have arrived, without the empty answer that otherwise ends a collection whose size is a multiple of the window
 * (a row added after the count is left to the next read, as one added behind the window already is).
 */
export async function* pages<T>(
  transport: Sage300Transport,
  resource: string,
  query: QueryOptions = {},
  context: Record<string, unknown> = {},
  onCount?: (count: number) => void,
): AsyncGenerator<T[]> {
  const pageSize = Math.max(1, transport.settings.pageSize);
  let skip = query.skip ?? 0;
  let remaining = query.top ?? Number.POSITIVE_INFINITY;
  let countPending = onCount !== undefined;
  let announced: number | undefined;
  while (remaining > 0) {
    const windowSize = Math.min(pageSize, remaining);
    let path = resource;
    let params: Record<string, string> | undefined = queryParams({
      ...query,
      top: windowSize,
      skip,
      ...(countPending ? { count: true } : {}),
    });
    let received = 0;
    const seen = new Set<string>();
    for (;;) {
      const body = await transport.get<CollectionBody<T>>(path, params ? { params, context } : { context });
      if (countPending) {
        countPending = false;
        announced = countOf(body, resource);
        onCount?.(announced);
      }
      const rows = rowsOf(body, resource);
      received += rows.length;
      if (rows.length > 0) yield rows;
      const next = body['@odata.nextLink'] ?? body['odata.nextLink'];
      if (!next || rows.length === 0 || received >= windowSize) break;
      const absolute = new URL(next, `${transport.companyRoot}${resource}`).toString();
      if (seen.has(absolute)) break;
      seen.add(absolute);
      path = absolute;
      params = undefined;
    }
    if (received < windowSize) return;
    skip += received;
    remaining -= received;
    if (announced !== undefined && skip >= announced) return;
  }
}

/** Every row of a collection, one at a time (`onCount` as for `pages`). */
export async function* rows<T>(
  transport: Sage300Transport,
  resource: string,
  query: QueryOptions = {},
  context: Record<string, unknown> = {},
  onCount?: (count: number) => void,
): AsyncGenerator<T> {
  for await (const page of pages<T>(transport, resource, query, context, onCount)) yield* page;
}

/** Reads a whole (small) collection into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of iterable) all.push(row);
  return all;
}

/** The number of rows matching the query (`$count=true` with no rows). */
export async function countRows(
  transport: Sage300Transport,
  resource: string,
  query: Pick<QueryOptions, 'filter'> = {},
  context: Record<string, unknown> = {},
): Promise<number> {
  const body = await transport.get<CollectionBody<unknown>>(resource, {
    params: queryParams({ ...query, top: 0, count: true }),
    context,
  });
  return countOf(body, resource);
}
