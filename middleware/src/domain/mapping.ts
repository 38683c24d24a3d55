/**
 * Field mapping between a Sage 300 record and a Salesforce record: which fields, in which direction, through which
 * transform. Pure: the mapping configuration is loaded and validated in `config/mapping.ts`.
 */
import { ConnectorError } from './errors.js';

export const mappingObjects = [
  'Account',
  'Contact',
  'Product2',
  'PricebookEntry',
  'Sage_Invoice__c',
  'Opportunity',
] as const;
export type MappingObject = (typeof mappingObjects)[number];

export const transforms = [
  'none',
  'trim',
  'upper',
  'yesNoToBoolean',
  'booleanToYesNo',
  'activeToBoolean',
  'firstName',
  'lastName',
  'date',
  'number',
] as const;
export type Transform = (typeof transforms)[number];

export type Master = 'Sage' | 'Salesforce';

/** One mapped field of one Salesforce object. */
export interface FieldMapping {
  object: MappingObject;
  salesforceField: string;
  sageField: string;
  /** The system whose value wins when both sides changed. */
  master: Master;
  toSalesforce: boolean;
  toSage: boolean;
  transform: Transform;
  active: boolean;
  /** Where the entry came from, for messages: `defaults`, `MAPPING_FILE ./m.json entry 3`, `Sage_Field_Mapping__mdt Account_Name`. */
  origin: string;
}

/** The mapping of a value that cannot be converted: a permanent failure of that one record. */
function invalidValue(mapping: FieldMapping, value: unknown, expected: string): ConnectorError {
  return new ConnectorError(
    'permanent',
    `${mapping.object}.${mapping.salesforceField}: Sage ${mapping.sageField} value ${JSON.stringify(value)} is not ${expected}`,
    {
      code: 'MAPPING_INVALID_VALUE',
      system: 'connector',
      context: { field: mapping.salesforceField, sageField: mapping.sageField },
    },
  );
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = String(value).trim();
  return trimmed === '' ? null : trimmed;
}

function splitName(value: unknown): { first: string | null; last: string | null } {
  const name = text(value);
  if (name === null) return { first: null, last: null };
  const cut = name.lastIndexOf(' ');
  if (cut < 0) return { first: null, last: name };
  return { first: name.slice(0, cut).trim() || null, last: name.slice(cut + 1) };
}

function toBoolean(mapping: FieldMapping, value: unknown, yes: string, no: string): boolean | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value;
  const word = String(value).trim().toLowerCase();
  if (word === yes.toLowerCase() || word === 'true' || word === '1') return true;
  if (word === no.toLowerCase() || word === 'false' || word === '0') return false;
  throw invalidValue(mapping, value, `${yes} or ${no}`);
}

function fromBoolean(mapping: FieldMapping, value: unknown, yes: string, no: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value ? yes : no;
  return toBoolean(mapping, value, yes, no) ? yes : no;
}

function toNumber(mapping: FieldMapping, value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(number)) throw invalidValue(mapping, value, 'a number');
  return number;
}

const isoDate = /^(\d{4}-\d{2}-\d{2})(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function toDate(mapping: FieldMapping, value: unknown): string | null {
  const raw = text(value);
  if (raw === null) return null;
  const match = isoDate.exec(raw);
  if (!match?.[1]) throw invalidValue(mapping, value, 'a date');
  return match[1];
}

/** The Salesforce value of one mapped Sage value. Throws a permanent ConnectorError when the value cannot be converted. */
export function toSalesforceValue(mapping: FieldMapping, value: unknown): unknown {
  switch (mapping.transform) {
    case 'none':
      return value ?? null;
    case 'trim':
      return text(value);
    case 'upper':
      return text(value)?.toUpperCase() ?? null;
    case 'yesNoToBoolean':
      return toBoolean(mapping, value, 'Yes', 'No');
    case 'booleanToYesNo':
      return fromBoolean(mapping, value, 'Yes', 'No');
    case 'activeToBoolean':
      return toBoolean(mapping, value, 'Active', 'Inactive');
    case 'firstName':
      return splitName(value).first;
    case 'lastName':
      return splitName(value).last;
    case 'date':
      return toDate(mapping, value);
    case 'number':
      return toNumber(mapping, value);
  }
}

/** The Sage value of one mapped Salesforce value (the transform read backwards). */
export function toSageValue(mapping: FieldMapping, value: unknown): unknown {
  switch (mapping.transform) {
    case 'none':
      return value ?? null;
    case 'trim':
    case 'firstName':
    case 'lastName':
      return text(value);
    case 'upper':
      return text(value)?.toUpperCase() ?? null;
    case 'yesNoToBoolean':
      return fromBoolean(mapping, value, 'Yes', 'No');
    case 'booleanToYesNo':
      return toBoolean(mapping, value, 'Yes', 'No');
    case 'activeToBoolean':
      return fromBoolean(mapping, value, 'Active', 'Inactive');
    case 'date': {
      const day = toDate(mapping, value);
      return day === null ? null : `${day}T00:00:00Z`;
    }
    case 'number':
      return toNumber(mapping, value);
  }
}

/** The Salesforce fields of a Sage record under the mappings that flow to Salesforce. */
export function mapToSalesforce(
  mappings: readonly FieldMapping[],
  sageRecord: Record<string, unknown>,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const mapping of mappings) {
    if (!mapping.active || !mapping.toSalesforce) continue;
    fields[mapping.salesforceField] = toSalesforceValue(mapping, sageRecord[mapping.sageField]);
  }
  return fields;
}

/**
 * The Sage fields of a Salesforce record under the mappings that flow to Sage. Several Salesforce fields can feed one
 * Sage field (FirstName and LastName are read from ContactName); only the mapping marked `toSage` writes it.
 */
export function mapToSage(
  mappings: readonly FieldMapping[],
  salesforceRecord: Record<string, unknown>,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const mapping of mappings) {
    if (!mapping.active || !mapping.toSage) continue;
    fields[mapping.sageField] = toSageValue(mapping, salesforceRecord[mapping.salesforceField]);
  }
  return fields;
}

/** The Sage fields a read must select to map a record to Salesforce. */
export function sageFieldsToRead(mappings: readonly FieldMapping[]): string[] {
  return [...new Set(mappings.filter((m) => m.active && m.toSalesforce).map((m) => m.sageField))];
}

/** The Salesforce fields a read must select to map a record to Sage. */
export function salesforceFieldsToRead(mappings: readonly FieldMapping[]): string[] {
  return [...new Set(mappings.filter((m) => m.active && m.toSage).map((m) => m.salesforceField))];
}
