import { sageDate, parseSageDate } from './dates.js';
import { SageApiError, invalidPayload, recordInvalid } from './errors.js';
import type { SageRecord } from './records.js';

/** How the detail rows of one collection property are matched in a PATCH (`UpdateOperation`). */
export type DetailKeys = Record<string, string>;

const UPDATE_OPERATIONS = new Set(['Unspecified', 'Insert', 'Update', 'Delete']);

function isDateProperty(name: string, blankValue: unknown): boolean {
  return blankValue === null && /Date/.test(name);
}

/**
 * Checks one body value against the property's type in the blank record and returns the value to store: Sage
 * refuses unknown properties and wrong types with 400 `InvalidPayload`, and accepts date-only strings for dates.
 */
export function coerceValue(resource: string, name: string, value: unknown, blankValue: unknown): unknown {
  const wrong = () => invalidPayload(`The value for ${resource}.${name} is not valid: ${JSON.stringify(value)}`);
  if (isDateProperty(name, blankValue)) {
    if (value === null || value === '') return null;
    const date = parseSageDate(value);
    if (!date) throw wrong();
    return sageDate(date);
  }
  if (typeof blankValue === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong();
    return value;
  }
  if (typeof blankValue === 'boolean') {
    if (typeof value !== 'boolean') throw wrong();
    return value;
  }
  if (Array.isArray(blankValue)) {
    if (!Array.isArray(value) || value.some((row) => typeof row !== 'object' || row === null || Array.isArray(row))) {
      throw wrong();
    }
    return value;
  }
  if (typeof value !== 'string') throw wrong();
  return value;
}

/** Reads a JSON body as an object; anything else is `InvalidPayload`. */
export function asObject(body: unknown, resource: string): SageRecord {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidPayload(`The request body for ${resource} must be a JSON object`);
  }
  return body as SageRecord;
}

/**
 * Copies `body` onto `target` in body order (Sage applies fields in the order they arrive), validating names and
 * types against `blank`. Properties in `ignored` (statistics Sage computes) are skipped silently.
 */
export function assignFields(
  resource: string,
  target: SageRecord,
  body: SageRecord,
  blank: SageRecord,
  ignored: ReadonlySet<string> = new Set(),
): void {
  for (const [name, value] of Object.entries(body)) {
    if (!(name in blank)) throw invalidPayload(`The property '${name}' does not exist on type '${resource}'`);
    if (ignored.has(name)) continue;
    target[name] = coerceValue(resource, name, value, blank[name]);
  }
}

/**
 * Applies detail rows of a PATCH: each row's `UpdateOperation` says whether it inserts, updates or deletes the row
 * matched by the detail key; `Unspecified` (or none) updates a matching row or inserts a new one.
 */
export function mergeDetails(resource: string, current: unknown, rows: unknown, detailKey: string): SageRecord[] {
  const existing = Array.isArray(current) ? [...(current as SageRecord[])] : [];
  for (const raw of rows as SageRecord[]) {
    const { UpdateOperation: operation = 'Unspecified', ...row } = raw;
    if (typeof operation !== 'string' || !UPDATE_OPERATIONS.has(operation)) {
      throw invalidPayload(`UpdateOperation must be one of ${[...UPDATE_OPERATIONS].join(', ')}`);
    }
    const key = String(row[detailKey] ?? '')
      .trimEnd()
      .toUpperCase();
    const index = existing.findIndex(
      (candidate) =>
        String(candidate[detailKey] ?? '')
          .trimEnd()
          .toUpperCase() === key,
    );
    if (operation === 'Delete') {
      if (index < 0) throw recordInvalid(`${resource} detail ${key} does not exist`);
      existing.splice(index, 1);
    } else if (operation === 'Insert') {
      if (index >= 0) throw new SageApiError(409, 'RecordDuplicate', `${resource} detail ${key} already exists`);
      existing.push(row);
    } else if (operation === 'Update') {
      if (index < 0) throw recordInvalid(`${resource} detail ${key} does not exist`);
      existing[index] = { ...existing[index], ...row };
    } else if (index >= 0) {
      existing[index] = { ...existing[index], ...row };
    } else {
      existing.push(row);
    }
  }
  return existing;
}
