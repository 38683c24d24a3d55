/** What a CLI command works with: the configuration, the store and, when it talks to the systems, the sync runtime. */
import { existsSync } from 'node:fs';
import pino from 'pino';
import { loadConfig, type Config } from '../config/env.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { openStore, type Store } from '../store/index.js';
import { syncSettingsFromEnvironment, type SyncSettings } from '../sync/settings.js';

export interface CliContext {
  config: Config;
  settings: SyncSettings;
  store: Store;
  logger: Logger;
  close(): Promise<void>;
}

/** Reads `.env` (when present) and the configuration; throws a ConfigError naming what to set. */
export function readConfiguration(): { config: Config; settings: SyncSettings; logger: Logger } {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const settings = syncSettingsFromEnvironment(process.env);
  // Logs go to stderr and stay quiet unless asked for, so the command's own output is what a reader sees.
  const level = process.env.LOG_LEVEL?.trim() ? config.env.LOG_LEVEL : 'warn';
  return { config, settings, logger: createLogger(level, pino.destination(2)) };
}

/** Opens the store (migrating it unless told not to). */
export async function openContext(options: { migrate?: boolean } = {}): Promise<CliContext> {
  const { config, settings, logger } = readConfiguration();
  const store = await openStore(config.databaseUrl, { migrate: options.migrate ?? true });
  return { config, settings, store, logger, close: () => store.close() };
}
