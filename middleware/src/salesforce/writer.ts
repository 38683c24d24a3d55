import type { Connection } from 'jsforce';
import { setTimeout as delay } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ConnectorError, type ErrorKind } from '../domain/errors.js';
import { withRetries, type RetryPolicy } from '../domain/retry.js';
import { recordErrorKind } from './errors.js';

/**
 * Writes records to Salesforce and reports on every one of them: sObject Collections of 200 (one API request each)
 * for ordinary batches, one Bulk API 2.0 job above a threshold. Results come back in input order; a record that
 * fails keeps its Salesforce code, message and fields, and never makes its batch-mates fail.
 */
export interface RecordFailure {
  code: string;
  message: string;
  fields: string[];
}

/** The outcome of writing one input record. `kind` says what a failure means (retry later, park, pause). */
export interface WriteResult {
  ok: boolean;
  id?: string;
  created?: boolean;
  errors: RecordFailure[];
  kind?: ErrorKind;
  /** How long Salesforce asked to wait before this record is sent again, when it said. */
  retryAfterMs?: number;
}

export type SObjectInput = Record<string, unknown>;
export type WriteOperation = 'create' | 'update' | 'upsert';

export interface WritePlan {
  operation: WriteOperation;
  objectType: string;
  externalIdField?: string;
  records: readonly SObjectInput[];
  allOrNone: boolean;
  bulkThreshold: number;
  /** The wait before a Bulk job's first status check; each next wait doubles, up to `bulkPollIntervalMs`. */
  bulkFirstPollMs: number;
  bulkPollIntervalMs: number;
  bulkPollTimeoutMs: number;
}

/** Sends one request once; a failure comes back as a ConnectorError (the writer decides about retrying). */
export type RequestRunner = <T>(work: () => Promise<T>, idempotent: boolean) => Promise<T>;

export const COLLECTION_SIZE = 200;
const BULK_NULL = '#N/A';

interface JsforceSaveError {
  statusCode?: string;
  errorCode?: string;
  message?: string;
  fields?: string[];
}
interface JsforceSaveResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors?: JsforceSaveError[];
}

const failed = (failures: RecordFailure[], kind?: ErrorKind): WriteResult => {
  const first = failures[0];
  return { ok: false, errors: failures, kind: kind ?? recordErrorKind(first?.code ?? '', first?.message) };
};

/** What a request-level failure means for each record it carried. */
function requestFailure(error: ConnectorError): WriteResult {
  const result = failed([{ code: error.code, message: error.message, fields: [] }], error.kind);
  return error.retryAfterMs === undefined ? result : { ...result, retryAfterMs: error.retryAfterMs };
}

function fromSaveResult(result: JsforceSaveResult | undefined): WriteResult {
  if (!result)
    return failed(
      [{ code: 'NO_RESULT', message: 'Salesforce returned no result for this record', fields: [] }],
      'in-doubt',
    );
  if (result.success) {
    return {
      ok: true,
      ...(result.id ? { id: result.id } : {}),
      ...(result.created === undefined ? {} : { created: result.created }),
      errors: [],
    };
  }
  return failed(
    (result.errors ?? []).map((error) => ({
      code: error.statusCode ?? error.errorCode ?? 'UNKNOWN_EXCEPTION',
      message: error.message ?? '',
      fields: error.fields ?? [],
    })),
  );
}

/** The value a record carries in a field, matching the API name without regard to case. */
function fieldValueOf(record: SObjectInput, field: string): unknown {
  if (field in record) return record[field];
  const key = Object.keys(record).find((name) => name.toLowerCase() === field.toLowerCase());
  return key === undefined ? undefined : record[key];
}

/** A copy of the record whose key field is spelled as jsforce expects (it reads `Id` and the external id verbatim). */
function withKeyNamed(record: SObjectInput, keyField: string | undefined): SObjectInput {
  if (!keyField || keyField in record) return { ...record };
  const copy: SObjectInput = {};
  for (const [name, value] of Object.entries(record))
    copy[name.toLowerCase() === keyField.toLowerCase() ? keyField : name] = value;
  return copy;
}

