import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** Correlates the request's log lines and the caller's report. */
    id: string;
  }
}

/** Gives every request an id: the caller's `X-Request-Id` when it is sane, else a new UUID; echoed in the answer. */
export const requestId: RequestHandler = (req, res, next) => {
  const offered = req.get('x-request-id');
  req.id = offered && acceptable.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
};
