/**
 * A parser for the SOQL subset the sandbox answers. Anything outside it is refused with MALFORMED_QUERY so that a
 * query the sandbox cannot evaluate exactly never returns a wrong result.
 */
export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' | 'INVALID_QUERY_FILTER_OPERATOR',
    message: string,
  ) {
    super(message);
    this.name = 'SoqlError';
  }
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; epoch: number; text: string }
  | { kind: 'range'; from: string; to: string; text: string };

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; path: string[]; operator: ComparisonOperator; value: Literal }
  | { kind: 'in'; path: string[]; negate: boolean; values: Literal[] }
  | { kind: 'like'; path: string[]; pattern: string };

export interface OrderItem {
  path: string[];
  descending: boolean;
  nullsLast: boolean;
}

export interface SubQuery {
  kind: 'subquery';
  relationship: string;
  fields: string[][];
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
}

export type SelectItem = { kind: 'field'; path: string[] } | SubQuery;

export interface ParsedQuery {
  count: boolean;
  select: SelectItem[];
  from: string;
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

type TokenType = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'operator' | 'punct' | 'end';
interface Token {
  type: TokenType;
  text: string;
  value?: string;
  position: number;
}

/** Markers for `\_` and `\%`, which match themselves in LIKE patterns instead of acting as wildcards. */
export const LITERAL_UNDERSCORE = '\uE000';
export const LITERAL_PERCENT = '\uE001';

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const UNSUPPORTED = new Set([
  'GROUP',
  'HAVING',
  'WITH',
  'FOR',
  'USING',
  'TYPEOF',
  'ROLLUP',
  'CUBE',
  'INCLUDES',
  'EXCLUDES',
  'UPDATE',
  'VIEW',
  'REFERENCE',
  'TRACKING',
  'FIELDS',
  'FORMAT',
  'CONVERTCURRENCY',
  'TOLABEL',
]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text.charAt(index);
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const rest = text.slice(index);
    if (char === "'") {
      let value = '';
      let cursor = index + 1;
      for (;;) {
        if (cursor >= text.length)
          throw new SoqlError('MALFORMED_QUERY', `unterminated string literal at position ${index}`);
        const next = text.charAt(cursor);
        if (next === "'") break;
        if (next === '\\') {
          const escaped = text.charAt(cursor + 1);
          if (escaped === '_' || escaped === '%') value += escaped === '_' ? LITERAL_UNDERSCORE : LITERAL_PERCENT;
          else if (escaped in ESCAPES) value += ESCAPES[escaped];
          else
            throw new SoqlError(
              'MALFORMED_QUERY',
              `Invalid string literal: escape sequence \\${escaped} at position ${cursor}`,
            );
          cursor += 2;
          continue;
        }
        value += next;
        cursor++;
      }
      tokens.push({ type: 'string', text: text.slice(index, cursor + 1), value, position: index });
      index = cursor + 1;
      continue;
    }
    const dateTime = DATE_TIME.exec(rest);
    if (dateTime) {
      tokens.push({ type: 'datetime', text: dateTime[0], position: index });
      index += dateTime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ type: 'date', text: date[0], position: index });
      index += date[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?(?![\w.])/.exec(rest);
    if (
      number &&
      (char !== '-' || tokens.at(-1)?.type === 'operator' || tokens.at(-1)?.text === '(' || tokens.at(-1)?.text === ',')
    ) {
      tokens.push({ type: 'number', text: number[0], position: index });
      index += number[0].length;
      continue;
    }
    const identifier = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (identifier) {
      tokens.push({ type: 'ident', text: identifier[0], position: index });
      index += identifier[0].length;
      continue;
    }
    const operator = /^(<=|>=|!=|<>|=|<|>)/.exec(rest);
    if (operator) {
      tokens.push({ type: 'operator', text: operator[0] === '<>' ? '!=' : operator[0], position: index });
      index += operator[0].length;
      continue;
    }
    if ('(),.:'.includes(char)) {
      tokens.push({ type: 'punct', text: char, position: index });
      index++;
      continue;
    }
    throw new SoqlError('MALFORMED_QUERY', `unexpected character '${char}' at position ${index}`);
  }
  tokens.push({ type: 'end', text: '', position: text.length });
  return tokens;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.position++;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.type === 'ident' && token.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.position++;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) this.unexpected(`expecting ${word}`);
  }

  private acceptPunct(text: string): boolean {
    if (this.peek().type === 'punct' && this.peek().text === text) {
      this.position++;
      return true;
    }
    return false;
  }

  private expectPunct(text: string): void {
    if (!this.acceptPunct(text)) this.unexpected(`expecting '${text}'`);
  }

  unexpected(detail: string): never {
    const token = this.peek();
    if (token.type === 'ident' && UNSUPPORTED.has(token.text.toUpperCase())) {
      throw new SoqlError(
        'MALFORMED_QUERY',
        `${token.text.toUpperCase()} is not supported by the Salesforce sandbox (position ${token.position})`,
      );
    }
    const shown = token.type === 'end' ? 'end of query' : `'${token.text}'`;
    throw new SoqlError('MALFORMED_QUERY', `unexpected token: ${shown} at position ${token.position}, ${detail}`);
  }

  parseQuery(): ParsedQuery {
    this.expectKeyword('SELECT');
    let count = false;
    const select: SelectItem[] = [];
    if (this.isKeyword('COUNT') && this.peek(1).text === '(') {
      this.next();
      this.expectPunct('(');
      if (!this.acceptPunct(')')) this.unexpected('only COUNT() without a field is supported');
      count = true;
    } else {
      do {
        if (this.acceptPunct('(')) {
          select.push(this.parseSubQuery());
          this.expectPunct(')');
        } else {
          if (this.peek(1).text === '(')
            this.unexpected('functions in the field list are not supported by the Salesforce sandbox');
          select.push({ kind: 'field', path: this.parsePath() });
        }
      } while (this.acceptPunct(','));
    }
    this.expectKeyword('FROM');
    const from = this.parseIdentifier();
    const query: ParsedQuery = { count, select, from, orderBy: [] };
    if (this.acceptKeyword('WHERE')) query.where = this.parseCondition();
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      query.orderBy = this.parseOrder();
    }
    if (this.acceptKeyword('LIMIT')) query.limit = this.parseCount('LIMIT');
    if (this.acceptKeyword('OFFSET')) query.offset = this.parseCount('OFFSET');
    if (this.peek().type !== 'end') this.unexpected('expecting end of query');
    return query;
  }

  private parseSubQuery(): SubQuery {
    this.expectKeyword('SELECT');
    const fields: string[][] = [];
    do {
      if (this.peek().text === '(' || this.peek(1).text === '(') this.unexpected('a subquery may list fields only');
      fields.push(this.parsePath());
    } while (this.acceptPunct(','));
    this.expectKeyword('FROM');
    const relationship = this.parseIdentifier();
    const subquery: SubQuery = { kind: 'subquery', relationship, fields, orderBy: [] };
    if (this.acceptKeyword('WHERE')) subquery.where = this.parseCondition();
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      subquery.orderBy = this.parseOrder();
    }
    if (this.acceptKeyword('LIMIT')) subquery.limit = this.parseCount('LIMIT');
    return subquery;
  }

  private parseCount(keyword: string): number {
    const token = this.next();
    if (token.type !== 'number' || !/^\d+$/.test(token.text)) {
      this.position--;
      this.unexpected(`${keyword} needs a whole number`);
    }
    return Number(token.text);
  }

  private parseIdentifier(): string {
    const token = this.next();
    if (token.type !== 'ident') {
      this.position--;
      this.unexpected('expecting a name');
    }
    return token.text;
  }

  private parsePath(): string[] {
    const path = [this.parseIdentifier()];
    while (this.acceptPunct('.')) path.push(this.parseIdentifier());
    return path;
  }

  private parseOrder(): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      const path = this.parsePath();
      let descending = false;
      if (this.acceptKeyword('DESC')) descending = true;
      else this.acceptKeyword('ASC');
      let nullsLast = descending;
      if (this.acceptKeyword('NULLS')) {
        if (this.acceptKeyword('LAST')) nullsLast = true;
        else {
          this.expectKeyword('FIRST');
          nullsLast = false;
        }
      }
      items.push({ path, descending, nullsLast });
    } while (this.acceptPunct(','));
    return items;
  }

  /** AND and OR may not be mixed without parentheses, as in Salesforce. */
  private parseCondition(): Condition {
    const first = this.parseUnary();
    const connective = this.isKeyword('AND') ? 'AND' : this.isKeyword('OR') ? 'OR' : undefined;
    if (!connective) return first;
    const items = [first];
    while (this.acceptKeyword(connective)) items.push(this.parseUnary());
    if (this.isKeyword(connective === 'AND' ? 'OR' : 'AND')) {
      this.unexpected('AND and OR must be grouped with parentheses');
    }
    return { kind: connective === 'AND' ? 'and' : 'or', items };
  }

  private parseUnary(): Condition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', item: this.parseUnary() };
    if (this.acceptPunct('(')) {
      const inner = this.parseCondition();
      this.expectPunct(')');
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): Condition {
    if (this.peek(1).text === '(') this.unexpected('functions in WHERE are not supported by the Salesforce sandbox');
    const path = this.parsePath();
    const token = this.peek();
    if (token.type === 'operator') {
      this.next();
      return { kind: 'compare', path, operator: token.text as ComparisonOperator, value: this.parseLiteral() };
    }
    if (this.acceptKeyword('LIKE')) {
      const pattern = this.next();
      if (pattern.type !== 'string' || pattern.value === undefined) {
        this.position--;
        this.unexpected('LIKE needs a string literal');
      }
      return { kind: 'like', path, pattern: pattern.value };
    }
    const negate = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) {
      this.expectPunct('(');
      if (this.isKeyword('SELECT')) this.unexpected('semi-join subqueries are not supported by the Salesforce sandbox');
      const values: Literal[] = [];
      do values.push(this.parseLiteral());
      while (this.acceptPunct(','));
      this.expectPunct(')');
      return { kind: 'in', path, negate, values };
    }
    return this.unexpected('expecting a comparison operator, LIKE or IN');
  }

  private parseLiteral(): Literal {
    const token = this.next();
    switch (token.type) {
      case 'string':
        return { kind: 'string', value: token.value ?? '' };
      case 'number':
        return { kind: 'number', value: Number(token.text) };
      case 'date':
        return { kind: 'date', value: token.text };
      case 'datetime': {
        const epoch = Date.parse(token.text);
        if (Number.isNaN(epoch)) throw new SoqlError('MALFORMED_QUERY', `invalid date-time literal ${token.text}`);
        return { kind: 'datetime', epoch, text: token.text };
      }
      case 'ident': {
        const word = token.text.toUpperCase();
        if (word === 'NULL') return { kind: 'null' };
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' };
        let argument: number | undefined;
        if (this.acceptPunct(':')) argument = this.parseCount(word);
        const range = dateRange(word, argument, new Date());
        if (range) return { kind: 'range', ...range, text: argument === undefined ? word : `${word}:${argument}` };
        this.position--;
        return this.unexpected('expecting a literal value');
      }
      case 'punct':
        if (token.text === ':') {
          this.position--;
          return this.unexpected('bind variables are Apex syntax, not accepted by the REST API');
        }
        this.position--;
        return this.unexpected('expecting a literal value');
      default:
        this.position--;
        return this.unexpected('expecting a literal value');
    }
  }
}

