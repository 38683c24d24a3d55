import {
  InvalidSettingsError,
  settingFields,
  settingsFromMetadata,
  type ConnectorSettings,
} from '../domain/settings.js';
import type { Logger } from '../observability/logger.js';
import { CoalescingCache } from './coalescing-cache.js';

/** Where the settings in use came from. */
export type SettingsSource = 'salesforce' | 'configuration';

export interface SettingsProvider {
  /** The settings in use: Custom Metadata when Salesforce answered recently, else configuration. */
  current(): Promise<ConnectorSettings>;
  /** Where `current()` last came from. */
  source(): SettingsSource;
  /** Reads Salesforce again at the next `current()`. */
  refresh(): void;
}

export interface SettingsProviderOptions {
  /** Runs a SOQL query against Salesforce; undefined when Salesforce is not in use. */
  query?: (soql: string) => Promise<Record<string, unknown>[]>;
  /** Settings from configuration: the fallback, and the base for blank metadata fields. */
  fallback: ConnectorSettings;
  /** How long settings read from Salesforce are kept (default five minutes). */
  refreshMs?: number;
  now?: () => number;
  logger?: Logger;
}

/** The query for the `Default` record; no input reaches it. */
export const settingsQuery = `SELECT ${settingFields.join(', ')} FROM Sage_Connector_Setting__mdt WHERE DeveloperName = 'Default' LIMIT 1`;

/** Settings as last loaded, with where they came from. */
interface Loaded {
  settings: ConnectorSettings;
  source: SettingsSource;
}

/**
 * Business settings from the package's `Sage_Connector_Setting__mdt.Default` record, re-read every `refreshMs`;
 * when Salesforce cannot be read, or the record is missing or unusable, the configuration's settings apply and the
 * reason is logged. Concurrent callers share one read.
 */
export function createSettingsProvider(options: SettingsProviderOptions): SettingsProvider {
  const cache = new CoalescingCache<Loaded>({
    ttlMs: options.refreshMs ?? 300_000,
    maxEntries: 1,
    ...(options.now ? { now: options.now } : {}),
  });
  const fromConfiguration: Loaded = { settings: options.fallback, source: 'configuration' };
  let last: Loaded | undefined;

  async function read(): Promise<Loaded> {
    if (!options.query) return fromConfiguration;
    try {
      const [record] = await options.query(settingsQuery);
      if (record) return { settings: settingsFromMetadata(record, options.fallback), source: 'salesforce' };
      options.logger?.warn('Sage_Connector_Setting__mdt has no Default record; using settings from configuration');
      return fromConfiguration;
    } catch (error) {
      const reason = error instanceof InvalidSettingsError ? error.message : 'Salesforce could not be read';
      options.logger?.warn({ err: error }, `Connector settings: ${reason}; using settings from configuration`);
      // Keep the last good Salesforce settings if there are some; a blip must not flip the credit policy.
      if (last?.source === 'salesforce' && !(error instanceof InvalidSettingsError)) return last;
      return fromConfiguration;
    }
  }

  return {
    async current() {
      last = await cache.get('Default', read);
      return last.settings;
    },
    source: () => last?.source ?? 'configuration',
    refresh() {
      cache.invalidate('Default');
    },
  };
}
