import { setTimeout as pause } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { TokenIssuer } from './auth.js';
import { OAuthError } from './auth.js';
import type { BulkIngest } from './bulk.js';
import type { RequestKind, SandboxControl } from './control.js';
import { fieldValue } from './formula.js';
import { normaliseId, SANDBOX_ORG_ID } from './ids.js';
import { ApiError, withoutAttributes, writeEach, writeOne, type WriteOperation } from './operations.js';
import { fieldOf, type ObjectDef } from './schema.js';
import { runQuery, type Rendered } from './soql/engine.js';
import { SoqlError } from './soql/parser.js';
import { RecordError, type OrgStore, type WriteContext } from './store.js';
import type { SaveError, SObjectRecord } from './values.js';

/**
 * The HTTP surface of the sandbox: OAuth token endpoint, REST sObjects, sObject Collections, SOQL query with paging,
 * Bulk API 2.0 ingest, limits and identity — with Salesforce's status codes and error arrays.
 */
export interface AppDependencies {
  store: OrgStore;
  control: SandboxControl;
  tokens: TokenIssuer;
  bulk: BulkIngest;
  /** The externally visible base URL (for `instance_url` and identity URLs). */
  baseUrl: () => string;
}

const COLLECTION_LIMIT = 200;
/** Salesforce's limit for a REST request's URI and headers together, in bytes. */
export const REQUEST_LINE_AND_HEADERS_LIMIT = 16_384;
const QUERY_BATCH = 2000;
const CURSOR_LIFETIME_MS = 15 * 60_000;

interface Cursor {
  records: Rendered[];
  totalSize: number;
  expiresAt: number;
}

interface Locals {
  userId: string;
  version: string;
}

/** The request's API kind, for the per-kind counters. */
function kindOf(method: string, path: string): RequestKind {
  if (/^\/jobs\/ingest\/?$/.test(path) && method === 'POST') return 'bulkJob';
  if (path.startsWith('/jobs/')) return 'bulkRequest';
  if (/^\/query(All)?(\/|$)/.test(path)) return 'query';
  if (path.startsWith('/composite/sobjects'))
    return method === 'GET' || (method === 'POST' && /^\/composite\/sobjects\/[^/]+$/.test(path))
      ? 'read'
      : 'collectionWrite';
  if (path === '/limits' || path === '/limits/') return 'limits';
  if (path.endsWith('/describe') || path === '/sobjects' || path === '/sobjects/') return 'describe';
  if (path.startsWith('/sobjects/')) return method === 'GET' ? 'read' : 'singleWrite';
  return 'other';
}

