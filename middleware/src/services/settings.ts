/**
 * Salesforce Custom Metadata in use: the connector settings (`Sage_Connector_Setting__mdt.Default`) and the field
 * mappings (`Sage_Field_Mapping__mdt`), read together by one refresh and kept by one rule. The API services, the sync
 * flows and the scheduler all read them here.
 *
 * - One refresh: both records are read at once, again when a caller asks after `refreshMs` (concurrent callers share
 *   one read), or when `refresh()` is called (the scheduler's timer, an operator).
 * - One "last good" rule: a read that fails or answers something unusable keeps what was last read successfully from
 *   Salesforce; with nothing read yet, the configuration applies (environment settings; mapping file and defaults).
 *   The reason is logged. The one exception is start-up: invalid field mappings stop it (`load()` throws a
 *   MappingError naming the record), because running on mappings an admin did not mean is worse than not starting.
 */
import {
  fieldMappingMetadataFields,
  MappingError,
  mappingsFromMetadata,
  resolveMappings,
  type MappingConfiguration,
} from '../config/mapping.js';
import type { FieldMapping } from '../domain/mapping.js';
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

export interface CustomMetadata {
  /** The settings in use, read again first when they are older than the refresh interval. */
  current(): Promise<ConnectorSettings>;
  /** The settings as last read, without waiting (the scheduler's view). */
  settingsNow(): ConnectorSettings;
  /** The field mappings in force, as last read. */
  mappings(): MappingConfiguration;
  /** Where the settings in use came from. */
  source(): SettingsSource;
  /** Reads both records now (or joins a read under way). */
  refresh(): Promise<void>;
  /** The first read; throws a MappingError when the mappings in Salesforce are invalid. Later calls do nothing. */
  load(): Promise<void>;
}

export interface CustomMetadataOptions {
  /** Runs a SOQL query against Salesforce; undefined when Salesforce is not in use. */
  query?: (soql: string) => Promise<Record<string, unknown>[]>;
  /** Settings from configuration: the fallback, and the base for blank metadata fields. */
  fallback: ConnectorSettings;
  /** Mappings from the mapping file, layered under the Custom Metadata ones. */
  fileMappings?: readonly FieldMapping[];
  /** How long what was read is kept before a caller's `current()` reads again (default five minutes; 0: every call). */
  refreshMs?: number;
  now?: () => number;
  logger?: Logger;
}

/** The query for the `Default` settings record; no input reaches it. */
export const settingsQuery = `SELECT ${settingFields.join(', ')} FROM Sage_Connector_Setting__mdt WHERE DeveloperName = 'Default' LIMIT 1`;

/** The query for the field mappings; no input reaches it. */
export const mappingsQuery = `SELECT ${fieldMappingMetadataFields.join(', ')} FROM Sage_Field_Mapping__mdt`;

/** What one refresh read, part by part: a value, or why there is none. */
type Part<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function attempt<T>(work: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The Custom Metadata provider. */
export function createCustomMetadata(options: CustomMetadataOptions): CustomMetadata {
  const cache = new CoalescingCache<void>({
    ttlMs: options.refreshMs ?? 300_000,
    maxEntries: 1,
    ...(options.now ? { now: options.now } : {}),
  });
  const fileMappings = options.fileMappings ?? [];
  const configured = resolveMappings(fileMappings);
  let settings: { value: ConnectorSettings; source: SettingsSource } = {
    value: options.fallback,
    source: 'configuration',
  };
  let mappings = configured;
  /** Whether anything was read from Salesforce yet, per part: what "last good" falls back to. */
  let goodSettings = false;
  let goodMappings = false;
  let loaded = false;

  async function read(): Promise<void> {
    const { query } = options;
    if (!query) {
      loaded = true;
      return;
    }
    const [record, entries] = await Promise.all([
      attempt(async () => (await query(settingsQuery))[0]),
      attempt(async () => resolveMappings(fileMappings, mappingsFromMetadata(await query(mappingsQuery)))),
    ]);

    if (record.ok && !record.value) {
      options.logger?.warn('Sage_Connector_Setting__mdt has no Default record; using settings from configuration');
      settings = { value: options.fallback, source: 'configuration' };
    } else {
      const parsed = record.ok
        ? await attempt(async () => settingsFromMetadata(record.value as Record<string, unknown>, options.fallback))
        : record;
      if (parsed.ok) {
        settings = { value: parsed.value, source: 'salesforce' };
        goodSettings = true;
      } else {
        const reason =
          parsed.error instanceof InvalidSettingsError ? parsed.error.message : 'Salesforce could not be read';
        const kept = goodSettings
          ? 'keeping the settings last read from Salesforce'
          : 'using settings from configuration';
        options.logger?.warn({ err: parsed.error }, `Connector settings: ${reason}; ${kept}`);
      }
    }

    if (entries.ok) {
      mappings = entries.value;
      goodMappings = true;
    } else if (entries.error instanceof MappingError) {
      if (!loaded) throw entries.error;
      options.logger?.error(
        { err: entries.error },
        'the field mappings read from Salesforce are invalid; keeping the previous ones',
      );
    } else {
      const kept = goodMappings ? 'keeping the mappings last read' : 'using the mapping file and defaults';
      options.logger?.warn({ err: entries.error }, `could not read Sage_Field_Mapping__mdt from Salesforce; ${kept}`);
    }
    loaded = true;
  }

  const refreshed = () => cache.get('metadata', read);

  return {
    async current() {
      await refreshed();
      return settings.value;
    },
    settingsNow: () => settings.value,
    mappings: () => mappings,
    source: () => settings.source,
    async refresh() {
      cache.invalidate('metadata');
      await refreshed();
    },
    async load() {
      if (!loaded) await refreshed();
    },
  };
}
