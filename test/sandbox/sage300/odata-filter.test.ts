import { FilterError, matches, parseFilter, pinnedValue } from '../../../sandbox/sage300/odata-filter.js';

const properties = new Set(['CustomerNumber', 'CustomerName', 'OnHold', 'Balance', 'DateLastMaintained', 'Active']);
const row = {
  CustomerNumber: '1200  ',
  CustomerName: "O'Brien Retail",
  OnHold: 'No',
  Balance: 9955.6,
  DateLastMaintained: '2026-03-10T00:00:00Z',
  Active: true,
};
const test = (text: string) => matches(parseFilter(text, properties), row);

describe('the sandbox $filter engine', () => {
  it('evaluates comparisons on strings, numbers, booleans and dates', () => {
    expect(test("CustomerNumber eq '1200'")).toBe(true);
    expect(test("CustomerNumber ne '1200'")).toBe(false);
    expect(test('Balance gt 9955.5 and Balance le 9955.6')).toBe(true);
    expect(test('Active eq true')).toBe(true);
    expect(test('DateLastMaintained ge 2026-03-10T00:00:00Z')).toBe(true);
    expect(test('DateLastMaintained gt 2026-03-10')).toBe(false);
    expect(test("CustomerName eq 'O''Brien Retail'")).toBe(true);
  });

  it('binds and tighter than or, and honours parentheses', () => {
    expect(test("CustomerNumber eq 'X' and OnHold eq 'No' or Balance gt 0")).toBe(true);
    expect(test("CustomerNumber eq 'X' and (OnHold eq 'No' or Balance gt 0)")).toBe(false);
  });

  it('keeps an injected quote inside the literal', () => {
    expect(test("CustomerNumber eq '1200'') or (CustomerNumber ne '''")).toBe(false);
  });

  it('refuses unknown properties, unknown functions and malformed text', () => {
    for (const text of [
      "Nope eq 'x'",
      "tolower(CustomerName) eq 'x'",
      'CustomerNumber eq',
      "CustomerNumber eq 'x' extra",
      "(OnHold eq 'No'",
      'Balance ~ 1',
      "CustomerName eq 'O''Brien",
    ]) {
      expect(() => parseFilter(text, properties)).toThrow(FilterError);
    }
  });

  it('finds the value a filter pins the first key to', () => {
    expect(pinnedValue(parseFilter("CustomerNumber eq '1200' and Balance gt 0", properties), 'CustomerNumber')).toBe(
      '1200',
    );
    expect(
      pinnedValue(parseFilter("CustomerNumber eq '1200' or Balance gt 0", properties), 'CustomerNumber'),
    ).toBeUndefined();
  });
});
