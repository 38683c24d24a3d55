/**
 * Every API request gets a deadline below its caller's own timeout (Apex gives up at its callout timeout): the work it
 * does runs under it (`domain/deadline.ts`), and should the work still be running when it falls, the caller is answered
 * `504 DEADLINE_EXCEEDED` then rather than never. Work that goes on afterwards (a push that completes) is not stopped;
 * its later outcome is logged and replayed to the next caller.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { withDeadline } from '../domain/deadline.js';
import { errorEnvelope } from './errors.js';

/** How long requests may take: one budget for all, and longer or shorter ones for `METHOD /path` under the API root. */
export interface DeadlineSettings {
  defaultMs: number;
  routes?: Record<string, number>;
}

/** The budget of a request (its path relative to where the API is mounted). */
export function budgetOf(settings: DeadlineSettings, req: Pick<Request, 'method' | 'path'>): number {
  return settings.routes?.[`${req.method} ${req.path}`] ?? settings.defaultMs;
}

/**
 * The part of a budget the work itself gets: a little less, so that its own answer (Sage timed out, the push is in
 * progress) reaches the caller before the catch-all answer at the deadline.
 */
export function workBudget(budgetMs: number): number {
  return budgetMs - Math.min(1_000, Math.round(budgetMs / 10));
}

/** Runs the rest of the request under its deadline, and answers 504 at the deadline if nothing else has. */
export function requestDeadline(settings: DeadlineSettings): RequestHandler {
  return (req, res, next) => {
    const budgetMs = budgetOf(settings, req);
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.locals.answeredAtDeadline = true;
      res
        .status(504)
        .json(
          errorEnvelope(
            'DEADLINE_EXCEEDED',
            `No answer within ${seconds(budgetMs)} s, the time this request may take. What was asked may still ` +
              'complete: ask again in a moment to see its outcome.',
            { deadlineSeconds: Number(seconds(budgetMs)) },
          ),
        );
    }, budgetMs);
    timer.unref();
    res.on('close', () => clearTimeout(timer));
    withDeadline(workBudget(budgetMs), next);
  };
}

/** After a deadline answer, the handler's own late outcome has nobody to go to: it is logged, not sent. */
export function lateOutcomes(log?: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.locals.answeredAtDeadline !== true) {
      next(err);
      return;
    }
    log?.(err);
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1);
}
