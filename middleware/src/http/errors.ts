import type { ErrorRequestHandler, RequestHandler } from 'express';

/** The body of every error answer: `{ "error": { "code", "message", "details"? } }`. */
export interface ErrorEnvelope {
  error: { code: string; message: string; details?: unknown };
}

/** An error that knows the HTTP answer it should become. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Builds the error envelope. */
export function errorEnvelope(code: string, message: string, details?: unknown): ErrorEnvelope {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** Answers unmatched routes with a 404 envelope. */
export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorEnvelope('NOT_FOUND', `No route for ${req.method} ${req.path}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
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
    const known = err instanceof HttpError ? err : bodyParserAnswer(err as BodyParserError);
    if (known) {
      res.status(known.status).json(errorEnvelope(known.code, known.message, known.details));
      return;
    }
    log?.(err);
    res.status(500).json(errorEnvelope('INTERNAL', 'The middleware failed unexpectedly; the error has been logged'));
  };
}
