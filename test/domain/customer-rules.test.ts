import { loadConfig } from '../../middleware/src/config/env.js';
import { customerDefaultsFor, parseCustomerRules } from '../../middleware/src/domain/customer-rules.js';
import { defaultSettings, settingsFromMetadata } from '../../middleware/src/domain/settings.js';

const rules = parseCustomerRules(
  JSON.stringify([
    { when: { country: ['Canada', 'CA'] }, customerGroup: 'whl', priceList: 'WHS' },
    { when: { country: 'USA', industry: ['Education'] }, terms: 'DUETBL', taxGroup: 'USDTAX' },
  ]),
);

describe('customer rules', () => {
  it('gives a new customer the codes of the first rule its account meets, and the defaults for the rest', () => {
    expect(customerDefaultsFor(defaultSettings, rules, { country: ' canada ', industry: 'Education' })).toMatchObject({
      defaultCustomerGroup: 'WHL',
      defaultPriceList: 'WHS',
      defaultTerms: 'N30',
      defaultTaxGroup: 'CALIF',
    });
    // Every condition of a rule must hold.
    expect(customerDefaultsFor(defaultSettings, rules, { country: 'USA', industry: 'education' })).toMatchObject({
      defaultCustomerGroup: 'RTL',
      defaultTerms: 'DUETBL',
      defaultTaxGroup: 'USDTAX',
    });
    expect(customerDefaultsFor(defaultSettings, rules, { country: 'USA', industry: 'Retail' })).toBe(defaultSettings);
    expect(customerDefaultsFor(defaultSettings, rules, { country: null, industry: null })).toBe(defaultSettings);
  });

  it('names what is wrong with rules in Custom Metadata and in the environment', () => {
    expect(() => settingsFromMetadata({ Customer_Rules__c: 'not json' }, defaultSettings)).toThrow(
      /^Customer_Rules__c must be a JSON array of rules/,
    );
    expect(() =>
      settingsFromMetadata({ Customer_Rules__c: '[{"when":{"country":"CA"},"priceList":"TOOLONG"}]' }, defaultSettings),
    ).toThrow(/^Customer_Rules__c rule\[0\]\.priceList /);
    expect(() => settingsFromMetadata({ Customer_Rules__c: '[{"when":{},"terms":"N30"}]' }, defaultSettings)).toThrow(
      /^Customer_Rules__c rule\[0\]\.when must name a country or an industry/,
    );
    expect(() => loadConfig({ CUSTOMER_RULES: '[{"when":{"industry":"Retail"}}]' })).toThrow(
      /CUSTOMER_RULES rule\[0\] must set a customerGroup, terms, taxGroup or priceList/,
    );
    expect(settingsFromMetadata({ Customer_Rules__c: '' }, defaultSettings).customerRules).toEqual([]);
    expect(
      loadConfig({ CUSTOMER_RULES: JSON.stringify([{ when: { country: 'CA' }, terms: 'n30' }]) }).settings
        .customerRules,
    ).toEqual([{ when: { country: ['CA'] }, terms: 'N30' }]);
  });
});
