import { Router, type Request } from 'express';
import { z } from 'zod';
import type { CustomerProvisioning } from '../services/customerProvisioning.js';
import type { FinancialsService } from '../services/financials.js';
import type { ItemsService } from '../services/items.js';
import type { OperationsService } from '../services/operations.js';
import type { OrderPushService } from '../services/orderPush.js';
import type { RevenueReport } from '../services/revenue-report.js';
import { otherMethods } from './methods.js';
import { validate } from './validation.js';

/** The services behind the API. */
export interface ApiServices {
  financials: FinancialsService;
  provisioning: CustomerProvisioning;
  orders: OrderPushService;
  items: ItemsService;
  operations: OperationsService;
  reports: RevenueReport;
}

/** The error answers an operation documents (their descriptions are the OpenAPI document's). */
export type ErrorStatus = '400' | '401' | '404' | '409' | '413' | '415' | '422' | '429' | '500' | '502' | '503' | '504';

/** Answers any route can give: no or a wrong key, too many requests, an unexpected failure, past its deadline. */
export const anyRoute = ['401', '429', '500', '504'] as const satisfies readonly ErrorStatus[];
/** Answers of routes that read or write Sage 300 or Salesforce while the caller waits. */
export const upstream = ['502', '503'] as const satisfies readonly ErrorStatus[];

/**
 * How a request value parsed from text is documented: as the value it stands for. OpenAPI describes a query
 * parameter by its value (`limit` is an integer from 1 to 1000), while the schema that checks it reads text.
 */
export const documentedAs = z.registry<Record<string, unknown>>();

type SuccessStatus = 200 | 201;

/** A documented successful answer: what it means and its body's schema. */
export interface SuccessAnswer {
  description: string;
  schema: z.ZodType;
}

type SuccessAnswers = Partial<Record<SuccessStatus, SuccessAnswer>>;

/** The parts of a request an operation reads, each checked by its schema before the operation runs. */
export interface RequestParts {
  path?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

type Parsed<Parts extends RequestParts> = { [Part in keyof Parts]: z.output<NonNullable<Parts[Part]>> };

/** One of the documented answers, with a body of its schema's type. */
type Answer<Answers extends SuccessAnswers> = {
  [Status in keyof Answers & SuccessStatus]: { status: Status; body: z.output<NonNullable<Answers[Status]>['schema']> };
}[keyof Answers & SuccessStatus];

/** An operation as written in a routes file: its contract and what it does with the parsed request. */
export interface OperationDefinition<Parts extends RequestParts, Answers extends SuccessAnswers> {
  method: 'get' | 'post';
  /** As in the OpenAPI document, under `/api/v1`: `/customers/{customerNumber}/financials`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  request: Parts;
  responses: Answers;
  errors: readonly ErrorStatus[];
  /**
   * Other media types the successful answer can be given in, each written from the JSON body: chosen by the request's
   * `Accept` (JSON when it allows JSON first) or by a `format` query parameter naming the type's subtype (`csv`).
   */
  alternatives?: Record<string, (body: z.output<NonNullable<Answers[200]>['schema']>) => string>;
  /** Calls a service with the parsed request; the answer's body must be of its status's documented type. */
  handle(request: Parsed<Parts>, services: ApiServices): Promise<Answer<Answers>>;
}

/** An operation of the API: its contract (which the OpenAPI document is generated from) and how it answers. */
export interface ApiOperation {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  request: RequestParts;
  responses: SuccessAnswers;
  errors: readonly ErrorStatus[];
  /** Other media types of the 200 answer, written from its JSON body. */
  alternatives?: Record<string, (body: never) => string>;
  /** Checks the request's path, query and body (a 400 names the first bad field), then runs the operation. */
  answer(req: Request, services: ApiServices): Promise<{ status: number; body: unknown }>;
}

/** Declares an operation; its request parts are validated with the same schemas the document shows. */
export function operation<Parts extends RequestParts, Answers extends SuccessAnswers>(
  definition: OperationDefinition<Parts, Answers>,
): ApiOperation {
  const { handle, ...contract } = definition;
  return {
    ...contract,
    async answer(req, services) {
      const parsed: Record<string, unknown> = {};
      const { path, query, body } = contract.request;
      if (path) parsed.path = validate(path, req.params, 'path');
      if (query) parsed.query = validate(query, req.query, 'query');
      if (body) parsed.body = validate(body, req.body, 'body');
      return handle(parsed as Parsed<Parts>, services);
    },
  };
}

/** The alternative media type a request asks for, if the operation offers it: `format=<subtype>` or `Accept`. */
function chosenAlternative(
  op: ApiOperation,
  req: Request,
): { type: string; write: (body: never) => string } | undefined {
  const offered = Object.keys(op.alternatives ?? {});
  if (offered.length === 0) return undefined;
  const format = typeof req.query.format === 'string' ? req.query.format : undefined;
  const type = format
    ? offered.find((candidate) => candidate.split('/')[1] === format)
    : req.accepts(['application/json', ...offered]) || undefined;
  const write = type ? op.alternatives?.[type] : undefined;
  return type && write ? { type, write } : undefined;
}

/** The Express form of an OpenAPI path template (`{name}` becomes `:name`). */
export function expressPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Mounts operations on a router, recording each answer's route pattern for metrics and logs; a method a path does not
 * take is answered 405 (OPTIONS 204), both with `Allow`.
 */
export function routerFor(operations: readonly ApiOperation[], services: ApiServices, prefix: string): Router {
  const router = Router();
  for (const op of operations) {
    router[op.method](expressPath(op.path), async (req, res) => {
      res.locals.route = `${prefix}${op.path}`;
      const { status, body } = await op.answer(req, services);
      const alternative = status === 200 ? chosenAlternative(op, req) : undefined;
      if (alternative) {
        res
          .status(status)
          .type(alternative.type)
          .send(alternative.write(body as never));
        return;
      }
      res.status(status).json(body);
    });
  }
  for (const path of new Set(operations.map((op) => op.path))) {
    const methods = operations.filter((op) => op.path === path).map((op) => op.method);
    router.all(expressPath(path), otherMethods(methods));
  }
  return router;
}
