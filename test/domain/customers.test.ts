import {
  nameBasedCustomerNumbers,
  normaliseCustomerNumber,
  sageCustomerBody,
  sameNameAndPostalCode,
  sequentialCustomerNumbers,
} from '../../middleware/src/domain/customers.js';
import { defaultSettings } from '../../middleware/src/domain/settings.js';

function first<T>(iterable: Iterable<T>, count: number): T[] {
  const result: T[] = [];
  for (const value of iterable) {
    if (result.length === count) break;
    result.push(value);
  }
  return result;
}

describe('customer rules', () => {
  it('normalises customer numbers and rejects what Sage cannot hold', () => {
    expect(normaliseCustomerNumber(' 1200 ')).toBe('1200');
    expect(normaliseCustomerNumber('acme-01')).toBe('ACME-01');
    expect(normaliseCustomerNumber("1200') or (1 eq 1")).toBeUndefined();
    expect(normaliseCustomerNumber('ABCDEFGHIJKLM')).toBeUndefined();
    expect(normaliseCustomerNumber('')).toBeUndefined();
  });

  it('numbers sequentially above the highest numeric customer, ignoring named ones', () => {
    expect(first(sequentialCustomerNumbers(['1100', '1500 ', 'ACME', '0999']), 3)).toEqual(['1501', '1502', '1503']);
    expect(first(sequentialCustomerNumbers(['000042']), 1)).toEqual(['000043']);
    expect(first(sequentialCustomerNumbers([]), 1)).toEqual(['0001']);
  });

  it('numbers by name with a stem and then numbered variants', () => {
    expect(first(nameBasedCustomerNumbers('Börk & Sons, Ltd.'), 3)).toEqual(['BORKSONS', 'BORKSONS01', 'BORKSONS02']);
    expect(first(nameBasedCustomerNumbers('!!!'), 1)).toEqual(['CUST']);
  });

  it('matches a customer by name and postal code regardless of case and spacing', () => {
    const account = { Name: 'Black Hardware, Inc.', BillingPostalCode: 'sw1a 1aa' };
    expect(sameNameAndPostalCode(account, { CustomerName: 'BLACK HARDWARE INC', ZipPostalCode: 'SW1A1AA' })).toBe(true);
    expect(sameNameAndPostalCode(account, { CustomerName: 'Black Hardware', ZipPostalCode: 'SW1A1AA' })).toBe(false);
    expect(sameNameAndPostalCode({ ...account, BillingPostalCode: '' }, { CustomerName: 'Black Hardware Inc' })).toBe(
      false,
    );
  });

  it('builds a Sage customer from an account with the configured defaults', () => {
    const body = sageCustomerBody(
      {
        Id: '001000000000001AAA',
        Name: 'Northwind Traders International',
        BillingStreet: '1 Main St\nSuite 200',
        BillingCity: 'Fresno',
        BillingPostalCode: '93650',
        contactEmail: 'ap@northwind.example',
      },
      '1501',
      { ...defaultSettings, defaultCustomerGroup: 'WHL', defaultPriceList: 'WHS' },
    );
    expect(body).toEqual({
      CustomerNumber: '1501',
      ShortName: 'Northwind',
      CustomerName: 'Northwind Traders International',
      GroupCode: 'WHL',
      Terms: 'N30',
      TaxGroup: 'CALIF',
      CustomerPriceList: 'WHS',
      CurrencyCode: 'USD',
      AddressLine1: '1 Main St',
      AddressLine2: 'Suite 200',
      City: 'Fresno',
      ZipPostalCode: '93650',
      Email: 'ap@northwind.example',
      ContactsEmail: 'ap@northwind.example',
    });
  });
});
