/**
 * Contacts between the two systems. A/R keeps one contact per customer (`ContactName`, `ContactsEmail`,
 * `ContactsPhone`), which is the linked Account's primary contact in Salesforce; each ship-to location carries its own
 * contact, a Contact under the same Account. Both are keyed by `Contact.Sage_Contact_Key__c`: the customer number for
 * the primary contact, `CUSTOMER|SHIPTO` for a ship-to location's. The fields, their masters and directions come from
 * the `Contact` mapping; values are compared in the Sage field's terms. Pure.
 */
import { customerKey } from './customers.js';
import { comparableText, type FieldValues, type MergeField } from './field-merge.js';
import { toSalesforceValue, toSageValue, type FieldMapping } from './mapping.js';

/** The contact key of a customer's primary contact (`1200`) or of a ship-to location's contact (`1200|OFFICE`). */
export function contactKey(customerNumber: string, shipToLocation?: string): string {
  const customer = customerKey(customerNumber);
  const shipTo = shipToLocation?.trim().toUpperCase();
  return shipTo ? `${customer}|${shipTo}` : customer;
}

/** The customer number and ship-to location (if any) of a contact key. */
export function parseContactKey(key: string): { customerNumber: string; shipToLocation?: string } {
  const [customerNumber = '', shipToLocation] = key.split('|');
  return shipToLocation ? { customerNumber, shipToLocation } : { customerNumber };
}

/** Phone numbers compare by their digits, e-mail addresses without case, other text with white space folded. */
function comparableFor(sageField: string): (value: string | null) => string | null {
  if (/phone/i.test(sageField)) {
    return (value) => {
      const text = comparableText(value);
      const digits = text?.replace(/\D/g, '') ?? '';
      return digits === '' ? text : digits;
    };
  }
  if (/email/i.test(sageField)) return (value) => comparableText(value)?.toLowerCase() ?? null;
  return comparableText;
}

/**
 * The merged fields of a primary contact, one per Sage field of the active `Contact` mappings: its master is that of
 * the mapping that writes Sage (else the first), and it flows each way that some mapping of it does.
 */
export function contactMergeFields(mappings: readonly FieldMapping[]): MergeField[] {
  const bySageField = new Map<string, FieldMapping[]>();
  for (const mapping of mappings) {
    if (!mapping.active) continue;
    bySageField.set(mapping.sageField, [...(bySageField.get(mapping.sageField) ?? []), mapping]);
  }
  return [...bySageField.entries()].map(([sageField, entries]) => {
    const writer = entries.find((entry) => entry.toSage) ?? entries[0];
    return {
      name: sageField,
      label: `${sageField} / ${[...new Set(entries.map((entry) => entry.salesforceField))].join(', ')}`,
      master: writer?.master ?? 'Sage',
      toSage: entries.some((entry) => entry.toSage),
      toSalesforce: entries.some((entry) => entry.toSalesforce),
      comparable: comparableFor(sageField),
    };
  });
}

/** A ship-to location's contact flows from Sage only: its fields never write Sage. */
export function shipToMergeFields(mappings: readonly FieldMapping[]): MergeField[] {
  return contactMergeFields(mappings).map((field) => ({ ...field, master: 'Sage', toSage: false }));
}

/** The Sage fields of a customer's contact that the mappings read or write. */
export function contactSageFields(mappings: readonly FieldMapping[]): string[] {
  return [...new Set(mappings.filter((mapping) => mapping.active).map((mapping) => mapping.sageField))];
}

/** The Salesforce Contact fields the mappings read or write. */
export function contactSalesforceFields(mappings: readonly FieldMapping[]): string[] {
  return [...new Set(mappings.filter((mapping) => mapping.active).map((mapping) => mapping.salesforceField))];
}

/** Where a ship-to location keeps its contact's fields, by the customer field they stand for. */
export const shipToContactFields: Readonly<Record<string, string>> = {
  ContactName: 'ContactName',
  ContactsEmail: 'Email',
  ContactsPhone: 'PhoneNumber',
};

/** A customer's contact values (by Sage field) from an ARCustomers record. */
export function customerContactValues(fields: readonly MergeField[], customer: Record<string, unknown>): FieldValues {
  return Object.fromEntries(fields.map((field) => [field.name, comparableText(customer[field.name])]));
}

/** A ship-to location's contact values, in the customer's contact fields. */
export function shipToContactValues(fields: readonly MergeField[], location: Record<string, unknown>): FieldValues {
  return Object.fromEntries(
    fields.map((field) => [field.name, comparableText(location[shipToContactFields[field.name] ?? field.name])]),
  );
}

/**
 * A Salesforce contact's values in Sage terms: through the mapping that writes the Sage field when there is one;
 * otherwise a name split into FirstName and LastName is joined again, and any other field is read as it is.
 */
export function salesforceContactValues(
  mappings: readonly FieldMapping[],
  fields: readonly MergeField[],
  contact: Record<string, unknown>,
): FieldValues {
  const values: Record<string, string | null> = {};
  for (const field of fields) {
    const entries = mappings.filter((mapping) => mapping.active && mapping.sageField === field.name);
    const writer = entries.find((entry) => entry.toSage);
    if (writer) {
      values[field.name] = comparableText(toSageValue(writer, contact[writer.salesforceField]));
      continue;
    }
    const first = entries.find((entry) => entry.transform === 'firstName');
    const last = entries.find((entry) => entry.transform === 'lastName');
    if (first || last) {
      values[field.name] = comparableText(
        [first && contact[first.salesforceField], last && contact[last.salesforceField]]
          .filter((part) => typeof part === 'string')
          .join(' '),
      );
      continue;
    }
    const entry = entries[0];
    values[field.name] = entry ? comparableText(contact[entry.salesforceField]) : null;
  }
  return values;
}

/** The Salesforce Contact fields that carry these Sage field values (FirstName and LastName from ContactName). */
export function salesforceContactFields(
  mappings: readonly FieldMapping[],
  values: Readonly<Record<string, string | null>>,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const mapping of mappings) {
    if (!mapping.active || !mapping.toSalesforce || !(mapping.sageField in values)) continue;
    fields[mapping.salesforceField] = toSalesforceValue(mapping, values[mapping.sageField]);
  }
  return fields;
}
