import { builtInFlows } from '../../middleware/src/sync/flows/index.js';
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import { apiClient, exchange } from '../http/api-client.js';
import {
  opportunityIdNamed,
  rotatedKey,
  sageWrites,
  startSystem,
  testKey,
  type ErrorAnswer,
  type System,
} from './harness.js';

let system: System;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system.close();
});

/** Salesforce writes of every kind the sandbox counts. */
function salesforceWrites(): number {
  const counts = system.salesforce.counts();
  return counts.collectionWrite + counts.singleWrite + counts.bulkJob;
}

const routes: [string, string][] = [
  ['GET', '/api/v1/customers/1200/financials'],
  ['GET', '/api/v1/customers/1200/invoices'],
  ['POST', '/api/v1/customers'],
  ['POST', '/api/v1/orders'],
  ['GET', '/api/v1/orders/006000000000001AAA'],
  ['GET', '/api/v1/items/A11030/availability'],
  ['GET', '/api/v1/sync/flows'],
  ['GET', '/api/v1/sync/runs'],
  ['GET', '/api/v1/sync/failures'],
  ['POST', '/api/v1/sync/failures/1/retry'],
  ['POST', '/api/v1/sync/failures/1/skip'],
  ['POST', '/api/v1/sync/flows/customers/run'],
];

