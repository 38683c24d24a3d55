import type { SandboxControl } from './control.js';
import { RecordError, type OrgStore, type WriteContext } from './store.js';
import type { SaveError } from './values.js';

/**
 * Record-by-record writes shared by the REST endpoints and Bulk API jobs: each record gets its own save result,
 * injected row-lock failures land on single records, and `allOrNone` rolls the whole request back.
 */
export interface SaveResult {
  id?: string;
  success: boolean;
  errors: SaveError[];
  created?: boolean;
}

export interface RestError {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** A request-level error answered as Salesforce's error array with an HTTP status. */
export class ApiError extends Error {
  readonly errors: RestError[];

  constructor(
    readonly status: number,
    errorCode: string,
    message: string,
    fields?: string[],
  ) {
    super(message);
    this.name = 'ApiError';
    this.errors = [{ message, errorCode, ...(fields ? { fields } : {}) }];
  }

  /** The save errors of one record as a request-level answer. */
  static fromSaveErrors(status: number, errors: SaveError[]): ApiError {
    const first = errors[0] ?? { statusCode: 'UNKNOWN_EXCEPTION', message: 'unknown error', fields: [] };
    const error = new ApiError(status, first.statusCode, first.message, first.fields);
    error.errors.splice(
      0,
      1,
      ...errors.map((each) => ({ message: each.message, errorCode: each.statusCode, fields: each.fields })),
    );
    return error;
  }
}

export type WriteOperation = (record: Record<string, unknown>, index: number) => { id: string; created?: boolean };

class RollBack extends Error {}

const lockError = (id?: string): SaveError => ({
  statusCode: 'UNABLE_TO_LOCK_ROW',
  message: `unable to obtain exclusive access to this record or 1 records: ${id ?? ''}`.trim(),
  fields: [],
});

/** Runs one operation per record and answers one save result per record, in order. */
export function writeEach(
  store: OrgStore,
  control: SandboxControl,
  records: Record<string, unknown>[],
  operation: WriteOperation,
  options: { allOrNone: boolean; preFailed?: Map<number, SaveError> },
): SaveResult[] {
  let results: SaveResult[] = [];
  const work = () => {
    results = [];
    records.forEach((record, index) => {
      const refused = options.preFailed?.get(index);
      if (refused) {
        results.push({ success: false, errors: [refused] });
        return;
      }
      if (control.strikes('unableToLockRow')) {
        results.push({ success: false, errors: [lockError(typeof record.Id === 'string' ? record.Id : undefined)] });
        return;
      }
      try {
        const saved = operation(record, index);
        results.push({
          id: saved.id,
          success: true,
          errors: [],
          ...(saved.created === undefined ? {} : { created: saved.created }),
        });
      } catch (error) {
        if (!(error instanceof RecordError)) throw error;
        results.push({ success: false, errors: error.errors });
      }
    });
    if (options.allOrNone && results.some((result) => !result.success)) throw new RollBack();
  };
  if (!options.allOrNone) {
    work();
    return results;
  }
  try {
    store.transaction(work);
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
    results = results.map((result) =>
      result.success
        ? {
            success: false,
            errors: [
              {
                statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                message:
                  'Record rolled back because not all records were valid and the request was using AllOrNone header',
                fields: [],
              },
            ],
          }
        : { success: false, errors: result.errors },
    );
  }
  return results;
}

/** One write through a single-record endpoint: a row lock or save error becomes a 400 answer. */
export function writeOne<T>(control: SandboxControl, operation: () => T): T {
  if (control.strikes('unableToLockRow')) {
    const error = lockError();
    throw new ApiError(400, error.statusCode, error.message);
  }
  try {
    return operation();
  } catch (error) {
    if (error instanceof RecordError) {
      throw ApiError.fromSaveErrors(error.errors[0]?.statusCode === 'NOT_FOUND' ? 404 : 400, error.errors);
    }
    throw error;
  }
}

/** The record's fields without the `attributes` envelope. */
export function withoutAttributes(record: Record<string, unknown>): Record<string, unknown> {
  const { attributes: _attributes, ...fields } = record;
  return fields;
}

export type { WriteContext };
