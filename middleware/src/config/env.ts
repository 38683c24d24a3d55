import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  accountTypesText,
  customerRulesText,
  defaultSettings,
  definedOnly,
  overdueBucketsText,
  type ConnectorSettings,
  type ReconciliationSettings,
} from '../domain/settings.js';

export type { ReconciliationSettings };

/**
 * The middleware's configuration: the one place environment variables (and an optional `.env` file loaded by the
 * caller) are read. One schema, parsed once, gives the connections, the business settings that stand in for
 * Salesforce's `Sage_Connector_Setting__mdt`, the services' timings and the sync engine's settings. Blank variables
 * count as unset. With neither Sage 300 nor Salesforce configured the middleware runs on its embedded sandboxes.
 */
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const url = (name: string) =>
  z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s]+$/.test(value), { message: `${name} must be an http(s) URL` });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A whole number of `unit` at least `min`, with a message naming the variable. */
const whole = (name: string, unit: string, min: number, fallback: number) =>
  z.coerce
    .number({ message: `${name} must be a number of ${unit}` })
    .int(`${name} must be a whole number of ${unit}`)
    .min(min, `${name} must be at least ${min}`)
    .default(fallback);

const aboveZero = (name: string) =>
  z.coerce.number({ message: `${name} must be a number of seconds` }).positive(`${name} must be above 0`);

const seconds = (name: string, fallback: number, min: number) =>
  z.coerce
    .number({ message: `${name} must be a number of seconds` })
    .min(min, `${name} must be at least ${min}`)
    .default(fallback);

