/** An answer in Sage's error envelope: `{"error":{"code":…,"message":{"lang":"en-US","value":…}}}`. */
export class SageApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SageApiError';
  }

  /** The response body Sage sends for this error. */
  body(): { error: { code: string; message: { lang: string; value: string } } } {
    return { error: { code: this.code, message: { lang: 'en-US', value: this.message } } };
  }
}

/** A business rule refused the request (Sage answers these with 409). */
export function recordInvalid(message: string): SageApiError {
  return new SageApiError(409, 'RecordInvalid', message);
}

export function recordNotFound(what: string): SageApiError {
  return new SageApiError(404, 'RecordNotFound', `A Record cannot be found. ${what}`);
}

export function invalidPayload(message: string): SageApiError {
  return new SageApiError(400, 'InvalidPayload', message);
}
