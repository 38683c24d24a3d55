import { fieldOf, type FieldDef, type ObjectDef } from './schema.js';
import type { FieldValue, SObjectRecord } from './values.js';

/**
 * Evaluates the simple formula fields a package like ours defines: arithmetic, comparisons, `&&`/`||`, text
 * concatenation, dates (`TODAY()`, date − date in days) and the functions IF, AND, OR, NOT, ISBLANK, BLANKVALUE,
 * NULLVALUE, ABS, ROUND, MIN, MAX. A formula using anything else evaluates to blank rather than to a guess.
 */
type Value = number | string | boolean | null | { date: number };

class Unsupported extends Error {}

const DAY_MS = 86_400_000;

function tokenize(text: string): string[] {
  const tokens = text.match(
    /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_.]*|&&|\|\||<=|>=|<>|!=|==|[-+*/()&,<>=!])/gy,
  );
  const joined = (tokens ?? []).join('');
  if (joined.length !== text.trimEnd().length) throw new Unsupported();
  return (tokens ?? []).map((token) => token.trim());
}

class Evaluator {
  private position = 0;

  constructor(
    private readonly tokens: string[],
    private readonly read: (name: string) => Value,
  ) {}

  private peek(): string | undefined {
    return this.tokens[this.position];
  }

  private take(expected?: string): string {
    const token = this.tokens[this.position++];
    if (token === undefined || (expected !== undefined && token.toUpperCase() !== expected)) throw new Unsupported();
    return token;
  }

  evaluate(): Value {
    const value = this.or();
    if (this.position !== this.tokens.length) throw new Unsupported();
    return value;
  }

  private or(): Value {
    let left = this.and();
    while (this.peek() === '||') {
      this.take();
      const right = this.and();
      left = Boolean(left) || Boolean(right);
    }
    return left;
  }

  private and(): Value {
    let left = this.comparison();
    while (this.peek() === '&&') {
      this.take();
      const right = this.comparison();
      left = Boolean(left) && Boolean(right);
    }
    return left;
  }

  private comparison(): Value {
    const left = this.additive();
    const operator = this.peek();
    if (!operator || !['=', '==', '!=', '<>', '<', '>', '<=', '>='].includes(operator)) return left;
    this.take();
    const right = this.additive();
    if (left === null || right === null) return false;
    const a = numeric(left);
    const b = numeric(right);
    switch (operator) {
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      case '>=':
        return a >= b;
      case '!=':
      case '<>':
        return a !== b;
      default:
        return a === b;
    }
  }

  private additive(): Value {
    let left = this.multiplicative();
    for (let operator = this.peek(); operator === '+' || operator === '-' || operator === '&'; operator = this.peek()) {
      this.take();
      const right = this.multiplicative();
      if (operator === '&') left = `${left === null ? '' : String(left)}${right === null ? '' : String(right)}`;
      else if (left === null || right === null) left = null;
      else if (typeof left === 'object' && typeof right === 'object') left = (left.date - right.date) / DAY_MS;
      else if (typeof left === 'object')
        left = { date: left.date + (operator === '+' ? 1 : -1) * numeric(right) * DAY_MS };
      else left = operator === '+' ? numeric(left) + numeric(right) : numeric(left) - numeric(right);
    }
    return left;
  }

  private multiplicative(): Value {
    let left = this.unary();
    for (let operator = this.peek(); operator === '*' || operator === '/'; operator = this.peek()) {
      this.take();
      const right = this.unary();
      if (left === null || right === null) left = null;
      else if (operator === '*') left = numeric(left) * numeric(right);
      else left = numeric(right) === 0 ? null : numeric(left) / numeric(right);
    }
    return left;
  }

  private unary(): Value {
    if (this.peek() === '-') {
      this.take();
      const value = this.unary();
      return value === null ? null : -numeric(value);
    }
    if (this.peek() === '!') {
      this.take();
      return !this.unary();
    }
    return this.primary();
  }

  private arguments(): Value[] {
    this.take('(');
    const values: Value[] = [];
    if (this.peek() !== ')') {
      do values.push(this.or());
      while (this.peek() === ',' && this.take());
    }
    this.take(')');
    return values;
  }

  private primary(): Value {
    const token = this.take();
    if (token === '(') {
      const value = this.or();
      this.take(')');
      return value;
    }
    if (/^\d/.test(token)) return Number(token);
    if (/^["']/.test(token)) return token.slice(1, -1);
    const word = token.toUpperCase();
    if (word === 'TRUE' || word === 'FALSE') return word === 'TRUE';
    if (word === 'NULL') return null;
    if (this.peek() !== '(') return this.read(token);
    const args = this.arguments();
    const blank = (value: Value) => value === null || value === '';
    switch (word) {
      case 'IF':
        return args[0] ? (args[1] ?? null) : (args[2] ?? null);
      case 'AND':
        return args.every(Boolean);
      case 'OR':
        return args.some(Boolean);
      case 'NOT':
        return !args[0];
      case 'ISBLANK':
      case 'ISNULL':
        return blank(args[0] ?? null);
      case 'BLANKVALUE':
      case 'NULLVALUE':
        return blank(args[0] ?? null) ? (args[1] ?? null) : (args[0] ?? null);
      case 'ABS':
        return args[0] === null || args[0] === undefined ? null : Math.abs(numeric(args[0]));
      case 'ROUND': {
        const digits = numeric(args[1] ?? 0);
        return args[0] === null || args[0] === undefined
          ? null
          : Math.round(numeric(args[0]) * 10 ** digits) / 10 ** digits;
      }
      case 'MIN':
        return Math.min(...args.map(numeric));
      case 'MAX':
        return Math.max(...args.map(numeric));
      case 'TODAY': {
        const now = new Date();
        return { date: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) };
      }
      default:
        throw new Unsupported();
    }
  }
}

function numeric(value: Value): number {
  if (value === null) return 0;
  if (typeof value === 'object') return value.date;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(value);
}

/** The value of a formula field, given a reader for the record's other fields; blank when it cannot be evaluated. */
export function evaluateFormula(field: FieldDef, readField: (name: string) => FieldValue): FieldValue {
  try {
    const read = (name: string): Value => {
      const value = readField(name);
      if (value === null && field.blankAsZero) return 0;
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
        return { date: Date.parse(`${value}T00:00:00Z`) };
      return value;
    };
    const result = new Evaluator(tokenize(field.formula ?? ''), read).evaluate();
    if (result === null) return null;
    if (typeof result === 'object') return new Date(result.date).toISOString().slice(0, 10);
    if (['double', 'currency', 'percent'].includes(field.type)) {
      const number = numeric(result) * (field.type === 'percent' ? 100 : 1);
      const scale = field.scale ?? 2;
      return Number.isFinite(number) ? Math.round(number * 10 ** scale) / 10 ** scale : null;
    }
    if (field.type === 'boolean') return Boolean(result);
    return String(result);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

/** A field's value on a record as the API answers it: stored values as they are, formula fields computed. */
export function fieldValue(object: ObjectDef, record: SObjectRecord, field: FieldDef): FieldValue {
  if (field.formula === undefined) return record[field.name] ?? null;
  return evaluateFormula(field, (name) => {
    const referenced = fieldOf(object, name);
    return referenced && referenced !== field ? fieldValue(object, record, referenced) : null;
  });
}
