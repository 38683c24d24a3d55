// Reads the tables of docs/salesforce-schema.md, the contract of API names between the package and the middleware.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './metadata.js';

/** One row of a schema table: a field of an object or of a custom metadata type. */
export interface SchemaRow {
  object: string;
  field: string;
  type: string;
  /** The Notes, Meaning or Default column. */
  notes: string;
  /** Which kind of table the row came from. */
  section: 'custom object' | 'standard object' | 'custom metadata';
}

/** Splits a table row at pipes that are not inside a `code span` (keys such as `CUSTOMER|DOCUMENT` contain pipes). */
export function splitCells(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  let inCode = false;
  for (const char of line.trim().replace(/^\||\|$/g, '')) {
    if (char === '`') inCode = !inCode;
    if (char === '|' && !inCode) {
      cells.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  cells.push(current.trim());
  return cells;
}

const unquote = (text: string): string => text.replace(/^`|`$/g, '');

/** Parses every field table in the schema document. */
export function readSchemaDoc(
  markdown = readFileSync(join(REPO_ROOT, 'docs/salesforce-schema.md'), 'utf8'),
): SchemaRow[] {
  const rows: SchemaRow[] = [];
  let heading = '';
  let subject = '';
  let columns: string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('#')) {
      if (line.startsWith('## ')) heading = line;
      subject = /`([A-Za-z0-9_]+)`/.exec(line)?.[1] ?? '';
      columns = [];
      continue;
    }
    if (!line.trim().startsWith('|')) {
      columns = [];
      continue;
    }
    const cells = splitCells(line);
    if (columns.length === 0) {
      columns = cells;
      continue;
    }
    if (cells.every((cell) => /^:?-+:?$/.test(cell))) continue;
    const cell = (name: string): string => cells[columns.indexOf(name)] ?? '';
    const section = heading.includes('Custom Metadata')
      ? 'custom metadata'
      : heading.includes('standard objects')
        ? 'standard object'
        : 'custom object';
    rows.push({
      object: section === 'standard object' ? cell('Object') : subject,
      field: unquote(cell('Field')),
      type: cell('Type'),
      notes: cells.slice(columns.indexOf('Type') + 1).join(' | '),
      section,
    });
  }
  return rows;
}

/** What a schema Type cell asks for, e.g. `Text(40), External ID, Unique` or `Picklist: Block, Warn, Allow`. */
export interface ExpectedType {
  /** The Salesforce field type (`Text`, `Lookup`, `Currency`, ...), or `AutoNumber` for an auto-numbered Name. */
  type: string;
  formula: boolean;
  length?: number;
  precision?: number;
  scale?: number;
  referenceTo?: string;
  displayFormat?: string;
  externalId: boolean;
  unique: boolean;
  restricted: boolean;
  /** Picklist values named in the Type cell (custom metadata tables). */
  values?: string[];
}

/** Turns a Type cell into the field properties it requires. */
export function parseType(cell: string): ExpectedType {
  const expected: ExpectedType = { type: '', formula: false, externalId: false, unique: false, restricted: false };
  const autoNumber = /^Auto Number `(.+)`/.exec(cell);
  if (autoNumber) return { ...expected, type: 'AutoNumber', displayFormat: autoNumber[1] };
  const picklist = /^Picklist: (.+)$/.exec(cell);
  if (picklist) return { ...expected, type: 'Picklist', values: (picklist[1] ?? '').split(',').map((v) => v.trim()) };
  const [base = '', ...flags] = cell.split(/,\s*(?![^()]*\))/).map((part) => part.trim());
  const masterDetail = /^Master-Detail\((\w+)\)$/.exec(base);
  if (masterDetail) return { ...expected, type: 'MasterDetail', referenceTo: masterDetail[1] };
  const formula = /^Formula\((\w+)\)$/.exec(base);
  const sized = /^(\w+)(?:\(([^)]*)\))?$/.exec(base);
  if (formula) {
    expected.type = formula[1] ?? '';
    expected.formula = true;
  } else if (sized) {
    expected.type = sized[1] ?? '';
    const argument = sized[2];
    if (argument !== undefined) {
      if (expected.type === 'Lookup') expected.referenceTo = argument;
      else if (expected.type === 'Text' || expected.type === 'LongTextArea') expected.length = Number(argument);
      else [expected.precision, expected.scale] = argument.split(',').map(Number);
    }
  } else {
    throw new Error(`Unreadable type in the schema document: ${cell}`);
  }
  expected.externalId = flags.includes('External ID');
  expected.unique = flags.includes('Unique');
  expected.restricted = flags.includes('restricted');
  return expected;
}

/** The transform names listed for `Transform__c` in the schema document. */
export function documentedTransforms(rows: SchemaRow[]): string[] {
  const row = rows.find((candidate) => candidate.field === 'Transform__c');
  const names = [...(row?.notes ?? '').matchAll(/`([A-Za-z]+)`/g)].map((match) => match[1] ?? '');
  // Words quoted as examples in the explanations (Sage values, field names) start with a capital letter.
  return names.filter((name) => /^[a-z]/.test(name));
}
