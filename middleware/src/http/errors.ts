import { z } from 'zod';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ConnectorError } from '../domain/errors.js';
import { ServiceError, type ServiceErrorReason } from '../services/errors.js';

/** The body of every error answer: `{ "error": { "code", "message", "details"? } }`. */
export const errorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().describe('Stable, machine-readable: VALIDATION_FAILED, NOT_CLOSED_WON, …'),
    message: z.string().describe('A sentence a rep or operator can act on'),
    details: z
      .unknown()
      .optional()
      .describe('Fields, Sage’s own code and message, credit figures: depends on the code'),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** An error that knows the HTTP answer it should become. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Sent as `Retry-After` (seconds): when asking again can help. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Whole seconds for `Retry-After`, at least one. */
function retryAfterSeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));
}

/** Builds the error envelope. */
export function errorEnvelope(code: string, message: string, details?: unknown): ErrorEnvelope {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** Answers unmatched routes with a 404 envelope. */
export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorEnvelope('NOT_FOUND', `No route for ${req.method} ${req.path}`));
};

const serviceStatus: Record<ServiceErrorReason, number> = {
  'not-found': 404,
  conflict: 409,
  rejected: 422,
  'in-doubt': 504,
  unavailable: 503,
};

/** The HTTP answer for a service's refusal: its reason picks the status, its code and message pass through. */
export function serviceErrorAnswer(err: ServiceError): HttpError {
  return new HttpError(
    serviceStatus[err.reason],
    err.code,
    err.message,
    err.details,
    retryAfterSeconds(err.retryAfterMs),
  );
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
}

const systemNames = { sage300: 'Sage 300', salesforce: 'Salesforce', connector: 'The connector' } as const;

/**
 * The HTTP answer for an error from Sage 300 or Salesforce that a service did not translate itself: an upstream that
 * is down or slow is 502/503, an unknown outcome is 504, a spent quota is 503, a refusal is 422, a missing record 404.
 */
export function connectorErrorAnswer(err: ConnectorError): HttpError {
  const system = systemNames[err.system];
  const details = { system: err.system, code: err.code, ...(err.status === undefined ? {} : { status: err.status }) };
  switch (err.kind) {
    case 'transient':
      // The cause is named: Sage did not answer within the request's time, or it is known to be down for now.
      if (err.code === 'Timeout' && err.system === 'sage300') {
        return new HttpError(
          504,
          'SAGE_TIMEOUT',
          `Sage 300 did not answer in time; try again shortly (${err.message})`,
          details,
        );
      }
      return new HttpError(
        503,
        'UPSTREAM_UNAVAILABLE',
        err.code === 'CircuitOpen' || err.code === 'SageUnreachable'
          ? `${err.message}; try again in ${retryAfterSeconds(err.retryAfterMs) ?? 30} s`
          : `${system} is not answering right now; try again shortly`,
        details,
        retryAfterSeconds(err.retryAfterMs),
      );
    case 'quota':
      return new HttpError(
        503,
        'UPSTREAM_QUOTA',
        `${system}'s API allowance is spent for now; try again later`,
        details,
      );
    case 'in-doubt':
      return new HttpError(
        504,
        'OUTCOME_UNKNOWN',
        `${system} did not confirm the change; it will be verified`,
        details,
      );
    case 'permanent':
      if (err.status === 404) return new HttpError(404, 'NOT_FOUND', err.message, details);
      if (err.status === 409 || err.status === 422) {
        return new HttpError(422, 'UPSTREAM_REJECTED', `${system} refused the request: ${err.message}`, details);
      }
      return new HttpError(502, 'UPSTREAM_ERROR', `${system} answered with an error: ${err.message}`, details);
  }
}

/** Maps body-parser's failures to clear 4xx answers. */
function bodyParserAnswer(err: BodyParserError): HttpError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new HttpError(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than this service accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'UNSUPPORTED_ENCODING', 'The request body encoding is not supported');
    default:
      // A path segment that is not valid percent-encoding (Express marks the URIError 400).
      if (err instanceof URIError && (err as BodyParserError).status === 400) {
        return new HttpError(400, 'MALFORMED_PATH', 'The request path is not valid percent-encoding');
      }
      // Other client errors raised by Express's own middleware.
      if (err.expose === true && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
        return new HttpError(err.status, 'BAD_REQUEST', err.message ?? 'The request is malformed');
      }
      return undefined;
  }
}

/**
 * Last middleware: turns any error into the envelope. Unknown errors become a 500 without internals;
 * the logger (when given) keeps the detail.
 */
export function errorHandler(log?: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known =
      err instanceof HttpError
        ? err
        : err instanceof ServiceError
          ? serviceErrorAnswer(err)
          : err instanceof ConnectorError
            ? connectorErrorAnswer(err)
            : bodyParserAnswer(err as BodyParserError);
    if (known) {
      if (known.status >= 500) log?.(err);
      if (known.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(known.retryAfterSeconds));
      res.status(known.status).json(errorEnvelope(known.code, known.message, known.details));
      return;
    }
    log?.(err);
    res.status(500).json(errorEnvelope('INTERNAL', 'The middleware failed unexpectedly; the error has been logged'));
  };
}
