import { ConnectorError } from '../../middleware/src/domain/errors.js';
import {
  customerKey,
  customerNumber,
  nameBasedCustomerNumbers,
  parseCustomerNumber,
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
  it("reads a customer number a person typed into Sage's form, and nothing that is not one", () => {
    expect(parseCustomerNumber(' 1200 ')).toBe('1200');
    expect(parseCustomerNumber('acme-01')).toBe('ACME-01');
    expect(parseCustomerNumber('a.b_c-d')).toBe('A.B_C-D');
    expect(parseCustomerNumber('ABCDEFGHIJKL')).toBe('ABCDEFGHIJKL');
    expect(parseCustomerNumber('ABCDEFGHIJKLM')).toBeUndefined();
    expect(parseCustomerNumber("1200') or (1 eq 1")).toBeUndefined();
    expect(parseCustomerNumber('12 00')).toBeUndefined();
    expect(parseCustomerNumber('-1200')).toBeUndefined();
    expect(parseCustomerNumber('.1200')).toBeUndefined();
    expect(parseCustomerNumber('ÉCOLE')).toBeUndefined();
    expect(parseCustomerNumber('1200/1')).toBeUndefined();
    expect(parseCustomerNumber('')).toBeUndefined();
    expect(parseCustomerNumber('   ')).toBeUndefined();
    expect(parseCustomerNumber(null)).toBeUndefined();
    expect(parseCustomerNumber(undefined)).toBeUndefined();
  });

  it('validates a customer number exactly as given, one problem naming the rule', () => {
    expect(customerNumber.parse('acme-01')).toBe('ACME-01');
    // A request path carries no padding: a space is as wrong there as a quote.
    for (const value of [' 1200', 'ABCDEFGHIJKLM', "12'00", '']) {
      const result = customerNumber.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual([
        'must be a Sage customer number: 1 to 12 letters, digits, ".", "_" or "-"',
      ]);
    }
  });

  it("keys Sage's own customer numbers without judging their characters, refusing only a blank one", () => {
    expect(customerKey('1200        ')).toBe('1200');
    expect(customerKey('a&b/1')).toBe('A&B/1');
    expect(() => customerKey('  ')).toThrow(ConnectorError);
    expect(() => customerKey('')).toThrow('A Sage customer number cannot be blank');
  });

  it('numbers new customers only with numbers the customer-number rule accepts', () => {
    const sequential = first(sequentialCustomerNumbers(['99999999999']), 1);
    const named = first(nameBasedCustomerNumbers('Greenfield Landscaping'), 10001).slice(-1);
    for (const number of [...sequential, ...named]) expect(parseCustomerNumber(number)).toBe(number);
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