const day = (date: Date, offsetDays = 0): string => {
  const copy = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + offsetDays));
  return copy.toISOString().slice(0, 10);
};
const monthStart = (date: Date, offsetMonths: number): string =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offsetMonths, 1)).toISOString().slice(0, 10);
const yearStart = (date: Date, offsetYears: number): string => `${date.getUTCFullYear() + offsetYears}-01-01`;

/** A relative date literal as a half-open range of days [from, to) in UTC. */
function dateRange(word: string, n: number | undefined, now: Date): { from: string; to: string } | undefined {
  const weekStart = -now.getUTCDay();
  const needsN = ['LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO'];
  if (needsN.includes(word) !== (n !== undefined)) return undefined;
  const count = n ?? 0;
  switch (word) {
    case 'TODAY':
      return { from: day(now), to: day(now, 1) };
    case 'YESTERDAY':
      return { from: day(now, -1), to: day(now) };
    case 'TOMORROW':
      return { from: day(now, 1), to: day(now, 2) };
    case 'THIS_WEEK':
      return { from: day(now, weekStart), to: day(now, weekStart + 7) };
    case 'LAST_WEEK':
      return { from: day(now, weekStart - 7), to: day(now, weekStart) };
    case 'THIS_MONTH':
      return { from: monthStart(now, 0), to: monthStart(now, 1) };
    case 'LAST_MONTH':
      return { from: monthStart(now, -1), to: monthStart(now, 0) };
    case 'NEXT_MONTH':
      return { from: monthStart(now, 1), to: monthStart(now, 2) };
    case 'THIS_YEAR':
      return { from: yearStart(now, 0), to: yearStart(now, 1) };
    case 'LAST_YEAR':
      return { from: yearStart(now, -1), to: yearStart(now, 0) };
    case 'LAST_N_DAYS':
      return { from: day(now, -count), to: day(now, 1) };
    case 'NEXT_N_DAYS':
      return { from: day(now, 1), to: day(now, count + 1) };
    case 'N_DAYS_AGO':
      return { from: day(now, -count), to: day(now, -count + 1) };
    default:
      return undefined;
  }
}

/** Parses SOQL text; throws SoqlError(MALFORMED_QUERY) for anything outside the supported subset. */
export function parseSoql(text: string): ParsedQuery {
  return new Parser(tokenize(text)).parseQuery();
}
