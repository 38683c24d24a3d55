/**
 * The OpenAPI 3.1 description of the middleware's API, served at `/api/v1/openapi.json`. Schemas are JSON Schema
 * 2020-12; tests validate every answer they receive against them, so this document cannot drift from the code.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });
const money: Schema = { type: 'number' };
const date = nullable('string', { format: 'date' });
const dateTime: Schema = { type: 'string', format: 'date-time' };

const errorStatuses: Record<string, string> = {
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

const json = (schema: Schema) => ({ 'application/json': { schema } });

function responses(ok: Record<string, { description: string; schema: Schema }>, errors: string[]): Schema {
  const result: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(ok)) {
    result[status] = { description: answer.description, content: json(answer.schema) };
  }
  for (const status of errors) {
    result[status] = { description: errorStatuses[status], content: json(ref('Error')) };
  }
  return result;
}

// Any request can run past its deadline (504 DEADLINE_EXCEEDED).
const common = ['401', '429', '500', '504'];
const upstream = ['502', '503'];

const pathParameter = (name: string, description: string, pattern: string, maxLength: number): Schema => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', pattern, maxLength },
});

const customerNumber = pathParameter(
  'customerNumber',
  'The Sage 300 customer number (up to 12 letters, digits, `.`, `_` or `-`)',
  '^[A-Za-z0-9][A-Za-z0-9._-]{0,11}$',
  12,
);
const opportunityId = pathParameter(
  'opportunityId',
  'The Salesforce Opportunity id (15 or 18 characters)',
  '^006[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$',
  18,
);

const schemas: Record<string, Schema> = {
  Error: {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', description: 'Stable, machine-readable: VALIDATION_FAILED, NOT_CLOSED_WON, …' },
          message: { type: 'string', description: 'A sentence a rep or operator can act on' },
          details: { description: 'Fields, Sage’s own code and message, credit figures: depends on the code' },
        },
      },
    },
  },
  Aging: {
    type: 'object',
    additionalProperties: false,
    required: ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'],
    properties: {
      current: money,
      days1to30: money,
      days31to60: money,
      days61to90: money,
      over90: money,
    },
  },
  Financials: {
    type: 'object',
    additionalProperties: false,
    required: [
      'customerNumber',
      'customerName',
      'currency',
      'balance',
      'creditLimit',
      'availableCredit',
      'utilisation',
      'creditStanding',
      'pastDue',
      'aging',
      'onHold',
      'lastPaymentDate',
      'lastPaymentAmount',
      'lastInvoiceDate',
      'openDocuments',
      'asOf',
    ],
    properties: {
      customerNumber: { type: 'string' },
      customerName: nullable('string'),
      currency: nullable('string'),
      balance: money,
      creditLimit: { type: 'number', description: '0 when Sage sets no limit' },
      availableCredit: nullable('number', { description: 'Limit minus balance; null without a limit' }),
      utilisation: nullable('number', { description: 'Balance as a percentage of the limit; null without a limit' }),
      creditStanding: { enum: ['no-limit', 'within-limit', 'approaching-limit', 'over-limit'] },
      pastDue: money,
      aging: ref('Aging'),
      onHold: { type: 'boolean' },
      lastPaymentDate: date,
      lastPaymentAmount: nullable('number'),
      lastInvoiceDate: date,
      openDocuments: { type: 'integer', minimum: 0 },
      asOf: { ...dateTime, description: 'When Sage was read (answers can come from a cache of up to the TTL)' },
    },
  },
  Invoice: {
    type: 'object',
    additionalProperties: false,
    required: [
      'documentNumber',
      'documentType',
      'documentDate',
      'dueDate',
      'amount',
      'balanceDue',
      'currency',
      'status',
      'daysOverdue',
      'orderNumber',
      'poNumber',
      'lastPaymentDate',
    ],
    properties: {
      documentNumber: { type: 'string' },
      documentType: { type: 'string' },
      documentDate: date,
      dueDate: date,
      amount: money,
      balanceDue: money,
      currency: nullable('string'),
      status: { enum: ['Open', 'Partially Paid', 'Paid', 'Overdue', 'Credit'] },
      daysOverdue: { type: 'integer', minimum: 0 },
      orderNumber: nullable('string'),
      poNumber: nullable('string'),
      lastPaymentDate: date,
    },
  },
  InvoiceList: {
    type: 'object',
    additionalProperties: false,
    required: ['customerNumber', 'status', 'invoices', 'truncated'],
    properties: {
      customerNumber: { type: 'string' },
      status: { enum: ['open', 'all'] },
      invoices: { type: 'array', items: ref('Invoice') },
      truncated: { type: 'boolean', description: 'True when more documents exist than `limit`' },
    },
  },
  Availability: {
    type: 'object',
    additionalProperties: false,
    required: [
      'itemNumber',
      'description',
      'active',
      'unitOfMeasure',
      'quantityOnHand',
      'quantityAvailable',
      'quantityOnSalesOrder',
      'quantityOnPurchaseOrder',
      'prices',
      'asOf',
    ],
    properties: {
      itemNumber: { type: 'string' },
      description: nullable('string'),
      active: { type: 'boolean' },
      unitOfMeasure: nullable('string'),
      quantityOnHand: { type: 'number' },
      quantityAvailable: { type: 'number' },
      quantityOnSalesOrder: { type: 'number' },
      quantityOnPurchaseOrder: { type: 'number' },
      prices: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['priceList', 'currency', 'unitPrice'],
          properties: { priceList: { type: 'string' }, currency: { type: 'string' }, unitPrice: money },
        },
      },
      asOf: dateTime,
    },
  },
  CustomerRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['accountId'],
    properties: { accountId: { type: 'string', pattern: '^001[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$' } },
  },
  CustomerResult: {
    type: 'object',
    additionalProperties: false,
    required: ['accountId', 'customerNumber', 'outcome'],
    properties: {
      accountId: { type: 'string' },
      customerNumber: { type: 'string' },
      outcome: {
        enum: ['linked', 'matched', 'created'],
        description: 'linked: the account already named it; matched: an existing Sage customer; created: a new one',
      },
      matchedBy: { enum: ['Name And Postal Code', 'Email'] },
    },
  },
  CreditCheck: {
    type: 'object',
    additionalProperties: false,
    required: [
      'policy',
      'outcome',
      'reasons',
      'message',
      'currency',
      'balance',
      'creditLimit',
      'orderTotal',
      'projectedBalance',
      'availableCredit',
      'onHold',
    ],
    properties: {
      policy: { enum: ['Block', 'Warn', 'Allow'] },
      outcome: { enum: ['passed', 'warned', 'blocked'] },
      reasons: { type: 'array', items: { enum: ['OVER_LIMIT', 'ON_HOLD'] } },
      message: { type: 'string' },
      currency: nullable('string'),
      balance: money,
      creditLimit: money,
      orderTotal: money,
      projectedBalance: money,
      availableCredit: nullable('number'),
      onHold: { type: 'boolean' },
    },
  },
  OrderRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['opportunityId'],
    properties: { opportunityId: { type: 'string', pattern: '^006[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$' } },
  },
  OrderResult: {
    type: 'object',
    additionalProperties: false,
    required: ['opportunityId', 'orderNumber', 'status', 'replayed', 'creditCheck', 'customerNumber', 'pushedAt'],
    properties: {
      opportunityId: { type: 'string' },
      orderNumber: { type: 'string' },
      status: { const: 'Pushed' },
      replayed: { type: 'boolean', description: 'True when the order existed before this request' },
      creditCheck: { oneOf: [ref('CreditCheck'), { type: 'null' }] },
      customerNumber: nullable('string'),
      orderTotal: money,
      pushedAt: dateTime,
      message: {
        type: 'string',
        description: 'Present when the order exists but the opportunity does not show it yet (it is retried)',
      },
    },
  },
  LedgerEntry: {
    type: 'object',
    additionalProperties: false,
    required: [
      'opportunityId',
      'state',
      'writeBack',
      'orderNumber',
      'attempts',
      'lastError',
      'result',
      'createdAt',
      'updatedAt',
    ],
    properties: {
      opportunityId: { type: 'string' },
      state: { enum: ['pending', 'creating', 'in_doubt', 'created', 'failed'] },
      writeBack: {
        enum: ['pending', 'done', null],
        description:
          'For a created order: `pending` until the opportunity shows the order number, status and time (retried in ' +
          'the background, listed under the `order-write-back` failures), then `done`; null before an order exists',
      },
      orderNumber: nullable('string'),
      attempts: { type: 'integer', minimum: 0 },
      lastError: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
          { type: 'null' },
        ],
      },
      result: { oneOf: [ref('OrderResult'), { type: 'null' }] },
      sageOrder: {
        type: ['object', 'null'],
        description: 'The order as Sage 300 has it now (header fields), when it exists',
      },
      createdAt: dateTime,
      updatedAt: dateTime,
    },
  },
  Run: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'flow', 'trigger', 'outcome', 'startedAt', 'finishedAt', 'counts', 'message'],
    properties: {
      id: { type: 'integer' },
      flow: { type: 'string' },
      trigger: { type: 'string' },
      outcome: { enum: ['running', 'succeeded', 'partial', 'failed', 'paused', 'interrupted'] },
      startedAt: dateTime,
      finishedAt: nullable('string', { format: 'date-time' }),
      counts: {
        type: 'object',
        additionalProperties: false,
        required: ['read', 'created', 'updated', 'unchanged', 'failed'],
        properties: {
          read: { type: 'integer' },
          created: { type: 'integer' },
          updated: { type: 'integer' },
          unchanged: { type: 'integer' },
          failed: { type: 'integer' },
        },
      },
      message: nullable('string'),
    },
  },
  RunList: {
    type: 'object',
    additionalProperties: false,
    required: ['runs'],
    properties: { runs: { type: 'array', items: ref('Run') } },
  },
  Failure: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'flow',
      'recordKey',
      'kind',
      'code',
      'message',
      'attempts',
      'status',
      'nextAttemptAt',
      'updatedAt',
    ],
    properties: {
      id: { type: 'integer' },
      flow: { type: 'string' },
      recordKey: { type: 'string' },
      kind: { enum: ['transient', 'quota', 'permanent', 'in-doubt'] },
      code: { type: 'string' },
      message: { type: 'string' },
      attempts: { type: 'integer' },
      status: { enum: ['open', 'retrying', 'resolved', 'skipped'] },
      nextAttemptAt: nullable('string', { format: 'date-time' }),
      createdAt: dateTime,
      updatedAt: dateTime,
    },
  },
  FailureList: {
    type: 'object',
    additionalProperties: false,
    required: ['failures'],
    properties: { failures: { type: 'array', items: ref('Failure') } },
  },
  FailureAction: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'status'],
    properties: { id: { type: 'integer' }, status: { enum: ['open', 'retrying', 'resolved', 'skipped'] } },
  },
  FlowRun: {
    type: 'object',
    additionalProperties: false,
    required: ['flow', 'run'],
    properties: { flow: { type: 'string' }, run: { oneOf: [ref('Run'), { type: 'null' }] } },
  },
  Health: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string' } },
  },
  Readiness: {
    type: 'object',
    additionalProperties: false,
    required: ['status', 'ready', 'checks'],
    properties: {
      status: { enum: ['ready', 'not ready'] },
      ready: { type: 'boolean' },
      checks: { type: 'object', additionalProperties: { enum: ['up', 'down'] } },
    },
  },
};

const limitParameter = (max: number, fallback: number): Schema => ({
  name: 'limit',
  in: 'query',
  required: false,
  schema: { type: 'integer', minimum: 1, maximum: max, default: fallback },
});

const flowParameter: Schema = {
  name: 'flow',
  in: 'query',
  required: false,
  schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' },
};

/** Paths under `/api/v1` (the server URL) and the unauthenticated service paths. */
const paths: Record<string, Schema> = {
  '/customers/{customerNumber}/financials': {
    get: {
      operationId: 'getCustomerFinancials',
      summary: 'A customer’s live balance, credit, aging and last payment',
      description:
        'Read from Sage 300 and kept for the cache TTL (default 60 s); concurrent requests for one customer share ' +
        'one Sage read. `fresh=true` skips the cache.',
      parameters: [
        customerNumber,
        { name: 'fresh', in: 'query', required: false, schema: { enum: ['true', 'false'] } },
      ],
      responses: responses({ '200': { description: 'The figures', schema: ref('Financials') } }, [
        '400',
        '404',
        ...common,
        ...upstream,
      ]),
    },
  },
  '/customers/{customerNumber}/invoices': {
    get: {
      operationId: 'listCustomerInvoices',
      summary: 'A customer’s A/R documents with balance, due date and days overdue, oldest due first',
      parameters: [
        customerNumber,
        { name: 'status', in: 'query', required: false, schema: { enum: ['open', 'all'], default: 'open' } },
        limitParameter(1000, 100),
      ],
      responses: responses({ '200': { description: 'The documents', schema: ref('InvoiceList') } }, [
        '400',
        '404',
        ...common,
        ...upstream,
      ]),
    },
  },
  '/customers': {
    post: {
      operationId: 'provisionCustomer',
      summary: 'Create or match the Sage 300 customer of a Salesforce account; the number is written to the account',
      requestBody: { required: true, content: json(ref('CustomerRequest')) },
      responses: responses(
        {
          '200': {
            description: 'The account was already linked, or matched to an existing customer',
            schema: ref('CustomerResult'),
          },
          '201': { description: 'A new Sage customer was created', schema: ref('CustomerResult') },
        },
        ['400', '404', '413', '415', '422', ...common, ...upstream],
      ),
    },
  },
  '/orders': {
    post: {
      operationId: 'pushOrder',
      summary: 'Push a Closed Won opportunity to Sage 300 as a sales order, at most once',
      description:
        'Reads the opportunity, its lines and account; ensures the customer; checks credit by policy; creates the ' +
        'order once (replays answer the first result with `replayed: true`); writes the order number back.',
      requestBody: { required: true, content: json(ref('OrderRequest')) },
      responses: responses(
        {
          '200': { description: 'The order existed already (replay)', schema: ref('OrderResult') },
          '201': { description: 'The order was created now', schema: ref('OrderResult') },
        },
        ['400', '404', '409', '413', '415', '422', ...common, ...upstream],
      ),
    },
  },
  '/orders/{opportunityId}': {
    get: {
      operationId: 'getOrder',
      summary: 'The ledger entry of an opportunity and its Sage order',
      parameters: [opportunityId],
      responses: responses({ '200': { description: 'The entry', schema: ref('LedgerEntry') } }, [
        '400',
        '404',
        ...common,
        ...upstream,
      ]),
    },
  },
  '/items/{itemNumber}/availability': {
    get: {
      operationId: 'getItemAvailability',
      summary: 'Stock on hand, available and on order, and the item’s price per price list',
      parameters: [
        pathParameter(
          'itemNumber',
          'The Sage 300 item number as formatted in Sage (`A1-105/0`; encode `/` as `%2F`)',
          '^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,23}$',
          24,
        ),
      ],
      responses: responses({ '200': { description: 'Stock and prices', schema: ref('Availability') } }, [
        '400',
        '404',
        ...common,
        ...upstream,
      ]),
    },
  },
  '/sync/runs': {
    get: {
      operationId: 'listRuns',
      summary: 'Recent sync runs with their counts, newest first',
      parameters: [flowParameter, limitParameter(500, 50)],
      responses: responses({ '200': { description: 'The runs', schema: ref('RunList') } }, ['400', ...common]),
    },
  },
  '/sync/failures': {
    get: {
      operationId: 'listFailures',
      summary: 'Records the sync could not write, with their reason',
      parameters: [
        flowParameter,
        {
          name: 'status',
          in: 'query',
          required: false,
          schema: { enum: ['active', 'open', 'retrying', 'resolved', 'skipped'], default: 'active' },
        },
        limitParameter(500, 100),
      ],
      responses: responses({ '200': { description: 'The failures', schema: ref('FailureList') } }, ['400', ...common]),
    },
  },
  '/sync/failures/{id}/retry': {
    post: {
      operationId: 'retryFailure',
      summary: 'Queue a failed record for an immediate retry',
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } },
      ],
      responses: responses({ '200': { description: 'Queued', schema: ref('FailureAction') } }, [
        '400',
        '404',
        '409',
        ...common,
        ...upstream,
      ]),
    },
  },
  '/sync/failures/{id}/skip': {
    post: {
      operationId: 'skipFailure',
      summary: 'Give up on a failed record',
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } },
      ],
      responses: responses({ '200': { description: 'Skipped', schema: ref('FailureAction') } }, [
        '400',
        '404',
        '409',
        ...common,
        ...upstream,
      ]),
    },
  },
  '/sync/flows/{flow}/run': {
    post: {
      operationId: 'runFlow',
      summary: 'Run a sync flow now and answer its run',
      parameters: [
        { name: 'flow', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' } },
      ],
      responses: responses({ '200': { description: 'The run', schema: ref('FlowRun') } }, [
        '400',
        '404',
        '409',
        ...common,
        '503',
      ]),
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document',
      security: [],
      responses: { '200': { description: 'The OpenAPI document', content: json({ type: 'object' }) } },
    },
  },
};

/** Service paths outside `/api/v1`, documented with their own server entry. */
const servicePaths: Record<string, Schema> = {
  '/healthz': {
    get: {
      operationId: 'getHealth',
      summary: 'Liveness: the process answers (unauthenticated)',
      servers: [{ url: '/' }],
      security: [],
      responses: { '200': { description: 'Alive', content: json(ref('Health')) } },
    },
  },
  '/readyz': {
    get: {
      operationId: 'getReadiness',
      summary: 'Readiness: the store, Sage 300 and Salesforce answer (unauthenticated; up/down only)',
      servers: [{ url: '/' }],
      security: [],
      responses: {
        '200': { description: 'Ready', content: json(ref('Readiness')) },
        '503': { description: 'A dependency is down', content: json(ref('Readiness')) },
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
        '401': { description: errorStatuses['401'], content: json(ref('Error')) },
      },
    },
  },
};

/** The OpenAPI document of the API. */
export const openApiDocument = {
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
        content: json(ref('Error')),
      },
      Options: {
        description: 'OPTIONS on any path above: no body, `Allow` lists the methods it takes',
        headers: { Allow: { schema: { type: 'string' } } },
      },
    },
  },
  paths: { ...paths, ...servicePaths },
} as const;
