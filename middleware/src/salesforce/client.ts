import { Connection } from 'jsforce';
import type { SalesforceSettings } from '../config/env.js';
import { ConnectorError } from '../domain/errors.js';
import { RefreshBudget, requestAccessToken } from './auth.js';
import { classifySalesforceError } from './errors.js';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from '../domain/retry.js';
import { writeRecords, type SObjectInput, type WriteOperation, type WriteResult } from './writer.js';

/**
 * The middleware's Salesforce client: a jsforce Connection pinned to the configured API version, authenticated by
 * client credentials or JWT bearer, that renews its token on INVALID_SESSION_ID (a bounded number of times), retries
 * transient failures with backoff, pages through queries, and writes in Collections or Bulk API 2.0 with one result
 * per record. Every error that leaves it is a ConnectorError.
 */
export interface SalesforceClientOptions {
  /** Above this many records, upserts and updates go through one Bulk API 2.0 job (default 2,000). */
  bulkThreshold?: number;
  /** The wait before a Bulk API job's first status check (default 250 ms); each next wait doubles. */
  bulkFirstPollMs?: number;
  /** The longest wait between a Bulk API job's status checks (default 2 s). */
  bulkPollIntervalMs?: number;
  /** How long a Bulk API job may take before the write is reported in doubt (default 10 min). */
  bulkPollTimeoutMs?: number;
  /** Retries of transient failures: per request, and per record refused as locked (within the same attempts). */
  retry?: Partial<RetryPolicy>;
  /** Token renewals allowed per minute before INVALID_SESSION_ID is treated as permanent (default 3). */
  maxTokenRefreshesPerMinute?: number;
}

export interface WriteOptions {
  /** All records of a collection succeed or none do (per request of 200; never through Bulk). */
  allOrNone?: boolean;
  /** Overrides the client's Bulk API threshold for this call. */
  bulkThreshold?: number;
}

/** Daily API requests used and allowed, from the last `Sforce-Limit-Info` header. */
export interface ApiUsage {
  used: number;
  max: number;
}

/** One page of query results. */
export interface QueryPage<T> {
  records: T[];
  totalSize: number;
  done: boolean;
}

/** A query's records, page by page or one by one; `all()` collects them. */
export interface RecordQuery<T> extends AsyncIterable<T> {
  pages(): AsyncIterable<QueryPage<T>>;
  all(): Promise<T[]>;
}

export interface QueryOptions {
  /** Also read the recycle bin (`/queryAll`): deleted records, and merged ones with their `MasterRecordId`. */
  includeDeleted?: boolean;
}

export interface SalesforceClient {
  readonly connection: Connection;
  readonly apiVersion: string;
  /** Logs in now (otherwise the first call does). */
  authorize(): Promise<void>;
  /**
   * Runs a SOQL query and follows `nextRecordsUrl` through every page. Build the text with `soql.ts`. With
   * `includeDeleted` it asks `/queryAll`, which also answers deleted and merged records (`IsDeleted = true`).
   */
  query<T = Record<string, unknown>>(soql: string, options?: QueryOptions): RecordQuery<T>;
  /** Collects every record of a query. */
  queryAll<T = Record<string, unknown>>(soql: string, options?: QueryOptions): Promise<T[]>;
  /** The Id of the user the connector acts as (logs in first when it has not yet). */
  integrationUserId(): Promise<string | undefined>;
  /** Upserts by an external id field; one result per record, in input order. */
  upsert(
    objectType: string,
    externalIdField: string,
    records: readonly SObjectInput[],
    options?: WriteOptions,
  ): Promise<WriteResult[]>;
  /** Updates records by `Id`; one result per record, in input order. */
  update(objectType: string, records: readonly SObjectInput[], options?: WriteOptions): Promise<WriteResult[]>;
  /** Creates records (always through Collections, so each result maps to its input); one result per record. */
  create(objectType: string, records: readonly SObjectInput[], options?: WriteOptions): Promise<WriteResult[]>;
  /** API usage from the last response, if any response carried it. */
  limits(): ApiUsage | undefined;
  /** Asks Salesforce for the daily API allowance now (one API request). */
  fetchLimits(): Promise<ApiUsage>;
}

/** The client's policy unless configured otherwise: one attempt fewer than Sage's, as each counts against the daily API allowance. */
export const SALESFORCE_RETRY_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, attempts: 4 };

/** The default wait before a Bulk API job's first status check. */
export const BULK_FIRST_POLL_MS = 250;

/** Retries are this client's job (one policy, one place); jsforce's own GET retries would multiply them. */
const NO_JSFORCE_RETRIES = { retry: { maxRetries: 0 } };

interface RawPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

/** Removes jsforce's `attributes` envelopes from a query record and its related records. */
function plainRecord(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainRecord);
  if (!value || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key !== 'attributes') result[key] = plainRecord(inner);
  }
  return result;
}

