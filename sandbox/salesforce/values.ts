import { normaliseId } from './ids.js';
import type { FieldDef } from './schema.js';

/**
 * Field values as the sandbox stores and answers them: text, numbers, booleans, dates as `YYYY-MM-DD` and date-times
 * as `YYYY-MM-DDThh:mm:ss.000+0000` (Salesforce's wire format), null for blank.
 */
export type FieldValue = string | number | boolean | null;
export type SObjectRecord = Record<string, FieldValue>;

/** One entry of a save result's `errors` array. */
export interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}

export type Coerced = { ok: true; value: FieldValue } | { ok: false; error: SaveError };

const bad = (statusCode: string, message: string, fields: string[]): Coerced => ({
  ok: false,
  error: { statusCode, message, fields },
});

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Formats an instant the way Salesforce answers date-times (second precision, `+0000`). */
export function formatDateTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('Z', '+0000');
}

/** Parses a stored or literal date-time to epoch milliseconds, or NaN. */
export function parseDateTime(text: string): number {
  const match = DATE_TIME.exec(text);
  if (!match) return Number.NaN;
  const zone = match[8] ?? 'Z';
  const normalisedZone = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = (match[7] ?? '0').padEnd(3, '0').slice(0, 3);
  return Date.parse(
    `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6] ?? '00'}.${millis}${normalisedZone}`,
  );
}

/** True when the text is a real calendar date in `YYYY-MM-DD` form. */
function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(text);
}

function coerceNumber(field: FieldDef, raw: unknown): Coerced {
  const number =
    typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(number)) {
    return bad('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.label}: value not of required type: ${String(raw)}`, [
      field.name,
    ]);
  }
  const scale = field.scale ?? 0;
  const precision = field.precision ?? 18;
  const rounded = Math.round(number * 10 ** scale) / 10 ** scale;
  if (Math.abs(Math.trunc(rounded)).toString().length > precision - scale && Math.trunc(rounded) !== 0) {
    return bad(
      'NUMBER_OUTSIDE_VALID_RANGE',
      `${field.label}: value outside of valid range on numeric field: ${number}`,
      [field.name],
    );
  }
  return { ok: true, value: rounded };
}

/**
 * Converts a value from a request (JSON, or CSV text when `fromText`) to the stored form of the field,
 * or explains why it does not fit, with the error code Salesforce uses.
 */
export function coerceValue(field: FieldDef, raw: unknown, fromText = false): Coerced {
  if (raw === null || raw === undefined || raw === '') {
    return field.type === 'boolean' ? { ok: true, value: false } : { ok: true, value: null };
  }
  const wrongType = () =>
    bad('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.label}: value not of required type: ${String(raw)}`, [field.name]);
  switch (field.type) {
    case 'id':
    case 'reference': {
      if (typeof raw !== 'string') return wrongType();
      const id = normaliseId(raw);
      if (!id) return bad('MALFORMED_ID', `${field.label}: id value of incorrect type: ${raw}`, [field.name]);
      return { ok: true, value: id };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw))
        return { ok: true, value: raw.toLowerCase() === 'true' };
      if (fromText && /^[01]$/.test(String(raw))) return { ok: true, value: raw === '1' };
      return wrongType();
    }
    case 'double':
    case 'currency':
    case 'percent':
      return coerceNumber(field, raw);
    case 'date': {
      if (typeof raw !== 'string') return wrongType();
      const day = raw.length > 10 && DATE_TIME.test(raw) ? raw.slice(0, 10) : raw;
      return isCalendarDate(day) ? { ok: true, value: day } : wrongType();
    }
    case 'datetime': {
      if (typeof raw !== 'string') return wrongType();
      const epoch = isCalendarDate(raw) ? Date.parse(`${raw}T00:00:00Z`) : parseDateTime(raw);
      return Number.isNaN(epoch) ? wrongType() : { ok: true, value: formatDateTime(epoch) };
    }
    default: {
      if (typeof raw === 'object') return wrongType();
      const text = String(raw);
      if (field.length !== undefined && text.length > field.length) {
        return bad(
          'STRING_TOO_LONG',
          `${field.label}: data value too large: ${text.slice(0, 40)} (max length=${field.length})`,
          [field.name],
        );
      }
      if (field.type === 'email' && !EMAIL.test(text)) {
        return bad('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${text}`, [field.name]);
      }
      if (field.type === 'picklist' && field.restrictedPicklist && !(field.picklistValues ?? []).includes(text)) {
        return bad(
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${field.label}: bad value for restricted picklist field: ${text}`,
          [field.name],
        );
      }
      return { ok: true, value: text };
    }
  }
}

/** The key used to compare values of a unique or external id field. */
export function uniqueKey(field: FieldDef, value: FieldValue): string {
  const text = String(value);
  return field.caseSensitive || field.type === 'id' || field.type === 'reference' ? text : text.toLowerCase();
}
