/** The sync engine's settings from the environment (schedules can also come from Salesforce's connector settings). */
import { z } from 'zod';
import { parseEnvironment } from '../config/env.js';

export interface SyncSettings {
  /** How long a flow lease lasts unrenewed: how soon another replica takes over from a dead one. */
  leaseMs: number;
  /** Records per page (one write batch, one checkpoint) for every flow; undefined: each flow's own default. */
  pageSize?: number;
  /** Automatic retries of a failure-queue entry before it waits for an operator. */
  failureMaxAttempts: number;
  /** Delay before the first automatic retry of a failed record (doubling after each attempt). */
  failureRetryMs: number;
  /** How long a flow pauses after a quota error that names no time. */
  quotaPauseMs: number;
  /** How often field mappings are re-read from Salesforce (0: only at start). */
  mappingRefreshMs: number;
  /** Cron schedules by flow name, overriding the connector settings. */
  schedules: Record<string, string>;
}

const seconds = (name: string, fallback: number, min: number) =>
  z.coerce
    .number({ message: `${name} must be a number of seconds` })
    .min(min, `${name} must be at least ${min}`)
    .default(fallback);

const schema = z.object({
  SYNC_LEASE_SECONDS: seconds('SYNC_LEASE_SECONDS', 60, 0.5),
  SYNC_PAGE_SIZE: z.coerce
    .number({ message: 'SYNC_PAGE_SIZE must be a number of records' })
    .int()
    .min(1, 'SYNC_PAGE_SIZE must be between 1 and 50000')
    .max(50_000, 'SYNC_PAGE_SIZE must be between 1 and 50000')
    .optional(),
  SYNC_FAILURE_MAX_ATTEMPTS: z.coerce
    .number({ message: 'SYNC_FAILURE_MAX_ATTEMPTS must be a number' })
    .int()
    .min(1, 'SYNC_FAILURE_MAX_ATTEMPTS must be at least 1')
    .default(5),
  SYNC_FAILURE_RETRY_SECONDS: seconds('SYNC_FAILURE_RETRY_SECONDS', 60, 1),
  SYNC_QUOTA_PAUSE_SECONDS: seconds('SYNC_QUOTA_PAUSE_SECONDS', 900, 1),
  MAPPING_REFRESH_SECONDS: seconds('MAPPING_REFRESH_SECONDS', 300, 0),
});

/** Reads the sync settings; throws a ConfigError naming the first bad variable. */
export function syncSettingsFromEnvironment(source: NodeJS.ProcessEnv = process.env): SyncSettings {
  const env = parseEnvironment(schema, source);
  const schedules: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    const match = /^SYNC_SCHEDULE_([A-Z0-9_]+)$/.exec(name);
    if (match?.[1] && value?.trim()) schedules[match[1].toLowerCase()] = value.trim();
  }
  return {
    leaseMs: Math.round(env.SYNC_LEASE_SECONDS * 1000),
    ...(env.SYNC_PAGE_SIZE === undefined ? {} : { pageSize: env.SYNC_PAGE_SIZE }),
    failureMaxAttempts: env.SYNC_FAILURE_MAX_ATTEMPTS,
    failureRetryMs: env.SYNC_FAILURE_RETRY_SECONDS * 1000,
    quotaPauseMs: env.SYNC_QUOTA_PAUSE_SECONDS * 1000,
    mappingRefreshMs: env.MAPPING_REFRESH_SECONDS * 1000,
    schedules,
  };
}
