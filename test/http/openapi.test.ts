import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { apiOperations as operationsFor, apiRouter, type ApiServices } from '../../middleware/src/http/api.js';
import { openApiDocument as documentFor } from '../../middleware/src/http/openapi.js';
import { expressPath } from '../../middleware/src/http/routes.js';
import { assertDocumented } from './api-client.js';

/** A process's flows, as the composition hands them to the API (test names: the document lists whatever it is given). */
const flowNames = ['customers', 'ledgerEntries'];
const apiOperations = operationsFor({ flowNames });
const openApiDocument = documentFor({ flowNames });
/** The API and its document built without the flows' names, as a test that has no sync runtime builds them. */
const withoutNames = { operations: operationsFor(), document: documentFor() };

/** The router the API mounts; its handlers are never called here. */
const router = apiRouter({} as ApiServices, { flowNames }) as unknown as {
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
ajv.addSchema(withoutNames.document as unknown as object, 'without-names.json');

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: object;
  description?: string;
}

function parameter(path: string, method: string, name: string, document = openApiDocument): Parameter {
  const operation = document.paths[path]?.[method] as { parameters?: Parameter[] } | undefined;
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

  it('lists the flows it is given as the values of every flow parameter, with order write-backs for failures', () => {
    expect(parameter('/sync/flows/{flow}/run', 'post', 'flow')).toMatchObject({
      in: 'path',
      required: true,
      schema: { type: 'string', enum: flowNames },
    });
    expect(parameter('/sync/runs', 'get', 'flow').schema).toEqual({
      type: 'string',
      enum: flowNames,
    });
    expect(parameter('/sync/failures', 'get', 'flow').schema).toEqual({
      type: 'string',
      enum: [...flowNames, 'order-write-back', 'notices'],
    });
    // Every flow it names is valid, so the API has nothing left to refuse as unknown.
    expect(Object.keys(openApiDocument.paths['/sync/flows/{flow}/run']?.post?.responses as object)).not.toContain(
      '404',
    );
  });

  it('checks a flow name against the form of flow names when given none, and documents the 404 for unknown ones', () => {
    const run = parameter('/sync/flows/{flow}/run', 'post', 'flow', withoutNames.document);
    expect(run.schema).toEqual({ type: 'string', pattern: expect.any(String) as string });
    expect(Object.keys(withoutNames.document.paths['/sync/flows/{flow}/run']?.post?.responses as object)).toContain(
      '404',
    );
  });

  it('accepts exactly the flow names the API accepts, with and without the flows given', () => {
    const cases: [document: string, value: string, valid: boolean][] = [
      ['openapi.json', 'customers', true],
      ['openapi.json', 'ledgerEntries', true],
      ['openapi.json', 'unicorns', false],
      ['openapi.json', 'Customers', false],
      ['without-names.json', 'customers', true],
      ['without-names.json', 'unicorns', true],
      ['without-names.json', 'creditAlerts', true],
      ['without-names.json', '../customers', false],
      ['without-names.json', 'Customers', false],
    ];
    const verdicts = cases.map(([document, value]) => {
      const { doc, operations } =
        document === 'openapi.json'
          ? { doc: openApiDocument, operations: apiOperations }
          : { doc: withoutNames.document, operations: withoutNames.operations };
      const index = (doc.paths['/sync/flows/{flow}/run']?.post as { parameters: Parameter[] }).parameters.findIndex(
        (candidate) => candidate.name === 'flow',
      );
      const validate = ajv.getSchema(
        `${document}#/${pointer('paths', '/sync/flows/{flow}/run', 'post', 'parameters', String(index), 'schema')}`,
      );
      const route = operations.find((op) => op.path === '/sync/flows/{flow}/run' && op.method === 'post');
      const parsed = route?.request.path?.safeParse({ flow: value });
      return [document, value, { document: validate?.(value), api: parsed?.success }];
    });
    expect(verdicts).toEqual(
      cases.map(([document, value, valid]) => [document, value, { document: valid, api: valid }]),
    );
  });

  it('names the flows there are when a flow name is not one of them', () => {
    const route = apiOperations.find((op) => op.path === '/sync/runs');
    const parsed = route?.request.query?.safeParse({ flow: 'unicorns' });
    expect(parsed?.error?.issues[0]?.message).toBe('must be one of the sync flows: customers, ledgerEntries');
    const failures = apiOperations.find((op) => op.path === '/sync/failures');
    expect(failures?.request.query?.safeParse({ flow: 'order-write-back' }).success).toBe(true);
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
