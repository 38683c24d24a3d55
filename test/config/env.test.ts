import { ConfigError } from '../../middleware/src/config/env.js';
import { syncSettingsFromEnvironment } from '../../middleware/src/sync/settings.js';

describe('sync settings from the environment', () => {
  it('uses the defaults when the variables are unset or blank', () => {
    const settings = syncSettingsFromEnvironment({ SYNC_LEASE_SECONDS: '  ', SYNC_PAGE_SIZE: '' });
    expect(settings).toEqual({
      leaseMs: 60_000,
      failureMaxAttempts: 5,
      failureRetryMs: 60_000,
      quotaPauseMs: 900_000,
      mappingRefreshMs: 300_000,
      schedules: {},
    });
  });

  it('reads seconds as milliseconds, the page size and per-flow schedules', () => {
    const settings = syncSettingsFromEnvironment({
      SYNC_LEASE_SECONDS: '1.5',
      SYNC_PAGE_SIZE: '200',
      SYNC_SCHEDULE_CUSTOMERS: ' */5 * * * * ',
    });
    expect(settings.leaseMs).toBe(1500);
    expect(settings.pageSize).toBe(200);
    expect(settings.schedules).toEqual({ customers: '*/5 * * * *' });
  });

  it('names the bad variable in one line', () => {
    expect(() => syncSettingsFromEnvironment({ SYNC_PAGE_SIZE: '0' })).toThrow(
      new ConfigError('SYNC_PAGE_SIZE must be between 1 and 50000'),
    );
    expect(() => syncSettingsFromEnvironment({ SYNC_LEASE_SECONDS: 'soon' })).toThrow(
      'SYNC_LEASE_SECONDS must be a number of seconds',
    );
    expect(() => syncSettingsFromEnvironment({ SYNC_FAILURE_MAX_ATTEMPTS: '0' })).toThrow(
      'SYNC_FAILURE_MAX_ATTEMPTS must be at least 1',
    );
  });
});
