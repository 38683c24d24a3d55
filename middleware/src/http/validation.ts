import type { z } from 'zod';
import { HttpError } from './errors.js';

/** One field a request got wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Parses a part of the request (`body`, `query` or `path`) with a zod schema; a failure becomes a 400 whose message
 * names the first bad field and whose details list all of them.
 */
export function validate<T extends z.ZodType>(schema: T, value: unknown, part: 'body' | 'query' | 'path'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems: FieldProblem[] = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : part,
    message: issue.message,
  }));
  const first = problems[0] ?? { field: part, message: 'is invalid' };
  throw new HttpError(400, 'VALIDATION_FAILED', `${first.field}: ${first.message}`, problems);
}
