/**
 * The one way the middleware retries: a policy (how many attempts, how long between them) and `withRetries`, which
 * the Sage 300 transport and the Salesforce client run every request through. Who retries what is decided once
 * (docs/architecture.md, "Who retries what"): transport faults are retried by the client that met them, under this
 * policy and nowhere else; the engine never repeats a page; records that still fail go to the failure queue.
 */
import { deadlineAt } from './deadline.js';
import { ConnectorError, isErrorKind } from './errors.js';

/** How often and how patiently a failure is retried: exponential backoff with full jitter, honouring `Retry-After`. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The ceiling of the first retry's wait; each later ceiling doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` worth waiting for; a server that asks for more ends the retries at once. */
  maxRetryAfterMs: number;
}

/** The policy unless a client says otherwise: five attempts, waits of at most 0.5, 1, 2 and 4 s between them. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** One retry about to happen (for logs and metrics). */
export interface RetryEvent {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  delayMs: number;
  error: ConnectorError;
}

export interface RetryOptions {
  /** Whether a failure is worth another attempt (default: a transient ConnectorError). */
  retryable?: (error: unknown) => boolean;
  /** No retry starts at or after this time (epoch ms); default: the current API request's deadline, if any. */
  deadline?: number;
  /** Ends the wait between attempts (rejecting with the signal's reason). */
  signal?: AbortSignal;
  /** Source of jitter; tests may pin it. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each retry's wait. */
  onRetry?: (event: RetryEvent) => void;
}

/**
 * The wait before retry number `retry` (1 for the first retry): a random share of the policy's ceiling for that retry
 * (full jitter, so callers failing together spread out), never shorter than the server's `Retry-After`.
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.max(retryAfterMs, Math.floor(random() * ceiling));
}

/** Resolves after `ms`, or rejects with the signal's reason when it is aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `work` until it succeeds, its failure is not retryable, the policy's attempts are spent, the server asks for a
 * longer pause than the policy allows, or the next attempt could only start after the deadline; then the last
 * failure is thrown as it was.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  work: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retryable = options.retryable ?? ((error: unknown) => isErrorKind(error, 'transient'));
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !retryable(error) || !(error instanceof ConnectorError)) throw error;
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) throw error;
      const delayMs = backoffDelay(attempt, policy, error.retryAfterMs, options.random);
      // A retry that could only start after the caller has gone is not worth making.
      const deadline = options.deadline ?? deadlineAt();
      if (deadline !== undefined && Date.now() + delayMs >= deadline) throw error;
      if (options.signal?.aborted) throw error;
      options.onRetry?.({ attempt, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}