/** A Sage code (group, terms, price list) of up to `max` letters or digits, upper-cased. */
const code = (name: string, max: number) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^[A-Za-z0-9]{1,${max}}$`), `${name} must be a Sage code of up to ${max} letters or digits`)
    .transform((value) => value.toUpperCase())
    .optional();

/** Business settings: the fallback when `Sage_Connector_Setting__mdt` cannot be read (package defaults if unset). */

/** A variable parsed by a settings schema, its first problem named with the variable (`CUSTOMER_RULES rule[0]…`). */
function namedIssue<T>(name: string, schema: z.ZodType<T, string>) {
  return z
    .string()
    .transform((value, context) => {
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      context.addIssue({ code: 'custom', message: `${name} ${parsed.error.issues[0]?.message ?? 'is invalid'}` });
      return z.NEVER;
    })
    .optional();
}

const businessSchema = {
  CREDIT_POLICY: z
    .enum(['Block', 'Warn', 'Allow'], { message: 'CREDIT_POLICY must be Block, Warn or Allow' })
    .optional(),
  CREDIT_WARNING_THRESHOLD: z.coerce
    .number({ message: 'CREDIT_WARNING_THRESHOLD must be a percentage such as 80' })
    .min(0)
    .max(999)
    .optional(),
  CREDIT_ALERT_HYSTERESIS: z.coerce
    .number({ message: 'CREDIT_ALERT_HYSTERESIS must be a number of percentage points such as 5' })
    .min(0, 'CREDIT_ALERT_HYSTERESIS must be at least 0')
    .max(100, 'CREDIT_ALERT_HYSTERESIS must be at most 100')
    .optional(),
  OVERDUE_BUCKETS: z
    .string()
    .transform((value, context) => {
      const parsed = overdueBucketsText.safeParse(value);
      if (parsed.success) return parsed.data;
      context.addIssue({
        code: 'custom',
        message: `OVERDUE_BUCKETS ${parsed.error.issues[0]?.message ?? 'is invalid'}`,
      });
      return z.NEVER;
    })
    .optional(),
  CUSTOMER_NUMBER_STRATEGY: z
    .enum(['Sequential', 'Name Based'], { message: 'CUSTOMER_NUMBER_STRATEGY must be Sequential or Name Based' })
    .optional(),
  CUSTOMER_MATCH: z
    .enum(['Name And Postal Code', 'Email', 'None'], {
      message: 'CUSTOMER_MATCH must be Name And Postal Code, Email or None',
    })
    .optional(),
  ACCOUNT_ELIGIBILITY: z
    .enum(['Closed Won Opportunity', 'Account Type', 'None'], {
      message: 'ACCOUNT_ELIGIBILITY must be Closed Won Opportunity, Account Type or None',
    })
    .optional(),
  CUSTOMER_ACCOUNT_TYPES: namedIssue('CUSTOMER_ACCOUNT_TYPES', accountTypesText),
  CUSTOMER_RULES: namedIssue('CUSTOMER_RULES', customerRulesText),
  DEFAULT_CUSTOMER_GROUP: code('DEFAULT_CUSTOMER_GROUP', 6),
  DEFAULT_TERMS: code('DEFAULT_TERMS', 6),
  DEFAULT_TAX_GROUP: code('DEFAULT_TAX_GROUP', 12),
  DEFAULT_PRICE_LIST: code('DEFAULT_PRICE_LIST', 6),
  DEFAULT_CURRENCY: code('DEFAULT_CURRENCY', 3),
  ITEM_DEFAULT_CATEGORY: code('ITEM_DEFAULT_CATEGORY', 6),
  ITEM_DEFAULT_ACCOUNT_SET: code('ITEM_DEFAULT_ACCOUNT_SET', 6),
  ITEM_DEFAULT_STOCKING_UNIT: z
    .string()
    .trim()
    .min(1)
    .max(10, 'ITEM_DEFAULT_STOCKING_UNIT must be a unit of measure of up to 10 characters, such as Ea.')
    .optional(),
  ITEM_DEFAULT_STRUCTURE_CODE: code('ITEM_DEFAULT_STRUCTURE_CODE', 6),
};

/** Timings of the API services. */
const timingSchema = {
  SETTINGS_REFRESH_SECONDS: whole('SETTINGS_REFRESH_SECONDS', 'seconds', 0, 300),
  ORDER_CLAIM_SECONDS: whole('ORDER_CLAIM_SECONDS', 'seconds', 2, 10),
  ORDER_VERIFY_DELAY_MS: whole('ORDER_VERIFY_DELAY_MS', 'milliseconds', 0, 2000),
  // Below the Apex callout timeouts of the package (30 s for reads, 60 s for the push), so the rep reads our reason.
  API_DEADLINE_SECONDS: aboveZero('API_DEADLINE_SECONDS').max(120).default(25),
  ORDER_PUSH_DEADLINE_SECONDS: aboveZero('ORDER_PUSH_DEADLINE_SECONDS').max(120).default(50),
  ORDER_WRITE_BACK_RETRY_SECONDS: aboveZero('ORDER_WRITE_BACK_RETRY_SECONDS').default(60),
  SHUTDOWN_GRACE_SECONDS: whole('SHUTDOWN_GRACE_SECONDS', 'seconds', 0, 10),
};

/** The sync engine's settings (schedules come from `SYNC_SCHEDULE_<FLOW>`, read beside this schema). */
const syncSchema = {
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
  SYNC_SALESFORCE_LOOKBACK_SECONDS: seconds('SYNC_SALESFORCE_LOOKBACK_SECONDS', 300, 0),
};

/** Notices (webhook, e-mail) and the sync-health watch; every channel is off unless configured. */
const notifySchema = {
  NOTIFY_WEBHOOK_URL: url('NOTIFY_WEBHOOK_URL').optional(),
  NOTIFY_WEBHOOK_SECRET: optionalString,
  NOTIFY_WEBHOOK_TIMEOUT_SECONDS: aboveZero('NOTIFY_WEBHOOK_TIMEOUT_SECONDS').max(60).default(10),
  NOTIFY_ATTEMPTS: whole('NOTIFY_ATTEMPTS', 'attempts', 1, 4),
  SMTP_URL: z
    .string()
    .trim()
    .refine((value) => /^smtps?:\/\/[^\s]+$/.test(value), { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
    .optional(),
  NOTIFY_EMAIL_FROM: optionalString,
  NOTIFY_EMAIL_TO: optionalString,
  NOTIFY_EMAIL_ACCOUNT_OWNERS: z
    .enum(['true', 'false'], { message: 'NOTIFY_EMAIL_ACCOUNT_OWNERS must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  NOTIFY_FAILED_RUNS: z.coerce
    .number({ message: 'NOTIFY_FAILED_RUNS must be a number of runs' })
    .int('NOTIFY_FAILED_RUNS must be a whole number of runs')
    .min(1, 'NOTIFY_FAILED_RUNS must be at least 1')
    .max(100, 'NOTIFY_FAILED_RUNS must be at most 100')
    .optional(),
  NOTIFY_HEALTH_INTERVAL_MINUTES: whole('NOTIFY_HEALTH_INTERVAL_MINUTES', 'minutes', 1, 60),
  NOTIFY_SALESFORCE_ALLOWANCE_PERCENT: z.coerce
    .number({ message: 'NOTIFY_SALESFORCE_ALLOWANCE_PERCENT must be a percentage such as 90' })
    .min(1, 'NOTIFY_SALESFORCE_ALLOWANCE_PERCENT must be between 1 and 100')
    .max(100, 'NOTIFY_SALESFORCE_ALLOWANCE_PERCENT must be between 1 and 100')
    .optional(),
  RECONCILIATION_LATE_DAYS: z.coerce
    .number({ message: 'RECONCILIATION_LATE_DAYS must be a number of days' })
    .int('RECONCILIATION_LATE_DAYS must be a whole number of days')
    .min(0, 'RECONCILIATION_LATE_DAYS must be at least 0')
    .max(365, 'RECONCILIATION_LATE_DAYS must be at most 365')
    .optional(),
  RECONCILIATION_MONTHS: z.coerce
    .number({ message: 'RECONCILIATION_MONTHS must be a number of months' })
    .int('RECONCILIATION_MONTHS must be a whole number of months')
    .min(1, 'RECONCILIATION_MONTHS must be at least 1')
    .max(36, 'RECONCILIATION_MONTHS must be at most 36')
    .optional(),
};

const schema = z.object({
  ...businessSchema,
  ...notifySchema,
  ...timingSchema,
  ...syncSchema,
  SAGE300_URL: url('SAGE300_URL').optional(),
  SAGE300_COMPANY: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{1,6}$/, 'SAGE300_COMPANY must be a Sage company id such as SAMINC')
    .default('SAMINC'),
  SAGE300_USER: optionalString,
  SAGE300_PASSWORD: optionalString,
  SAGE300_TIMEOUT_MS: positiveInt(60_000),
  SAGE300_PAGE_SIZE: positiveInt(1000),
  SAGE300_MAX_CONCURRENCY: positiveInt(4),
  SAGE300_BREAKER_TIMEOUTS: positiveInt(3),
  SAGE300_BREAKER_OPEN_SECONDS: positiveInt(30),
  SF_LOGIN_URL: url('SF_LOGIN_URL').optional(),
  SF_CLIENT_ID: optionalString,
  SF_CLIENT_SECRET: optionalString,
  SF_USERNAME: optionalString,
  SF_JWT_KEY_FILE: optionalString,
  SF_API_VERSION: z
    .string()
    .regex(/^\d{2}\.0$/, 'SF_API_VERSION must look like 65.0')
    .default('65.0'),
  MIDDLEWARE_API_KEYS: optionalString,
  DATABASE_URL: optionalString,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  MAPPING_FILE: optionalString,
  TLS_CERT_FILE: optionalString,
  TLS_KEY_FILE: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  FINANCIALS_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(60),
  RATE_LIMIT_PER_MINUTE: positiveInt(600),
  SCHEDULER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  UNSAFE_MIX_REAL_AND_SANDBOX: z
    .enum(['true', 'false'], { message: 'UNSAFE_MIX_REAL_AND_SANDBOX must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  PREVIEW_ENABLED: z
    .enum(['true', 'false'], { message: 'PREVIEW_ENABLED must be true or false' })
    .default('true')
    .transform((value) => value === 'true'),
});

export type Env = z.infer<typeof schema>;

/** Timings of the API services. */
export interface ServiceTimings {
  /** How long Custom Metadata (settings and field mappings) is kept before it is read again (0: at every use). */
  settingsRefreshMs: number;
  /** How long an order push may hold an opportunity before another caller may take over. */
  orderClaimMs: number;
  /** How long SIGTERM waits for requests in flight before the process exits anyway. */
  shutdownGraceMs: number;
  /** After an unconfirmed order POST, how long to wait before the second lookup by OrderReference. */
  orderVerifyDelayMs: number;
  /** How long an API request may take before it is answered anyway (all but the order push). */
  apiDeadlineMs: number;
  /** How long `POST /orders` may take before it is answered anyway. */
  orderPushDeadlineMs: number;
  /** The pause before a failed order write-back is retried (doubling after each failure, up to an hour). */
  orderWriteBackRetryMs: number;
}

/** The sync engine's settings. */
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
  /** How far a Salesforce `(SystemModstamp, Id)` cursor reads back at the start of a run. */
  salesforceLookBackMs: number;
  /** Cron schedules from `SYNC_SCHEDULE_<FLOW>`, keyed by `scheduleKey` of the flow name; they override the connector settings. */
  schedules: Record<string, string>;
  /**
   * Drift-repair schedules from `SYNC_REPAIR_SCHEDULE_<FLOW>` (cron, or `off`), keyed like `schedules`; a flow that can
   * be repaired and is not named here keeps its default (weekly).
   */
  repairSchedules: Record<string, string>;
}

export interface Sage300Settings {
  /** The Web API root up to the tenant segment, e.g. `https://erp.example.com/Sage300WebApi/v1.0/-`. */
  baseUrl: string;
  company: string;
  user: string;
  password: string;
  timeoutMs: number;
  pageSize: number;
  maxConcurrency: number;
  /** Timeouts in a row that stop requests to one resource for `openMs` (default 3 and 30 s). */
  breaker?: { timeouts: number; openMs: number };
}

