// The Apex side agrees with the middleware's contract: every field of a wrapper class Apex reads an answer into has a
// counterpart of a compatible type in the response schema of the route it calls, and every answer the Apex tests
// replay (the static resource SageConnectorTestAnswers) is valid for its route and shaped like the middleware's real
// answer on the sandboxes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readApexClasses, resultTypesPassedToTheClient, type ApexClasses } from './apex-wrappers.js';
import { DEFAULT_DIR } from './metadata.js';
import {
  answerValidator,
  hasRoute,
  jsonTypes,
  parseRoute,
  resolveSchema,
  responseSchema,
  type JsonSchema,
} from './middleware-contract.js';
import { opportunityIdNamed, startSystem, type System } from '../e2e/harness.js';
import { SEED_ACCOUNTS, SEED_OPPORTUNITIES } from '../../sandbox/salesforce/seed.js';

/** JSON keys that are Apex reserved words, as SageMiddlewareClient.RESERVED_KEYS renames them: Apex name → JSON key. */
function reservedKeyRenames(): Map<string, string> {
  const source = readFileSync(join(DEFAULT_DIR, 'classes', 'SageMiddlewareClient.cls'), 'utf8');
  const block = /RESERVED_KEYS\s*=\s*new Map<String, String>\{([^}]*)\}/.exec(source)?.[1] ?? '';
  const renames = new Map<string, string>();
  for (const match of block.matchAll(/'(\w+)'\s*=>\s*'(\w+)'/g)) renames.set(match[2] ?? '', match[1] ?? '');
  return renames;
}

interface WrapperContract {
  /** The route whose answer Apex reads into the class, as the OpenAPI document names it. */
  route: string;
  status: number;
  /**
   * Fields Apex fills itself (from Salesforce data or a second call), which the answer does not carry; also where the
   * class appears nested in another answer.
   */
  filledInSalesforce?: string[];
}

/** Each class Apex reads a middleware answer into, and the route it reads. */
const WRAPPERS: Record<string, WrapperContract> = {
  'SageAccountController.AccountFinancials': {
    route: 'GET /customers/{customerNumber}/financials',
    status: 200,
    filledInSalesforce: ['linked', 'message', 'accountName', 'invoices', 'stale', 'staleReason', 'warningThreshold'],
  },
  'SageAccountController.InvoiceList': { route: 'GET /customers/{customerNumber}/invoices', status: 200 },
  'SageItemController.ItemAvailability': {
    route: 'GET /items/{itemNumber}/availability',
    status: 200,
    filledInSalesforce: ['linked', 'message', 'productName', 'stale', 'staleReason'],
  },
  'SageOrderController.PushResult': { route: 'POST /orders', status: 201, filledInSalesforce: ['confirmed'] },
  'SageOrderController.LedgerEntry': { route: 'GET /orders/{opportunityId}', status: 200 },
  'SageSyncConsoleController.FlowList': { route: 'GET /sync/flows', status: 200 },
  'SageSyncConsoleController.RunList': { route: 'GET /sync/runs', status: 200 },
  'SageSyncConsoleController.FailureList': { route: 'GET /sync/failures', status: 200 },
  'SageSyncConsoleController.ConflictList': { route: 'GET /sync/conflicts', status: 200 },
  'SageSyncConsoleController.FlowRun': { route: 'POST /sync/flows/{flow}/run', status: 200 },
  'SageCreateCustomerAction.CustomerResult': { route: 'POST /customers', status: 201 },
  'SageReconciliationController.Reconciliation': {
    route: 'GET /reports/revenue-reconciliation',
    status: 200,
    filledInSalesforce: ['fromMonth', 'toMonth'],
  },
};

/** What JSON types an Apex type can be read from. */
const APEX_SCALARS: Record<string, string[]> = {
  string: ['string'],
  id: ['string'],
  date: ['string'],
  datetime: ['string'],
  decimal: ['number', 'integer'],
  double: ['number', 'integer'],
  integer: ['integer'],
  long: ['integer'],
  boolean: ['boolean'],
};
const FORMATS: Record<string, string> = { date: 'date', datetime: 'date-time' };

