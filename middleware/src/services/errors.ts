/**
 * Why a service refused or could not finish, in words both the HTTP API and the sync flows understand:
 * - not-found: the customer, item, account or opportunity does not exist;
 * - conflict: the record is not in a state that allows the request (not Closed Won, credit block);
 * - rejected: the data cannot be processed as it is (products without item numbers, Sage refused the order);
 * - in-doubt: a change may or may not have happened; it is verified before anything is retried;
 * - unavailable: a system needed for the answer is not answering.
 */
export type ServiceErrorReason = 'not-found' | 'conflict' | 'rejected' | 'in-doubt' | 'unavailable';

/** A refusal or failure with a stable code, a message a rep can act on, and details for the caller. */
export class ServiceError extends Error {
  constructor(
    readonly reason: ServiceErrorReason,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServiceError';
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** When asking again can help (sent as `Retry-After`). */
  readonly retryAfterMs: number | undefined;
}
