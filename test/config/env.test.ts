// The one configuration module: every environment variable is read by loadConfig, blank counting as unset.
import { ConfigError, loadConfig } from '../../middleware/src/config/env.js';
import { defaultSettings, settingsFromMetadata } from '../../middleware/src/domain/settings.js';

describe('the configuration from the environment', () => {
  it('uses the defaults when the variables are unset or blank', () => {
    const config = loadConfig({ SYNC_LEASE_SECONDS: '  ', SYNC_PAGE_SIZE: '', CREDIT_POLICY: ' ', PORT: '' });
    expect(config.sync).toEqual({
      leaseMs: 60_000,
      failureMaxAttempts: 5,
      failureRetryMs: 60_000,
      quotaPauseMs: 900_000,
      salesforceLookBackMs: 300_000,
      schedules: {},
      repairSchedules: {},
    });
    expect(config.timings).toEqual({
      settingsRefreshMs: 300_000,
      orderClaimMs: 10_000,
      shutdownGraceMs: 10_000,
      orderVerifyDelayMs: 2000,
      apiDeadlineMs: 25_000,
      orderPushDeadlineMs: 50_000,
      orderWriteBackRetryMs: 60_000,
    });
    expect(config.settings).toEqual(defaultSettings);
    expect(config.env.PORT).toBe(3000);
  });

  it('reads seconds as milliseconds, the page size, per-flow schedules and the business fallback', () => {
    const config = loadConfig({
      SYNC_LEASE_SECONDS: '1.5',
      SYNC_PAGE_SIZE: '200',
      SYNC_SCHEDULE_CUSTOMERS: ' */5 * * * * ',
      SYNC_SCHEDULE_OVERDUE_TASKS: '0 7 * * *',
      SYNC_SALESFORCE_LOOKBACK_SECONDS: '120',
      CREDIT_POLICY: 'Block',
      DEFAULT_TERMS: 'n60',
      SETTINGS_REFRESH_SECONDS: '0',
    });
    expect(config.sync.leaseMs).toBe(1500);
    expect(config.sync.pageSize).toBe(200);
    expect(config.sync.salesforceLookBackMs).toBe(120_000);
    expect(config.sync.schedules).toEqual({ customers: '*/5 * * * *', overdue_tasks: '0 7 * * *' });
    expect(config.settings).toMatchObject({ creditPolicy: 'Block', defaultTerms: 'N60' });
    expect(config.timings.settingsRefreshMs).toBe(0);
  });

  it('reads every threshold and schedule of the notices and reports from Custom Metadata, then the environment, then the defaults', () => {
    const environment = loadConfig({
      RECONCILIATION_LATE_DAYS: '3',
      RECONCILIATION_MONTHS: '6',
      NOTIFY_FAILED_RUNS: '5',
      CREDIT_ALERT_HYSTERESIS: '2',
      OVERDUE_BUCKETS: '1,10',
    }).settings;
    expect(environment).toMatchObject({
      reconciliation: { lateDays: 3, months: 6 },
      syncHealth: { failedRuns: 5, allowancePercent: defaultSettings.syncHealth.allowancePercent },
      creditAlertHysteresis: 2,
      creditWarningThreshold: defaultSettings.creditWarningThreshold,
      overdueBuckets: [1, 10],
    });
    const settings = settingsFromMetadata(
      {
        Reconciliation_Late_Days__c: 7,
        Reconciliation_Schedule__c: '0 4 * * *',
        Health_Allowance_Percent__c: 75,
        Credit_Warning_Threshold__c: 70,
        Overdue_Invoice_Schedule__c: null,
      },
      environment,
    );
    expect(settings).toMatchObject({
      reconciliation: { lateDays: 7, months: 6 },
      syncHealth: { failedRuns: 5, allowancePercent: 75 },
      creditWarningThreshold: 70,
      creditAlertHysteresis: 2,
      overdueBuckets: [1, 10],
    });
    expect(settings.schedules).toMatchObject({
      revenueReconciliation: '0 4 * * *',
      overdueInvoices: defaultSettings.schedules.overdueInvoices,
    });
    expect(() => loadConfig({ RECONCILIATION_MONTHS: '40' })).toThrow('RECONCILIATION_MONTHS must be at most 36');
    expect(() => settingsFromMetadata({ Health_Failed_Runs__c: 0 }, environment)).toThrow(/^Health_Failed_Runs__c /);
  });

  it('names the bad variable in one line', () => {
    expect(() => loadConfig({ SYNC_PAGE_SIZE: '0' })).toThrow(
      new ConfigError('SYNC_PAGE_SIZE must be between 1 and 50000'),
    );
    expect(() => loadConfig({ SYNC_LEASE_SECONDS: 'soon' })).toThrow('SYNC_LEASE_SECONDS must be a number of seconds');
    expect(() => loadConfig({ SYNC_FAILURE_MAX_ATTEMPTS: '0' })).toThrow(
      'SYNC_FAILURE_MAX_ATTEMPTS must be at least 1',
    );
    expect(() => loadConfig({ ORDER_CLAIM_SECONDS: '1' })).toThrow('ORDER_CLAIM_SECONDS must be at least 2');
    expect(() => loadConfig({ API_DEADLINE_SECONDS: '0' })).toThrow('API_DEADLINE_SECONDS must be above 0');
    expect(() => loadConfig({ CREDIT_POLICY: 'Sometimes' })).toThrow('CREDIT_POLICY must be Block, Warn or Allow');
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/^PORT is invalid: /);
  });
});
