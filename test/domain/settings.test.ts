import { defaultSettings, InvalidSettingsError, settingsFromMetadata } from '../../middleware/src/domain/settings.js';

describe('connector settings', () => {
  it('reads a Custom Metadata record over the defaults', () => {
    const settings = settingsFromMetadata(
      {
        Credit_Policy__c: 'Block',
        Credit_Warning_Threshold__c: 75,
        Overdue_Buckets__c: '1, 15,45',
        Default_Price_List__c: 'whs',
        Customer_Match__c: 'Email',
        Order_Sync_Schedule__c: null,
      },
      defaultSettings,
    );
    expect(settings.creditPolicy).toBe('Block');
    expect(settings.creditWarningThreshold).toBe(75);
    expect(settings.overdueBuckets).toEqual([1, 15, 45]);
    expect(settings.defaultPriceList).toBe('WHS');
    expect(settings.customerMatch).toBe('Email');
    expect(settings.schedules.orders).toBe(defaultSettings.schedules.orders);
    expect(settings.defaultTerms).toBe('N30');
  });

  it('names the field of a record it cannot use', () => {
    expect(() => settingsFromMetadata({ Credit_Policy__c: 'Sometimes' }, defaultSettings)).toThrow(
      InvalidSettingsError,
    );
    expect(() => settingsFromMetadata({ Overdue_Buckets__c: '30,10' }, defaultSettings)).toThrow(/Overdue_Buckets__c/);
  });

  it('names a schedule that is not a cron expression when it reads it, not when the scheduler uses it', () => {
    expect(() => settingsFromMetadata({ Item_Sync_Schedule__c: 'hourly' }, defaultSettings)).toThrow(
      'Item_Sync_Schedule__c must be a cron expression, such as */15 * * * *',
    );
    expect(settingsFromMetadata({ Item_Sync_Schedule__c: '0 */2 * * *' }, defaultSettings).schedules.items).toBe(
      '0 */2 * * *',
    );
  });
});
