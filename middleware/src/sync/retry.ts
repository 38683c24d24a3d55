/** How often a flow retries a transient failure; the timing itself is the clients' `backoffDelay`. */
import type { BackoffCurve } from '../domain/backoff.js';

export interface BackoffPolicy extends BackoffCurve {
  /** Attempts in all, the first included. */
  attempts: number;
}

export const defaultBackoff: BackoffPolicy = { attempts: 5, baseMs: 500, capMs: 30_000 };

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
