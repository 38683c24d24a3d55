import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import type { Company, InvoiceInput, PaymentInput } from './company.js';
import { SageApiError, invalidPayload, recordNotFound } from './errors.js';
import { FaultInjector } from './faults.js';
import type { FaultDecision, Faults } from './faults.js';
import { asObject, assignFields, mergeDetails } from './payload.js';
import { QueryCache, parseCollectionQuery, parseEntryKey, present } from './query.js';
import type { SageRecord } from './records.js';
import { MODULES, findResource } from './resources.js';
import type { Method, ResourceSpec } from './resources.js';
import { seedCompany } from './seed.js';
import type { SeedOptions } from './seed.js';

export type { Faults } from './faults.js';
export type { SeedOptions } from './seed.js';

const API_PREFIX = '/Sage300WebApi/v1.0/-/';
const CONTROL_PREFIX = '/_sandbox/';
const MAX_BODY_BYTES = 1_000_000;

export interface Sage300SandboxOptions {
  port?: number;
  host?: string;
  /** Rows per GET before `@odata.nextLink` (Sage's default administrator setting is 100). */
  pageSize?: number;
  seed?: SeedOptions;
  user?: string;
  password?: string;
  /** The business clock; a fixed date makes generated data and due dates repeatable. */
  now?: Date | (() => Date);
  /** Pad code columns with trailing spaces as Sage does (default true). */
  padStrings?: boolean;
  /** `legacy` answers with the older `odata.nextLink` / `odata.count` (a string) spellings. */
  odataDialect?: 'v4' | 'legacy';
  /** How long an injected timeout holds the connection before dropping it (default 120 s). */
  hangMs?: number;
  /** Seed of the generator that draws fault probabilities. */
  faultSeed?: number;
}

/** A running sandbox: where it listens, its credentials, its state and the knobs tests turn. */
export interface Sage300Sandbox {
  /** The Web API root up to the tenant segment, e.g. `http://127.0.0.1:4300/Sage300WebApi/v1.0/-`. */
  apiRoot: string;
  origin: string;
  port: number;
  company: string;
  user: string;
  password: string;
  /** The company database, for assertions and direct set-up. */
  state: Company;
  /** Requests per route (`'POST OE/OEOrders'`), counted before auth and faults. */
  counts(): Record<string, number>;
  resetCounts(): void;
  setFaults(route: string, faults: Faults): void;
  clearFaults(): void;
  /** How many requests each fault struck since the faults were last cleared (`status503`, `commitThenTimeout`, …). */
  faultsFired(): Record<string, number>;
  /** Ships and invoices an order (by uniquifier or order number). */
  invoiceOrder(
    reference: number | string,
    options?: { invoiceDate?: string },
  ): { invoice: SageRecord; document: SageRecord };
  /** Applies a payment to a posted document. */
  recordPayment(input: PaymentInput): { payment: SageRecord; document: SageRecord };
  /** Posts an A/R invoice for a customer. */
  postInvoice(input: InvoiceInput): { document: SageRecord };
  close(): Promise<void>;
}

interface SagePath {
  company: string;
  module: string;
  resource: string;
  key?: string;
  extra: boolean;
}

