/**
 * The `$filter` subset the Sage 300 Web API documents: `eq ne gt ge lt le and or`, parentheses, `startswith`,
 * `endswith`, `substringof`, `length`, single-quoted strings with doubled quotes, numbers, booleans, `null` and
 * v4 date literals. Anything else is a parse error, which the server answers with 400 `InvalidParameters`.
 */

export class FilterError extends Error {}

type Literal = string | number | boolean | null | Date;

export type FilterNode =
  | { kind: 'literal'; value: Literal }
  | { kind: 'property'; name: string }
  | { kind: 'call'; name: 'startswith' | 'endswith' | 'substringof' | 'length'; args: FilterNode[] }
  | { kind: 'compare'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; left: FilterNode; right: FilterNode }
  | { kind: 'logical'; op: 'and' | 'or'; left: FilterNode; right: FilterNode };

type Token =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'date'; value: Date }
  | { type: 'word'; value: string }
  | { type: 'punct'; value: '(' | ')' | ',' };

const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?/;
const NUMBER_LITERAL = /^-?\d+(\.\d+)?(?![\w-])/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Reads the OData string literal whose opening quote is at `start` (`''` stands for one quote). Returns its value and
 * the position after its closing quote, or undefined when it is not closed.
 */
export function readStringLiteral(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "'") {
      if (text[i + 1] !== "'") return { value, end: i + 1 };
      value += "'";
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  return undefined;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', value: ch });
      i++;
      continue;
    }
    if (ch === "'") {
      const literal = readStringLiteral(text, i);
      if (!literal) throw new FilterError('Unterminated string literal in $filter');
      tokens.push({ type: 'string', value: literal.value });
      i = literal.end;
      continue;
    }
    const rest = text.slice(i);
    const date = DATE_LITERAL.exec(rest);
    if (date) {
      const iso = date[0].length === 10 ? `${date[0]}T00:00:00Z` : date[0];
      const value = new Date(iso);
      if (Number.isNaN(value.getTime())) throw new FilterError(`Invalid date literal ${date[0]}`);
      tokens.push({ type: 'date', value });
      i += date[0].length;
      continue;
    }
    const number = NUMBER_LITERAL.exec(rest);
    if (number) {
      tokens.push({ type: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      tokens.push({ type: 'word', value: word[0] });
      i += word[0].length;
      continue;
    }
    throw new FilterError(`Unexpected character '${ch}' in $filter`);
  }
  return tokens;
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['startswith', 'endswith', 'substringof', 'length']);

/** Parses a `$filter` expression; every property it names must be in `properties`. */
export function parseFilter(text: string, properties: ReadonlySet<string>): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const token = tokens[pos++];
    if (!token) throw new FilterError('Unexpected end of $filter');
    return token;
  };
  const expectPunct = (value: '(' | ')' | ',') => {
    const token = next();
    if (token.type !== 'punct' || token.value !== value) throw new FilterError(`Expected '${value}' in $filter`);
  };
  const isWord = (token: Token | undefined, value: string) =>
    token?.type === 'word' && token.value.toLowerCase() === value;

  function parseOr(): FilterNode {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'logical', op: 'or', left, right: parseAnd() };
    }
    return left;
  }

  function parseAnd(): FilterNode {
    let left = parseComparison();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'logical', op: 'and', left, right: parseComparison() };
    }
    return left;
  }

  function parseComparison(): FilterNode {
    const token = peek();
    if (token?.type === 'punct' && token.value === '(') {
      pos++;
      const inner = parseOr();
      expectPunct(')');
      return inner;
    }
    const left = parseOperand();
    const op = peek();
    if (op?.type === 'word' && COMPARISONS.has(op.value.toLowerCase())) {
      pos++;
      const right = parseOperand();
      return { kind: 'compare', op: op.value.toLowerCase() as 'eq', left, right };
    }
    if (left.kind === 'call' && left.name !== 'length') return left;
    throw new FilterError('Expected a comparison operator in $filter');
  }

  function parseOperand(): FilterNode {
    const token = next();
    switch (token.type) {
      case 'string':
      case 'number':
      case 'date':
        return { kind: 'literal', value: token.value };
      case 'punct':
        throw new FilterError(`Unexpected '${token.value}' in $filter`);
      case 'word': {
        const lower = token.value.toLowerCase();
        if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
        if (lower === 'null') return { kind: 'literal', value: null };
        const following = peek();
        if (following?.type === 'punct' && following.value === '(') {
          if (!FUNCTIONS.has(lower)) throw new FilterError(`Unknown function ${token.value} in $filter`);
          pos++;
          const args: FilterNode[] = [parseOperand()];
          while (peek()?.type === 'punct' && (peek() as { value: string }).value === ',') {
            pos++;
            args.push(parseOperand());
          }
          expectPunct(')');
          const arity = lower === 'length' ? 1 : 2;
          if (args.length !== arity) throw new FilterError(`${token.value} takes ${arity} argument(s)`);
          return { kind: 'call', name: lower as 'length', args };
        }
        if (!properties.has(token.value)) {
          throw new FilterError(`Could not find a property named '${token.value}'`);
        }
        return { kind: 'property', name: token.value };
      }
    }
  }

  if (tokens.length === 0) throw new FilterError('Empty $filter');
  const tree = parseOr();
  if (pos !== tokens.length) throw new FilterError('Unexpected text after the end of $filter');
  return tree;
}

