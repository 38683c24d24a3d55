import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { apiRoutes, type ApiServices } from '../../middleware/src/http/api.js';
import { openApiDocument } from '../../middleware/src/http/openapi.js';
import { assertDocumented } from './api-client.js';

/** The routes are read from the same list the API mounts; their handlers are never called here. */
const unused = {} as ApiServices;
const routes = apiRoutes(unused);
const documented = Object.entries(openApiDocument.paths).flatMap(([path, operations]) =>
  Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
);
const serviceOperations = ['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /openapi.json'];

describe('the OpenAPI document', () => {
  it('documents every route of the API', () => {
    for (const route of routes) expect(documented).toContain(`${route.method.toUpperCase()} ${route.path}`);
  });

  it('documents no route the API does not have', () => {
    const mounted = routes.map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(documented.filter((operation) => !serviceOperations.includes(operation)).sort()).toEqual(mounted.sort());
  });

  it('is OpenAPI 3.1 whose schemas all compile as JSON Schema 2020-12', () => {
    expect(openApiDocument.openapi).toBe('3.1.0');
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    ajv.addSchema(openApiDocument as unknown as object, 'openapi.json');
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
