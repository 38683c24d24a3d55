import { normaliseId } from '../ids.js';
import { fieldOf, type FieldDef, type ObjectDef } from '../schema.js';
import type { OrgStore } from '../store.js';
import { parseDateTime, type FieldValue, type SObjectRecord } from '../values.js';
import { fieldValue } from '../formula.js';
import {
  LITERAL_PERCENT,
  LITERAL_UNDERSCORE,
  parseSoql,
  SoqlError,
  type Condition,
  type Literal,
  type OrderItem,
  type ParsedQuery,
} from './parser.js';

/**
 * Evaluates parsed SOQL against the org's records: field lists with parent relationship paths and child subqueries,
 * filters with Salesforce's comparison rules (case-insensitive text, `!=` matching blanks), ordering, limit and offset.
 */
export type Rendered = Record<string, unknown>;

export interface QueryAnswer {
  totalSize: number;
  records: Rendered[];
}

type ValueKind = 'text' | 'id' | 'number' | 'boolean' | 'date' | 'datetime';

interface ResolvedPath {
  /** Reads the value for a record of the base object (undefined parent → null). */
  read: (record: SObjectRecord) => FieldValue;
  field: FieldDef;
}

function kindOf(field: FieldDef): ValueKind {
  switch (field.type) {
    case 'id':
    case 'reference':
      return 'id';
    case 'double':
    case 'currency':
    case 'percent':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    default:
      return 'text';
  }
}

const plain = (text: string) => text.replaceAll(LITERAL_UNDERSCORE, '_').replaceAll(LITERAL_PERCENT, '%');

class Compiler {
  constructor(
    private readonly store: OrgStore,
    private readonly apiVersion: string,
    private readonly includeDeleted = false,
  ) {}

  object(name: string): ObjectDef {
    const object = this.store.schema.object(name);
    if (!object) throw new SoqlError('INVALID_TYPE', `sObject type '${name}' is not supported.`);
    return object;
  }

  /** The value of a field on a record, computing formula fields. */
  valueOf(object: ObjectDef, record: SObjectRecord, field: FieldDef): FieldValue {
    return fieldValue(object, record, field);
  }

  parentOf(record: SObjectRecord, field: FieldDef): { object: ObjectDef; record: SObjectRecord } | undefined {
    const id = record[field.name];
    if (typeof id !== 'string') return undefined;
    const found = this.store.byId(id);
    return found && field.referenceTo?.includes(found.object.name) ? found : undefined;
  }