type Value = string | number | boolean | null | Date | undefined;

function evaluate(node: FilterNode, row: Record<string, unknown>): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'property':
      return row[node.name] as Value;
    case 'call': {
      const args = node.args.map((arg) => evaluate(arg, row));
      const text = (value: Value) => (typeof value === 'string' ? value.trimEnd().toUpperCase() : '');
      if (node.name === 'length') return typeof args[0] === 'string' ? args[0].trimEnd().length : null;
      if (node.name === 'startswith') return text(args[0]).startsWith(text(args[1]));
      if (node.name === 'endswith') return text(args[0]).endsWith(text(args[1]));
      return text(args[1]).includes(text(args[0]));
    }
    case 'logical': {
      const left = evaluate(node.left, row) === true;
      if (node.op === 'and') return left && evaluate(node.right, row) === true;
      return left || evaluate(node.right, row) === true;
    }
    case 'compare':
      return compare(node.op, evaluate(node.left, row), evaluate(node.right, row));
  }
}

/**
 * Sage keeps its data in SQL Server (or Pervasive) with case-insensitive collations that ignore trailing spaces,
 * so string comparisons here do the same; ISO date strings compare as instants when the other side is a date.
 */
function compare(op: string, left: Value, right: Value): boolean {
  if (left === undefined || right === undefined) return false;
  if (left === null || right === null) {
    const same = left === right;
    return op === 'eq' ? same : op === 'ne' ? !same : false;
  }
  let a: string | number | boolean;
  let b: string | number | boolean;
  if (left instanceof Date || right instanceof Date) {
    a = toTime(left);
    b = toTime(right);
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
  } else if (typeof left === 'string' && typeof right === 'string') {
    a = left.trimEnd().toUpperCase();
    b = right.trimEnd().toUpperCase();
  } else if (typeof left === 'number' && typeof right === 'number') {
    a = left;
    b = right;
  } else if (typeof left === 'boolean' && typeof right === 'boolean') {
    a = left;
    b = right;
  } else {
    // Mixed types never match; Sage answers such filters with an empty result rather than an error.
    return op === 'ne';
  }
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    default:
      return a <= b;
  }
}

function toTime(value: Value): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return new Date(value).getTime();
  return Number.NaN;
}

/** True when the row satisfies the parsed filter. */
export function matches(node: FilterNode, row: Record<string, unknown>): boolean {
  return evaluate(node, row) === true;
}

/**
 * The value the filter pins `property` to with `eq` in its top-level `and` chain, if any: lets the server use an
 * index instead of scanning every posted document for one customer.
 */
export function pinnedValue(node: FilterNode, property: string): string | undefined {
  if (node.kind === 'logical' && node.op === 'and') {
    return pinnedValue(node.left, property) ?? pinnedValue(node.right, property);
  }
  if (node.kind === 'compare' && node.op === 'eq') {
    const { left, right } = node;
    if (left.kind === 'property' && left.name === property && right.kind === 'literal') {
      return typeof right.value === 'string' ? right.value : undefined;
    }
    if (right.kind === 'property' && right.name === property && left.kind === 'literal') {
      return typeof left.value === 'string' ? left.value : undefined;
    }
  }
  return undefined;
}
