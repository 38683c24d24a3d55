/**
 * `npm run preview`: the preview on its own, against any running middleware and the Salesforce org it uses.
 *
 *   PREVIEW_MIDDLEWARE_URL  the middleware (default http://127.0.0.1:3000)
 *   PREVIEW_API_KEY         a key it accepts (default: the first of MIDDLEWARE_API_KEYS)
 *   SF_LOGIN_URL, SF_CLIENT_ID, SF_CLIENT_SECRET (or SF_USERNAME and SF_JWT_KEY_FILE)  the org, as for the middleware
 *   PREVIEW_PORT            where the preview listens (default 3100), on PREVIEW_HOST (default 127.0.0.1)
 *
 * It acts with the key it is given for anyone who can open it, so it listens on this machine only unless told otherwise.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, loadConfig, parseEnvironment } from '../../middleware/src/config/env.js';
import { createLogger } from '../../middleware/src/observability/logger.js';
import { createSalesforceClient } from '../../middleware/src/salesforce/client.js';
import { startPreviewServer } from './standalone.js';

const schema = z.object({
  PREVIEW_MIDDLEWARE_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'PREVIEW_MIDDLEWARE_URL must be an http(s) URL')
    .default('http://127.0.0.1:3000'),
  PREVIEW_API_KEY: z.string().optional(),
  PREVIEW_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  PREVIEW_HOST: z.string().default('127.0.0.1'),
});

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = parseEnvironment(schema, process.env);
  const config = loadConfig(process.env);
  if (!config.salesforce) {
    throw new ConfigError(
      'SF_LOGIN_URL is not set: the preview reads records from the Salesforce org the middleware uses. For a middleware ' +
        'on its embedded sandbox, set SF_LOGIN_URL to the Salesforce URL it printed, SF_CLIENT_ID=sandbox-client and ' +
        'SF_CLIENT_SECRET=sandbox-secret',
    );
  }
  const apiKey = env.PREVIEW_API_KEY ?? config.apiKeys[0];
  if (!apiKey) throw new ConfigError('PREVIEW_API_KEY is not set: give the preview a key the middleware accepts');
  const server = await startPreviewServer({
    salesforce: createSalesforceClient(config.salesforce),
    middleware: { url: env.PREVIEW_MIDDLEWARE_URL, apiKey },
    port: env.PREVIEW_PORT,
    host: env.PREVIEW_HOST,
    logger: createLogger(config.env.LOG_LEVEL),
  });
  console.log(
    `Preview of the Salesforce components: ${server.url} (calling the middleware at ${env.PREVIEW_MIDDLEWARE_URL})`,
  );
  server.preview.bundle.ready().then(
    () => console.log('Preview ready.'),
    (error: unknown) =>
      console.error(`The preview could not be built: ${error instanceof Error ? error.message : String(error)}`),
  );
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void server.close().then(() => process.exit(0)));
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : `The preview could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
