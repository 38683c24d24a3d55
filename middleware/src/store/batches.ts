/** Keys per statement when a repository reads or writes many records: keeps every `IN (…)` list and bulk insert small. */
const BATCH_SIZE = 200;

/** `items` in consecutive slices of at most `BATCH_SIZE`. */
export function inBatches<T>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += BATCH_SIZE) batches.push(items.slice(start, start + BATCH_SIZE));
  return batches;
}
