/**
 * The OpenAPI 3.1 description of the middleware's API, served at `/api/v1/openapi.json`, generated from the operations'
 * zod schemas (the same ones that validate requests and type the answers). Tests validate every answer they receive
 * against it.
 */
import { z } from 'zod';
import { creditCheckSchema } from '../domain/credit.js';
import { agingBucketsSchema } from '../domain/aging.js';
import { customerFinancialsSchema, invoiceViewSchema } from '../domain/financials.js';
import { provisioningResultSchema } from '../services/customerProvisioning.js';
import { invoiceListSchema } from '../services/financials.js';
import { itemAvailabilitySchema } from '../services/items.js';
import { revenueReconciliationSchema } from '../services/revenue-report.js';
import {
  conflictViewSchema,
  failureActionSchema,
  failureViewSchema,
  flowRunSchema,
  flowViewSchema,
  runViewSchema,
} from '../services/operations.js';
import { orderLedgerViewSchema, orderPushResultSchema } from '../services/orderPush.js';
import { apiOperations, type ApiOptions } from './api.js';
import { healthSchema, readinessSchema } from './app.js';
import { errorEnvelopeSchema } from './errors.js';
import { documentedAs, type ApiOperation, type ErrorStatus } from './routes.js';
import { provisionBody } from './routes/customers.js';
import { pushBody } from './routes/orders.js';
import { conflictListSchema, failureListSchema, flowListSchema, runListSchema } from './routes/sync.js';

type Schema = Record<string, unknown>;

/** The document's names for the bodies it describes; every request and answer body is one of these. */
const components: Record<string, z.ZodType> = {
  Error: errorEnvelopeSchema,
  Aging: agingBucketsSchema,
  Financials: customerFinancialsSchema,
  Invoice: invoiceViewSchema,
  InvoiceList: invoiceListSchema,
  Availability: itemAvailabilitySchema,
  CustomerRequest: provisionBody,
  CustomerResult: provisioningResultSchema,
  CreditCheck: creditCheckSchema,
  OrderRequest: pushBody,
  OrderResult: orderPushResultSchema,
  LedgerEntry: orderLedgerViewSchema,
  Flow: flowViewSchema,
  FlowList: flowListSchema,
  Run: runViewSchema,
  RunList: runListSchema,
  Failure: failureViewSchema,
  FailureList: failureListSchema,
  FailureAction: failureActionSchema,
  Conflict: conflictViewSchema,
  ConflictList: conflictListSchema,
  FlowRun: flowRunSchema,
  RevenueReconciliation: revenueReconciliationSchema,
  Health: healthSchema,
  Readiness: readinessSchema,
};

const errorDescriptions: Record<ErrorStatus, string> = {
  '400': 'The request is invalid; the message names the field',
  '401': 'No API key, or not a valid one',
  '404': 'The customer, item, opportunity or record does not exist',
  '409':
    'The request conflicts with the record’s state (not Closed Won, credit block), or another push of the ' +
    'opportunity is under way (`PUSH_IN_PROGRESS`, with `Retry-After`)',
  '413': 'The body is larger than 100 kB',
  '415': 'The body is not JSON',
  '422': 'Sage 300 or the opportunity’s data refused the request; the message says why',
  '429': 'Too many requests with this API key',
  '500': 'The middleware failed unexpectedly (the detail is logged, never returned)',
  '502': 'Sage 300 or Salesforce answered with an error',
  '503':
    'Sage 300 or Salesforce is not answering (`UPSTREAM_UNAVAILABLE`; `Retry-After` says when to ask again when known), ' +
    'or the store is not ready',
  '504':
    'No answer in time: Sage 300 did not answer within the request’s deadline (`SAGE_TIMEOUT`), did not confirm a ' +
    'change (`ORDER_OUTCOME_UNKNOWN`, verified before any retry), or the request ran past its deadline ' +
    '(`DEADLINE_EXCEEDED`)',
};

/**
 * Adjusts zod's JSON Schema where the document says more plainly: a value parsed from text in the form it is
 * documented in; no pattern beside a `date`/`date-time` format (the format says it); no bounds that only say
 * "a safe JavaScript integer".
 */
function plainer(ctx: { zodSchema: unknown; jsonSchema: Schema }): void {
  const schema = ctx.jsonSchema;
  const documented = documentedAs.get(ctx.zodSchema as z.ZodType);
  if (documented) {
    for (const key of Object.keys(schema)) Reflect.deleteProperty(schema, key);
    Object.assign(schema, documented);
    return;
  }
  if (schema.format === 'date' || schema.format === 'date-time') delete schema.pattern;
  if (schema.type === 'integer') {
    if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
    if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  }
}

const refTo = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** Every named body as a component schema: requests as callers send them, answers as the middleware writes them. */
function componentSchemas(operations: readonly ApiOperation[]): { schemas: Schema; names: Map<z.ZodType, string> } {
  const names = new Map(Object.entries(components).map(([name, schema]) => [schema, name]));
  const requests = new Set(operations.flatMap((op) => (op.request.body ? [op.request.body] : [])));
  const byIo = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
  for (const [schema, id] of names) byIo[requests.has(schema) ? 'input' : 'output'].add(schema, { id });
  const schemas: Schema = {};
  for (const io of ['input', 'output'] as const) {
    const generated = z.toJSONSchema(byIo[io], {
      io,
      uri: (id) => `#/components/schemas/${id}`,
      override: plainer,
    }).schemas;
    for (const [id, { $schema: _draft, $id: _id, ...schema }] of Object.entries(generated)) schemas[id] = schema;
  }
  return { schemas: Object.fromEntries(Object.keys(components).map((name) => [name, schemas[name]])), names };
}