/** Compares one Apex class with a schema; answers a list of disagreements, each naming the field. */
function disagreements(
  classes: ApexClasses,
  className: string,
  schema: JsonSchema,
  renames: Map<string, string>,
): string[] {
  const skip = WRAPPERS[className]?.filledInSalesforce ?? [];
  const fields = classes.get(className);
  if (!fields) return [`${className} is not an Apex class of the package`];
  const object = resolveSchema(schema) ?? {};
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const problems: string[] = [];
  for (const field of fields.filter((candidate) => !skip.includes(candidate.name))) {
    const key = renames.get(field.name) ?? field.name;
    const property = properties[key];
    if (!property) {
      problems.push(
        `${className}.${field.name}: the answer has no "${key}" (it has ${Object.keys(properties).join(', ')})`,
      );
      continue;
    }
    problems.push(...typeDisagreements(classes, className, field.name, field.type, property, renames));
  }
  return problems;
}

function typeDisagreements(
  classes: ApexClasses,
  owner: string,
  fieldName: string,
  apexType: string,
  property: JsonSchema,
  renames: Map<string, string>,
): string[] {
  const schema = resolveSchema(property) ?? {};
  const where = `${owner}.${fieldName}`;
  const list = /^List<(.+)>$/i.exec(apexType);
  if (list) {
    if (!jsonTypes(schema).includes('array'))
      return [`${where}: List in Apex, ${jsonTypes(schema).join('|')} in the answer`];
    return typeDisagreements(
      classes,
      owner,
      `${fieldName}[]`,
      list[1] ?? '',
      (schema.items ?? {}) as JsonSchema,
      renames,
    );
  }
  if (apexType.toLowerCase() === 'object') return [];
  const scalar = APEX_SCALARS[apexType.toLowerCase()];
  if (scalar) {
    const types = jsonTypes(schema);
    if (!types.some((type) => scalar.includes(type))) {
      return [`${where}: ${apexType} in Apex, ${types.join('|') || 'any'} in the answer`];
    }
    const format = FORMATS[apexType.toLowerCase()];
    if (format && schema.format !== format) return [`${where}: ${apexType} in Apex, format ${String(schema.format)}`];
    return [];
  }
  const nested = classes.has(`${owner.split('.')[0]}.${apexType}`) ? `${owner.split('.')[0]}.${apexType}` : apexType;
  if (!classes.has(nested)) return [`${where}: Apex type ${apexType} is not a class of the package`];
  if (!jsonTypes(schema).includes('object') && !schema.properties) {
    return [`${where}: ${apexType} in Apex, ${jsonTypes(schema).join('|')} in the answer`];
  }
  return disagreements(classes, nested, schema, renames);
}

describe('Apex wrapper classes and the middleware contract', () => {
  const classes = readApexClasses();
  const renames = reservedKeyRenames();

  it('reads the reserved-word renames from SageMiddlewareClient', () => {
    expect(renames.get('currencyCode')).toBe('currency');
    expect(renames.get('triggeredBy')).toBe('trigger');
  });

  it('knows the route of every class Apex reads an answer into', () => {
    expect(resultTypesPassedToTheClient()).toEqual(Object.keys(WRAPPERS).sort());
  });

  const documented = Object.entries(WRAPPERS).filter(([, contract]) => hasRoute(contract.route));
  it.each(documented)('%s has a counterpart of the same type for every field', (className, contract) => {
    const schema = responseSchema(contract.route, contract.status);
    expect(schema).toBeDefined();
    expect(disagreements(classes, className, schema ?? {}, renames)).toEqual([]);
  });

  it('finds the route of every wrapper in the middleware document', () => {
    const pending = Object.entries(WRAPPERS)
      .filter(([, contract]) => !hasRoute(contract.route))
      .map(([className]) => className);
    expect(pending).toEqual([]);
  });

  it('catches a renamed field and a type that disagrees', () => {
    const renamed: ApexClasses = new Map([
      [
        'Probe.Answer',
        [
          { name: 'balanceDue', type: 'Decimal' },
          { name: 'daysOverdue', type: 'Decimal' },
          { name: 'documentDate', type: 'Datetime' },
        ],
      ],
    ]);
    const invoice = { $ref: '#/components/schemas/Invoice' };
    expect(disagreements(renamed, 'Probe.Answer', invoice, renames)).toEqual([
      'Probe.Answer.documentDate: Datetime in Apex, format date',
    ]);
    const wrong: ApexClasses = new Map([
      [
        'Probe.Answer',
        [
          { name: 'amountDue', type: 'Decimal' },
          { name: 'status', type: 'Integer' },
        ],
      ],
    ]);
    const problems = disagreements(wrong, 'Probe.Answer', invoice, renames);
    expect(problems[0]).toMatch(/^Probe\.Answer\.amountDue: the answer has no "amountDue"/);
    expect(problems[1]).toBe('Probe.Answer.status: Integer in Apex, string in the answer');
  });
});

