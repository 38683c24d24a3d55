/**
 * Building SOQL text safely. `soqlLiteral` is the one place a value becomes SOQL: every string is quoted and escaped
 * here, so a customer called `O'Brien' OR Name != '` stays a name. Identifiers (object and field names) are checked
 * against the API-name shape instead, since they cannot be quoted.
 */
export type SoqlValue = string | number | boolean | null | Date;

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** Escapes the characters SOQL treats specially inside a quoted string (without adding the quotes). */
function escapeText(text: string): string {
  return text.replace(/[\\'"\n\r\t\b\f]/g, (char) => ESCAPES[char] ?? char);
}

/**
 * The SOQL literal for a value: strings quoted and escaped, numbers as written, booleans and null as keywords,
 * Dates as UTC date-times (`2024-05-01T13:00:00Z`). Use `soqlDate` for Date-typed fields.
 */
export function soqlLiteral(value: SoqlValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot put ${value} into SOQL`);
    return String(value);
  }
  if (value instanceof Date) return soqlDateTime(value);
  return `'${escapeText(value)}'`;
}

/** A LIKE pattern that matches the text literally, with `%` wildcards added where asked. */
export function soqlLike(text: string, match: 'exact' | 'prefix' | 'contains' = 'contains'): string {
  const literal = escapeText(text).replace(/[%_]/g, (char) => `\\${char}`);
  const pattern = match === 'exact' ? literal : match === 'prefix' ? `${literal}%` : `%${literal}%`;
  return `'${pattern}'`;
}

/** `('a','b')` for an IN clause; refuses an empty list, which SOQL cannot express. */
export function soqlIn(values: readonly SoqlValue[]): string {
  if (values.length === 0) throw new RangeError('an IN list needs at least one value');
  return `(${values.map(soqlLiteral).join(',')})`;
}

/** A date literal (`2024-05-01`) from a Date (its UTC day) or a `YYYY-MM-DD` string. */
export function soqlDate(value: Date | string): string {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    throw new RangeError(`not a date: ${text}`);
  }
  return text;
}

/**
 * A date-time literal in UTC (`2024-05-01T13:00:00Z`). SOQL literals have whole seconds, so the instant is rounded
 * down: a `>=` filter built from it never skips a record of the same second.
 */
export function soqlDateTime(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date-time: ${String(value)}`);
  return `${date.toISOString().slice(0, 19)}Z`;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** Checks an object or field name (dotted relationship paths allowed) before it is placed into SOQL. */
export function soqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name) || name.includes('__.') || /__$/.test(name))
    throw new RangeError(`not a Salesforce API name: ${name}`);
  return name;
}

/** Joins checked field names into a select list. */
export function soqlFields(names: readonly string[]): string {
  if (names.length === 0) throw new RangeError('a query needs at least one field');
  return names.map(soqlIdentifier).join(', ');
}

/**
 * How long a query may be once URI-encoded. Salesforce refuses a REST request whose URI and headers together exceed
 * 16,384 bytes (431, or 414 when the URI alone does) and recommends far shorter URIs: a query stays at half the limit,
 * leaving the rest to the path and headers.
 */
export const SOQL_URI_BUDGET = 8192;

/** The length a query takes in a request URI (`/query?q=…`), where quotes and parentheses may be escaped too. */
export function soqlUriLength(soql: string): number {
  return encodeURIComponent(soql).replace(/[!'()*]/g, '%XX').length;
}

/**
 * Splits values (for IN lists) into as few groups as possible whose query, built by `build` from a group, fits the URI
 * budget: one request per group. A single value whose query is already too long is an error, never a request.
 */
export function soqlInGroups<T>(
  values: readonly T[],
  build: (group: readonly T[]) => string,
  budget: number = SOQL_URI_BUDGET,
): { group: T[]; soql: string }[] {
  const groups: { group: T[]; soql: string }[] = [];
  let group: T[] = [];
  let soql = '';
  for (const value of values) {
    const candidate = build([...group, value]);
    if (soqlUriLength(candidate) <= budget) {
      group.push(value);
      soql = candidate;
      continue;
    }
    if (group.length === 0) throw new RangeError(`a query for one value is longer than ${budget} characters encoded`);
    groups.push({ group, soql });
    group = [value];
    soql = build(group);
    if (soqlUriLength(soql) > budget)
      throw new RangeError(`a query for one value is longer than ${budget} characters encoded`);
  }
  if (group.length > 0) groups.push({ group, soql });
  return groups;
}
