/**
 * The field-by-field merge of a two-way flow. Each side's values are compared with what that side held after the last
 * sync (kept as per-field hashes, so the store holds no field value): a field changed on one side is copied to the
 * other where the mapping lets it flow that way; a field changed on both sides to different values is a conflict,
 * settled by the field's master, whose value ends on both sides while the loser's value is reported. Pure.
 */
import { contentHash } from './hash.js';
import type { Master } from './mapping.js';

/** One merged field: its name in the values, its label for people, its master and the directions it may flow. */
export interface MergeField {
  /** The key in the values (the Sage field name, e.g. `ContactsEmail`). */
  name: string;
  /** Both systems' names, for logs and the conflict view (`ContactsEmail / Email`). */
  label: string;
  master: Master;
  /** Salesforce changes may be written to Sage. */
  toSage: boolean;
  /** Sage changes may be written to Salesforce. */
  toSalesforce: boolean;
  /** The form two values are compared in (equal forms are the same value, e.g. phone digits). */
  comparable(value: string | null): string | null;
}

/** One side's values by field name (null: blank). */
export type FieldValues = Readonly<Record<string, string | null>>;

/** What both sides held after a sync, per side and field: hashes of the comparable values. */
export interface SyncedState {
  sage: Record<string, string> | null;
  salesforce: Record<string, string> | null;
}

/** A field both sides changed to different values since the last sync. */
export interface FieldConflict {
  field: string;
  master: Master;
  winningValue: string | null;
  losingValue: string | null;
}

export interface MergeResult {
  /** Fields to write to Sage, with their new values. */
  toSage: Record<string, string | null>;
  /** Fields to write to Salesforce, with their new values. */
  toSalesforce: Record<string, string | null>;
  conflicts: FieldConflict[];
  /** What both sides hold once the writes are done: the base of the next merge. */
  synced: SyncedState;
}

/** Text as a comparable value: trimmed, inner runs of white space as one space, blank as null. */
export function comparableText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim().replace(/\s+/g, ' ');
  return text === '' ? null : text;
}

/** The per-field hashes of one side's values. */
export function fieldHashes(fields: readonly MergeField[], values: FieldValues): Record<string, string> {
  return Object.fromEntries(
    fields.map((field) => [field.name, contentHash(field.comparable(values[field.name] ?? null))]),
  );
}

/** True when one side's values are what that side held after the last sync. */
export function unchangedSince(
  fields: readonly MergeField[],
  values: FieldValues,
  synced: Record<string, string> | null | undefined,
): boolean {
  if (!synced) return false;
  const hashes = fieldHashes(fields, values);
  return fields.every((field) => synced[field.name] === hashes[field.name]);
}

/**
 * Merges the two sides' current values against what each held after the last sync. A side that does not hold the
 * record (`null`: no Salesforce contact yet) takes what flows to it. Without a last sync (`base` null) nothing counts
 * as a conflict: a blank never overwrites a value, and where both hold different values the master's wins.
 */
export function mergeFields(input: {
  fields: readonly MergeField[];
  base: SyncedState | null;
  sage: FieldValues | null;
  salesforce: FieldValues | null;
}): MergeResult {
  const { fields, base } = input;
  const toSage: Record<string, string | null> = {};
  const toSalesforce: Record<string, string | null> = {};
  const conflicts: FieldConflict[] = [];
  const sageAfter: Record<string, string | null> = { ...input.sage };
  const salesforceAfter: Record<string, string | null> = { ...input.salesforce };

  for (const field of fields) {
    const sage = input.sage ? (input.sage[field.name] ?? null) : null;
    const salesforce = input.salesforce ? (input.salesforce[field.name] ?? null) : null;
    const same = field.comparable(sage) === field.comparable(salesforce);
    if (same && input.salesforce && input.sage) continue;

    const sageChanged = changed(field, sage, base?.sage);
    const salesforceChanged = input.salesforce ? changed(field, salesforce, base?.salesforce) : false;
    let winner: 'Sage' | 'Salesforce' | undefined;
    if (!input.salesforce) winner = 'Sage';
    else if (!input.sage) winner = 'Salesforce';
    else if (!base?.sage || !base.salesforce) {
      // A first sync: keep a value over a blank, else the master's.
      winner = salesforce === null ? 'Sage' : sage === null ? 'Salesforce' : field.master;
    } else if (sageChanged && salesforceChanged) {
      winner = field.master;
      const loserValue = winner === 'Sage' ? salesforce : sage;
      const allowed = winner === 'Sage' ? field.toSalesforce : field.toSage;
      if (allowed) {
        conflicts.push({
          field: field.label,
          master: field.master,
          winningValue: winner === 'Sage' ? sage : salesforce,
          losingValue: loserValue,
        });
      }
    } else if (sageChanged) winner = 'Sage';
    else if (salesforceChanged) winner = 'Salesforce';
    if (winner === 'Sage' && field.toSalesforce && !same) {
      toSalesforce[field.name] = sage;
      salesforceAfter[field.name] = sage;
    } else if (winner === 'Salesforce' && field.toSage && !same) {
      toSage[field.name] = salesforce;
      sageAfter[field.name] = salesforce;
    }
  }
  return {
    toSage,
    toSalesforce,
    conflicts,
    synced: {
      sage: input.sage ? fieldHashes(fields, sageAfter) : null,
      salesforce:
        input.salesforce || Object.keys(toSalesforce).length > 0 ? fieldHashes(fields, salesforceAfter) : null,
    },
  };
}

function changed(field: MergeField, value: string | null, base: Record<string, string> | null | undefined): boolean {
  if (!base) return true;
  return base[field.name] !== contentHash(field.comparable(value));
}