/** Checks a record before sending it; answers the failure when it cannot be sent. */
function refuse(plan: WritePlan, record: SObjectInput): WriteResult | undefined {
  if (!record || typeof record !== 'object' || Array.isArray(record)) {
    return failed(
      [{ code: 'INVALID_INPUT', message: 'a record must be an object of field values', fields: [] }],
      'permanent',
    );
  }
  const key = plan.operation === 'upsert' ? plan.externalIdField : plan.operation === 'update' ? 'Id' : undefined;
  if (key) {
    const value = fieldValueOf(record, key);
    if (value === undefined || value === null || value === '') {
      return failed(
        [{ code: 'MISSING_EXTERNAL_ID', message: `${key} is required to ${plan.operation} a record`, fields: [key] }],
        'permanent',
      );
    }
  }
  return undefined;
}

async function collectionPass(
  connection: Connection,
  run: RequestRunner,
  plan: WritePlan,
  indexes: number[],
): Promise<Map<number, WriteResult>> {
  const results = new Map<number, WriteResult>();
  let stopped: WriteResult | undefined;
  for (let start = 0; start < indexes.length; start += COLLECTION_SIZE) {
    const chunk = indexes.slice(start, start + COLLECTION_SIZE);
    if (stopped) {
      for (const index of chunk) results.set(index, stopped);
      continue;
    }
    const keyField =
      plan.operation === 'upsert' ? plan.externalIdField : plan.operation === 'update' ? 'Id' : undefined;
    const records = chunk.map((index) => withKeyNamed(plan.records[index] as SObjectInput, keyField));
    const options = { allOrNone: plan.allOrNone, allowRecursive: true };
    const sobject = connection.sobject(plan.objectType);
    try {
      const answer = (await run(
        () =>
          plan.operation === 'upsert'
            ? sobject.upsert(records, plan.externalIdField ?? 'Id', options)
            : plan.operation === 'update'
              ? sobject.update(records as ({ Id: string } & SObjectInput)[], options)
              : sobject.create(records, options),
        plan.operation !== 'create',
      )) as unknown as JsforceSaveResult[];
      chunk.forEach((index, position) => results.set(index, fromSaveResult(answer[position])));
    } catch (error) {
      // Later chunks would meet the same refusal (quota, outage, bad request): report them without sending.
      stopped = requestFailure(error as ConnectorError);
      for (const index of chunk) results.set(index, stopped);
    }
  }
  return results;
}

/** Flattens records into CSV columns (`Account__r.Sage_Customer_Number__c` for references by external id). */
export function toBulkCsv(records: SObjectInput[]): string {
  const columns: string[] = [];
  const rows = records.map((record) => {
    const row: Record<string, string> = {};
    const put = (column: string, value: unknown) => {
      if (!columns.includes(column)) columns.push(column);
      row[column] = bulkValue(value);
    };
    for (const [name, value] of Object.entries(record)) {
      if (name === 'attributes') continue;
      if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
        for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
          if (inner !== 'attributes') put(`${name}.${inner}`, innerValue);
        }
      } else {
        put(name, value);
      }
    }
    return row;
  });
  return stringify(rows, { header: true, columns, quoted: true, record_delimiter: 'unix' });
}

