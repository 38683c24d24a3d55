import { z } from 'zod';
import { ConfigError } from './env.js';
import { defaultSettings, type ConnectorSettings } from '../domain/settings.js';

/**
 * Business settings from environment variables: the fallback used when Salesforce's `Sage_Connector_Setting__mdt`
 * cannot be read, and the base its blank fields fall back to. Unset variables keep the package defaults.
 */
const code = (name: string, max: number) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^[A-Za-z0-9]{1,${max}}$`), `${name} must be a Sage code of up to ${max} letters or digits`)
    .transform((value) => value.toUpperCase())
    .optional();

const schema = z.object({
  CREDIT_POLICY: z
    .enum(['Block', 'Warn', 'Allow'], { message: 'CREDIT_POLICY must be Block, Warn or Allow' })
    .optional(),
  CREDIT_WARNING_THRESHOLD: z.coerce
    .number({ message: 'CREDIT_WARNING_THRESHOLD must be a percentage such as 80' })
    .min(0)
    .max(999)
    .optional(),
  CUSTOMER_NUMBER_STRATEGY: z
    .enum(['Sequential', 'Name Based'], { message: 'CUSTOMER_NUMBER_STRATEGY must be Sequential or Name Based' })
    .optional(),
  CUSTOMER_MATCH: z
    .enum(['Name And Postal Code', 'Email', 'None'], {
      message: 'CUSTOMER_MATCH must be Name And Postal Code, Email or None',
    })
    .optional(),
  DEFAULT_CUSTOMER_GROUP: code('DEFAULT_CUSTOMER_GROUP', 6),
  DEFAULT_TERMS: code('DEFAULT_TERMS', 6),
  DEFAULT_TAX_GROUP: code('DEFAULT_TAX_GROUP', 12),
  DEFAULT_PRICE_LIST: code('DEFAULT_PRICE_LIST', 6),
  DEFAULT_CURRENCY: code('DEFAULT_CURRENCY', 3),
});

/** Timings of the API services, from the environment. */
export interface ServiceTimings {
  /** How long Custom Metadata settings are kept before they are read again. */
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

const seconds = (name: string) =>
  z.coerce.number({ message: `${name} must be a number of seconds` }).positive(`${name} must be above 0`);

const timings = z.object({
  SETTINGS_REFRESH_SECONDS: z.coerce
    .number({ message: 'SETTINGS_REFRESH_SECONDS must be a number of seconds' })
    .int()
    .min(0)
    .default(300),
  ORDER_CLAIM_SECONDS: z.coerce
    .number({ message: 'ORDER_CLAIM_SECONDS must be a number of seconds' })
    .int()
    .min(2)
    .default(10),
  ORDER_VERIFY_DELAY_MS: z.coerce
    .number({ message: 'ORDER_VERIFY_DELAY_MS must be a number of milliseconds' })
    .int()
    .min(0)
    .default(2000),
  // Below the Apex callout timeouts of the package (30 s for reads, 60 s for the push), so the rep reads our reason.
  API_DEADLINE_SECONDS: seconds('API_DEADLINE_SECONDS').max(120).default(25),
  ORDER_PUSH_DEADLINE_SECONDS: seconds('ORDER_PUSH_DEADLINE_SECONDS').max(120).default(50),
  ORDER_WRITE_BACK_RETRY_SECONDS: seconds('ORDER_WRITE_BACK_RETRY_SECONDS').default(60),
  SHUTDOWN_GRACE_SECONDS: z.coerce
    .number({ message: 'SHUTDOWN_GRACE_SECONDS must be a number of seconds' })
    .int()
    .min(0)
    .default(10),
});

function blankToUndefined(source: NodeJS.ProcessEnv, names: string[]): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = source[name]?.trim();
    values[name] = value ? value : undefined;
  }
  return values;
}

function firstProblem(error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  const name = String(issue?.path[0] ?? 'configuration');
  const message = issue?.message ?? 'is invalid';
  return new ConfigError(message.startsWith(name) ? message : `${name} is invalid: ${message}`);
}

/** The business settings the environment gives (package defaults for what it leaves out). */
export function settingsFromEnvironment(source: NodeJS.ProcessEnv = process.env): ConnectorSettings {
  const parsed = schema.safeParse(blankToUndefined(source, Object.keys(schema.shape)));
  if (!parsed.success) throw firstProblem(parsed.error);
  const env = parsed.data;
  return {
    ...defaultSettings,
    creditPolicy: env.CREDIT_POLICY ?? defaultSettings.creditPolicy,
    creditWarningThreshold: env.CREDIT_WARNING_THRESHOLD ?? defaultSettings.creditWarningThreshold,
    customerNumberStrategy: env.CUSTOMER_NUMBER_STRATEGY ?? defaultSettings.customerNumberStrategy,
    customerMatch: env.CUSTOMER_MATCH ?? defaultSettings.customerMatch,
    defaultCustomerGroup: env.DEFAULT_CUSTOMER_GROUP ?? defaultSettings.defaultCustomerGroup,
    defaultTerms: env.DEFAULT_TERMS ?? defaultSettings.defaultTerms,
    defaultTaxGroup: env.DEFAULT_TAX_GROUP ?? defaultSettings.defaultTaxGroup,
    defaultPriceList: env.DEFAULT_PRICE_LIST ?? defaultSettings.defaultPriceList,
    defaultCurrency: env.DEFAULT_CURRENCY ?? defaultSettings.defaultCurrency,
  };
}

/** The API services' timings from the environment. */
export function serviceTimings(source: NodeJS.ProcessEnv = process.env): ServiceTimings {
  const parsed = timings.safeParse(blankToUndefined(source, Object.keys(timings.shape)));
  if (!parsed.success) throw firstProblem(parsed.error);
  return {
    settingsRefreshMs: parsed.data.SETTINGS_REFRESH_SECONDS * 1000,
    orderClaimMs: parsed.data.ORDER_CLAIM_SECONDS * 1000,
    shutdownGraceMs: parsed.data.SHUTDOWN_GRACE_SECONDS * 1000,
    orderVerifyDelayMs: parsed.data.ORDER_VERIFY_DELAY_MS,
    apiDeadlineMs: Math.round(parsed.data.API_DEADLINE_SECONDS * 1000),
    orderPushDeadlineMs: Math.round(parsed.data.ORDER_PUSH_DEADLINE_SECONDS * 1000),
    orderWriteBackRetryMs: Math.round(parsed.data.ORDER_WRITE_BACK_RETRY_SECONDS * 1000),
  };
}
