import { ConnectorError } from '../../middleware/src/domain/errors.js';
import { defaultSettings } from '../../middleware/src/domain/settings.js';
import { MappingError } from '../../middleware/src/config/mapping.js';
import {
  createCustomMetadata,
  mappingsQuery,
  settingsQuery,
  type CustomMetadataOptions,
} from '../../middleware/src/services/settings.js';

/** A provider whose mapping query answers no records unless told otherwise. */
function createSettingsProvider(
  options: Omit<CustomMetadataOptions, 'query'> & { query?: (soql: string) => Promise<Record<string, unknown>[]> },
) {
  const { query } = options;
  return createCustomMetadata({
    ...options,
    ...(query ? { query: (soql: string) => (soql === mappingsQuery ? Promise.resolve([]) : query(soql)) } : {}),
  });
}

/** A `Sage_Field_Mapping__mdt` record as queried. */
const faxMapping = (developerName: string) => ({
  DeveloperName: developerName,
  Object__c: 'Account',
  Salesforce_Field__c: 'Fax',
  Sage_Field__c: 'FaxNumber',
  Master__c: 'Sage',
  To_Salesforce__c: true,
  To_Sage__c: false,
  Transform__c: 'trim',
  Active__c: true,
});

const fallback = { ...defaultSettings, creditPolicy: 'Allow' as const };
const salesforceDown = () =>
  Promise.reject(new ConnectorError('transient', 'Salesforce answered 503', { code: 'HTTP503', system: 'salesforce' }));

describe('connector settings in use', () => {
  it('come from the Default Custom Metadata record when Salesforce answers', async () => {
    const queries: string[] = [];
    const provider = createSettingsProvider({
      fallback,
      query: async (soql: string) => {
        queries.push(soql);
        return [{ Credit_Policy__c: 'Block', Default_Terms__c: null }];
      },
    });
    const settings = await provider.current();
    expect(settings.creditPolicy).toBe('Block');
    expect(settings.defaultTerms).toBe(fallback.defaultTerms);
    expect(provider.source()).toBe('salesforce');
    expect(queries).toEqual([settingsQuery]);
    expect(settingsQuery).toContain("DeveloperName = 'Default'");
  });

  it('fall back to configuration when Salesforce cannot be read, or has no record, or an unusable one', async () => {
    for (const query of [salesforceDown, async () => [], async () => [{ Credit_Policy__c: 'Sometimes' }]]) {
      const provider = createSettingsProvider({ fallback, query });
      expect((await provider.current()).creditPolicy).toBe('Allow');
      expect(provider.source()).toBe('configuration');
    }
  });

  it('keep the last settings read from Salesforce through a short outage', async () => {
    let now = 0;
    let up = true;
    const provider = createSettingsProvider({
      fallback,
      refreshMs: 1_000,
      now: () => now,
      query: () => (up ? Promise.resolve([{ Credit_Policy__c: 'Block' }]) : salesforceDown()),
    });
    expect((await provider.current()).creditPolicy).toBe('Block');
    up = false;
    now = 5_000;
    expect((await provider.current()).creditPolicy).toBe('Block');
  });

  it('are read again only after the refresh interval, with concurrent callers sharing one read', async () => {
    let now = 0;
    let reads = 0;
    const provider = createSettingsProvider({
      fallback,
      refreshMs: 1_000,
      now: () => now,
      query: async () => {
        reads += 1;
        return [{ Credit_Warning_Threshold__c: 70 + reads }];
      },
    });
    const first = await Promise.all([provider.current(), provider.current(), provider.current()]);
    expect(first.map((settings) => settings.creditWarningThreshold)).toEqual([71, 71, 71]);
    now = 999;
    expect((await provider.current()).creditWarningThreshold).toBe(71);
    now = 1_000;
    expect((await provider.current()).creditWarningThreshold).toBe(72);
    expect(reads).toBe(2);
  });

  it('are the configuration when Salesforce is not in use', async () => {
    const provider = createSettingsProvider({ fallback });
    expect(await provider.current()).toBe(fallback);
  });
});

describe('field mappings and settings from one Custom Metadata provider', () => {
  it('reads both records in one refresh and keeps the last good of each when a later read fails', async () => {
    let now = 0;
    let up = true;
    const queries: string[] = [];
    const metadata = createCustomMetadata({
      fallback,
      refreshMs: 1_000,
      now: () => now,
      query: async (soql) => {
        queries.push(soql);
        if (!up) return salesforceDown();
        return soql === mappingsQuery ? [faxMapping('Account_Fax')] : [{ Credit_Policy__c: 'Block' }];
      },
    });
    await metadata.load();
    expect(queries.sort()).toEqual([mappingsQuery, settingsQuery].sort());
    expect(metadata.mappings().Account.find((entry) => entry.salesforceField === 'Fax')?.sageField).toBe('FaxNumber');
    expect(metadata.settingsNow().creditPolicy).toBe('Block');

    up = false;
    now = 5_000;
    expect((await metadata.current()).creditPolicy).toBe('Block');
    expect(metadata.mappings().Account.some((entry) => entry.salesforceField === 'Fax')).toBe(true);
    expect(metadata.source()).toBe('salesforce');
  });

  it('refuses to start on invalid mappings, naming them, but keeps the previous ones when they turn invalid later', async () => {
    let records = [faxMapping('Account_Fax'), faxMapping('Account_Fax_Again')];
    const query = async (soql: string) => (soql === mappingsQuery ? records : []);
    await expect(createCustomMetadata({ fallback, query }).load()).rejects.toThrow(MappingError);

    records = [faxMapping('Account_Fax')];
    const metadata = createCustomMetadata({ fallback, query });
    await metadata.load();
    records = [faxMapping('Account_Fax'), faxMapping('Account_Fax_Again')];
    await metadata.refresh();
    expect(metadata.mappings().Account.filter((entry) => entry.salesforceField === 'Fax')).toHaveLength(1);
  });

  it('answers the mapping file and defaults when Salesforce is not in use', async () => {
    const metadata = createCustomMetadata({ fallback });
    await metadata.load();
    expect(metadata.mappings().Account.some((entry) => entry.salesforceField === 'Fax')).toBe(false);
    expect(metadata.mappings().Account.some((entry) => entry.salesforceField === 'Sage_Customer_Number__c')).toBe(true);
  });
});
