import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line: credentials in headers, bodies and configuration objects.
 * pino replaces them with `[redacted]` before serialising.
 */
const secretNames = [
  'password',
  'secret',
  'smtpUrl',
  'clientSecret',
  'client_secret',
  'privateKey',
  'apiKey',
  'apiKeys',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'SAGE300_PASSWORD',
  'SF_CLIENT_SECRET',
  'MIDDLEWARE_API_KEYS',
];

export const redactedPaths = [
  // Secrets by name at the top level and up to three levels down (pino has no recursive wildcard).
  ...secretNames.flatMap((name) => [name, `*.${name}`, `*.*.${name}`, `*.*.*.${name}`]),
  'authorization',
  'cookie',
  '*.authorization',
  '*.cookie',
  '*.*.authorization',
  '*.*.Authorization',
  '*.*.cookie',
  'res.headers["set-cookie"]',
  'config.auth',
  '*.config.auth',
];

/** Creates the process logger: JSON lines, ISO times, secrets redacted. */
export function createLogger(level: LoggerOptions['level'] = 'info', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'sage300-salesforce-connector' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