/** Creates a client for the given org; it logs in lazily on the first call. */
export function createSalesforceClient(
  settings: SalesforceSettings,
  options: SalesforceClientOptions = {},
): SalesforceClient {
  const retry: RetryPolicy = { ...SALESFORCE_RETRY_POLICY, ...options.retry };
  const budget = new RefreshBudget(options.maxTokenRefreshesPerMinute ?? 3);
  const oauth2 = {
    loginUrl: settings.loginUrl,
    clientId: settings.auth.clientId,
    ...(settings.auth.kind === 'client_credentials' ? { clientSecret: settings.auth.clientSecret } : {}),
    redirectUri: `${settings.loginUrl}/services/oauth2/success`,
  };
  // The user the connector's tokens act as: records it last modified carry this Id in LastModifiedById.
  let integrationUser: string | undefined;
  const rememberUser = (userId: string | undefined) => {
    integrationUser = userId;
  };
  const connection: Connection = new Connection({
    loginUrl: settings.loginUrl,
    version: settings.apiVersion,
    oauth2,
    refreshFn: (conn, callback) => {
      if (!budget.take()) {
        callback(
          new Error(
            `INVALID_SESSION_ID persists after ${options.maxTokenRefreshesPerMinute ?? 3} token renewals in a minute`,
          ),
        );
        return;
      }
      requestAccessToken(conn, settings.auth, settings.loginUrl, rememberUser).then(
        (token) => callback(undefined, token),
        (error: unknown) => callback(error as Error),
      );
    },
  });

  let login: Promise<void> | undefined;
  const authorize = (): Promise<void> => {
    login ??= requestAccessToken(connection, settings.auth, settings.loginUrl, rememberUser).then(
      () => undefined,
      (error: unknown) => {
        login = undefined;
        throw error;
      },
    );
    return login;
  };

  /** Sends one API call once; any failure comes back classified. */
  const send = async <T>(work: () => Promise<T>, idempotent: boolean): Promise<T> => {
    await authorize();
    try {
      return await work();
    } catch (error) {
      throw classifySalesforceError(error, { idempotent });
    }
  };

  /** Runs one API call; transient failures are retried under the policy (and the caller's deadline). */
  const run = <T>(work: () => Promise<T>, idempotent: boolean): Promise<T> =>
    withRetries(retry, () => send(work, idempotent));

  const write = (
    operation: WriteOperation,
    objectType: string,
    externalIdField: string | undefined,
    records: readonly SObjectInput[],
    writeOptions: WriteOptions = {},
  ) => {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(objectType)) {
      return Promise.reject(
        new ConnectorError('permanent', `not an sObject name: ${objectType}`, {
          code: 'INVALID_TYPE',
          system: 'connector',
        }),
      );
    }
    return writeRecords(
      connection,
      send,
      {
        operation,
        objectType,
        ...(externalIdField ? { externalIdField } : {}),
        records,
        allOrNone: writeOptions.allOrNone ?? false,
        bulkThreshold: writeOptions.bulkThreshold ?? options.bulkThreshold ?? 2000,
        bulkFirstPollMs: options.bulkFirstPollMs ?? BULK_FIRST_POLL_MS,
        bulkPollIntervalMs: options.bulkPollIntervalMs ?? 2000,
        bulkPollTimeoutMs: options.bulkPollTimeoutMs ?? 600_000,
      },
      retry,
    );
  };

  const query = <T>(soql: string, queryOptions: QueryOptions = {}): RecordQuery<T> => {
    const resource = queryOptions.includeDeleted ? '/queryAll' : '/query';
    async function* pages(): AsyncGenerator<QueryPage<T>> {
      let page = await run(
        () => connection.request<RawPage>(`${resource}?q=${encodeURIComponent(soql)}`, NO_JSFORCE_RETRIES),
        true,
      );
      for (;;) {
        yield {
          records: page.records.map((record) => plainRecord(record) as T),
          totalSize: page.totalSize,
          done: page.done,
        };
        if (page.done || !page.nextRecordsUrl) return;
        const next = page.nextRecordsUrl;
        page = await run(() => connection.request<RawPage>(next, NO_JSFORCE_RETRIES), true);
      }
    }
    return {
      pages,
      async *[Symbol.asyncIterator]() {
        for await (const page of pages()) yield* page.records;
      },
      async all() {
        const records: T[] = [];
        for await (const page of pages()) records.push(...page.records);
        return records;
      },
    };
  };

  return {
    connection,
    apiVersion: settings.apiVersion,
    authorize,
    query,
    queryAll: <T>(soql: string, queryOptions?: QueryOptions) => query<T>(soql, queryOptions).all(),
    async integrationUserId() {
      await authorize();
      return integrationUser;
    },
    upsert: (objectType, externalIdField, records, writeOptions) => {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(externalIdField)) {
        return Promise.reject(
          new ConnectorError('permanent', `not a field name: ${externalIdField}`, {
            code: 'INVALID_FIELD',
            system: 'connector',
          }),
        );
      }
      return write('upsert', objectType, externalIdField, records, writeOptions);
    },
    update: (objectType, records, writeOptions) => write('update', objectType, undefined, records, writeOptions),
    create: (objectType, records, writeOptions) => write('create', objectType, undefined, records, writeOptions),
    limits: () => {
      const usage = connection.limitInfo.apiUsage;
      return usage ? { used: usage.used, max: usage.limit } : undefined;
    },
    fetchLimits: async () => {
      const answer = await run(
        () =>
          connection.request<{ DailyApiRequests: { Max: number; Remaining: number } }>('/limits', NO_JSFORCE_RETRIES),
        true,
      );
      return {
        used: answer.DailyApiRequests.Max - answer.DailyApiRequests.Remaining,
        max: answer.DailyApiRequests.Max,
      };
    },
  };
}
