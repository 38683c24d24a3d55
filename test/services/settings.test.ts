import { ConnectorError } from '../../middleware/src/domain/errors.js';
import { defaultSettings } from '../../middleware/src/domain/settings.js';
import { createSettingsProvider, settingsQuery } from '../../middleware/src/services/settings.js';

const fallback = { ...defaultSettings, creditPolicy: 'Allow' as const };
const salesforceDown = () =>
  Promise.reject(new ConnectorError('transient', 'Salesforce answered 503', { code: 'HTTP503', system: 'salesforce' }));

describe('connector settings in use', () => {
  it('come from the Default Custom Metadata record when Salesforce answers', async () => {
    const queries: string[] = [];
    const provider = createSettingsProvider({
      fallback,
      query: async (soql) => {
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
    expect(first.map((s) => s.creditWarningThreshold)).toEqual([71, 71, 71]);
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