export type SalesforceAuth =
  | { kind: 'client_credentials'; clientId: string; clientSecret: string }
  | { kind: 'jwt'; clientId: string; username: string; privateKey: string };

export interface SalesforceSettings {
  loginUrl: string;
  apiVersion: string;
  auth: SalesforceAuth;
}

/** The notice channels and the sync-health watch. */
export interface NotifySettings {
  /** A Slack-compatible webhook; every request is signed with the secret. */
  webhook?: { url: string; secret: string; timeoutMs: number };
  /** An e-mail digest through SMTP. */
  email?: { smtpUrl: string; from: string; to: string[]; copyAccountOwners: boolean };
  /** Tries per notice and channel before it waits in the failure queue. */
  attempts: number;
  /** At most one sync-health digest per flow in this window. */
  healthIntervalMs: number;
}

export interface Config {
  env: Env;
  notify: NotifySettings;
  /** Undefined when the embedded Sage 300 sandbox should be used. */
  sage300?: Sage300Settings;
  /** Undefined when the embedded Salesforce sandbox should be used. */
  salesforce?: SalesforceSettings;
  apiKeys: string[];
  databaseUrl: string;
  tls?: { cert: string; key: string };
  /**
   * One system is real and the other runs on its embedded sandbox (`UNSAFE_MIX_REAL_AND_SANDBOX=true`): only for
   * trying one side, never for production, since the sandbox invents the other system's data.
   */
  unsafeMix: boolean;
  /** Business settings from the environment: used when Salesforce's Custom Metadata cannot be read. */
  settings: ConnectorSettings;
  timings: ServiceTimings;
  sync: SyncSettings;
}

