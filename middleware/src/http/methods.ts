/**
 * Answers for methods a path does not have: `405 METHOD_NOT_ALLOWED` with `Allow` and the error envelope, and
 * `OPTIONS` with `204` and `Allow`, so a client learns what the path takes instead of a misleading 404.
 */
import type { RequestHandler } from 'express';
import { errorEnvelope } from './errors.js';

/** The `Allow` list for the methods a path serves (HEAD comes with GET, OPTIONS with every path). */
export function allowHeader(methods: readonly string[]): string {
  const upper = methods.map((method) => method.toUpperCase());
  return [...new Set([...upper, ...(upper.includes('GET') ? ['HEAD'] : []), 'OPTIONS'])].join(', ');
}

/** Mounted after a path's own handlers: OPTIONS → 204, any other method → 405, both with `Allow`. */
export function otherMethods(methods: readonly string[]): RequestHandler {
  const allow = allowHeader(methods);
  return (req, res) => {
    res.setHeader('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    res
      .status(405)
      .json(
        errorEnvelope('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.baseUrl}${req.path}; use ${allow}`),
      );
  };
}
