/** What a CLI command works with: the configuration, the store, the flow registry. */
import { existsSync } from 'node:fs';
import pino from 'pino';
import { loadConfig, type Config } from '../config/env.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { openStore, type Store } from '../store/index.js';
import type { FlowRegistry } from '../sync/registry.js';

export interface CliContext {
  config: Config;
  store: Store;
  logger: Logger;
  registry: FlowRegistry;
  close(): Promise<void>;
}

/** Reads `.env` (when present) and the configuration; throws a ConfigError naming what to set. */
export function readConfiguration(): { config: Config; logger: Logger } {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  // Logs go to stderr and stay quiet unless asked for, so the command's own output is what a reader sees.
  const level = process.env.LOG_LEVEL?.trim() ? config.env.LOG_LEVEL : 'warn';
  return { config, logger: createLogger(level, pino.destination(2)) };
}

/** Opens the store (migrating it unless told not to). */
export async function openContext(registry: FlowRegistry, options: { migrate?: boolean } = {}): Promise<CliContext> {
  const { config, logger } = readConfiguration();
  const store = await openStore(config.databaseUrl, { migrate: options.migrate ?? true });
  return { config, store, logger, registry, close: () => store.close() };
}