function parseSagePath(pathname: string): SagePath | undefined {
  if (!pathname.toLowerCase().startsWith(API_PREFIX.toLowerCase())) return undefined;
  const segments = pathname.slice(API_PREFIX.length).split('/');
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  const [company = '', module = '', resourceSegment = ''] = decoded;
  const match = /^([A-Za-z$][A-Za-z0-9]*)(?:\(([\s\S]*)\))?$/.exec(resourceSegment);
  const path: SagePath = {
    company,
    module,
    resource: match?.[1] ?? resourceSegment,
    extra: decoded.length > 3 || !match,
  };
  if (match?.[2] !== undefined) path.key = match[2];
  return path;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the Sage 300 Web API sandbox on `port` (0 for a free one) with a seeded SAMINC company. */
export async function startSage300Sandbox(options: Sage300SandboxOptions = {}): Promise<Sage300Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const user = options.user ?? 'WEBAPI';
  const password = options.password ?? 'WEBAPI';
  const pageSize = options.pageSize ?? 100;
  const padStrings = options.padStrings ?? true;
  const legacy = options.odataDialect === 'legacy';
  const hangMs = options.hangMs ?? 120_000;
  const now = options.now;
  const clock = now === undefined ? () => new Date() : typeof now === 'function' ? now : () => now;
  const company = seedCompany(options.seed, clock);
  const faults = new FaultInjector(options.faultSeed);
  const cache = new QueryCache();
  const counts = new Map<string, number>();
  const hanging = new Set<{ timer: NodeJS.Timeout; socket: Socket }>();
  let origin = '';
  let apiRoot = '';

  function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(payload ? { 'Content-Type': 'application/json; odata.metadata=minimal; charset=utf-8' } : {}),
      'OData-Version': '4.0',
      ...headers,
    });
    res.end(payload);
  }

  function sendError(res: ServerResponse, error: SageApiError, headers: Record<string, string> = {}): void {
    sendJson(res, error.status, error.body(), headers);
  }

  /** Holds the connection open without answering, then drops it, as a stalled IIS worker does. */
  function hang(req: IncomingMessage): void {
    const socket = req.socket;
    const entry = {
      socket,
      timer: setTimeout(() => {
        hanging.delete(entry);
        socket.destroy();
      }, hangMs),
    };
    hanging.add(entry);
    socket.once('close', () => {
      clearTimeout(entry.timer);
      hanging.delete(entry);
    });
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw invalidPayload('The request body is too large.');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function parseJson(text: string): unknown {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw invalidPayload('The request body is not valid JSON.');
    }
  }

  function presentRecord(spec: ResourceSpec, record: SageRecord, select?: string[]): SageRecord {
    const keyFields = spec.table(company).keyFields;
    return present(record, select === undefined ? { keyFields, padStrings } : { select, keyFields, padStrings });
  }

  function listCollection(spec: ResourceSpec, url: URL): unknown {
    const table = spec.table(company);
    const properties = new Set(Object.keys(table.blank()));
    const query = parseCollectionQuery(url.searchParams, properties);
    const rows = cache.rows(spec.name, table, query.filter, properties);
    const limit = query.top ?? Number.POSITIVE_INFINITY;
    const take = Math.min(limit, pageSize);
    const page = rows.slice(query.skip, query.skip + take);
    const more = query.skip + take < rows.length && limit > pageSize;
    const selectPart = query.select ? `(${query.select.join(',')})` : '';
    const context = `${apiRoot}/${company.id}/${spec.module}/$metadata#${spec.name}${selectPart}`;
    const body: Record<string, unknown> = { [legacy ? 'odata.metadata' : '@odata.context']: context };
    if (query.count) body[legacy ? 'odata.count' : '@odata.count'] = legacy ? String(rows.length) : rows.length;
    body.value = page.map((row) => presentRecord(spec, row, query.select));
    if (more) {
      const next = new URL(url.toString());
      next.searchParams.set('$skip', String(query.skip + pageSize));
      if (query.top !== undefined) next.searchParams.set('$top', String(query.top - pageSize));
      body[legacy ? 'odata.nextLink' : '@odata.nextLink'] = `${origin}${next.pathname}${next.search}`;
    }
    return body;
  }

  function normaliseKeys(spec: ResourceSpec, record: SageRecord): void {
    for (const field of spec.table(company).keyFields) {
      const value = record[field];
      if (typeof value !== 'string') continue;
      const trimmed = value.trim();
      if (trimmed === '') throw new SageApiError(409, 'RecordInvalid', `${field} cannot be blank.`);
      const max = spec.keyLengths?.[field];
      if (max !== undefined && trimmed.length > max) {
        throw new SageApiError(409, 'RecordInvalid', `${field} cannot exceed ${max} characters.`);
      }
      record[field] = spec.upperCaseKeys ? trimmed.toUpperCase() : trimmed;
    }
  }

  function stripUpdateOperations(spec: ResourceSpec, record: SageRecord): void {
    for (const name of Object.keys(spec.details ?? {})) {
      const rows = record[name];
      if (Array.isArray(rows)) {
        record[name] = rows.map((row: SageRecord) => {
          const { UpdateOperation: _ignored, ...rest } = row;
          return rest;
        });
      }
    }
  }

  function createRecord(spec: ResourceSpec, body: unknown): SageRecord {
    if (spec.name === 'OEOrders') return company.createOrder(asObject(body, spec.name));
    const table = spec.table(company);
    const blank = table.blank();
    const record = table.blank();
    for (const field of table.keyFields) {
      if (!(field in asObject(body, spec.name)))
        throw new SageApiError(409, 'RecordInvalid', `${field} cannot be blank.`);
    }
    assignFields(spec.name, record, asObject(body, spec.name), blank, new Set(spec.computed ?? []));
    normaliseKeys(spec, record);
    if (table.get(table.keyFields.map((field) => record[field]))) {
      throw new SageApiError(409, 'RecordDuplicate', `The record already exists.`);
    }
    stripUpdateOperations(spec, record);
    if ('DateLastMaintained' in blank) company.touch(record);
    spec.prepare?.(company, record, 'create');
    return table.put(record);
  }

  function changeRecord(spec: ResourceSpec, existing: SageRecord, body: unknown, mode: 'update' | 'replace'): void {
    const table = spec.table(company);
    const input = asObject(body, spec.name);
    for (const field of table.keyFields) {
      if (field in input && String(input[field]).trim().toUpperCase() !== String(existing[field]).toUpperCase()) {
        throw invalidPayload(`The key field ${field} cannot be changed.`);
      }
    }
    const computed = new Set([...(spec.computed ?? []), ...table.keyFields]);
    const blank = table.blank();
    let record: SageRecord;
    if (mode === 'update') {
      record = structuredClone(existing);
      const details = spec.details ?? {};
      const plain: SageRecord = {};
      for (const [name, value] of Object.entries(input)) {
        if (name in details && Array.isArray(value)) {
          record[name] = mergeDetails(spec.name, record[name], value, details[name] as string);
        } else {
          plain[name] = value;
        }
      }
      assignFields(spec.name, record, plain, blank, computed);
    } else {
      // PUT replaces the whole record: detail rows the body leaves out are deleted.
      record = table.blank();
      for (const field of [...table.keyFields, ...(spec.computed ?? [])]) record[field] = existing[field];
      assignFields(spec.name, record, input, blank, computed);
      stripUpdateOperations(spec, record);
    }
    if ('DateLastMaintained' in blank) company.touch(record);
    spec.prepare?.(company, record, mode);
    table.put(record);
  }

  async function handleSage(req: IncomingMessage, res: ServerResponse, url: URL, path: SagePath): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const route = `${method} ${path.module}/${path.resource}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
    const decision: FaultDecision = faults.decide(route);
    if (decision.delayMs > 0) await pause(decision.delayMs);
    const retryHeaders: Record<string, string> =
      decision.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(decision.retryAfterSeconds) };
    switch (decision.failure) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'timeout':
        hang(req);
        return;
      case 'status503':
        res.writeHead(503, { 'Content-Type': 'text/html', ...retryHeaders });
        res.end(
          '<html><body><h1>Service Unavailable</h1><p>HTTP Error 503. The service is unavailable.</p></body></html>',
        );
        return;
      case 'status429':
        sendError(res, new SageApiError(429, 'TooManyRequests', 'Too many requests. Try again later.'), retryHeaders);
        return;
    }

    const auth = req.headers.authorization ?? '';
    const credentials = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    const colon = credentials.indexOf(':');
    if (
      colon < 0 ||
      !sameSecret(credentials.slice(0, colon).toUpperCase(), user.toUpperCase()) ||
      !sameSecret(credentials.slice(colon + 1), password)
    ) {
      sendError(res, new SageApiError(401, 'Unauthorized', 'Invalid user name or password.'), {
        'WWW-Authenticate': 'Basic realm="Sage300WebApi"',
      });
      return;
    }
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      sendError(
        res,
        new SageApiError(500, 'InternalServerError', 'The request content type must be application/json.'),
      );
      return;
    }
    // Sage signs the user on to the company named in the path; an unknown company fails that sign-on.
    if (path.company.toUpperCase() !== company.id) {
      sendError(res, new SageApiError(401, 'Unauthorized', `Cannot sign on to company ${path.company}.`));
      return;
    }
    const spec = MODULES.has(path.module) && !path.extra ? findResource(path.module, path.resource) : undefined;
    if (!spec) {
      sendError(
        res,
        new SageApiError(404, 'ResourceNotFound', `The resource ${path.module}/${path.resource} cannot be found.`),
      );
      return;
    }
    if (!spec.methods.includes(method as Method)) {
      sendError(
        res,
        new SageApiError(405, 'MethodNotAllowed', `The method ${method} is not allowed on ${spec.name}.`),
        {
          Allow: spec.methods.join(', '),
        },
      );
      return;
    }

    const body = parseJson(await readBody(req));
    const table = spec.table(company);
    if (path.key === undefined) {
      if (method === 'GET') {
        sendJson(res, 200, listCollection(spec, url));
        return;
      }
      if (method !== 'POST') throw new SageApiError(405, 'MethodNotAllowed', `${method} needs an entry key.`);
      const created = createRecord(spec, body);
      if (decision.commitThenTimeout) {
        hang(req);
        return;
      }
      const location = table.keyFields.map((field) => created[field]);
      sendJson(res, 201, presentRecord(spec, created), {
        Location: `${apiRoot}/${company.id}/${spec.module}/${spec.name}(${location
          .map((value) => (typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`))
          .join(',')})`,
      });
      return;
    }

    if (path.key === "'$template'") {
      if (method !== 'POST') throw new SageApiError(405, 'MethodNotAllowed', 'Templates are read with POST.');
      sendJson(res, 200, table.blank());
      return;
    }
    const keyValues = parseEntryKey(path.key, table.keyFields, table.blank());
    const existing = table.get(keyValues);
    if (!existing) throw recordNotFound(`${spec.name}(${path.key})`);
    switch (method) {
      case 'GET': {
        const select = url.searchParams.get('$select');
        const fields = select === null ? undefined : select.split(',').map((name) => name.trim());
        const properties = new Set(Object.keys(table.blank()));
        for (const name of fields ?? []) {
          if (!properties.has(name))
            throw new SageApiError(400, 'InvalidParameters', `Could not find a property named '${name}'.`);
        }
        sendJson(res, 200, presentRecord(spec, existing, fields));
        return;
      }
      case 'PATCH':
      case 'PUT':
        changeRecord(spec, existing, body, method === 'PATCH' ? 'update' : 'replace');
        if (decision.commitThenTimeout) {
          hang(req);
          return;
        }
        sendJson(res, 204, undefined);
        return;
      case 'DELETE':
        spec.beforeDelete?.(company, existing);
        table.delete(existing);
        sendJson(res, 204, undefined);
        return;
      default:
        throw new SageApiError(405, 'MethodNotAllowed', `The method ${method} is not allowed on an entry.`);
    }
  }

  /** Notices the middleware sent to this sandbox's local sink (embedded mode), oldest first. */
  const notices: { receivedAt: string; timestamp: string | null; signature: string | null; body: unknown }[] = [];

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const route = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
    const body = parseJson(await readBody(req)) ?? {};
    const input = asObject(body, 'control request');
    if (route === 'health' && method === 'GET') {
      sendJson(res, 200, {
        status: 'ok',
        company: company.id,
        customers: company.customers.size,
        postedDocuments: company.postedDocuments.size,
      });
      return;
    }
    if (route === 'notices') {
      if (method === 'GET') return sendJson(res, 200, { notices });
      if (method === 'DELETE') {
        notices.length = 0;
        return sendJson(res, 204, undefined);
      }
      if (method === 'POST') {
        const header = (name: string) => (typeof req.headers[name] === 'string' ? req.headers[name] : null);
        notices.push({
          receivedAt: new Date().toISOString(),
          timestamp: header('x-timestamp'),
          signature: header('x-signature'),
          body: input,
        });
        if (notices.length > 500) notices.shift();
        return sendJson(res, 200, { ok: true });
      }
    }
    if (route === 'counts') {
      if (method === 'GET') return sendJson(res, 200, Object.fromEntries(counts));
      if (method === 'DELETE') {
        counts.clear();
        return sendJson(res, 204, undefined);
      }
    }
    if (route === 'faults') {
      if (method === 'GET') return sendJson(res, 200, faults.list());
      if (method === 'DELETE') {
        faults.clear();
        return sendJson(res, 204, undefined);
      }
      if (method === 'PUT' || method === 'POST') {
        if (typeof input.route !== 'string' || typeof input.faults !== 'object' || input.faults === null) {
          throw new SageApiError(400, 'InvalidParameters', 'Send { "route": "POST OE/OEOrders", "faults": { … } }.');
        }
        try {
          faults.set(input.route, input.faults as Faults);
        } catch (error) {
          throw new SageApiError(400, 'InvalidParameters', (error as Error).message);
        }
        return sendJson(res, 200, faults.list());
      }
    }
    const invoice = /^orders\/([^/]+)\/invoice$/.exec(route);
    if (invoice && method === 'POST') {
      const reference = decodeURIComponent(invoice[1] as string);
      if (input.invoiceDate !== undefined && typeof input.invoiceDate !== 'string') {
        throw new SageApiError(400, 'InvalidParameters', 'invoiceDate must be an ISO date string.');
      }
      const result = company.invoiceOrder(
        /^\d+$/.test(reference) ? Number(reference) : reference,
        input.invoiceDate === undefined ? {} : { invoiceDate: input.invoiceDate },
      );
      return sendJson(res, 201, result);
    }
    if (route === 'payments' && method === 'POST') {
      const { customerNumber, documentNumber, amount, paymentDate, checkNumber } = input;
      if (typeof customerNumber !== 'string' || typeof documentNumber !== 'string' || typeof amount !== 'number') {
        throw new SageApiError(
          400,
          'InvalidParameters',
          'customerNumber, documentNumber (strings) and amount (number) are required.',
        );
      }
      if (
        (paymentDate !== undefined && typeof paymentDate !== 'string') ||
        (checkNumber !== undefined && typeof checkNumber !== 'string')
      ) {
        throw new SageApiError(400, 'InvalidParameters', 'paymentDate and checkNumber must be strings.');
      }
      const payment: PaymentInput = { customerNumber, documentNumber, amount };
      if (paymentDate !== undefined) payment.paymentDate = paymentDate;
      if (checkNumber !== undefined) payment.checkNumber = checkNumber;
      return sendJson(res, 201, company.recordPayment(payment));
    }
    if (route === 'invoices' && method === 'POST') {
      const { customerNumber, amount, documentNumber, documentDate } = input;
      if (typeof customerNumber !== 'string' || typeof amount !== 'number') {
        throw new SageApiError(400, 'InvalidParameters', 'customerNumber (string) and amount (number) are required.');
      }
      if (
        (documentNumber !== undefined && typeof documentNumber !== 'string') ||
        (documentDate !== undefined && typeof documentDate !== 'string')
      ) {
        throw new SageApiError(400, 'InvalidParameters', 'documentNumber and documentDate must be strings.');
      }
      const invoiceInput: InvoiceInput = { customerNumber, amount };
      if (documentNumber !== undefined) invoiceInput.documentNumber = documentNumber;
      if (documentDate !== undefined) invoiceInput.documentDate = documentDate;
      return sendJson(res, 201, company.postInvoice(invoiceInput));
    }
    throw new SageApiError(
      404,
      'ResourceNotFound',
      `No sandbox control ${method} /${CONTROL_PREFIX.slice(1)}${route}.`,
    );
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin || 'http://localhost');
    const work = url.pathname.startsWith(CONTROL_PREFIX)
      ? handleControl(req, res, url)
      : (() => {
          const path = parseSagePath(url.pathname);
          if (!path) {
            return Promise.resolve(
              sendError(
                res,
                new SageApiError(404, 'ResourceNotFound', `The resource ${url.pathname} cannot be found.`),
              ),
            );
          }
          return handleSage(req, res, url, path);
        })();
    work.catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof SageApiError) {
        sendError(res, error);
      } else {
        sendError(res, new SageApiError(500, 'InternalServerError', 'An unexpected error occurred.'));
      }
    });
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  apiRoot = `${origin}${API_PREFIX.slice(0, -1)}`;

  return {
    apiRoot,
    origin,
    port,
    company: company.id,
    user,
    password,
    state: company,
    counts: () => Object.fromEntries(counts),
    resetCounts: () => counts.clear(),
    setFaults: (route, value) => faults.set(route, value),
    clearFaults: () => faults.clear(),
    faultsFired: () => faults.firedCounts(),
    invoiceOrder: (reference, invoiceOptions) => company.invoiceOrder(reference, invoiceOptions),
    recordPayment: (input) => company.recordPayment(input),
    postInvoice: (input) => company.postInvoice(input),
    close: async () => {
      for (const entry of hanging) clearTimeout(entry.timer);
      hanging.clear();
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
