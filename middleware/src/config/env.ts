import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The middleware's configuration, read from environment variables (and an optional `.env` file loaded by the
 * caller). With neither Sage 300 nor Salesforce configured the middleware runs on its embedded sandboxes.
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

const schema = z.object({
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
});

export type Env = z.infer<typeof schema>;

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

export interface Config {
  env: Env;
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

/** Normalises a Sage server URL to the Web API root (appends `/Sage300WebApi/v1.0/-` when only a host is given). */
export function sage300ApiRoot(value: string): string {
  const trimmed = value.replace(/\/+$/, '');
  return /\/Sage300WebApi\//i.test(trimmed) ? trimmed : `${trimmed}/Sage300WebApi/v1.0/-`;
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

/** Reads and validates the configuration; throws a ConfigError naming the first bad or missing variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'configuration';
    throw new ConfigError(`${name} is invalid: ${issue?.message ?? 'unknown problem'}`);
  }
  const env = parsed.data;
  const config: Config = {
    env,
    apiKeys: (env.MIDDLEWARE_API_KEYS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean),
    databaseUrl: env.DATABASE_URL ?? 'sqlite://./data/connector.db',
    unsafeMix: false,
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