/** A configuration problem, with one line an operator can act on. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the variables a schema names, blank values counting as unset (so defaults apply); throws a ConfigError naming
 * the first bad variable, using the schema's own message when it already starts with the name.
 */
export function parseEnvironment<T extends z.ZodObject>(schema: T, source: NodeJS.ProcessEnv): z.infer<T> {
  const values = Object.fromEntries(
    Object.keys(schema.shape).map((name) => [name, source[name]?.trim() ? source[name]?.trim() : undefined]),
  );
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? 'configuration');
  const message = issue?.message ?? 'is invalid';
  throw new ConfigError(message.startsWith(name) ? message : `${name} is invalid: ${message}`);
}

/**
 * The Sage 300 Web API root (`…/Sage300WebApi/v1.0/-`) from what an operator may paste: the server
 * (`https://erp.example.com`), the Web API (`…/Sage300WebApi`, `…/Sage300WebApi/v1.0`) or the root itself, with or
 * without a trailing slash. Anything after the root (a company, a resource) is refused rather than guessed.
 */
export function sage300ApiRoot(value: string): string {
  const url = new URL(value);
  const path = url.pathname.replace(/\/+$/, '');
  const webApi = /\/Sage300WebApi(?=\/|$)/i.exec(path);
  const base = webApi ? path.slice(0, webApi.index) : path;
  const rest = webApi ? path.slice(webApi.index + webApi[0].length) : '';
  if (!/^(?:\/v1\.0(?:\/-)?)?$/i.test(rest)) {
    throw new ConfigError(
      `SAGE300_URL must end at the Web API (…/Sage300WebApi or …/Sage300WebApi/v1.0/-), not at ${path}; leave out the company and resource`,
    );
  }
  url.pathname = `${base}/Sage300WebApi/v1.0/-`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The circuit breaker's settings from the environment. */
export function sage300Breaker(env: Env): { timeouts: number; openMs: number } {
  return { timeouts: env.SAGE300_BREAKER_TIMEOUTS, openMs: env.SAGE300_BREAKER_OPEN_SECONDS * 1000 };
}

function need(value: string | undefined, name: string, why: string): string {
  if (!value) throw new ConfigError(`${name} is not set: ${why}`);
  return value;
}

function readSecretFile(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`${name} points at ${path}, which cannot be read`);
  }
}

