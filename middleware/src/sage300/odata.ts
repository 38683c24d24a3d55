/**
 * OData text for the Sage 300 Web API. Every value that came from outside reaches a URL only through
 * `odataString` (inside filters and keys) or `entryKey` (resource paths): no other code builds OData with input.
 */

/** A property name as Sage spells it; names come from our code, but a typo must not turn into an injection. */
const PROPERTY = /^[A-Za-z][A-Za-z0-9]*$/;

function property(name: string): string {
  if (!PROPERTY.test(name)) throw new TypeError(`Not an OData property name: ${name}`);
  return name;
}

/** THE escaping of an OData string literal: single quotes, with each quote inside doubled (`O''Brien`). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A value as an OData literal: strings quoted and escaped, dates in v4 form, numbers and booleans bare. */
export function odataLiteral(value: string | number | boolean | Date | null): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return odataString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Not a finite number: ${value}`);
    return String(value);
  }
  if (Number.isNaN(value.getTime())) throw new TypeError('Invalid date');
  return `${value.toISOString().slice(0, 19)}Z`;
}

export type KeyValue = string | number;

/**
 * THE entry-key builder, already percent-encoded for a path segment: `('1200')`, `(10021638)` or
 * `(CustomerNumber='1200',ShipToLocationKey='OFFICE')`.
 */
export function entryKey(key: KeyValue | Readonly<Record<string, KeyValue>>): string {
  const one = (value: KeyValue) => {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new TypeError(`Not an integer key: ${value}`);
      return String(value);
    }
    return odataString(value);
  };
  const inner =
    typeof key === 'object'
      ? Object.entries(key)
          .map(([name, value]) => `${property(name)}=${one(value)}`)
          .join(',')
      : one(key);
  return `(${encodeURIComponent(inner)})`;
}

/** A `$filter` expression, built only by the functions below. */
export interface Filter {
  readonly text: string;
}

const filter = (text: string): Filter => ({ text });

export type Comparable = string | number | boolean | Date | null;

const compare =
  (op: string) =>
  (name: string, value: Comparable): Filter =>
    filter(`${property(name)} ${op} ${odataLiteral(value)}`);

export const eq = compare('eq');
export const ne = compare('ne');
export const gt = compare('gt');
export const ge = compare('ge');
export const lt = compare('lt');
export const le = compare('le');

/** `startswith(Name,'prefix')`. */
export function startsWith(name: string, prefix: string): Filter {
  return filter(`startswith(${property(name)},${odataString(prefix)})`);
}

/** `length(Name) ge 5`: compares the length of a text property (Sage, like SQL Server, ignores trailing spaces). */
export function lengthOf(name: string, op: 'eq' | 'ge', length: number): Filter {
  if (!Number.isSafeInteger(length) || length < 0) throw new TypeError(`Not a length: ${length}`);
  return filter(`length(${property(name)}) ${op} ${length}`);
}

/** All conditions (absent ones skipped); undefined when none remain. */
export function and(...parts: (Filter | undefined)[]): Filter | undefined {
  const present = parts.filter((part): part is Filter => part !== undefined);
  if (present.length === 0) return undefined;
  return filter(present.map((part) => (present.length > 1 ? `(${part.text})` : part.text)).join(' and '));
}

/** Any of the conditions; undefined when none are given. */
export function or(...parts: (Filter | undefined)[]): Filter | undefined {
  const present = parts.filter((part): part is Filter => part !== undefined);
  if (present.length === 0) return undefined;
  return filter(present.map((part) => (present.length > 1 ? `(${part.text})` : part.text)).join(' or '));
}

/** One of several values: `(Name eq 'a') or (Name eq 'b')`. */
export function oneOf(name: string, values: readonly Comparable[]): Filter | undefined {
  return or(...values.map((value) => eq(name, value)));
}

/** Query options for a collection read. */
export interface QueryOptions {
  filter?: Filter | undefined;
  select?: readonly string[] | undefined;
  /** Maximum rows in total (not the page size). */
  top?: number | undefined;
  skip?: number | undefined;
  count?: boolean | undefined;
}

/** The query string parameters for a collection read. */
export function queryParams(options: QueryOptions): Record<string, string> {
  const params: Record<string, string> = {};
  if (options.filter) params.$filter = options.filter.text;
  if (options.select && options.select.length > 0) params.$select = options.select.map(property).join(',');
  if (options.top !== undefined) params.$top = String(options.top);
  if (options.skip !== undefined && options.skip > 0) params.$skip = String(options.skip);
  if (options.count) params.$count = 'true';
  return params;
}
