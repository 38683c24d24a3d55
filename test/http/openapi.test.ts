import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { apiOperations, apiRouter, type ApiServices } from '../../middleware/src/http/api.js';
import { openApiDocument } from '../../middleware/src/http/openapi.js';
import { expressPath } from '../../middleware/src/http/routes.js';
import { assertDocumented } from './api-client.js';

/** The router the API mounts; its handlers are never called here. */
const router = apiRouter({} as ApiServices) as unknown as {
  stack: { route?: { path: string; methods: Record<string, boolean> } }[];
};
// Each path also has a catch-all route answering the methods it does not take (405, OPTIONS 204).
const mounted = router.stack.flatMap((layer) =>
  Object.keys(layer.route?.methods ?? {})
    .filter((method) => method !== '_all')
    .map((method) => `${method.toUpperCase()} ${layer.route?.path}`),
);
const documented = Object.entries(openApiDocument.paths).flatMap(([path, operations]) =>
  Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
);
const serviceOperations = ['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /openapi.json'];

const ajv = new Ajv2020({ strict: false });
addFormats.default(ajv);
ajv.addSchema(openApiDocument as unknown as object, 'openapi.json');

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: object;
  description?: string;
}

function parameter(path: string, method: string, name: string): Parameter {
  const operation = openApiDocument.paths[path]?.[method] as { parameters?: Parameter[] } | undefined;
  const found = operation?.parameters?.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`${method} ${path} documents no parameter ${name}`);
  return found;
}

const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

describe('the OpenAPI document', () => {
  it('documents exactly the routes the API mounts, plus the service paths', () => {
    const documentedRoutes = documented
      .filter((operation) => !serviceOperations.includes(operation))
      .map((operation) => operation.replace(/ (.*)$/, (_all, path: string) => ` ${expressPath(path)}`));
    expect(documentedRoutes.sort()).toEqual([...mounted].sort());
    expect(mounted).toHaveLength(apiOperations.length);
  });

  it('is OpenAPI 3.1 whose schemas all compile as JSON Schema 2020-12', () => {
    expect(openApiDocument.openapi).toBe('3.1.0');
    for (const name of Object.keys(openApiDocument.components.schemas)) {
      expect(() => ajv.getSchema(`openapi.json#/components/schemas/${name}`)).not.toThrow();
    }
  });

  it('gives every operation an id, a summary and documented error answers', () => {
    for (const [path, operations] of Object.entries(openApiDocument.paths)) {
      for (const [method, operation] of Object.entries(operations as Record<string, Record<string, unknown>>)) {
        expect([path, method, typeof operation.operationId, typeof operation.summary]).toEqual([
          path,
          method,
          'string',
          'string',
        ]);
        const statuses = Object.keys(operation.responses as object);
        if (path.startsWith('/') && !serviceOperations.includes(`${method.toUpperCase()} ${path}`)) {
          expect(statuses).toEqual(expect.arrayContaining(['401', '429', '500']));
        }
      }
    }
  });

  it('describes each query value by what it stands for, with its bounds and default', () => {
    expect(parameter('/customers/{customerNumber}/invoices', 'get', 'limit')).toEqual({
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    });
    expect(parameter('/sync/failures', 'get', 'status')).toMatchObject({
      required: false,
      schema: { enum: ['active', 'open', 'retrying', 'resolved', 'skipped'], default: 'active' },
    });
    expect(parameter('/customers/{customerNumber}/financials', 'get', 'customerNumber')).toMatchObject({
      in: 'path',
      required: true,
      description: expect.stringContaining('Sage 300 customer number') as string,
      schema: { type: 'string', maxLength: 12 },
    });
  });

  it('accepts exactly the path values the API accepts, since both come from one schema', () => {
    const cases: [path: string, method: string, name: string, value: string, valid: boolean][] = [
      ['/customers/{customerNumber}/financials', 'get', 'customerNumber', '1200', true],
      ['/customers/{customerNumber}/financials', 'get', 'customerNumber', 'acme-01.x_y', true],
      ['/customers/{customerNumber}/financials', 'get', 'customerNumber', 'ABCDEFGHIJKL', true],
      ['/customers/{customerNumber}/financials', 'get', 'customerNumber', 'ABCDEFGHIJKLM', false],
      ['/customers/{customerNumber}/financials', 'get', 'customerNumber', "1200' or 1 eq 1", false],
      ['/customers/{customerNumber}/financials', 'get', 'customerNumber', '-1200', false],
      ['/items/{itemNumber}/availability', 'get', 'itemNumber', 'A1-105/0', true],
      ['/items/{itemNumber}/availability', 'get', 'itemNumber', 'A'.repeat(25), false],
      ['/orders/{opportunityId}', 'get', 'opportunityId', '0065g0000000001AAA', true],
      ['/orders/{opportunityId}', 'get', 'opportunityId', '0065g0000000001', true],
      ['/orders/{opportunityId}', 'get', 'opportunityId', '0015g0000000001AAA', false],
      ['/orders/{opportunityId}', 'get', 'opportunityId', '0065g0000000001AAAA', false],
      ['/sync/failures/{id}/retry', 'post', 'id', '42', true],
      ['/sync/failures/{id}/retry', 'post', 'id', '042', false],
    ];
    const verdicts = cases.map(([path, method, name, value]) => {
      const index = (openApiDocument.paths[path]?.[method] as { parameters: Parameter[] }).parameters.findIndex(
        (candidate) => candidate.name === name,
      );
      const validate = ajv.getSchema(
        `openapi.json#/${pointer('paths', path, method, 'parameters', String(index), 'schema')}`,
      );
      const route = apiOperations.find((op) => op.path === path && op.method === method);
      const parsed = route?.request.path?.safeParse({ [name]: value });
      return [name, value, { document: validate?.(value), api: parsed?.success }];
    });
    expect(verdicts).toEqual(cases.map(([, , name, value, valid]) => [name, value, { document: valid, api: valid }]));
  });

  it('rejects answers that break the document, so the tests that use it can fail', () => {
    expect(() => assertDocumented('GET', '/api/v1/customers/1200/financials', 200, { balance: 'lots' })).toThrow(
      /does not match the document/,
    );
    expect(() => assertDocumented('GET', '/api/v1/customers/1200/financials', 418, {})).toThrow(/not documented/);
    expect(() => assertDocumented('DELETE', '/api/v1/orders', 200, {})).toThrow(/not in the OpenAPI document/);
    expect(() =>
      assertDocumented('POST', '/api/v1/orders', 409, { error: { code: 'NOT_CLOSED_WON', message: 'no' } }),
    ).not.toThrow();
  });
});