const sageVariables = ['SAGE300_URL', 'SAGE300_USER', 'SAGE300_PASSWORD'] as const;
const salesforceVariables = [
  'SF_LOGIN_URL',
  'SF_CLIENT_ID',
  'SF_CLIENT_SECRET',
  'SF_USERNAME',
  'SF_JWT_KEY_FILE',
] as const;

/**
 * The embedded sandboxes stand in for "nothing configured" only: once either system is configured, both must be, or a
 * real Sage 300 would receive customers and orders made from a fake CRM's data (or the other way round). Answers
 * whether the operator explicitly asked for such a mix; throws a ConfigError naming what is missing otherwise.
 */
function requireBothSystems(env: Env, config: Config): boolean {
  const sageSet = sageVariables.filter((name) => env[name] !== undefined);
  const salesforceSet = salesforceVariables.filter((name) => env[name] !== undefined);
  if (sageSet.length > 0 && !env.SAGE300_URL) {
    throw new ConfigError(`SAGE300_URL is not set: ${sageSet.join(' and ')} ${sageSet.length > 1 ? 'are' : 'is'} set`);
  }
  if (salesforceSet.length > 0 && !env.SF_LOGIN_URL) {
    throw new ConfigError(
      `SF_LOGIN_URL is not set: ${salesforceSet.join(' and ')} ${salesforceSet.length > 1 ? 'are' : 'is'} set`,
    );
  }
  if (Boolean(config.sage300) === Boolean(config.salesforce)) return false;
  if (env.UNSAFE_MIX_REAL_AND_SANDBOX) return true;
  const sandboxOnly =
    'the embedded sandboxes run only when neither system is configured (UNSAFE_MIX_REAL_AND_SANDBOX=true overrides this, never in production)';
  throw new ConfigError(
    config.sage300
      ? `SF_LOGIN_URL is not set: Sage 300 is configured (SAGE300_URL), so Salesforce must be too (SF_LOGIN_URL, SF_CLIENT_ID, SF_CLIENT_SECRET); ${sandboxOnly}`
      : `SAGE300_URL is not set: Salesforce is configured (SF_LOGIN_URL), so Sage 300 must be too (SAGE300_URL, SAGE300_USER, SAGE300_PASSWORD); ${sandboxOnly}`,
  );
}

