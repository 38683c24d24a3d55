import {
  soqlDate,
  soqlDateTime,
  soqlFields,
  soqlIdentifier,
  soqlIn,
  soqlInGroups,
  soqlLike,
  soqlLiteral,
  soqlUriLength,
  SOQL_URI_BUDGET,
} from '../../middleware/src/salesforce/soql.js';

describe('SOQL literals', () => {
  test('strings are quoted with quotes, backslashes and control characters escaped', () => {
    expect(soqlLiteral("O'Brien' OR Name != '")).toBe("'O\\'Brien\\' OR Name != \\''");
    expect(soqlLiteral('C:\\temp\\new')).toBe("'C:\\\\temp\\\\new'");
    expect(soqlLiteral('line one\nline "two"\t')).toBe('\'line one\\nline \\"two\\"\\t\'');
  });

  test('numbers, booleans, null and instants are written unquoted', () => {
    expect(soqlLiteral(42.5)).toBe('42.5');
    expect(soqlLiteral(true)).toBe('true');
    expect(soqlLiteral(null)).toBe('null');
    expect(soqlLiteral(new Date('2024-05-01T13:00:00.456Z'))).toBe('2024-05-01T13:00:00Z');
    expect(() => soqlLiteral(Number.NaN)).toThrow(RangeError);
  });

  test('IN lists escape every value and refuse to be empty', () => {
    expect(soqlIn(['1100', "x') OR ('1"])).toBe("('1100','x\\') OR (\\'1')");
    expect(() => soqlIn([])).toThrow(RangeError);
  });

  test('IN lists too long for one request URI are split into as few queries as fit the budget', () => {
    const values = Array.from({ length: 1000 }, (_, index) => `C${String(index).padStart(6, '0')}`);
    const build = (group: readonly string[]) =>
      `SELECT Id FROM Account WHERE Sage_Customer_Number__c IN ${soqlIn(group)}`;
    expect(soqlUriLength(build(values))).toBeGreaterThan(SOQL_URI_BUDGET);
    const groups = soqlInGroups(values, build);
    expect(groups.length).toBe(Math.ceil(soqlUriLength(build(values)) / SOQL_URI_BUDGET));
    expect(groups.flatMap((entry) => entry.group)).toEqual(values);
    for (const entry of groups) {
      expect(entry.soql).toBe(build(entry.group));
      expect(soqlUriLength(entry.soql)).toBeLessThanOrEqual(SOQL_URI_BUDGET);
    }
    expect(soqlInGroups(values.slice(0, 3), build)).toHaveLength(1);
    expect(() => soqlInGroups(['x'.repeat(200)], build, 100)).toThrow(RangeError);
  });

  test('LIKE patterns make % and _ in the text match themselves', () => {
    expect(soqlLike('50%_off', 'prefix')).toBe("'50\\%\\_off%'");
    expect(soqlLike("O'B")).toBe("'%O\\'B%'");
    expect(soqlLike('exact', 'exact')).toBe("'exact'");
  });

  test('dates and date-times are checked and written in SOQL form', () => {
    expect(soqlDate('2024-02-29')).toBe('2024-02-29');
    expect(soqlDate(new Date('2024-03-01T23:59:00Z'))).toBe('2024-03-01');
    expect(() => soqlDate("2024-01-01' OR Name != '")).toThrow(RangeError);
    expect(soqlDateTime('2024-05-01T15:00:00+02:00')).toBe('2024-05-01T13:00:00Z');
    expect(() => soqlDateTime('yesterday')).toThrow(RangeError);
  });

  test('identifiers must be API names', () => {
    expect(soqlIdentifier('Account__r.Sage_Customer_Number__c')).toBe('Account__r.Sage_Customer_Number__c');
    expect(() => soqlIdentifier('Name FROM User --')).toThrow(RangeError);
    expect(soqlFields(['Id', 'Name'])).toBe('Id, Name');
    expect(() => soqlFields([])).toThrow(RangeError);
  });
});