function bulkValue(value: unknown): string {
  if (value === undefined) return '';
  if (value === null || value === '') return BULK_NULL;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Parses a Bulk API `sf__Error` (`CODE:message:field1,field2 --`). */
export function parseBulkError(text: string): RecordFailure {
  const match = /^([A-Z_]+):([\s\S]*?):([^:]*?)\s*--\s*$/.exec(text);
  if (match) {
    const fields = (match[3] ?? '')
      .split(',')
      .map((field) => field.trim())
      .filter(Boolean);
    return { code: match[1] ?? 'UNKNOWN_EXCEPTION', message: match[2] ?? '', fields };
  }
  const [code, ...rest] = text.split(':');
  return /^[A-Z_]+$/.test(code ?? '')
    ? { code: code ?? '', message: rest.join(':').trim(), fields: [] }
    : { code: 'UNKNOWN_EXCEPTION', message: text, fields: [] };
}

/** A Bulk API 2.0 result row, reduced to what matching it to its input needs. */
interface BulkResultRow {
  /** The record's key column (the external ID, or `Id`), when the row carries it. */
  key: string | undefined;
  id: string;
  created: boolean;
  error: string;
}

interface BulkResults {
  successful: BulkResultRow[];
  failed: BulkResultRow[];
}

/** The job states a status check answers (`UploadComplete` and `InProgress` while it runs). */
interface BulkJobInfo {
  state: string;
  errorMessage?: string;
}

/**
 * The waits between a Bulk job's status checks: the first `firstMs` after the job closes (a small job is done by
 * then), each next twice the last, up to `capMs`. A job of a few seconds costs a few checks, a long one one per `capMs`.
 */
export function* bulkPollWaits(firstMs: number, capMs: number): Generator<number> {
  let wait = Math.max(1, Math.min(firstMs, capMs));
  for (;;) {
    yield wait;
    wait = Math.min(wait * 2, capMs);
  }
}

/**
 * Reads a Bulk results CSV into its rows, keeping only the key column, `sf__Id`, `sf__Created` and `sf__Error`
 * (Salesforce echoes every uploaded column too, which the writer does not need).
 */
export function bulkResultRows(csv: string, keyField: string): BulkResultRow[] {
  if (csv.trim() === '') return [];
  let columns: { key: number; id: number; created: number; error: number } | undefined;
  const rows: BulkResultRow[] = [];
  parse(csv, {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: (record: string[]) => {
      if (!columns) {
        const at = (name: string) => record.findIndex((column) => column.toLowerCase() === name.toLowerCase());
        columns = { key: at(keyField), id: at('sf__Id'), created: at('sf__Created'), error: at('sf__Error') };
        return null;
      }
      const cell = (index: number) => (index < 0 ? undefined : record[index]);
      rows.push({
        key: cell(columns.key) || undefined,
        id: cell(columns.id) ?? '',
        created: cell(columns.created) === 'true',
        error: cell(columns.error) ?? '',
      });
      return null;
    },
  });
  return rows;
}

/**
 * One Bulk API 2.0 ingest job: create, upload the CSV, close, check its state until it ends (`bulkPollWaits`), then
 * read its successful and failed results together. The unprocessed-records list is not read: a record in neither
 * result is reported unprocessed by the caller anyway.
 */
async function runBulkJob(
  connection: Connection,
  plan: WritePlan,
  keyField: string,
  csv: string,
): Promise<BulkResults> {
  const job = connection.bulk2.createJob({
    object: plan.objectType,
    operation: plan.operation === 'create' ? 'insert' : plan.operation,
    ...(plan.operation === 'upsert' ? { externalIdFieldName: keyField } : {}),
    lineEnding: 'LF',
  });
  let created = false;
  try {
    await job.open();
    created = true;
    let upload: string | undefined = csv;
    await job.uploadData(upload);
    upload = undefined;
    await job.close();
    const deadline = Date.now() + plan.bulkPollTimeoutMs;
    for (const wait of bulkPollWaits(plan.bulkFirstPollMs, plan.bulkPollIntervalMs)) {
      if (Date.now() + wait > deadline) {
        const timeout = new Error(`Polling timed out after ${plan.bulkPollTimeoutMs}ms. Job Id = ${job.id}`);
        timeout.name = 'JobPollingTimeoutError';
        throw timeout;
      }
      await delay(wait);
      const info = (await job.check()) as BulkJobInfo;
      if (info.state === 'JobComplete') break;
      if (info.state === 'Failed') throw new Error(`Ingest job failed to complete due to: ${info.errorMessage ?? ''}`);
      if (info.state === 'Aborted') throw new Error('Job has been aborted');
      if (info.state === 'Open') throw new Error('Job is still open after it was closed');
    }
    const [successful, failedRows] = await Promise.all([
      job.getSuccessfulResults(true) as unknown as Promise<string>,
      job.getFailedResults(true) as unknown as Promise<string>,
    ]);
    return { successful: bulkResultRows(successful, keyField), failed: bulkResultRows(failedRows, keyField) };
  } catch (error) {
    // A job that failed or was refused is deleted (best effort); one still running past the timeout is left to finish.
    if (created && !(error instanceof Error && error.name === 'JobPollingTimeoutError')) {
      job.delete().catch(() => undefined);
    }
    throw error;
  }
}

async function bulkPass(
  connection: Connection,
  run: RequestRunner,
  plan: WritePlan,
  indexes: number[],
): Promise<Map<number, WriteResult>> {
  const results = new Map<number, WriteResult>();
  const keyField = plan.operation === 'upsert' ? (plan.externalIdField ?? 'Id') : 'Id';
  const records = indexes.map((index) => plan.records[index] as SObjectInput);
  // Results come back in no guaranteed order: match them to inputs by their key.
  const waiting = new Map<string, number[]>();
  indexes.forEach((index, position) => {
    const key = String(fieldValueOf(records[position] as SObjectInput, keyField));
    waiting.set(key, [...(waiting.get(key) ?? []), index]);
  });
  const claim = (key: string | undefined, id: string): number | undefined => waiting.get(key ?? id)?.shift();

  let answer: BulkResults;
  try {
    // A job that was created may have run: resubmitting upserts or updates is harmless.
    answer = await run(() => runBulkJob(connection, plan, keyField, toBulkCsv(records)), true);
  } catch (error) {
    const failure = error as ConnectorError;
    const jobFailed = /Ingest job failed to complete due to: (.*)$/s.exec(failure.message);
    const outcome = jobFailed
      ? failed(
          [
            {
              code: /Field name not found/i.test(jobFailed[1] ?? '') ? 'INVALID_FIELD' : 'BULK_JOB_FAILED',
              message: jobFailed[1] ?? failure.message,
              fields: [],
            },
          ],
          'permanent',
        )
      : requestFailure(failure);
    for (const index of indexes) results.set(index, outcome);
    return results;
  }
  for (const row of answer.successful) {
    const index = claim(row.key, row.id);
    if (index !== undefined) results.set(index, { ok: true, id: row.id, created: row.created, errors: [] });
  }
  for (const row of answer.failed) {
    const index = claim(row.key, row.id);
    if (index !== undefined) results.set(index, failed([parseBulkError(row.error)]));
  }
  for (const index of indexes) {
    if (!results.has(index)) {
      results.set(
        index,
        failed([{ code: 'UNPROCESSED', message: 'the bulk job did not process this record', fields: [] }], 'transient'),
      );
    }
  }
  return results;
}

/**
 * Writes the plan's records and answers one result per input record, in order. Every attempt sends the records still
 * pending (a Bulk API job above the threshold, else Collections of 200, one request each); records that come back
 * transient — the request failed on a transport fault, or Salesforce refused the record as locked — are pending for
 * the next attempt, under the client's one retry policy. So no record and no Collection is sent more often than the
 * policy's attempts, whether its failures were the request's or its own.
 */
export async function writeRecords(
  connection: Connection,
  send: RequestRunner,
  plan: WritePlan,
  policy: RetryPolicy,
): Promise<WriteResult[]> {
  const results: (WriteResult | undefined)[] = plan.records.map((record) => refuse(plan, record));
  let pending = results.flatMap((result, index) => (result ? [] : [index]));
  if (pending.length > 0) {
    await withRetries(policy, async () => {
      const useBulk = plan.operation !== 'create' && !plan.allOrNone && pending.length > plan.bulkThreshold;
      const outcome = useBulk
        ? await bulkPass(connection, send, plan, pending)
        : await collectionPass(connection, send, plan, pending);
      for (const [index, result] of outcome) results[index] = result;
      pending = pending.filter((index) => outcome.get(index)?.kind === 'transient');
      if (pending.length > 0) throw stillPending(pending.map((index) => outcome.get(index)));
    }).catch((error: unknown) => {
      // The attempts are spent (or the caller's time is): the results already say what became of each record.
      if (!(error instanceof ConnectorError)) throw error;
    });
  }
  return results.map(
    (result) => result ?? failed([{ code: 'NO_RESULT', message: 'not written', fields: [] }], 'in-doubt'),
  );
}

/** Records left transient by an attempt, as one retryable failure (honouring the longest `Retry-After` among them). */
function stillPending(outcomes: (WriteResult | undefined)[]): ConnectorError {
  const first = outcomes.find((outcome) => outcome)?.errors[0];
  const retryAfterMs = Math.max(0, ...outcomes.map((outcome) => outcome?.retryAfterMs ?? 0));
  return new ConnectorError('transient', `${outcomes.length} record(s) not written yet: ${first?.message ?? ''}`, {
    code: first?.code ?? 'UNPROCESSED',
    system: 'salesforce',
    ...(retryAfterMs > 0 ? { retryAfterMs } : {}),
  });
}