export function createSandboxApp(deps: AppDependencies): express.Express {
  const { store, control, tokens, bulk } = deps;
  const cursors = new Map<string, Cursor>();
  const app = express();
  app.disable('x-powered-by');
  // Salesforce's front end refuses a request whose URI and headers together exceed 16,384 bytes: 414 when the URI alone
  // does, 431 otherwise; either way with no body (the server lets longer requests through to be answered here).
  app.use((req, res, next) => {
    const uri = Buffer.byteLength(req.originalUrl);
    const headers = req.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part) + 2, 0);
    if (uri > REQUEST_LINE_AND_HEADERS_LIMIT) res.status(414).end();
    else if (uri + headers > REQUEST_LINE_AND_HEADERS_LIMIT) res.status(431).end();
    else next();
  });
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ limit: '50mb', type: ['application/json', 'application/*+json'] }));
  app.use(express.text({ limit: '150mb', type: ['text/csv', 'text/plain'] }));

  const context = (res: Response): WriteContext => ({ userId: (res.locals as Locals).userId });
  const version = (res: Response) => (res.locals as Locals).version;

  // OAuth 2.0 token endpoint (client credentials and JWT bearer).
  app.post('/services/oauth2/token', (req, res) => {
    control.count('auth', false);
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    let basic: { id: string; secret: string } | undefined;
    const header = req.get('authorization');
    if (header?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      if (id !== undefined && secret !== undefined)
        basic = { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
    }
    try {
      const { accessToken, userId } = tokens.grant(form, basic);
      res.json({
        access_token: accessToken,
        instance_url: deps.baseUrl(),
        id: `${deps.baseUrl()}/id/${SANDBOX_ORG_ID}/${userId}`,
        token_type: 'Bearer',
        issued_at: String(Date.now()),
        scope: 'api',
        signature: Buffer.from(accessToken).toString('base64'),
      });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      res.status(error.status).json({ error: error.error, error_description: error.message });
    }
  });

  app.post('/services/oauth2/revoke', (req, res) => {
    const token = (req.body as Record<string, string | undefined>).token ?? '';
    tokens.revoke(token);
    res.status(200).end();
  });

  const bearer = (req: Request) => req.get('authorization')?.replace(/^(Bearer|OAuth)\s+/i, '');

  app.get('/id/:org/:user', (req, res) => {
    const userId = tokens.authenticate(bearer(req));
    if (!userId) {
      res.status(403).send('Bad_OAuth_Token');
      return;
    }
    const user = store.get('User', String(req.params.user));
    if (!user) {
      res.status(404).json([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
      return;
    }
    res.json({
      id: `${deps.baseUrl()}/id/${SANDBOX_ORG_ID}/${String(user.Id)}`,
      user_id: user.Id,
      organization_id: SANDBOX_ORG_ID,
      username: user.Username,
      display_name: user.Name,
      email: user.Email,
      active: user.IsActive,
    });
  });

  app.get('/services/data', (_req, res) => {
    res.json(
      ['62.0', '63.0', '64.0', '65.0', '66.0'].map((v) => ({
        label: `v${v}`,
        url: `/services/data/v${v}`,
        version: v,
      })),
    );
  });

  // Every versioned API request: authentication, daily allowance, injected faults, counting.
  app.use('/services/data/:version', async (req: Request, res: Response, next: NextFunction) => {
    const match = /^v(\d{2}\.0)$/.exec(String(req.params.version));
    if (!match?.[1] || Number(match[1]) < 42)
      throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const userId = tokens.authenticate(bearer(req));
    if (!userId) throw new ApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    if (control.latencyMs > 0) await pause(control.latencyMs);
    if (!control.spendDailyRequest()) {
      res.set('Sforce-Limit-Info', control.limitInfo);
      throw new ApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    }
    res.set('Sforce-Limit-Info', control.limitInfo);
    control.count(kindOf(req.method, req.path));
    if (control.strikes('serviceUnavailable'))
      throw new ApiError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable; try again later');
    if (control.strikes('requestLimitExceeded')) {
      throw new ApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.');
    }
    res.locals.userId = userId;
    res.locals.version = match[1];
    next();
  });

  const api = express.Router({ mergeParams: true });
  app.use('/services/data/:version', api);

  api.get('/', (_req, res) => {
    const base = `/services/data/v${version(res)}`;
    res.json({
      sobjects: `${base}/sobjects`,
      query: `${base}/query`,
      limits: `${base}/limits`,
      composite: `${base}/composite`,
      jobs: `${base}/jobs`,
      // As in Salesforce: where the calling user's identity is read (jsforce's identity() follows it).
      identity: `${deps.baseUrl()}/id/${SANDBOX_ORG_ID}/${String(res.locals.userId)}`,
    });
  });

  api.get('/limits', (_req, res) => {
    res.json({
      DailyApiRequests: { Max: control.dailyMax, Remaining: Math.max(0, control.dailyMax - control.dailyUsed) },
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
      DataStorageMB: { Max: 1024, Remaining: 1000 },
    });
  });

  const objectOr404 = (name: string): ObjectDef => {
    const object = store.schema.object(name);
    if (!object) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return object;
  };

  const render = (
    object: ObjectDef,
    record: SObjectRecord,
    fields: string | undefined,
    apiVersion: string,
  ): Rendered => {
    const out: Rendered = {
      attributes: {
        type: object.name,
        url: `/services/data/v${apiVersion}/sobjects/${object.name}/${String(record.Id)}`,
      },
    };
    const names = fields
      ? fields
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean)
      : [...object.fields.values()].map((field) => field.name);
    for (const name of names) {
      const field = fieldOf(object, name);
      if (!field) throw new ApiError(400, 'INVALID_FIELD', `No such column '${name}' on entity '${object.name}'.`);
      out[field.name] = fieldValue(object, record, field);
    }
    return out;
  };

  api.get('/sobjects', (_req, res) => {
    res.json({
      encoding: 'UTF-8',
      maxBatchSize: COLLECTION_LIMIT,
      sobjects: store.schema.all().map((object) => ({
        name: object.name,
        label: object.label,
        keyPrefix: object.keyPrefix,
        custom: object.custom,
        customSetting: false,
        createable: !object.customMetadata,
        updateable: !object.customMetadata,
        queryable: true,
        urls: { sobject: `/services/data/v${version(res)}/sobjects/${object.name}` },
      })),
    });
  });

  api.get('/sobjects/:type/describe', (req, res) => {
    const object = objectOr404(String(req.params.type));
    res.json({
      name: object.name,
      label: object.label,
      keyPrefix: object.keyPrefix,
      custom: object.custom,
      createable: !object.customMetadata,
      updateable: !object.customMetadata,
      queryable: true,
      fields: [...object.fields.values()].map((field) => ({
        name: field.name,
        label: field.label,
        type: field.type,
        custom: field.custom,
        length: field.length ?? 0,
        precision: field.precision ?? 0,
        scale: field.scale ?? 0,
        nillable: !field.required && field.type !== 'boolean' && field.name !== 'Id',
        createable: !field.readOnly && !object.customMetadata,
        updateable: !field.readOnly && !field.createOnly && !object.customMetadata,
        calculated: field.formula !== undefined,
        calculatedFormula: field.formula ?? null,
        autoNumber: field.autoNumberFormat !== undefined,
        externalId: field.externalId ?? false,
        unique: field.unique ?? false,
        caseSensitive: field.caseSensitive ?? false,
        defaultValue: field.type === 'picklist' ? null : (field.defaultValue ?? null),
        restrictedPicklist: field.restrictedPicklist ?? false,
        picklistValues: (field.picklistValues ?? []).map((value) => ({
          value,
          label: value,
          active: true,
          defaultValue: field.defaultValue === value,
        })),
        referenceTo: field.referenceTo ?? [],
        relationshipName: field.relationshipName ?? null,
      })),
      childRelationships: [...object.childRelationships.values()].map((child) => ({
        childSObject: child.childObject,
        field: child.field,
        relationshipName: child.name,
      })),
    });
  });

  api.get('/sobjects/:type', (req, res) => {
    const object = objectOr404(String(req.params.type));
    res.json({
      objectDescribe: { name: object.name, label: object.label, keyPrefix: object.keyPrefix, custom: object.custom },
      recentItems: [],
    });
  });

  api.post('/sobjects/:type', (req, res) => {
    const object = objectOr404(String(req.params.type));
    const id = writeOne(control, () => store.insert(object.name, withoutAttributes(body(req)), context(res)));
    res.status(201).json({ id, success: true, errors: [] });
  });

  api.get('/sobjects/:type/:id', (req, res) => {
    const object = objectOr404(String(req.params.type));
    const record = store.get(object.name, String(req.params.id));
    if (!record) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    res.json(render(object, record, typeof req.query.fields === 'string' ? req.query.fields : undefined, version(res)));
  });

  api.patch('/sobjects/:type/:id', (req, res) => {
    const object = objectOr404(String(req.params.type));
    if (!store.get(object.name, String(req.params.id)))
      throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    writeOne(control, () =>
      store.update(object.name, String(req.params.id), withoutAttributes(body(req)), context(res)),
    );
    res.status(204).end();
  });

  api.delete('/sobjects/:type/:id', (req, res) => {
    const object = objectOr404(String(req.params.type));
    if (!store.get(object.name, String(req.params.id)))
      throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    writeOne(control, () => store.delete(object.name, String(req.params.id), context(res)));
    res.status(204).end();
  });

  api.get('/sobjects/:type/:field/:value', (req, res) => {
    const object = objectOr404(String(req.params.type));
    const field = fieldOf(object, String(req.params.field));
    if (!field?.externalId) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const ids = store.findByField(object, field, String(req.params.value));
    const record = ids.length === 1 && ids[0] ? store.get(object.name, ids[0]) : undefined;
    if (ids.length > 1) {
      res.status(300).json(ids.map((id) => `/services/data/v${version(res)}/sobjects/${object.name}/${id}`));
      return;
    }
    if (!record) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    res.json(render(object, record, typeof req.query.fields === 'string' ? req.query.fields : undefined, version(res)));
  });

  api.patch('/sobjects/:type/:field/:value', (req, res) => {
    const object = objectOr404(String(req.params.type));
    const input = withoutAttributes(body(req));
    const saved = writeOne(control, () => {
      try {
        return store.upsert(object.name, String(req.params.field), String(req.params.value), input, context(res));
      } catch (error) {
        if (error instanceof RecordError && error.errors[0]?.statusCode === 'MULTIPLE_CHOICES')
          throw new ApiError(300, 'MULTIPLE_CHOICES', error.message);
        throw error;
      }
    });
    if (saved.created) res.status(201).json({ id: saved.id, success: true, errors: [], created: true });
    else res.status(204).end();
  });

  // SOQL with paging.
  const answerQuery = (req: Request, res: Response) => {
    const soql = typeof req.query.q === 'string' ? req.query.q : '';
    if (!soql.trim()) throw new ApiError(400, 'MALFORMED_QUERY', 'A query string (q) is required');
    // `/queryAll` also reads the recycle bin (deleted and merged records, `IsDeleted = true`).
    const answer = runQuery(soql, store, version(res), req.path.endsWith('/queryAll'));
    const options = /batchSize=(\d+)/i.exec(req.get('sforce-query-options') ?? '');
    const batch = options?.[1] ? Math.min(QUERY_BATCH, Math.max(200, Number(options[1]))) : QUERY_BATCH;
    sendPage(
      res,
      { records: answer.records, totalSize: answer.totalSize, expiresAt: Date.now() + CURSOR_LIFETIME_MS },
      0,
      batch,
    );
  };

  const sendPage = (res: Response, cursor: Cursor, start: number, batch: number) => {
    const end = start + batch;
    const page = cursor.records.slice(start, end);
    if (end < cursor.records.length) {
      const locator = store.ids.next('01g');
      cursors.set(locator, cursor);
      res.json({
        totalSize: cursor.totalSize,
        done: false,
        nextRecordsUrl: `/services/data/v${version(res)}/query/${locator}-${end}`,
        records: page,
      });
      return;
    }
    res.json({ totalSize: cursor.totalSize, done: true, records: page });
  };

  api.get(['/query', '/queryAll'], answerQuery);

  api.get(['/query/:locator', '/queryAll/:locator'], (req, res) => {
    const match = /^(\w+)-(\d+)$/.exec(String(req.params.locator));
    const cursor = match?.[1] ? cursors.get(match[1]) : undefined;
    if (!match?.[1] || !cursor || cursor.expiresAt < Date.now()) {
      throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    cursors.delete(match[1]);
    const start = Number(match[2]);
    sendPage(res, cursor, start, QUERY_BATCH);
  });

  // sObject Collections.
  const collection = (req: Request): { records: Record<string, unknown>[]; allOrNone: boolean } => {
    const payload = body(req);
    const records = payload.records;
    if (!Array.isArray(records)) throw new ApiError(400, 'JSON_PARSER_ERROR', 'records must be an array');
    if (records.length > COLLECTION_LIMIT) {
      throw new ApiError(
        400,
        'EXCEEDED_ID_LIMIT',
        `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`,
      );
    }
    return { records: records as Record<string, unknown>[], allOrNone: payload.allOrNone === true };
  };

  const typeOf = (record: Record<string, unknown>): string => {
    const attributes = record.attributes as { type?: unknown } | undefined;
    if (typeof attributes?.type !== 'string')
      throw new RecordError([{ statusCode: 'INVALID_TYPE', message: 'Each record needs attributes.type', fields: [] }]);
    return attributes.type;
  };

  /** Answers a Collections request that lists its records in the body, writing each with `write`. */
  const writeCollection = (req: Request, res: Response, write: WriteOperation) => {
    const { records, allOrNone } = collection(req);
    res.json(writeEach(store, control, records, write, { allOrNone }));
  };

  api.post('/composite/sobjects', (req, res) => {
    writeCollection(req, res, (record) => ({
      id: store.insert(typeOf(record), withoutAttributes(record), context(res)),
    }));
  });

  api.patch('/composite/sobjects', (req, res) => {
    writeCollection(req, res, (record) => {
      // Field names are case-insensitive; jsforce sends the key as `id`.
      const given = Object.entries(record).find(([name]) => name.toLowerCase() === 'id')?.[1];
      const id = typeof given === 'string' ? (normaliseId(given) ?? given) : '';
      if (!id)
        throw new RecordError([
          { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: ['Id'] },
        ]);
      const type = typeOf(record);
      if (!store.get(type, id))
        throw new RecordError([{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }]);
      store.update(type, id, withoutAttributes(record), context(res));
      return { id };
    });
  });

  api.delete('/composite/sobjects', (req, res) => {
    const ids = String(req.query.ids ?? '')
      .split(',')
      .filter(Boolean);
    if (ids.length > COLLECTION_LIMIT)
      throw new ApiError(400, 'EXCEEDED_ID_LIMIT', `cannot delete more than ${COLLECTION_LIMIT} records`);
    const allOrNone = req.query.allOrNone === 'true';
    res.json(
      writeEach(
        store,
        control,
        ids.map((id) => ({ Id: id })),
        (record) => {
          const found = store.byId(String(record.Id));
          if (!found)
            throw new RecordError([{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }]);
          store.delete(found.object.name, String(found.record.Id), context(res));
          return { id: String(found.record.Id) };
        },
        { allOrNone },
      ),
    );
  });

  api.patch('/composite/sobjects/:type/:field', (req, res) => {
    const object = objectOr404(String(req.params.type));
    const field = fieldOf(object, String(req.params.field));
    if (!field || (!field.externalId && field.type !== 'id')) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `Provided external ID field does not exist or is not accessible: ${String(req.params.field)}`,
      );
    }
    const { records, allOrNone } = collection(req);
    const keyOf = (record: Record<string, unknown>) => {
      const entry = Object.entries(record).find(([name]) => name.toLowerCase() === field.name.toLowerCase());
      return entry?.[1];
    };
    const seen = new Map<string, number>();
    for (const record of records) {
      const key = keyOf(record);
      if (key === undefined || key === null || key === '') continue;
      const normalised = field.caseSensitive ? String(key) : String(key).toLowerCase();
      seen.set(normalised, (seen.get(normalised) ?? 0) + 1);
    }
    const preFailed = new Map<number, SaveError>();
    records.forEach((record, index) => {
      const key = keyOf(record);
      const normalised = field.caseSensitive ? String(key) : String(key).toLowerCase();
      if ((seen.get(normalised) ?? 0) > 1) {
        preFailed.set(index, {
          statusCode: 'DUPLICATE_EXTERNAL_ID',
          message: `Duplicate external id specified: ${String(key)}`,
          fields: [field.name],
        });
      }
    });
    res.json(
      writeEach(
        store,
        control,
        records,
        (record) => {
          const type = (record.attributes as { type?: string } | undefined)?.type ?? object.name;
          if (type.toLowerCase() !== object.name.toLowerCase()) {
            throw new RecordError([
              { statusCode: 'INVALID_TYPE', message: `Record type ${type} does not match ${object.name}`, fields: [] },
            ]);
          }
          return store.upsert(object.name, field.name, keyOf(record), withoutAttributes(record), context(res));
        },
        { allOrNone, preFailed },
      ),
    );
  });

  const retrieveMany = (res: Response, type: string, ids: string[], fields: string) => {
    const object = objectOr404(type);
    res.json(
      ids.map((id) => {
        const record = store.get(object.name, id);
        return record ? render(object, record, fields, version(res)) : null;
      }),
    );
  };

  api.get('/composite/sobjects/:type', (req, res) => {
    retrieveMany(
      res,
      String(req.params.type),
      String(req.query.ids ?? '')
        .split(',')
        .filter(Boolean),
      String(req.query.fields ?? 'Id'),
    );
  });

  api.post('/composite/sobjects/:type', (req, res) => {
    const payload = body(req) as { ids?: unknown; fields?: unknown };
    const ids = Array.isArray(payload.ids) ? payload.ids.map(String) : [];
    const fields = Array.isArray(payload.fields) ? payload.fields.map(String).join(',') : 'Id';
    retrieveMany(res, String(req.params.type), ids, fields);
  });

  // Bulk API 2.0 ingest.
  api.post('/jobs/ingest', (req, res) => {
    res.json(bulk.create(body(req), context(res), version(res)));
  });
  api.get('/jobs/ingest', (_req, res) => {
    res.json(bulk.list());
  });
  api.get('/jobs/ingest/:id', (req, res) => {
    res.json(bulk.get(String(req.params.id)));
  });
  api.patch('/jobs/ingest/:id', (req, res) => {
    res.json(bulk.setState(String(req.params.id), body(req).state, context(res)));
  });
  api.delete('/jobs/ingest/:id', (req, res) => {
    bulk.delete(String(req.params.id));
    res.status(204).end();
  });
  api.put('/jobs/ingest/:id/batches', (req, res) => {
    if (typeof req.body !== 'string') throw new ApiError(400, 'INVALIDBATCH', 'Upload CSV with Content-Type text/csv');
    bulk.upload(String(req.params.id), req.body);
    res.status(201).end();
  });
  for (const which of ['successfulResults', 'failedResults', 'unprocessedrecords'] as const) {
    api.get(`/jobs/ingest/:id/${which}`, (req, res) => {
      res.type('text/csv').send(bulk.results(String(req.params.id), which));
    });
  }

  api.use((_req, _res) => {
    throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  });

  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof ApiError) {
      res.status(error.status).json(error.errors);
    } else if (error instanceof SoqlError) {
      res.status(400).json([{ message: error.message, errorCode: error.errorCode }]);
    } else if (error instanceof RecordError) {
      res
        .status(400)
        .json(error.errors.map((each) => ({ message: each.message, errorCode: each.statusCode, fields: each.fields })));
    } else if ((error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json([{ message: 'The request body is not valid JSON', errorCode: 'JSON_PARSER_ERROR' }]);
    } else {
      res.status(500).json([{ message: (error as Error).message ?? 'unknown error', errorCode: 'UNKNOWN_EXCEPTION' }]);
    }
  });
  return app;
}

function body(req: Request): Record<string, unknown> {
  const value: unknown = req.body;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
