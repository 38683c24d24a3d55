/**
 * A test client for the middleware's API that checks every answer against the OpenAPI document: the route and status
 * must be documented and the body must validate against the documented schema. Tests that use it prove the document.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument as documentFor } from '../../middleware/src/http/openapi.js';
import { builtInFlows } from '../../middleware/src/sync/flows/index.js';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: IncomingHttpHeaders;
}

/** One HTTP exchange with node's own client (it can trust a test certificate, which fetch cannot). */
export function exchange(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method, headers, rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The document the middleware serves: its flow parameters list the built-in flows. */
const openApiDocument = documentFor({ flowNames: builtInFlows.names });

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(openApiDocument as unknown as object, 'openapi.json');

const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The documented path template a concrete path matches, e.g. `/orders/006…` → `/orders/{opportunityId}`. */
export function matchTemplate(path: string): { template: string; prefix: string } | undefined {
  const serviceLevel = ['/healthz', '/readyz', '/metrics'];
  if (serviceLevel.includes(path)) return { template: path, prefix: '' };
  if (!path.startsWith('/api/v1/')) return undefined;
  const rest = path.slice('/api/v1'.length);
  for (const template of Object.keys(openApiDocument.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    if (pattern.test(rest)) return { template, prefix: '/api/v1' };
  }
  return undefined;
}

/** Throws when the answer is not what the document promises for this method, path and status. */
export function assertDocumented(
  method: string,
  path: string,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const match = matchTemplate(path);
  if (!match) throw new Error(`${method} ${path} is not in the OpenAPI document`);
  const operations = openApiDocument.paths[match.template as keyof typeof openApiDocument.paths] as Record<
    string,
    { responses: Record<string, { content?: Record<string, unknown> }> }
  >;
  const operation = operations[method.toLowerCase()];
  if (!operation) {
    // A method the path does not take is answered as the document's shared responses say.
    if (method === 'OPTIONS' && status === 204) return;
    if (status === 405) {
      const validate = ajv.getSchema(
        `openapi.json#/${pointer('components', 'responses', 'MethodNotAllowed', 'content', 'application/json', 'schema')}`,
      );
      if (validate?.(body)) return;
    }
    throw new Error(`${method} ${match.template} is not in the OpenAPI document`);
  }
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`${method} ${match.template} answered ${status}, which is not documented`);
  if (!response.content?.['application/json']) return;
  // Another documented media type (CSV) is text; its content is the test's to check.
  const mediaType = contentType.split(';')[0]?.trim() ?? '';
  if (mediaType !== 'application/json' && mediaType !== '') {
    if (!response.content[mediaType])
      throw new Error(`${method} ${match.template} ${status} does not document ${mediaType}`);
    return;
  }
  const validate = ajv.getSchema(
    `openapi.json#/${pointer('paths', match.template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`,
  );
  if (!validate) throw new Error(`No schema for ${method} ${match.template} ${status}`);
  if (!validate(body)) {
    throw new Error(
      `${method} ${path} ${status} does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
  }
}

/** Calls the API and validates the answer against the OpenAPI document. */
export function apiClient(baseUrl: string, key?: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; key?: string | null } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.key === undefined ? key : options.key;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const res = await exchange(`${baseUrl}${path}`, method, headers, body);
    const contentType = String(res.headers['content-type'] ?? '');
    const parsed = contentType.includes('application/json') ? (JSON.parse(res.text) as unknown) : res.text;
    const pathOnly = new URL(`${baseUrl}${path}`).pathname;
    assertDocumented(method, pathOnly, res.status, parsed, contentType);
    return { status: res.status, body: parsed as T, text: res.text, headers: res.headers };
  };
}
