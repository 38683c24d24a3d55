import { STATUS_CODES } from 'node:http';
import { ConnectorError, type ErrorKind } from '../domain/errors.js';

/**
 * Decides what a Salesforce failure means for the caller. Request-level failures (jsforce errors, HTTP status,
 * network) and per-record save errors both map onto the connector's error kinds.
 */

/** Record-level codes that clear up on their own: another transaction held the row. */
const TRANSIENT_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'QUERY_TIMEOUT',
  'REQUEST_RUNNING_TOO_LONG',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ECONNABORTED',
]);

/** The daily (rolling 24 h) API allowance is spent; other REQUEST_LIMIT_EXCEEDED answers are about concurrency. */
function isDailyQuotaMessage(message: string): boolean {
  return /TotalRequests Limit exceeded/i.test(message);
}

/** The kind of a per-record save error code (`UNABLE_TO_LOCK_ROW` → transient, validation → permanent). */
export function recordErrorKind(code: string, message = ''): ErrorKind {
  if (TRANSIENT_CODES.has(code)) return 'transient';
  if (code === 'REQUEST_LIMIT_EXCEEDED') return isDailyQuotaMessage(message) ? 'quota' : 'transient';
  return 'permanent';
}

interface JsforceLikeError {
  name?: string;
  errorCode?: string;
  code?: string;
  message?: string;
  statusCode?: number;
  data?: unknown;
  cause?: unknown;
}

function statusOf(error: JsforceLikeError): number | undefined {
  if (typeof error.statusCode === 'number') return error.statusCode;
  const match = /^ERROR_HTTP_(\d{3})$/.exec(error.errorCode ?? error.name ?? '');
  return match?.[1] ? Number(match[1]) : undefined;
}

/**
 * Wraps any failure of a Salesforce call into a ConnectorError. `idempotent` says whether repeating the call is
 * harmless (queries, upserts by external id, updates by id); when it is not (inserts), a failure that may have
 * reached Salesforce is `in-doubt` rather than transient.
 */
export function classifySalesforceError(
  error: unknown,
  options: { idempotent: boolean; context?: Record<string, unknown> },
): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const failure = (error ?? {}) as JsforceLikeError;
  const status = statusOf(failure);
  // An HTTP error without a body (a 431 from the front end, a bare 502) still says what happened.
  const message =
    (failure.message ?? '').trim() ||
    (status !== undefined
      ? `HTTP ${status} ${STATUS_CODES[status] ?? 'error'} (no message in the response)`
      : (failure.errorCode ?? failure.code ?? failure.name ?? (String(error) || 'unknown failure')));
  const causeCode = (failure.cause as { code?: unknown } | undefined)?.code;
  const code =
    failure.errorCode ??
    failure.code ??
    (typeof causeCode === 'string' ? causeCode : undefined) ??
    failure.name ??
    'UNKNOWN';
  const make = (kind: ErrorKind, extra: { status?: number; retryAfterMs?: number } = {}) =>
    new ConnectorError(kind, `Salesforce: ${message}`, {
      code,
      system: 'salesforce',
      ...(status !== undefined ? { status } : {}),
      ...extra,
      ...(options.context ? { context: options.context } : {}),
      cause: error,
    });
  const mayHaveLanded = options.idempotent ? 'transient' : 'in-doubt';

  if (code === 'REQUEST_LIMIT_EXCEEDED') return make(isDailyQuotaMessage(message) ? 'quota' : 'transient');
  if (code === 'INVALID_SESSION_ID' || /Unable to refresh session/i.test(message)) return make('permanent');
  if (TRANSIENT_CODES.has(code)) return make('transient');
  if (NETWORK_CODES.has(code) || /socket hang up|network|fetch failed|timed? ?out/i.test(message))
    return make(mayHaveLanded);
  if (status !== undefined) {
    if (status === 429) return make('transient');
    if (status === 503) return make('transient');
    if (status >= 500) return make(mayHaveLanded);
    return make('permanent');
  }
  return make('permanent');
}
