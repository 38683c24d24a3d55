/**
 * The sync-health watch: after each run of a flow it looks for what an operator must hear about — the flow failed
 * `failedRuns` runs in a row, records of the flow were parked in the failure queue (no automatic retry left) since the
 * last window, the Salesforce daily allowance is nearly spent — and sends one sync-health notice listing them. The
 * notifier's store-kept throttle lets at most one through per flow per window.
 */
import type { Logger } from 'pino';
import type { SyncHealthSettings } from '../domain/settings.js';
import type { FailureRepository } from '../store/failures.js';
import type { RunRepository } from '../store/runs.js';
import type { Notifier, SyncHealthProblem } from './notifier.js';

export interface HealthWatchOptions {
  runs: Pick<RunRepository, 'list'>;
  failures: Pick<FailureRepository, 'list'>;
  notifier: Notifier;
  /** The Salesforce daily allowance as last seen, if known. */
  salesforceUsage?: () => { used: number; max: number } | undefined;
  /** The thresholds in force (the connector settings: Custom Metadata, then environment, then defaults). */
  thresholds: () => SyncHealthSettings;
  /** Parked records newer than this are news (the throttle's window). */
  windowMs: number;
  logger?: Logger;
  now?: () => Date;
}

export interface HealthWatch {
  /** Checks a flow after one of its runs ended; sends a sync-health notice when something needs attention. */
  afterRun(flow: string): Promise<void>;
}

/** The problems of one flow now. */
export async function healthProblems(flow: string, options: HealthWatchOptions): Promise<SyncHealthProblem[]> {
  const now = options.now ?? (() => new Date());
  const problems: SyncHealthProblem[] = [];
  const { failedRuns, allowancePercent } = options.thresholds();
  const runs = (await options.runs.list({ flow, limit: failedRuns })).filter((run) => run.outcome !== 'running');
  if (runs.length >= failedRuns && runs.every((run) => run.outcome === 'failed')) {
    problems.push({ kind: 'failed-runs', runs: runs.length, lastMessage: runs[0]?.message ?? null });
  }
  const since = now().getTime() - options.windowMs;
  const parked = (await options.failures.list({ flow, status: 'open', limit: 200 })).filter(
    (failure) => failure.nextAttemptAt === null && failure.updatedAt.getTime() >= since,
  );
  if (parked.length > 0) {
    problems.push({
      kind: 'parked-records',
      records: parked.map((failure) => ({
        recordKey: failure.recordKey,
        code: failure.errorCode,
        message: failure.errorMessage,
      })),
    });
  }
  const usage = options.salesforceUsage?.();
  if (usage && usage.max > 0 && (usage.used / usage.max) * 100 >= allowancePercent) {
    problems.push({ kind: 'salesforce-allowance', used: usage.used, max: usage.max });
  }
  return problems;
}

/** A health watch over the store's runs and failures. */
export function createHealthWatch(options: HealthWatchOptions): HealthWatch {
  const now = options.now ?? (() => new Date());
  return {
    async afterRun(flow) {
      try {
        const problems = await healthProblems(flow, options);
        if (problems.length > 0) await options.notifier.notify({ kind: 'sync-health', flow, asOf: now(), problems });
      } catch (error) {
        options.logger?.warn({ err: error, flow }, 'The sync health of a flow could not be checked');
      }
    },
  };
}
