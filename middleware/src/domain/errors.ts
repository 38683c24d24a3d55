/**
 * What a failure means for the caller, decided where the failure is raised:
 * - transient: retry with backoff (network, timeout, 5xx, 429, UNABLE_TO_LOCK_ROW);
 * - quota: a daily or rolling API allowance is spent; pause the flow until the window frees;
 * - permanent: retrying cannot help (validation, unknown item, missing master data); park the record;
 * - in-doubt: a write whose outcome is unknown; verify before anything is retried.
 */
export type ErrorKind = 'transient' | 'quota' | 'permanent' | 'in-doubt';

export interface ConnectorErrorOptions {
  /** The remote system's own code (Sage `RecordInvalid`, Salesforce `INVALID_FIELD`), or ours. */
  code: string;
  /** Which system raised it. */
  system: 'sage300' | 'salesforce' | 'connector';
  /** HTTP status of the remote answer, when there was one. */
  status?: number;
  /** How long the remote asked us to wait before retrying, in milliseconds. */
  retryAfterMs?: number;
  /** Key fields of the request (customer number, opportunity id) so an operator can find the record. */
  context?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error type that crosses module boundaries: a message plus the kind that drives what happens next. */
export class ConnectorError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly system: ConnectorErrorOptions['system'];
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly context: Record<string, unknown>;

  constructor(kind: ErrorKind, message: string, options: ConnectorErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.kind = kind;
    this.code = options.code;
    this.system = options.system;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.context = options.context ?? {};
  }
}

/** True when the error is a ConnectorError of one of the given kinds. */
export function isErrorKind(error: unknown, ...kinds: ErrorKind[]): error is ConnectorError {
  return error instanceof ConnectorError && kinds.includes(error.kind);
}
