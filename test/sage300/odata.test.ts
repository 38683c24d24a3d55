import {
  and,
  entryKey,
  eq,
  ge,
  odataLiteral,
  odataString,
  oneOf,
  or,
  queryParams,
  startsWith,
} from '../../middleware/src/sage300/odata.js';

describe('OData literals and keys', () => {
  it('quotes strings and doubles the quotes inside them', () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
    expect(odataString("1200') or (CustomerNumber ne '")).toBe("'1200'') or (CustomerNumber ne '''");
    expect(odataString('')).toBe("''");
  });

  it('writes dates in v4 form and refuses numbers that are not finite', () => {
    expect(odataLiteral(new Date('2024-05-01T00:00:00.000Z'))).toBe('2024-05-01T00:00:00Z');
    expect(odataLiteral(12.5)).toBe('12.5');
    expect(odataLiteral(false)).toBe('false');
    expect(() => odataLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => odataLiteral(new Date('nonsense'))).toThrow(TypeError);
  });

  it('builds quoted, numeric and composite entry keys, percent-encoded for a path', () => {
    expect(entryKey('1200')).toBe("('1200')");
    expect(entryKey(10021638)).toBe('(10021638)');
    expect(entryKey({ CustomerNumber: '1200', ShipToLocationKey: 'OFFICE' })).toBe(
      "(CustomerNumber%3D'1200'%2CShipToLocationKey%3D'OFFICE')",
    );
    expect(entryKey("O'NEIL / CO")).toBe("('O''NEIL%20%2F%20CO')");
    expect(() => entryKey(1.5)).toThrow(TypeError);
    expect(() => entryKey({ 'Customer) or (x': '1' })).toThrow(TypeError);
  });

  it('combines conditions with parentheses and skips absent ones', () => {
    expect(
      and(eq('CustomerNumber', '1200'), undefined, ge('LastActivityDate', new Date('2024-05-01T00:00:00Z')))?.text,
    ).toBe("(CustomerNumber eq '1200') and (LastActivityDate ge 2024-05-01T00:00:00Z)");
    expect(and(undefined)).toBeUndefined();
    expect(or(eq('Email', 'a@b.c'))?.text).toBe("Email eq 'a@b.c'");
    expect(oneOf('GroupCode', ['RTL', 'WHL'])?.text).toBe("(GroupCode eq 'RTL') or (GroupCode eq 'WHL')");
    expect(startsWith('CustomerName', "Bob's")?.text).toBe("startswith(CustomerName,'Bob''s')");
    expect(() => eq('Name eq 1 or x', 'a')).toThrow(TypeError);
  });

  it('turns query options into Sage query parameters', () => {
    expect(
      queryParams({ filter: eq('OnHold', 'No'), select: ['CustomerNumber', 'OnHold'], top: 10, skip: 0, count: true }),
    ).toEqual({
      $filter: "OnHold eq 'No'",
      $select: 'CustomerNumber,OnHold',
      $top: '10',
      $count: 'true',
    });
  });
});
