import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line: credentials in headers, bodies and configuration objects.
 * pino replaces them with `[redacted]` before serialising.
 */
export const redactedPaths = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'clientSecret',
  '*.clientSecret',
  '*.*.clientSecret',
  'privateKey',
  '*.privateKey',
  '*.*.privateKey',
  'apiKey',
  '*.apiKey',
  'apiKeys',
  '*.apiKeys',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'config.auth',
  'config.headers.Authorization',
  'config.headers.authorization',
  '*.config.auth',
  '*.config.headers.Authorization',
  'SAGE300_PASSWORD',
  'SF_CLIENT_SECRET',
  'MIDDLEWARE_API_KEYS',
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
