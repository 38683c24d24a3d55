/**
 * Drift repair against Salesforce: what an object holds now for a page of records, read with one SOQL query per
 * slice of External IDs (never one per record), and whether it differs from what the mapping produces. A flow that
 * upserts on an External ID gives this as its `drift`; the engine's repair pass rewrites only the records that differ
 * (hand edits in Salesforce, anything a missed watermark let through) and those Salesforce no longer has.
 *
 * The comparison is of the fields the flow writes, as Salesforce answers them: blank, null and absent are equal;
 * numbers equal to half a cent (Salesforce rounds currency to its scale); dates and date-times by instant; a parent
 * reference (`Account__r: { Sage_Customer_Number__c: '1200' }`) by the parent's key, case-insensitively as Salesforce
 * matches External IDs. Stamps the writer adds (`Last_Synced__c`) are not part of the mapped record, so not compared.
 */
import { soqlFields, soqlIdentifier, soqlIn } from '../../salesforce/soql.js';
import type { DriftCheck, PreparedRecord } from '../flow.js';
import type { SalesforceReader } from '../systems.js';

export interface SalesforceDriftOptions {
  reader: SalesforceReader;
  /** The object written (`Sage_Invoice__c`). */
  object: string;
  /** The External ID the flow upserts on; it holds each record's key. */
  externalIdField: string;
  /** External IDs per query (default 300, which keeps a query's text well under SOQL's length limit). */
  keysPerQuery?: number;
}

type Fields = Record<string, unknown>;

const isParentReference = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The select list that reads back what `target` writes: `Field`, or `Parent__r.Key__c` for a parent reference. */
export function fieldsToReadBack(target: Fields): string[] {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(target)) {
    if (isParentReference(value)) {
      for (const key of Object.keys(value).filter((key) => key !== 'attributes')) fields.push(`${name}.${key}`);
    } else {
      fields.push(name);
    }
  }
  return fields;
}

const blank = (value: unknown) => value === null || value === undefined || value === '';

const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Whether Salesforce's value is the one the mapping produced, for one field. */
export function sameValue(mapped: unknown, current: unknown): boolean {
  if (blank(mapped) || blank(current)) return blank(mapped) && blank(current);
  if (typeof mapped === 'number' || typeof current === 'number') {
    const a = Number(mapped);
    const b = Number(current);
    return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) < 0.005;
  }
  if (typeof mapped === 'string' && typeof current === 'string') {
    if (mapped === current) return true;
    if (DATE_LIKE.test(mapped) && DATE_LIKE.test(current)) {
      const normalise = (text: string) => Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      return normalise(mapped) === normalise(current);
    }
    return false;
  }
  return mapped === current;
}

/** Whether a record Salesforce holds differs from the mapped one in any field the flow writes. */
export function differsFrom(target: Fields, current: Fields): boolean {
  for (const [name, mapped] of Object.entries(target)) {
    const held = current[name];
    if (isParentReference(mapped)) {
      for (const [key, value] of Object.entries(mapped)) {
        if (key === 'attributes') continue;
        const parentKey = isParentReference(held) ? held[key] : undefined;
        const same =
          blank(value) || blank(parentKey)
            ? blank(value) && blank(parentKey)
            : String(value).toLowerCase() === String(parentKey).toLowerCase();
        if (!same) return true;
      }
    } else if (!sameValue(mapped, held)) {
      return true;
    }
  }
  return false;
}

/** A flow's `drift` over a Salesforce object it upserts on an External ID. */
export function salesforceDrift<Target extends Fields>(options: SalesforceDriftOptions): DriftCheck<Target> {
  const perQuery = options.keysPerQuery ?? 300;
  const object = soqlIdentifier(options.object);
  const externalId = soqlIdentifier(options.externalIdField);
  return {
    async current(records: readonly PreparedRecord<Target>[]) {
      const held = new Map<string, unknown>();
      if (records.length === 0) return held;
      const fields = [...new Set(['Id', externalId, ...records.flatMap((record) => fieldsToReadBack(record.target))])];
      // Salesforce matches External IDs case-insensitively; keys are looked up the same way.
      const byKey = new Map(records.map((record) => [record.key.toLowerCase(), record.key]));
      const keys = records.map((record) => record.key);
      for (let start = 0; start < keys.length; start += perQuery) {
        const slice = keys.slice(start, start + perQuery);
        const rows = await options.reader.queryAll<Fields>(
          `SELECT ${soqlFields(fields)} FROM ${object} WHERE ${externalId} IN ${soqlIn(slice)}`,
        );
        for (const row of rows) {
          const key = byKey.get(String(row[options.externalIdField] ?? '').toLowerCase());
          if (key !== undefined) held.set(key, row);
        }
      }
      return held;
    },
    differs: (target, current) => differsFrom(target, (current ?? {}) as Fields),
  };
}
