import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { SandboxControl } from './control.js';
import { ApiError, writeEach, type SaveResult } from './operations.js';
import { fieldOf, type ObjectDef } from './schema.js';
import type { OrgStore, WriteContext } from './store.js';
import { formatDateTime } from './values.js';

/**
 * Bulk API 2.0 ingest jobs: create, upload one CSV, close (UploadComplete), then the job runs in the background in
 * slices so the server stays responsive; results come back as CSV with `sf__Id`, `sf__Created` or `sf__Error`.
 */
type Operation = 'insert' | 'update' | 'upsert' | 'delete';
type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

interface IngestJob {
  id: string;
  object: string;
  operation: Operation;
  externalIdFieldName?: string;
  state: JobState;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  lineEnding: 'LF' | 'CRLF';
  columnDelimiter: 'COMMA';
  apiVersion: number;
  csv?: string;
  errorMessage?: string;
  columns: string[];
  rows: Record<string, string>[];
  results: (SaveResult | undefined)[];
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  startedAt?: number;
  finishedAt?: number;
}

const OPERATIONS: Operation[] = ['insert', 'update', 'upsert', 'delete'];
const SLICE = 500;
const NULL_MARKER = '#N/A';

export class BulkIngest {
  private readonly jobs = new Map<string, IngestJob>();
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: OrgStore,
    private readonly control: SandboxControl,
  ) {}

  create(body: Record<string, unknown>, context: WriteContext, apiVersion: string): Record<string, unknown> {
    const operation = body.operation as Operation;
    if (!OPERATIONS.includes(operation))
      throw new ApiError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(body.operation)}`);
    if (typeof body.object !== 'string') throw new ApiError(400, 'INVALIDJOB', 'InvalidJob : object is required');
    const object = this.store.schema.object(body.object);
    if (!object || object.customMetadata)
      throw new ApiError(400, 'INVALIDJOB', `InvalidJob : Unable to find object: ${body.object}`);
    if (body.contentType !== undefined && body.contentType !== 'CSV')
      throw new ApiError(400, 'INVALIDJOB', 'InvalidJob : contentType must be CSV');
    if (body.columnDelimiter !== undefined && body.columnDelimiter !== 'COMMA') {
      throw new ApiError(400, 'INVALIDJOB', 'InvalidJob : the sandbox accepts COMMA-delimited CSV only');
    }
    let externalIdFieldName: string | undefined;
    if (operation === 'upsert') {
      const field =
        typeof body.externalIdFieldName === 'string' ? fieldOf(object, body.externalIdFieldName) : undefined;
      if (!field || (!field.externalId && field.type !== 'id')) {
        throw new ApiError(
          400,
          'INVALIDJOB',
          `InvalidJob : Field name provided, ${String(body.externalIdFieldName)} is not an External ID or indexed field for ${object.name}`,
        );
      }
      externalIdFieldName = field.name;
    }
    const stamp = formatDateTime(Date.now());
    const job: IngestJob = {
      id: this.store.ids.next('750'),
      object: object.name,
      operation,
      ...(externalIdFieldName ? { externalIdFieldName } : {}),
      state: 'Open',
      createdById: context.userId,
      createdDate: stamp,
      systemModstamp: stamp,
      lineEnding: body.lineEnding === 'CRLF' ? 'CRLF' : 'LF',
      columnDelimiter: 'COMMA',
      apiVersion: Number(apiVersion),
      columns: [],
      rows: [],
      results: [],
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
    };
    this.jobs.set(job.id, job);
    return this.info(job);
  }

  private job(id: string): IngestJob {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return job;
  }

  upload(id: string, csv: string): void {
    const job = this.job(id);
    if (job.state !== 'Open') throw new ApiError(409, 'INVALIDJOBSTATE', `Job is not open for uploads: ${job.state}`);
    if (job.csv !== undefined) throw new ApiError(400, 'INVALIDJOBSTATE', 'Only one upload of data is allowed per job');
    job.csv = csv;
  }

  setState(id: string, state: unknown, context: WriteContext): Record<string, unknown> {
    const job = this.job(id);
    if (state === 'Aborted') {
      if (['JobComplete', 'Failed'].includes(job.state))
        throw new ApiError(400, 'INVALIDJOBSTATE', `Job is already ${job.state}`);
      job.state = 'Aborted';
    } else if (state === 'UploadComplete') {
      if (job.state !== 'Open') throw new ApiError(400, 'INVALIDJOBSTATE', `Job is not Open: ${job.state}`);
      job.state = 'UploadComplete';
      this.schedule(() => this.start(job, context));
    } else {
      throw new ApiError(400, 'INVALIDJOBSTATE', `Invalid state: ${String(state)}`);
    }
    job.systemModstamp = formatDateTime(Date.now());
    return this.info(job);
  }

  get(id: string): Record<string, unknown> {
    return this.info(this.job(id));
  }

  list(): Record<string, unknown> {
    return { done: true, records: [...this.jobs.values()].map((job) => this.info(job)), nextRecordsUrl: null };
  }

  delete(id: string): void {
    const job = this.job(id);
    if (['Open', 'InProgress'].includes(job.state))
      throw new ApiError(400, 'INVALIDJOBSTATE', `Job cannot be deleted while ${job.state}`);
    this.jobs.delete(id);
  }

  /** CSV of successful, failed or never-processed records. */
  results(id: string, which: 'successfulResults' | 'failedResults' | 'unprocessedrecords'): string {
    const job = this.job(id);
    if (which === 'unprocessedrecords') {
      const rows = job.rows.filter((_row, index) => job.results[index] === undefined);
      return stringify(rows, { header: true, columns: job.columns, quoted: true });
    }
    const success = which === 'successfulResults';
    const columns = success ? ['sf__Id', 'sf__Created', ...job.columns] : ['sf__Id', 'sf__Error', ...job.columns];
    const rows = job.rows.flatMap((row, index): Record<string, string>[] => {
      const result = job.results[index];
      if (!result || result.success !== success) return [];
      if (success)
        return [{ sf__Id: result.id ?? '', sf__Created: String(result.created ?? job.operation === 'insert'), ...row }];
      const error = result.errors[0];
      const fields = error?.fields.join(',') ?? '';
      return [
        {
          sf__Id: row.Id ?? '',
          sf__Error: `${error?.statusCode ?? 'UNKNOWN_EXCEPTION'}:${error?.message ?? ''}:${fields} --`,
          ...row,
        },
      ];
    });
    return stringify(rows, { header: true, columns, quoted: true });
  }

  close(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }

  private schedule(work: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      work();
    }, 0);
    this.pending.add(timer);
  }

  private fail(job: IngestJob, message: string): void {
    job.state = 'Failed';
    job.errorMessage = message;
    job.finishedAt = Date.now();
  }

  private start(job: IngestJob, context: WriteContext): void {
    if (job.state !== 'UploadComplete') return;
    job.startedAt = Date.now();
    job.state = 'InProgress';
    let rows: string[][];
    try {
      rows = parse(job.csv ?? '', { relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
    } catch (error) {
      this.fail(job, `InvalidBatch : Failed to parse CSV: ${(error as Error).message}`);
      return;
    }
    const [header, ...data] = rows;
    if (!header) {
      this.fail(job, 'InvalidBatch : No data was uploaded');
      return;
    }
    const object = this.store.object(job.object);
    for (const column of header) {
      const problem = this.checkColumn(object, column, job);
      if (problem) {
        this.fail(job, problem);
        return;
      }
    }
    if (
      job.externalIdFieldName &&
      !header.some((column) => column.toLowerCase() === job.externalIdFieldName?.toLowerCase())
    ) {
      this.fail(job, `InvalidBatch : Field name not found : ${job.externalIdFieldName}`);
      return;
    }
    job.columns = header;
    job.rows = data.map((values) => Object.fromEntries(header.map((column, index) => [column, values[index] ?? ''])));
    this.schedule(() => this.process(job, 0, context));
  }

  private checkColumn(object: ObjectDef, column: string, job: IngestJob): string | undefined {
    const [head, tail] = column.split('.', 2);
    if (tail !== undefined) {
      const reference = [...object.fields.values()].find(
        (field) => field.relationshipName?.toLowerCase() === head?.toLowerCase(),
      );
      const target = reference?.referenceTo?.[0] ? this.store.schema.object(reference.referenceTo[0]) : undefined;
      const key = target ? fieldOf(target, tail) : undefined;
      return key && (key.externalId || key.type === 'id')
        ? undefined
        : `InvalidBatch : Field name not found : ${column}`;
    }
    if (column.toLowerCase() === 'id') return undefined;
    if (job.operation === 'delete') return `InvalidBatch : Delete jobs take only an Id column, found ${column}`;
    return fieldOf(object, column) ? undefined : `InvalidBatch : Field name not found : ${column}`;
  }

  private toInput(row: Record<string, string>): Record<string, unknown> {
    const input: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) {
      if (value === '') continue;
      const parsed = value === NULL_MARKER ? null : value;
      const [head, tail] = column.split('.', 2);
      if (tail !== undefined && head) input[head] = { [tail]: parsed };
      else input[column] = parsed;
    }
    return input;
  }

  private process(job: IngestJob, from: number, context: WriteContext): void {
    if (job.state !== 'InProgress') return;
    const slice = job.rows.slice(from, from + SLICE);
    const results = writeEach(
      this.store,
      this.control,
      slice.map((row) => this.toInput(row)),
      (input) => {
        const { Id: id, ...fields } = input;
        switch (job.operation) {
          case 'insert':
            return { id: this.store.insert(job.object, fields, context), created: true };
          case 'update':
            this.store.update(job.object, String(id ?? ''), fields, context);
            return { id: String(id) };
          case 'delete':
            this.store.delete(job.object, String(id ?? ''), context);
            return { id: String(id) };
          default: {
            const externalIdField = job.externalIdFieldName ?? 'Id';
            const key =
              Object.keys(fields).find((name) => name.toLowerCase() === externalIdField.toLowerCase()) ??
              externalIdField;
            return this.store.upsert(job.object, externalIdField, fields[key], fields, context);
          }
        }
      },
      { allOrNone: false },
    );
    results.forEach((result, offset) => {
      job.results[from + offset] = result;
      job.numberRecordsProcessed++;
      if (!result.success) job.numberRecordsFailed++;
    });
    job.systemModstamp = formatDateTime(Date.now());
    if (from + SLICE < job.rows.length) {
      this.schedule(() => this.process(job, from + SLICE, context));
      return;
    }
    job.state = 'JobComplete';
    job.finishedAt = Date.now();
  }

  private info(job: IngestJob): Record<string, unknown> {
    return {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: job.createdById,
      createdDate: job.createdDate,
      systemModstamp: job.systemModstamp,
      state: job.state,
      ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: job.apiVersion,
      jobType: 'V2Ingest',
      contentUrl: `services/data/v${job.apiVersion.toFixed(1)}/jobs/ingest/${job.id}/batches`,
      lineEnding: job.lineEnding,
      columnDelimiter: job.columnDelimiter,
      numberRecordsProcessed: job.numberRecordsProcessed,
      numberRecordsFailed: job.numberRecordsFailed,
      retries: 0,
      totalProcessingTime: job.startedAt ? (job.finishedAt ?? Date.now()) - job.startedAt : 0,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }
}