  relationship(object: ObjectDef, name: string): FieldDef {
    const field = [...object.fields.values()].find(
      (candidate) => candidate.relationshipName?.toLowerCase() === name.toLowerCase(),
    );
    if (!field) {
      throw new SoqlError(
        'INVALID_FIELD',
        `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
      );
    }
    return field;
  }

  /** Resolves `Account.Owner.Name` from the base object; validates every step against the schema. */
  resolve(object: ObjectDef, path: string[]): ResolvedPath {
    const [head, ...rest] = path;
    if (head === undefined) throw new SoqlError('MALFORMED_QUERY', 'empty field path');
    if (rest.length === 0) {
      const field = fieldOf(object, head);
      if (!field) throw new SoqlError('INVALID_FIELD', `No such column '${head}' on entity '${object.name}'.`);
      return { field, read: (record) => this.valueOf(object, record, field) };
    }
    const reference = this.relationship(object, head);
    const targets = (reference.referenceTo ?? []).map((name) => this.object(name));
    const resolvedByTarget = new Map<string, ResolvedPath>();
    const errors: SoqlError[] = [];
    for (const target of targets) {
      try {
        resolvedByTarget.set(target.name, this.resolve(target, rest));
      } catch (error) {
        if (error instanceof SoqlError) errors.push(error);
        else throw error;
      }
    }
    const first = resolvedByTarget.values().next().value;
    if (!first)
      throw (
        errors[0] ?? new SoqlError('INVALID_FIELD', `No such column '${path.join('.')}' on entity '${object.name}'.`)
      );
    return {
      field: first.field,
      read: (record) => {
        const parent = this.parentOf(record, reference);
        const inner = parent ? resolvedByTarget.get(parent.object.name) : undefined;
        return parent && inner ? inner.read(parent.record) : null;
      },
    };
  }

  attributes(object: ObjectDef, record: SObjectRecord): Rendered {
    return {
      type: object.name,
      url: `/services/data/v${this.apiVersion}/sobjects/${object.name}/${String(record.Id)}`,
    };
  }

  /** Builds a renderer that writes one selected path into an output record. */
  renderer(object: ObjectDef, path: string[]): (record: SObjectRecord, out: Rendered) => void {
    const [head, ...rest] = path;
    if (head === undefined) throw new SoqlError('MALFORMED_QUERY', 'empty field path');
    if (rest.length === 0) {
      const field = fieldOf(object, head);
      if (!field) throw new SoqlError('INVALID_FIELD', `No such column '${head}' on entity '${object.name}'.`);
      return (record, out) => {
        out[field.name] = this.valueOf(object, record, field);
      };
    }
    const reference = this.relationship(object, head);
    const relationshipName = reference.relationshipName ?? head;
    const inner = new Map<string, (record: SObjectRecord, out: Rendered) => void>();
    const errors: SoqlError[] = [];
    for (const target of (reference.referenceTo ?? []).map((name) => this.object(name))) {
      try {
        inner.set(target.name, this.renderer(target, rest));
      } catch (error) {
        if (error instanceof SoqlError) errors.push(error);
        else throw error;
      }
    }
    if (inner.size === 0) throw errors[0] ?? new SoqlError('INVALID_FIELD', `No such column '${path.join('.')}'`);
    return (record, out) => {
      const parent = this.parentOf(record, reference);
      const write = parent ? inner.get(parent.object.name) : undefined;
      if (!parent || !write) {
        if (!(relationshipName in out)) out[relationshipName] = null;
        return;
      }
      let nested = out[relationshipName] as Rendered | null | undefined;
      if (!nested) {
        nested = { attributes: this.attributes(parent.object, parent.record) };
        out[relationshipName] = nested;
      }
      write(parent.record, nested);
    };
  }

  condition(object: ObjectDef, condition: Condition): (record: SObjectRecord) => boolean {
    switch (condition.kind) {
      case 'and': {
        const items = condition.items.map((item) => this.condition(object, item));
        return (record) => items.every((test) => test(record));
      }
      case 'or': {
        const items = condition.items.map((item) => this.condition(object, item));
        return (record) => items.some((test) => test(record));
      }
      case 'not': {
        const inner = this.condition(object, condition.item);
        return (record) => !inner(record);
      }
      case 'like': {
        const { read, field } = this.resolve(object, condition.path);
        if (kindOf(field) !== 'text') {
          throw new SoqlError(
            'INVALID_QUERY_FILTER_OPERATOR',
            `invalid operator on ${field.name}: LIKE needs a text field`,
          );
        }
        const regex = likeToRegex(condition.pattern);
        return (record) => {
          const value = read(record);
          return value !== null && regex.test(String(value));
        };
      }
      case 'in': {
        const { read, field } = this.resolve(object, condition.path);
        const values = condition.values.map((literal) => this.operand(field, literal));
        return (record) => {
          const value = read(record);
          const found = values.some((operand) => compareTo(value, operand, '='));
          return condition.negate ? !found : found;
        };
      }
      case 'compare': {
        const { read, field } = this.resolve(object, condition.path);
        const operand = this.operand(field, condition.value);
        const kind = kindOf(field);
        if ((kind === 'boolean' || operand.kind === 'null') && !['=', '!='].includes(condition.operator)) {
          throw new SoqlError(
            'INVALID_QUERY_FILTER_OPERATOR',
            `invalid operator on ${field.name}: ${condition.operator}`,
          );
        }
        return (record) => compareTo(read(record), operand, condition.operator);
      }
    }
  }

  /** Checks a literal against the field's type, as Salesforce does before running a query. */
  operand(field: FieldDef, literal: Literal): Operand {
    if (literal.kind === 'null') return { kind: 'null' };
    const kind = kindOf(field);
    const mismatch = (expected: string) =>
      new SoqlError(
        'MALFORMED_QUERY',
        `value of filter criterion for field '${field.name}' must be of type ${expected} and should not be enclosed in quotes`,
      );
    switch (kind) {
      case 'text':
        if (literal.kind !== 'string')
          throw new SoqlError(
            'MALFORMED_QUERY',
            `value of filter criterion for field '${field.name}' must be a quoted string`,
          );
        return { kind: 'text', value: plain(literal.value).toLowerCase() };
      case 'id': {
        if (literal.kind !== 'string') throw mismatch('id');
        const id = normaliseId(plain(literal.value));
        if (!id) throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`);
        return { kind: 'id', value: id };
      }
      case 'number':
        if (literal.kind !== 'number') throw mismatch('double');
        return { kind: 'number', value: literal.value };
      case 'boolean':
        if (literal.kind !== 'boolean') throw mismatch('boolean');
        return { kind: 'boolean', value: literal.value };
      case 'date':
        if (literal.kind === 'date')
          return { kind: 'range', from: literal.value, to: nextDay(literal.value), exact: true };
        if (literal.kind === 'range') return { kind: 'range', from: literal.from, to: literal.to, exact: false };
        throw mismatch('date');
      case 'datetime':
        if (literal.kind === 'datetime') return { kind: 'instant', value: literal.epoch };
        if (literal.kind === 'range') {
          return {
            kind: 'instantRange',
            from: Date.parse(`${literal.from}T00:00:00Z`),
            to: Date.parse(`${literal.to}T00:00:00Z`),
          };
        }
        throw mismatch('dateTime');
    }
  }

  sorter(object: ObjectDef, orderBy: OrderItem[]): ((a: SObjectRecord, b: SObjectRecord) => number) | undefined {
    if (orderBy.length === 0) return undefined;
    const keys = orderBy.map((item) => ({ ...item, ...this.resolve(object, item.path) }));
    return (a, b) => {
      for (const key of keys) {
        const left = key.read(a);
        const right = key.read(b);
        if (left === right) continue;
        if (left === null || right === null) return (left === null) === key.nullsLast ? 1 : -1;
        const order = compareValues(kindOf(key.field), left, right);
        if (order !== 0) return key.descending ? -order : order;
      }
      return 0;
    };
  }

  run(query: ParsedQuery): QueryAnswer {
    const object = this.object(query.from);
    const filter = query.where ? this.condition(object, query.where) : () => true;
    const sorter = this.sorter(object, query.orderBy);
    const renderers = query.select
      .filter((item) => item.kind === 'field')
      .map((item) => this.renderer(object, item.path));
    const children = query.select
      .filter((item) => item.kind === 'subquery')
      .map((subquery) => {
        const relationship = object.childRelationships.get(subquery.relationship.toLowerCase());
        if (!relationship) {
          throw new SoqlError(
            'INVALID_TYPE',
            `Didn't understand relationship '${subquery.relationship}' in FROM part of query call.`,
          );
        }
        const child = this.object(relationship.childObject);
        const field = fieldOf(child, relationship.field) as FieldDef;
        const filter = subquery.where ? this.condition(child, subquery.where) : () => true;
        let grouped: Map<string, SObjectRecord[]> | undefined;
        return {
          name: relationship.name,
          child,
          field,
          sorter: this.sorter(child, subquery.orderBy),
          renderers: subquery.fields.map((path) => this.renderer(child, path)),
          limit: subquery.limit,
          /** Matching children grouped by parent id, built once per query. */
          byParent: () => {
            if (!grouped) {
              grouped = new Map();
              for (const row of this.store.scan(child.name)) {
                const parentId = row[field.name];
                if (typeof parentId !== 'string' || !filter(row)) continue;
                const siblings = grouped.get(parentId);
                if (siblings) siblings.push(row);
                else grouped.set(parentId, [row]);
              }
            }
            return grouped;
          },
        };
      });

    const rows = this.includeDeleted
      ? [...this.store.scan(object.name), ...this.store.scanDeleted(object.name)]
      : [...this.store.scan(object.name)];
    let matches = rows.filter(filter);
    if (sorter) matches.sort(sorter);
    const totalBeforeLimit = matches.length;
    if (query.offset !== undefined) {
      if (query.offset > 2000) throw new SoqlError('MALFORMED_QUERY', 'maximum SOQL offset allowed is 2000');
      matches = matches.slice(query.offset);
    }
    if (query.limit !== undefined) matches = matches.slice(0, query.limit);
    if (query.count)
      return {
        totalSize: query.limit === undefined && query.offset === undefined ? totalBeforeLimit : matches.length,
        records: [],
      };

    const records = matches.map((record) => {
      const out: Rendered = { attributes: this.attributes(object, record) };
      for (const render of renderers) render(record, out);
      for (const relation of children) {
        let rows = relation.byParent().get(String(record.Id)) ?? [];
        if (relation.sorter) rows.sort(relation.sorter);
        if (relation.limit !== undefined) rows = rows.slice(0, relation.limit);
        out[relation.name] =
          rows.length === 0
            ? null
            : {
                totalSize: rows.length,
                done: true,
                records: rows.map((row) => {
                  const rendered: Rendered = { attributes: this.attributes(relation.child, row) };
                  for (const render of relation.renderers) render(row, rendered);
                  return rendered;
                }),
              };
      }
      return out;
    });
    return { totalSize: records.length, records };
  }
}

