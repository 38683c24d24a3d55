/** Retry timing shared by every caller of Sage and Salesforce: exponential backoff with full jitter. */

/** The first retry waits up to `baseMs`, each later one up to twice as long as the one before, never above `capMs`. */
export interface BackoffCurve {
  baseMs: number;
  capMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): a random share of the curve's ceiling for that retry
 * (full jitter, so callers failing together spread out), never shorter than the server's `Retry-After`.
 */
export function backoffDelay(
  retry: number,
  curve: BackoffCurve,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(curve.capMs, curve.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.max(retryAfterMs, Math.floor(random() * ceiling));
}