/** The path and query parameters of an operation, one per property of its path and query schemas. */
function parameters(op: ApiOperation): Schema[] {
  return (['path', 'query'] as const).flatMap((part) => {
    const schema = op.request[part];
    if (!schema) return [];
    const object = z.toJSONSchema(schema, { io: 'input', override: plainer }) as {
      properties?: Record<string, Schema>;
      required?: string[];
    };
    return Object.entries(object.properties ?? {}).map(([name, { description, ...property }]) => ({
      name,
      in: part,
      required: part === 'path' || (object.required ?? []).includes(name),
      ...(description === undefined ? {} : { description }),
      schema: property,
    }));
  });
}

/** Every POST passes the JSON body parser first, so any of them refuses a malformed, too large or non-JSON body. */
const bodyRefusals: readonly ErrorStatus[] = ['400', '413', '415'];

/** The error answers of an operation: those it declares, and for a POST those of the body parser. */
function documentedErrors(op: ApiOperation): readonly ErrorStatus[] {
  return op.method === 'post' ? [...new Set([...op.errors, ...bodyRefusals])] : op.errors;
}

const json = (schema: Schema) => ({ 'application/json': { schema } });

/** The OpenAPI operation object of one operation. */
function operationObject(op: ApiOperation, names: Map<z.ZodType, string>): Schema {
  const named = (schema: z.ZodType): Schema => {
    const name = names.get(schema);
    if (!name) throw new Error(`${op.operationId}: give its body schema a name in the OpenAPI components`);
    return refTo(name);
  };
  const responses: Schema = {};
  for (const [status, answer] of Object.entries(op.responses)) {
    const others = status === '200' ? Object.keys(op.alternatives ?? {}) : [];
    responses[status] = {
      description: answer.description,
      content: {
        ...json(named(answer.schema)),
        ...Object.fromEntries(others.map((type) => [type, { schema: { type: 'string' } }])),
      },
    };
  }
  for (const status of documentedErrors(op)) {
    responses[status] = { description: errorDescriptions[status], content: json(refTo('Error')) };
  }
  const parameterList = parameters(op);
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameterList.length > 0 ? { parameters: parameterList } : {}),
    ...(op.request.body ? { requestBody: { required: true, content: json(named(op.request.body)) } } : {}),
    responses,
  };
}

/** Paths answered outside the operations: the document itself and the service paths with their own server. */
const fixedPaths = {
  '/openapi.json': {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document',
      security: [],
      responses: { '200': { description: 'The OpenAPI document', content: json({ type: 'object' }) } },
    },
  },
  '/healthz': {
    get: {
      operationId: 'getHealth',
      summary: 'Liveness: the process answers (unauthenticated)',
      servers: [{ url: '/' }],
      security: [],
      responses: { '200': { description: 'Alive', content: json(refTo('Health')) } },
    },
  },
  '/readyz': {
    get: {
      operationId: 'getReadiness',
      summary: 'Readiness: the store, Sage 300 and Salesforce answer (unauthenticated; up/down only)',
      servers: [{ url: '/' }],
      security: [],
      responses: {
        '200': { description: 'Ready', content: json(refTo('Readiness')) },
        '503': { description: 'A dependency is down', content: json(refTo('Readiness')) },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics (bearer key required)',
      servers: [{ url: '/' }],
      responses: {
        '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
        '401': { description: errorDescriptions['401'], content: json(refTo('Error')) },
      },
    },
  },
};

/** The OpenAPI document of a list of operations mounted under `/api/v1`. */
export function openApiFor(operations: readonly ApiOperation[]) {
  const { schemas, names } = componentSchemas(operations);
  const paths: Record<string, Record<string, Schema>> = {};
  for (const op of operations) paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op, names) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sage 300 ⇄ Salesforce Connector middleware',
      version: '1.0.0',
      description:
        'Called by Salesforce (Apex through the Named Credential `Sage300_Middleware`) for live Sage 300 data and ' +
        'order creation. Errors are `{ "error": { "code", "message", "details"? } }`, never a stack trace.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'One of the keys in MIDDLEWARE_API_KEYS' },
      },
      schemas,
      responses: {
        MethodNotAllowed: {
          description: 'Any path above, with a method it does not take: `Allow` lists those it takes',
          headers: { Allow: { schema: { type: 'string' }, description: 'e.g. `GET, HEAD, OPTIONS`' } },
          content: json(refTo('Error')),
        },
        Options: {
          description: 'OPTIONS on any path above: no body, `Allow` lists the methods it takes',
          headers: { Allow: { schema: { type: 'string' } } },
        },
      },
    },
    paths: { ...paths, ...fixedPaths } as Record<string, Record<string, Schema>>,
  };
}

/** The OpenAPI document of the API, built with the same options as its router (`apiRouter`). */
export function openApiDocument(options: ApiOptions = {}) {
  return openApiFor(apiOperations(options));
}