type Operand =
  | { kind: 'null' }
  | { kind: 'text'; value: string }
  | { kind: 'id'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'range'; from: string; to: string; exact: boolean }
  | { kind: 'instant'; value: number }
  | { kind: 'instantRange'; from: number; to: number };

function nextDay(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  parsed.setUTCDate(parsed.getUTCDate() + 1);
  return parsed.toISOString().slice(0, 10);
}

function compareValues(kind: ValueKind, left: FieldValue, right: FieldValue): number {
  if (kind === 'number') return Number(left) - Number(right);
  if (kind === 'boolean') return Number(left) - Number(right);
  if (kind === 'datetime') return parseDateTime(String(left)) - parseDateTime(String(right));
  if (kind === 'text') {
    const a = String(left).toLowerCase();
    const b = String(right).toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Applies one comparison; SOQL's `!=` is true for blank values, every other operator false. */
function compareTo(value: FieldValue, operand: Operand, operator: string): boolean {
  if (operand.kind === 'null') return operator === '=' ? value === null : value !== null;
  if (value === null) return operator === '!=';
  const ordered = (order: number): boolean => {
    switch (operator) {
      case '=':
        return order === 0;
      case '!=':
        return order !== 0;
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      default:
        return order >= 0;
    }
  };
  const inRange = (position: number, from: number, to: number): boolean => {
    switch (operator) {
      case '=':
        return position >= from && position < to;
      case '!=':
        return position < from || position >= to;
      case '<':
        return position < from;
      case '<=':
        return position < to;
      case '>':
        return position >= to;
      default:
        return position >= from;
    }
  };
  switch (operand.kind) {
    case 'text':
      return ordered(compareValues('text', value, operand.value));
    case 'id':
      return ordered(compareValues('id', value, operand.value));
    case 'number':
      return ordered(Number(value) - operand.value);
    case 'boolean':
      return ordered(Number(value) - Number(operand.value));
    case 'range': {
      const day = Date.parse(`${String(value)}T00:00:00Z`);
      return inRange(day, Date.parse(`${operand.from}T00:00:00Z`), Date.parse(`${operand.to}T00:00:00Z`));
    }
    case 'instant':
      return ordered(parseDateTime(String(value)) - operand.value);
    case 'instantRange':
      return inRange(parseDateTime(String(value)), operand.from, operand.to);
  }
}

function likeToRegex(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else source += plain(char).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

/** Parses and runs a SOQL query; throws SoqlError with Salesforce's error code for bad queries. */
export function runQuery(soql: string, store: OrgStore, apiVersion: string, includeDeleted = false): QueryAnswer {
  return new Compiler(store, apiVersion, includeDeleted).run(parseSoql(soql));
}