/** The business settings the environment gives (package defaults for what it leaves out). */
function businessSettings(env: Env): ConnectorSettings {
  return {
    ...defaultSettings,
    creditPolicy: env.CREDIT_POLICY ?? defaultSettings.creditPolicy,
    creditWarningThreshold: env.CREDIT_WARNING_THRESHOLD ?? defaultSettings.creditWarningThreshold,
    creditAlertHysteresis: env.CREDIT_ALERT_HYSTERESIS ?? defaultSettings.creditAlertHysteresis,
    overdueBuckets: env.OVERDUE_BUCKETS ?? defaultSettings.overdueBuckets,
    customerNumberStrategy: env.CUSTOMER_NUMBER_STRATEGY ?? defaultSettings.customerNumberStrategy,
    customerMatch: env.CUSTOMER_MATCH ?? defaultSettings.customerMatch,
    accountEligibility: env.ACCOUNT_ELIGIBILITY ?? defaultSettings.accountEligibility,
    customerAccountTypes: env.CUSTOMER_ACCOUNT_TYPES ?? defaultSettings.customerAccountTypes,
    customerRules: env.CUSTOMER_RULES ?? defaultSettings.customerRules,
    defaultCustomerGroup: env.DEFAULT_CUSTOMER_GROUP ?? defaultSettings.defaultCustomerGroup,
    defaultTerms: env.DEFAULT_TERMS ?? defaultSettings.defaultTerms,
    defaultTaxGroup: env.DEFAULT_TAX_GROUP ?? defaultSettings.defaultTaxGroup,
    defaultPriceList: env.DEFAULT_PRICE_LIST ?? defaultSettings.defaultPriceList,
    defaultCurrency: env.DEFAULT_CURRENCY ?? defaultSettings.defaultCurrency,
    itemDefaults: definedOnly({
      category: env.ITEM_DEFAULT_CATEGORY,
      accountSet: env.ITEM_DEFAULT_ACCOUNT_SET,
      stockingUnit: env.ITEM_DEFAULT_STOCKING_UNIT,
      structureCode: env.ITEM_DEFAULT_STRUCTURE_CODE,
    }),
    reconciliation: {
      lateDays: env.RECONCILIATION_LATE_DAYS ?? defaultSettings.reconciliation.lateDays,
      months: env.RECONCILIATION_MONTHS ?? defaultSettings.reconciliation.months,
    },
    syncHealth: {
      failedRuns: env.NOTIFY_FAILED_RUNS ?? defaultSettings.syncHealth.failedRuns,
      allowancePercent: env.NOTIFY_SALESFORCE_ALLOWANCE_PERCENT ?? defaultSettings.syncHealth.allowancePercent,
    },
  };
}

/** `SYNC_SCHEDULE_<FLOW>` variables, keyed as `scheduleKey` keys a flow name (`SYNC_SCHEDULE_CREDIT_ALERTS` → `credit_alerts`). */
function scheduleVariables(source: NodeJS.ProcessEnv, prefix = 'SYNC_SCHEDULE_'): Record<string, string> {
  const schedules: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    const match = new RegExp(`^${prefix}([A-Z0-9_]+)$`).exec(name);
    if (match?.[1] && value?.trim()) schedules[match[1].toLowerCase()] = value.trim();
  }
  return schedules;
}

/** The notice channels the environment configures; a channel half configured is refused, naming what is missing. */
function notifySettings(env: Env): NotifySettings {
  const settings: NotifySettings = {
    attempts: env.NOTIFY_ATTEMPTS,
    healthIntervalMs: env.NOTIFY_HEALTH_INTERVAL_MINUTES * 60_000,
  };
  if (env.NOTIFY_WEBHOOK_URL) {
    settings.webhook = {
      url: env.NOTIFY_WEBHOOK_URL,
      secret: need(env.NOTIFY_WEBHOOK_SECRET, 'NOTIFY_WEBHOOK_SECRET', 'webhook notices are signed with it'),
      timeoutMs: Math.round(env.NOTIFY_WEBHOOK_TIMEOUT_SECONDS * 1000),
    };
  } else if (env.NOTIFY_WEBHOOK_SECRET) {
    throw new ConfigError('NOTIFY_WEBHOOK_URL is not set: NOTIFY_WEBHOOK_SECRET is set');
  }
  const emailSet = (['NOTIFY_EMAIL_FROM', 'NOTIFY_EMAIL_TO'] as const).filter((name) => env[name] !== undefined);
  if (env.SMTP_URL) {
    settings.email = {
      smtpUrl: env.SMTP_URL,
      from: need(env.NOTIFY_EMAIL_FROM, 'NOTIFY_EMAIL_FROM', 'e-mail notices need a sender'),
      to: need(env.NOTIFY_EMAIL_TO, 'NOTIFY_EMAIL_TO', "e-mail notices need finance's address")
        .split(',')
        .map((address) => address.trim())
        .filter(Boolean),
      copyAccountOwners: env.NOTIFY_EMAIL_ACCOUNT_OWNERS,
    };
  } else if (emailSet.length > 0) {
    throw new ConfigError(`SMTP_URL is not set: ${emailSet.join(' and ')} ${emailSet.length > 1 ? 'are' : 'is'} set`);
  }
  return settings;
}

