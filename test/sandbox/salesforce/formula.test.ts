import { evaluateFormula } from '../../../sandbox/salesforce/formula.js';
import type { FieldDef } from '../../../sandbox/salesforce/schema.js';
import type { FieldValue } from '../../../sandbox/salesforce/values.js';

const formula = (text: string, type: FieldDef['type'] = 'double', extra: Partial<FieldDef> = {}): FieldDef => ({
  name: 'F__c',
  label: 'F',
  custom: true,
  type,
  formula: text,
  scale: 2,
  ...extra,
});

const evaluate = (field: FieldDef, values: Record<string, FieldValue>) =>
  evaluateFormula(field, (name) => values[name] ?? null);

describe('formula fields', () => {
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

  test('arithmetic, && and date differences', () => {
    const overdue = formula('IF(Balance__c > 0 && Due__c < TODAY(), TODAY() - Due__c, 0)', 'double', {
      scale: 0,
      blankAsZero: true,
    });

    expect(evaluate(overdue, { Balance__c: 10, Due__c: daysAgo(12) })).toBe(12);
    expect(evaluate(overdue, { Balance__c: 0, Due__c: daysAgo(12) })).toBe(0);
    expect(evaluate(formula('Limit__c - Balance__c', 'currency'), { Limit__c: 1000, Balance__c: 250.5 })).toBe(749.5);
  });

  test('percent formulas answer in percent units and blank without a divisor', () => {
    const utilisation = formula('IF(Limit__c > 0, Balance__c / Limit__c, NULL)', 'percent');

    expect(evaluate(utilisation, { Limit__c: 200, Balance__c: 50 })).toBe(25);
    expect(evaluate(utilisation, { Limit__c: null, Balance__c: 50 })).toBeNull();
  });

  test('text, blanks and unsupported functions', () => {
    expect(evaluate(formula('Code__c & "-" & TEXT_PART__c', 'string'), { Code__c: 'A', TEXT_PART__c: 'B' })).toBe(
      'A-B',
    );
    expect(evaluate(formula('BLANKVALUE(Note__c, "none")', 'string'), {})).toBe('none');
    expect(evaluate(formula('VLOOKUP(Code__c)', 'string'), { Code__c: 'A' })).toBeNull();
  });
});
