import { SageApiError } from './errors.js';
import { FilterError, matches, parseFilter, pinnedValue, readStringLiteral } from './odata-filter.js';
import type { SageRecord } from './records.js';
import type { Table } from './table.js';

const invalidParameters = (message: string) => new SageApiError(400, 'InvalidParameters', message);
const SUPPORTED_OPTIONS = new Set(['$filter', '$select', '$top', '$skip', '$count']);

/** A parsed collection request. */
export interface CollectionQuery {
  filter?: string;
  select?: string[];
  top?: number;
  skip: number;
  count: boolean;
}

function nonNegativeInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw invalidParameters(`The value '${value}' of ${name} is not a non-negative integer.`);
  return Number(value);
}

/** Reads the system query options; undocumented ones (`$orderby`, `$expand`) are refused. */
export function parseCollectionQuery(params: URLSearchParams, properties: ReadonlySet<string>): CollectionQuery {
  const query: CollectionQuery = { skip: 0, count: false };
  for (const name of params.keys()) {
    if (name.startsWith('$') && !SUPPORTED_OPTIONS.has(name)) {
      throw invalidParameters(`The query parameter '${name}' is not supported.`);
    }
  }
  const filter = params.get('$filter');
  if (filter !== null) query.filter = filter;
  const select = params.get('$select');
  if (select !== null) {
    query.select = select.split(',').map((name) => name.trim());
    for (const name of query.select) {
      if (!properties.has(name)) throw invalidParameters(`Could not find a property named '${name}'.`);
    }
  }
  const top = params.get('$top');
  if (top !== null) query.top = nonNegativeInteger('$top', top);
  const skip = params.get('$skip');
  if (skip !== null) query.skip = nonNegativeInteger('$skip', skip);
  const count = params.get('$count');
  if (count !== null) {
    if (count !== 'true' && count !== 'false') throw invalidParameters(`$count must be true or false.`);
    query.count = count === 'true';
  }
  return query;
}

/** Filters rows, remembering recent results per table version so following pages do not re-scan the table. */
export class QueryCache {
  private readonly results = new Map<string, { version: number; rows: SageRecord[] }>();

  constructor(private readonly capacity = 64) {}

  rows(resource: string, table: Table, filter: string | undefined, properties: ReadonlySet<string>): SageRecord[] {
    if (filter === undefined) return table.all();
    const cacheKey = `${resource}\u0000${filter}`;
    const cached = this.results.get(cacheKey);
    if (cached && cached.version === table.version) return cached.rows;
    let tree;
    try {
      tree = parseFilter(filter, properties);
    } catch (error) {
      if (error instanceof FilterError) throw invalidParameters(`Invalid $filter: ${error.message}`);
      throw error;
    }
    const firstKey = table.keyFields[0] as string;
    const pinned = pinnedValue(tree, firstKey);
    const candidates = pinned === undefined ? table.all() : table.withFirstKey(pinned);
    const rows = candidates.filter((row) => matches(tree, row));
    this.results.delete(cacheKey);
    this.results.set(cacheKey, { version: table.version, rows });
    if (this.results.size > this.capacity) this.results.delete(this.results.keys().next().value as string);
    return rows;
  }
}

/** Parses an entry key segment `('1200')`, `(10021638)` or `(CustomerNumber='1200',ShipToLocationKey='OFFICE')`. */
export function parseEntryKey(raw: string, keyFields: readonly string[], blank: SageRecord): unknown[] {
  const invalidKey = () =>
    new SageApiError(400, 'InvalidEntityKey', `The key '(${raw})' is not valid for this resource.`);
  const parts: { name?: string; value: string | number }[] = [];
  let i = 0;
  while (i < raw.length) {
    let name: string | undefined;
    const named = /^([A-Za-z][A-Za-z0-9]*)=/.exec(raw.slice(i));
    if (named) {
      name = named[1];
      i += named[0].length;
    }
    if (raw[i] === "'") {
      const literal = readStringLiteral(raw, i);
      if (!literal) throw invalidKey();
      const { value } = literal;
      i = literal.end;
      parts.push(name === undefined ? { value } : { name, value });
    } else {
      const bare = /^-?\d+/.exec(raw.slice(i));
      if (!bare) throw invalidKey();
      parts.push(name === undefined ? { value: Number(bare[0]) } : { name, value: Number(bare[0]) });
      i += bare[0].length;
    }
    if (i < raw.length) {
      if (raw[i] !== ',') throw invalidKey();
      i++;
    }
  }
  if (parts.length !== keyFields.length) throw invalidKey();
  const single = parts.length === 1 && parts[0]?.name === undefined;
  return keyFields.map((field) => {
    const part = single ? parts[0] : parts.find((candidate) => candidate.name === field);
    // A string key must be quoted and a numeric key bare, as Sage's router requires.
    if (!part || typeof blank[field] !== typeof part.value) throw invalidKey();
    return part.value;
  });
}

/**
 * Sage pads fixed-width code columns with trailing spaces on the way out; clients must trim. Key fields of the
 * resource itself come back unpadded.
 */
const PADDED_WIDTHS: Record<string, number> = {
  ShortName: 10,
  GroupCode: 6,
  Terms: 6,
  TermsCode: 6,
  TaxGroup: 12,
  AccountSet: 6,
  BillingCycle: 6,
  InterestProfile: 6,
  CustomerPriceList: 6,
  PriceListCode: 6,
  PriceList: 6,
  DefaultPriceListCode: 6,
  ShipViaCode: 6,
  Category: 6,
  AccountSetCode: 6,
  Location: 6,
  DefaultLocationCode: 6,
};

function pad(record: SageRecord, exclude: readonly string[]): SageRecord {
  const out: SageRecord = {};
  for (const [name, value] of Object.entries(record)) {
    const width = PADDED_WIDTHS[name];
    if (typeof value === 'string' && width !== undefined && !exclude.includes(name) && value !== '') {
      out[name] = value.padEnd(width, ' ');
    } else if (Array.isArray(value)) {
      out[name] = value.map((row: unknown) =>
        typeof row === 'object' && row !== null ? pad(row as SageRecord, exclude) : row,
      );
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** The record as it goes on the wire: `$select`ed properties only, code columns padded when asked. */
export function present(
  record: SageRecord,
  options: { select?: string[]; keyFields: readonly string[]; padStrings: boolean },
): SageRecord {
  let out: SageRecord = record;
  if (options.select) {
    out = {};
    for (const name of options.select) out[name] = record[name];
  }
  return options.padStrings ? pad(out, options.keyFields) : structuredClone(out);
}
