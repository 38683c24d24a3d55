import { withDeadline } from '../domain/deadline.js';
import type { FlowCursor } from '../store/index.js';
import { CoalescingCache } from './coalescing-cache.js';

/** One dependency's check: resolves when it answers, throws when it does not. */
export type DependencyCheck = () => Promise<unknown>;

export interface ReadinessOptions {
  checks: Record<string, DependencyCheck>;
  /** A check's result is reused for this long, so probes do not spend Salesforce's daily API allowance. */
  cacheMs?: Record<string, number>;
  /** A check that takes longer counts as down (default 800 ms, so a probe is answered within a second). */
  timeoutMs?: number;
  now?: () => number;
  onDown?: (name: string, error: unknown) => void;
}

/** The readiness answer: every dependency up, or which are down. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'up' | 'down'>;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs the dependency checks in parallel (each within the timeout, some cached) and reports readiness; probes that
 * arrive while a check is running share it. A check runs under a deadline of the timeout, so a client that honours
 * deadlines (Sage 300's) neither retries nor holds a connection past it.
 */
export function createReadiness(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? 800;
  const dependencies = Object.entries(options.checks).map(([name, run]) => ({
    name,
    run,
    results: new CoalescingCache<'up' | 'down'>({
      ttlMs: options.cacheMs?.[name] ?? 0,
      maxEntries: 1,
      ...(options.now ? { now: options.now } : {}),
    }),
  }));

  async function check(name: string, run: DependencyCheck): Promise<'up' | 'down'> {
    try {
      await withDeadline(timeoutMs, () => withTimeout(Promise.resolve().then(run), timeoutMs));
      return 'up';
    } catch (error) {
      options.onDown?.(name, error);
      return 'down';
    }
  }

  return async () => {
    const entries = await Promise.all(
      dependencies.map(
        async ({ name, run, results }) => [name, await results.get(name, () => check(name, run))] as const,
      ),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, state]) => state === 'up'), checks };
  };
}

/**
 * The flows a spent API allowance paused, each with when it runs again; empty when none is. Readiness shows them
 * without turning not ready: the API still serves (cached figures, order pushes when the allowance returns).
 */
export async function pausedFlows(
  cursors: { list(): Promise<FlowCursor[]> },
  now: Date,
): Promise<{ paused?: Record<string, string> }> {
  const paused = (await cursors.list())
    .filter((cursor) => cursor.pausedUntil !== null && cursor.pausedUntil > now)
    .map((cursor) => [cursor.flow, (cursor.pausedUntil as Date).toISOString()] as const);
  return paused.length > 0 ? { paused: Object.fromEntries(paused) } : {};
}

/**
 * Readiness with the systems known to be unreachable (the Sage client's outage): each is down whatever a cached check
 * said, and `unreachableSince` says since when it has not answered.
 */
export function withOutages(
  report: ReadinessReport,
  outages: Record<string, { since: Date } | undefined>,
): ReadinessReport & { unreachableSince?: Record<string, string> } {
  const down = Object.entries(outages).flatMap(([name, outage]) =>
    outage ? [[name, outage.since.toISOString()] as const] : [],
  );
  if (down.length === 0) return report;
  const checks = { ...report.checks, ...Object.fromEntries(down.map(([name]) => [name, 'down' as const])) };
  return { ready: false, checks, unreachableSince: Object.fromEntries(down) };
}