interface RecordedAnswer {
  route: string;
  status: number;
  body: unknown;
}

const recorded = JSON.parse(
  readFileSync(join(DEFAULT_DIR, 'staticresources', 'SageConnectorTestAnswers.json'), 'utf8'),
) as Record<string, RecordedAnswer>;

/** Where the shape of two answers differs, ignoring keys the schema leaves optional and values that are null. */
function shapeDifferences(
  recordedValue: unknown,
  realValue: unknown,
  schema: JsonSchema | undefined,
  path: string,
): string[] {
  if (recordedValue === null || realValue === null || recordedValue === undefined || realValue === undefined) return [];
  const resolved = resolveSchema(schema) ?? {};
  if (Array.isArray(recordedValue) || Array.isArray(realValue)) {
    if (!Array.isArray(recordedValue) || !Array.isArray(realValue)) return [`${path}: array on one side only`];
    if (recordedValue.length === 0 || realValue.length === 0) return [];
    return shapeDifferences(recordedValue[0], realValue[0], resolved.items as JsonSchema | undefined, `${path}[0]`);
  }
  if (typeof recordedValue !== 'object' || typeof realValue !== 'object') {
    return typeof recordedValue === typeof realValue
      ? []
      : [`${path}: ${typeof recordedValue} here, ${typeof realValue} really`];
  }
  // A free-form object (the Sage order as Sage has it) has no documented keys to agree on, and Apex reads none.
  if (!resolved.properties) return [];
  const mine = recordedValue as Record<string, unknown>;
  const theirs = realValue as Record<string, unknown>;
  const required = new Set((resolved.required ?? []) as string[]);
  const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>;
  const problems: string[] = [];
  for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    if (!(key in mine) || !(key in theirs)) {
      if (required.has(key) || !resolved.properties)
        problems.push(`${path}.${key}: ${key in mine ? 'not in the real answer' : 'missing here'}`);
      continue;
    }
    problems.push(...shapeDifferences(mine[key], theirs[key], properties[key], `${path}.${key}`));
  }
  return problems;
}

