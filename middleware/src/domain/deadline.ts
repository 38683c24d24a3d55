/**
 * The time by which whoever asked for the current work stops waiting for it. An API request sets one for everything
 * it calls (Apex gives up at its callout timeout, so an answer after that helps nobody); the Sage 300 and Salesforce
 * clients fit their timeouts, slot waits and retries inside it. Work without one (sync runs) waits as long as each
 * client's own timeouts allow. The deadline travels with the async call chain, so no signature has to carry it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<number>();

/** Runs `work` with a deadline `budgetMs` from now, or the current one when that comes sooner. */
export function withDeadline<T>(budgetMs: number, work: () => T): T {
  const at = Date.now() + Math.max(0, budgetMs);
  const outer = scope.getStore();
  return scope.run(outer !== undefined && outer < at ? outer : at, work);
}

/** Runs `work` without a deadline: work a request starts but that must not end with it (a sync run). */
export function withoutDeadline<T>(work: () => T): T {
  return scope.exit(work);
}

/** When the current deadline falls (epoch milliseconds); undefined when there is none. */
export function deadlineAt(): number | undefined {
  return scope.getStore();
}

/** Milliseconds left before the current deadline (0 once it has passed); undefined when there is none. */
export function remainingMs(now = Date.now()): number | undefined {
  const at = scope.getStore();
  return at === undefined ? undefined : Math.max(0, at - now);
}