/** Reads and validates the configuration; throws a ConfigError naming the first bad or missing variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const env = parseEnvironment(schema, source);
  const config: Config = {
    env,
    apiKeys: (env.MIDDLEWARE_API_KEYS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean),
    databaseUrl: env.DATABASE_URL ?? 'sqlite://./data/connector.db',
    unsafeMix: false,
    settings: businessSettings(env),
    notify: notifySettings(env),
    timings: {
      settingsRefreshMs: env.SETTINGS_REFRESH_SECONDS * 1000,
      orderClaimMs: env.ORDER_CLAIM_SECONDS * 1000,
      shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
      orderVerifyDelayMs: env.ORDER_VERIFY_DELAY_MS,
      apiDeadlineMs: Math.round(env.API_DEADLINE_SECONDS * 1000),
      orderPushDeadlineMs: Math.round(env.ORDER_PUSH_DEADLINE_SECONDS * 1000),
      orderWriteBackRetryMs: Math.round(env.ORDER_WRITE_BACK_RETRY_SECONDS * 1000),
    },
    sync: {
      leaseMs: Math.round(env.SYNC_LEASE_SECONDS * 1000),
      ...(env.SYNC_PAGE_SIZE === undefined ? {} : { pageSize: env.SYNC_PAGE_SIZE }),
      failureMaxAttempts: env.SYNC_FAILURE_MAX_ATTEMPTS,
      failureRetryMs: env.SYNC_FAILURE_RETRY_SECONDS * 1000,
      quotaPauseMs: env.SYNC_QUOTA_PAUSE_SECONDS * 1000,
      salesforceLookBackMs: env.SYNC_SALESFORCE_LOOKBACK_SECONDS * 1000,
      schedules: scheduleVariables(source),
      repairSchedules: scheduleVariables(source, 'SYNC_REPAIR_SCHEDULE_'),
    },
  };
  if (config.apiKeys.some((key) => key.length < 16)) {
    throw new ConfigError('MIDDLEWARE_API_KEYS holds a key shorter than 16 characters; use long random keys');
  }

  if (env.SAGE300_URL) {
    config.sage300 = {
      baseUrl: sage300ApiRoot(env.SAGE300_URL),
      company: env.SAGE300_COMPANY.toUpperCase(),
      user: need(env.SAGE300_USER, 'SAGE300_USER', 'set the Sage 300 Web API user'),
      password: need(env.SAGE300_PASSWORD, 'SAGE300_PASSWORD', 'set the Sage 300 Web API password'),
      timeoutMs: env.SAGE300_TIMEOUT_MS,
      pageSize: env.SAGE300_PAGE_SIZE,
      maxConcurrency: env.SAGE300_MAX_CONCURRENCY,
      breaker: sage300Breaker(env),
    };
  }

  if (env.SF_LOGIN_URL) {
    const clientId = need(env.SF_CLIENT_ID, 'SF_CLIENT_ID', 'set the connected app consumer key');
    const auth: SalesforceAuth = env.SF_JWT_KEY_FILE
      ? {
          kind: 'jwt',
          clientId,
          username: need(env.SF_USERNAME, 'SF_USERNAME', 'the JWT bearer flow needs the integration user name'),
          privateKey: readSecretFile(env.SF_JWT_KEY_FILE, 'SF_JWT_KEY_FILE'),
        }
      : {
          kind: 'client_credentials',
          clientId,
          clientSecret: need(
            env.SF_CLIENT_SECRET,
            'SF_CLIENT_SECRET',
            'set the connected app secret, or SF_USERNAME and SF_JWT_KEY_FILE for the JWT flow',
          ),
        };
    config.salesforce = { loginUrl: env.SF_LOGIN_URL.replace(/\/+$/, ''), apiVersion: env.SF_API_VERSION, auth };
  }

  config.unsafeMix = requireBothSystems(env, config);

  if (env.TLS_CERT_FILE || env.TLS_KEY_FILE) {
    config.tls = {
      cert: readSecretFile(
        need(env.TLS_CERT_FILE, 'TLS_CERT_FILE', 'TLS needs both a certificate and a key'),
        'TLS_CERT_FILE',
      ),
      key: readSecretFile(
        need(env.TLS_KEY_FILE, 'TLS_KEY_FILE', 'TLS needs both a certificate and a key'),
        'TLS_KEY_FILE',
      ),
    };
  }
  return config;
}
