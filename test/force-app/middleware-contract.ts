// The middleware's HTTP contract as the package's tests read it: its OpenAPI document and the response schema of a
// route. The document is imported here and nowhere else in test/force-app, so pointing these tests at another source
// of the contract is a change to one function.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../middleware/src/http/openapi.js';

export type JsonSchema = Record<string, unknown>;

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>
  >;
  components: { schemas: Record<string, JsonSchema> };
}

// The package assumes no particular list of sync flows, so the document without the registry's names.
const document = openApiDocument() as unknown as OpenApiDocument;

/** The middleware's OpenAPI document. */
export function middlewareOpenApi(): OpenApiDocument {
  return document;
}

/** Splits `GET /customers/{customerNumber}/financials` into its method and path. */
export function parseRoute(route: string): { method: string; path: string } {
  const [method = '', path = ''] = route.split(' ');
  return { method: method.toLowerCase(), path };
}

/** The JSON schema of a route's answer with a status, or undefined when the document has no such route or status. */
export function responseSchema(route: string, status: number): JsonSchema | undefined {
  const { method, path } = parseRoute(route);
  return middlewareOpenApi().paths[path]?.[method]?.responses?.[String(status)]?.content?.['application/json']?.schema;
}

/** Whether the document describes a route at all. */
export function hasRoute(route: string): boolean {
  const { method, path } = parseRoute(route);
  return middlewareOpenApi().paths[path]?.[method] !== undefined;
}

/** Follows $ref and picks the non-null branch of `oneOf: [X, null]`, so a caller sees the schema of a value. */
export function resolveSchema(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (!schema) return undefined;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    return resolveSchema(middlewareOpenApi().components.schemas[name]);
  }
  const branches = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(branches)) {
    const value = (branches as JsonSchema[]).filter((branch) => branch.type !== 'null');
    if (value.length === 1) return resolveSchema(value[0]);
  }
  return schema;
}

/** The JSON types a schema allows (`string`, `number`, `integer`, `boolean`, `object`, `array`), without null. */
export function jsonTypes(schema: JsonSchema): string[] {
  if (Array.isArray(schema.enum)) return [...new Set((schema.enum as unknown[]).map((value) => typeof value))];
  if (schema.const !== undefined) return [typeof schema.const];
  const type = schema.type;
  const types = Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
  return types.filter((name) => name !== 'null');
}

let ajv: Ajv2020 | undefined;

/** A validator for the answer of a route with a status, $refs resolved in the document; undefined when undocumented. */
export function answerValidator(route: string, status: number): ValidateFunction | undefined {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(middlewareOpenApi() as unknown as object, 'openapi.json');
  }
  if (!responseSchema(route, status)) return undefined;
  const { method, path } = parseRoute(route);
  const pointer = ['paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema']
    .map((part) => encodeURIComponent(part.replaceAll('~', '~0').replaceAll('/', '~1')))
    .join('/');
  return ajv.getSchema(`openapi.json#/${pointer}`);
}