describe('authentication', () => {
  it('answers 401 on every API route without a key or with a wrong one, before reading the body', async () => {
    system.sage.resetCounts();
    for (const [method, path] of routes) {
      const missing = await system.api<ErrorAnswer>(method, path, { key: null, body: { opportunityId: 'x' } });
      expect([path, missing.status, missing.body.error.code]).toEqual([path, 401, 'UNAUTHENTICATED']);
      expect(missing.headers['www-authenticate']).toContain('Bearer');
      const wrong = await system.api<ErrorAnswer>(method, path, { key: `${testKey}x` });
      expect([path, wrong.status]).toEqual([path, 401]);
    }
    const huge = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { key: null, rawBody: 'x'.repeat(1_000_000) });
    expect(huge.status).toBe(401);
    expect(system.sage.counts()).toEqual({});
  });

  it('accepts every configured key, so a key can be rotated without downtime', async () => {
    for (const key of [testKey, rotatedKey]) {
      const answer = await system.api('GET', '/api/v1/sync/runs', { key });
      expect(answer.status).toBe(200);
    }
    const notBearer = await system.api('GET', '/api/v1/sync/runs', { key: null, headers: { authorization: testKey } });
    expect(notBearer.status).toBe(401);
  });

  it('serves liveness and readiness without a key and metrics only with one', async () => {
    expect((await system.api('GET', '/healthz', { key: null })).status).toBe(200);
    const ready = await system.api<{ checks: Record<string, string> }>('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ store: 'up', sage300: 'up', salesforce: 'up' });
    expect((await system.api('GET', '/metrics', { key: null })).status).toBe(401);
    const metrics = await system.api<string>('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('connector_http_requests_total{method="GET",route="/readyz",status="200"}');
    expect(metrics.body).toMatch(
      /connector_external_calls_total\{system="sage300",operation="GET AR\/ARCustomerGroups"/,
    );
    expect(metrics.body).toMatch(/connector_external_calls_total\{system="salesforce",operation="limits"/);
    expect(metrics.body).toContain('connector_http_request_duration_seconds_bucket');
  });

  it('serves the OpenAPI document without a key', async () => {
    const answer = await system.api<{ openapi: string }>('GET', '/api/v1/openapi.json', { key: null });
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
  });
});

describe('hostile and malformed requests', () => {
  beforeEach(() => {
    system.sage.resetCounts();
    system.salesforce.resetCounts();
  });

  afterEach(() => {
    expect(sageWrites(system.sage)).toEqual({});
    expect(salesforceWrites()).toBe(0);
  });

  it('answers malformed JSON with 400 and says so', async () => {
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { rawBody: '{"opportunityId": "006' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({ code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' });
  });

  it.each([
    [{ opportunityId: 42 }, 'opportunityId'],
    [{ opportunityId: null }, 'opportunityId'],
    [{ opportunityId: ['006000000000001AAA'] }, 'opportunityId'],
    [{}, 'opportunityId'],
    [{ opportunityId: '006000000000001AAA', extra: true }, 'body'],
    [['006000000000001AAA'], 'body'],
  ])('answers the order body %j with 400 naming %s', async (body, field) => {
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/orders', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.message.startsWith(`${field}:`)).toBe(true);
  });

  it('names the field and what it should look like', async () => {
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/customers', { body: { accountId: '006x' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe(
      'accountId: must be a Salesforce Account id: 15 or 18 letters and digits starting with 001',
    );
  });

  it('refuses a body over 100 kB with 413 and a body that is not JSON with 415', async () => {
    const opportunityId = '006000000000001AAA';
    const big = await system.api<ErrorAnswer>('POST', '/api/v1/orders', {
      body: { opportunityId, padding: 'x'.repeat(1_000_000) },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await system.api<ErrorAnswer>('POST', '/api/v1/orders', {
      rawBody: `opportunityId=${opportunityId}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).toBe(415);
  });

  const hostile = [
    "1200'",
    "1200') or (CustomerNumber ne '",
    '1200%27%20or%201%20eq%201',
    '12%2F00',
    '..%2F..%2Fetc',
    '%C3%A9l%C3%A8ve',
    '%E2%9C%93',
    "1200' OR Name != '",
    '%00',
    'ABCDEFGHIJKLMNOPQ',
  ];

  it.each(hostile)('refuses the customer number %s with 400 before Sage is asked', async (segment) => {
    system.sage.resetCounts();
    for (const route of ['financials', 'invoices']) {
      const answer = await system.api<ErrorAnswer>('GET', `/api/v1/customers/${segment}/${route}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/^customerNumber: must be a Sage customer number/);
    }
    expect(system.sage.counts()).toEqual({});
  });

  it.each(["006' OR Name != '", '006000000000001AA%27', '006%2F000000000001AAA', "006000000000001AAA' --"])(
    'refuses the opportunity id %s with 400 before Salesforce is asked',
    async (segment) => {
      const answer = await system.api<ErrorAnswer>('GET', `/api/v1/orders/${segment}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/^opportunityId: must be a Salesforce Opportunity id/);
      const pushed = await system.api<ErrorAnswer>('POST', '/api/v1/orders', {
        body: { opportunityId: decodeURIComponent(segment) },
      });
      expect(pushed.status).toBe(400);
      expect(system.salesforce.counts().query).toBe(0);
    },
  );

  it('treats an item number with OData syntax as a literal that matches nothing', async () => {
    const answer = await system.api<ErrorAnswer>(
      'GET',
      `/api/v1/items/${encodeURIComponent("A1' or 1 eq 1")}/availability`,
    );
    expect(answer.status).toBe(400);
    const literal = await system.api<ErrorAnswer>('GET', '/api/v1/items/A11030%2F..%2F1/availability');
    expect(literal.status).toBe(404);
    expect(literal.body.error.code).toBe('ITEM_NOT_FOUND');
  });

  it('answers unmatched paths, raw slashes and broken percent-encoding with 4xx envelopes', async () => {
    const headers = { authorization: `Bearer ${testKey}` };
    for (const path of [
      '/api/v1/customers/12/00/financials',
      '/api/v1/customers/%E0%A4%A/financials',
      '/api/v1/nothing',
      "/api/v1/orders/006'/../../x",
    ]) {
      const answer = await exchange(`${system.middleware.url}${path}`, 'GET', headers);
      expect([path, answer.status >= 400 && answer.status < 500]).toEqual([path, true]);
      expect((JSON.parse(answer.text) as ErrorAnswer).error.message.length).toBeGreaterThan(0);
    }
  });

  it.each([
    ['/api/v1/customers/1200/invoices?limit=abc', 'limit: must be a whole number from 1 to 1000'],
    ['/api/v1/customers/1200/invoices?limit=0', 'limit: must be from 1 to 1000'],
    ['/api/v1/customers/1200/invoices?status=closed', 'status: must be open or all'],
    ['/api/v1/customers/1200/invoices?status=open&status=all', 'status: must be open or all'],
    ['/api/v1/customers/1200/financials?fresh=yes', 'fresh: must be true or false'],
    ['/api/v1/customers/1200/financials?%24filter=x', 'query: Unrecognized key: "$filter"'],
    ['/api/v1/sync/failures?status=everything', 'status: must be active, open, retrying, resolved or skipped'],
    ['/api/v1/sync/runs?flow=DROP%20TABLE', `flow: must be one of the sync flows: ${builtInFlows.names.join(', ')}`],
    [
      '/api/v1/sync/failures?flow=orders',
      `flow: must be one of the failure queues: ${[...builtInFlows.names, 'order-write-back', 'notices'].join(', ')}`,
    ],
  ])('answers %s with 400 naming the parameter', async (path, message) => {
    const answer = await system.api<ErrorAnswer>('GET', path);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe(message);
  });

  it('never answers a hostile request with a 5xx', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.blackRockOpen);
    const attempts = [
      system.api('POST', '/api/v1/orders', { rawBody: 'null' }),
      system.api('POST', '/api/v1/orders', { rawBody: '"006"' }),
      system.api('POST', '/api/v1/orders', { rawBody: '{"opportunityId":"006","opportunityId":{}}' }),
      system.api('POST', '/api/v1/orders', { body: { opportunityId, __proto__: { admin: true } } }),
      system.api('POST', '/api/v1/orders', { rawBody: '[' + '['.repeat(5000) + ']'.repeat(5000) + ']' }),
      system.api('POST', '/api/v1/sync/failures/99999999999/retry'),
      system.api('POST', '/api/v1/sync/flows/..%2Fcustomers/run'),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).not.toMatch(/at .+\.(ts|js):\d+/);
    }
  });
});

describe('HTTPS', () => {
  it('serves the API over TLS when TLS_CERT_FILE and TLS_KEY_FILE are set', async () => {
    const secure = await system.replica({
      TLS_CERT_FILE: 'test/http/fixtures/localhost.crt',
      TLS_KEY_FILE: 'test/http/fixtures/localhost.key',
    });
    expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await apiClient(secure.url, testKey)('GET', '/api/v1/sync/runs');
    expect(answer.status).toBe(200);
  });
});

describe('rate limiting', () => {
  it('limits each key separately and answers 429 in the error envelope', async () => {
    const limited = await system.replica({ RATE_LIMIT_PER_MINUTE: '5' });
    const first = apiClient(limited.url, testKey);
    const second = apiClient(limited.url, rotatedKey);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await first('GET', '/api/v1/sync/runs')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await first<ErrorAnswer>('GET', '/api/v1/sync/runs');
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect((await second('GET', '/api/v1/sync/runs')).status).toBe(200);
  });
});
