/**
 * Cron schedules (croner computes the times). Each tick passes its exact schedule time — the slot — to the job, so
 * replicas with the same schedule agree on which tick a run belongs to and the lease lets one of them run it.
 * A job's schedule is read again every time its next tick is computed (at least every 30 seconds), so a schedule
 * changed in the connector settings takes effect without a restart.
 */
import { Cron } from 'croner';
import { ConfigError } from '../config/env.js';

export interface ScheduledJob {
  name: string;
  /** The job's cron expression as it stands now. */
  cron: () => string;
  /** Runs for one tick; a tick that comes while the previous run is still going is skipped. */
  run(slot: Date): Promise<void>;
}

export interface Scheduler {
  /** The next tick of each job. */
  nextRuns(): Record<string, Date | null>;
  /** Stops ticking; runs under way continue (stop them through their own signal). */
  stop(): void;
}

/** Validates a cron expression (five fields, or six with seconds); throws a ConfigError naming what it is for. */
export function parseSchedule(cron: string, what: string): Cron {
  try {
    return new Cron(cron, { paused: true });
  } catch (error) {
    throw new ConfigError(`${what} schedule "${cron}" is not a valid cron expression: ${(error as Error).message}`);
  }
}

/**
 * Timers longer than this are re-armed, so clock changes and sleeping hosts do not delay a tick for long, and a
 * changed schedule is picked up within it.
 */
const MAX_TIMER_MS = 30_000;

/** Starts ticking the jobs. */
export function startScheduler(
  jobs: readonly ScheduledJob[],
  onError: (job: string, error: unknown) => void,
  options: { recheckMs?: number } = {},
): Scheduler {
  const recheckMs = options.recheckMs ?? MAX_TIMER_MS;
  let stopped = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const upcoming = new Map<string, Date | null>();

  for (const job of jobs) {
    let current = { cron: job.cron(), pattern: parseSchedule(job.cron(), job.name) };
    /** The job's pattern now; a schedule that stopped being valid is reported once and the last valid one kept. */
    const pattern = () => {
      const cron = job.cron();
      if (cron !== current.cron) {
        try {
          current = { cron, pattern: parseSchedule(cron, `The ${job.name} flow's`) };
        } catch (error) {
          onError(job.name, error);
          current = { cron, pattern: current.pattern };
        }
      }
      return current.pattern;
    };
    let busy = false;
    const arm = (after: Date) => {
      if (stopped) return;
      // Never a tick in the past: after a schedule change, the new schedule counts from now.
      const next = pattern().nextRun(new Date(Math.max(after.getTime(), Date.now())));
      upcoming.set(job.name, next);
      if (!next) return;
      const wait = next.getTime() - Date.now();
      if (wait > recheckMs) {
        timers.set(
          job.name,
          setTimeout(() => arm(after), recheckMs),
        );
        return;
      }
      timers.set(
        job.name,
        setTimeout(
          () => {
            if (stopped) return;
            arm(next);
            if (busy) return;
            busy = true;
            job
              .run(next)
              .catch((error: unknown) => onError(job.name, error))
              .finally(() => {
                busy = false;
              });
          },
          Math.max(0, wait),
        ),
      );
    };
    arm(new Date());
  }

  return {
    nextRuns: () => Object.fromEntries(upcoming),
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