describe('the answers the Apex tests replay', () => {
  it.each(Object.entries(recorded))('%s is a valid answer of its route', (_name, answer) => {
    const validate = answerValidator(answer.route, answer.status);
    expect([answer.route, answer.status, validate !== undefined]).toEqual([answer.route, answer.status, true]);
    const valid = validate?.(answer.body);
    expect(valid ? [] : validate?.errors).toEqual([]);
  });

  it('are used by the Apex tests, each of them', () => {
    const classes = join(DEFAULT_DIR, 'classes');
    const sources = [
      'SageCalloutMock',
      'SageAccountController_Test',
      'SageOrderController_Test',
      'SageItemController_Test',
      'SageSyncConsoleController_Test',
      'SagePushOpportunityAction_Test',
      'SageCreateCustomerAction_Test',
    ]
      .map((name) => readFileSync(join(classes, `${name}.cls`), 'utf8'))
      .join('\n');
    const used = new Set([...sources.matchAll(/(?:replyExample|example)\('(\w+)'\)/g)].map((match) => match[1]));
    expect(Object.keys(recorded).filter((name) => !used.has(name))).toEqual([]);
    expect([...used].filter((name) => name && !(name in recorded))).toEqual([]);
  });

  describe('against the middleware on its sandboxes', () => {
    let system: System;
    const real = new Map<string, unknown>();

    beforeAll(async () => {
      system = await startSystem();
      const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon);
      const accountId = String(
        system.salesforce.findOne('Account', (row) => row.Name === SEED_ACCOUNTS.greenfield.name)?.Id,
      );
      const item = String(system.sage.state.items.all()[0]?.ItemNumber);
      const failures = system.middleware.store.failures;
      const failure = () =>
        failures.record('customers', {
          recordKey: '1200',
          payload: { CustomerNumber: '1200' },
          kind: 'permanent',
          code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
          message: 'Phone must have 10 digits',
          nextAttemptAt: null,
        });
      const calls: [string, number, string, string | (() => Promise<string>), unknown?][] = [
        ['GET /customers/{customerNumber}/financials', 200, 'GET', '/api/v1/customers/1200/financials'],
        ['GET /customers/{customerNumber}/invoices', 200, 'GET', '/api/v1/customers/1200/invoices?status=open'],
        ['GET /items/{itemNumber}/availability', 200, 'GET', `/api/v1/items/${encodeURIComponent(item)}/availability`],
        ['POST /orders', 201, 'POST', '/api/v1/orders', { opportunityId }],
        ['POST /orders', 200, 'POST', '/api/v1/orders', { opportunityId }],
        ['GET /orders/{opportunityId}', 200, 'GET', `/api/v1/orders/${opportunityId}`],
        ['POST /sync/flows/{flow}/run', 200, 'POST', '/api/v1/sync/flows/customers/run'],
        ['GET /sync/runs', 200, 'GET', '/api/v1/sync/runs'],
        ['GET /sync/flows', 200, 'GET', '/api/v1/sync/flows'],
        // Failures are recorded after the flow ran, so its run does not take them up first.
        ['GET /sync/failures', 200, 'GET', async () => (await failure(), '/api/v1/sync/failures?status=active')],
        ['POST /sync/failures/{id}/retry', 200, 'POST', async () => `/api/v1/sync/failures/${await failure()}/retry`],
        ['POST /sync/failures/{id}/skip', 200, 'POST', async () => `/api/v1/sync/failures/${await failure()}/skip`],
        [
          'GET /sync/conflicts',
          200,
          'GET',
          async () => {
            await system.middleware.store.conflicts.record('contacts', null, [
              {
                recordKey: '1200',
                salesforceId: null,
                field: 'ContactsEmail / Email',
                master: 'Salesforce',
                winningValue: 'marcus@blackrock.example.com',
                losingValue: 'm.bell@blackrock.example.com',
              },
            ]);
            return '/api/v1/sync/conflicts';
          },
        ],
        ['GET /healthz', 200, 'GET', '/healthz'],
        ['POST /customers', 201, 'POST', '/api/v1/customers', { accountId }],
        ['POST /customers', 200, 'POST', '/api/v1/customers', { accountId }],
      ];
      for (const [route, status, method, target, body] of calls) {
        const path = typeof target === 'string' ? target : await target();
        const answer = await system.api(method, path, body === undefined ? {} : { body });
        expect([route, answer.status]).toEqual([route, status]);
        real.set(`${route} ${status}`, answer.body);
      }
    }, 60_000);

    afterAll(async () => {
      await system?.close();
    });

    it.each(Object.entries(recorded))('%s has the shape of the real answer', (_name, answer) => {
      const realAnswer = real.get(`${answer.route} ${answer.status}`);
      expect([answer.route, realAnswer !== undefined]).toEqual([answer.route, true]);
      const { path } = parseRoute(answer.route);
      expect(shapeDifferences(answer.body, realAnswer, responseSchema(answer.route, answer.status), path)).toEqual([]);
    });
  });
});
