// The field-by-field merge of two-way flows: one-sided changes flow, conflicts go to the master, blanks never win a first sync.
import { contactMergeFields } from '../../middleware/src/domain/contacts.js';
import { fieldHashes, mergeFields, unchangedSince, type SyncedState } from '../../middleware/src/domain/field-merge.js';
import { defaultFieldMappings } from '../../middleware/src/config/mapping.js';
import type { FieldMapping } from '../../middleware/src/domain/mapping.js';

const contactMappings = defaultFieldMappings.filter((mapping) => mapping.object === 'Contact');
const fields = contactMergeFields(contactMappings);
const synced = { ContactName: 'Lars Nilsson', ContactsEmail: 'lars@example.com', ContactsPhone: '2065550156' };
const base: SyncedState = { sage: fieldHashes(fields, synced), salesforce: fieldHashes(fields, synced) };

describe('merging a contact field by field', () => {
  it('reads the mapping: one field per Sage field, Salesforce-mastered, both ways', () => {
    expect(fields.map((field) => [field.name, field.master, field.toSage, field.toSalesforce])).toEqual([
      ['ContactName', 'Salesforce', true, true],
      ['ContactsEmail', 'Salesforce', true, true],
      ['ContactsPhone', 'Salesforce', true, true],
    ]);
  });

  it('copies a change made on one side to the other and nothing else', () => {
    const merge = mergeFields({ fields, base, sage: { ...synced, ContactsPhone: '206 555 0199' }, salesforce: synced });
    expect(merge).toMatchObject({ toSage: {}, toSalesforce: { ContactsPhone: '206 555 0199' }, conflicts: [] });
    expect(merge.synced.sage).toEqual(merge.synced.salesforce);
  });

  it('gives a field both sides changed to its master and reports the losing value', () => {
    const merge = mergeFields({
      fields,
      base,
      sage: { ...synced, ContactsEmail: 'sage@example.com' },
      salesforce: { ...synced, ContactsEmail: 'crm@example.com' },
    });
    expect(merge.toSage).toEqual({ ContactsEmail: 'crm@example.com' });
    expect(merge.toSalesforce).toEqual({});
    expect(merge.conflicts).toEqual([
      {
        field: 'ContactsEmail / Email',
        master: 'Salesforce',
        winningValue: 'crm@example.com',
        losingValue: 'sage@example.com',
      },
    ]);
  });

  it('lets Sage win where the mapping makes Sage the master', () => {
    const sageMastered = contactMergeFields(
      contactMappings.map((mapping): FieldMapping => ({ ...mapping, master: 'Sage' })),
    );
    const merge = mergeFields({
      fields: sageMastered,
      base,
      sage: { ...synced, ContactsEmail: 'sage@example.com' },
      salesforce: { ...synced, ContactsEmail: 'crm@example.com' },
    });
    expect(merge.toSalesforce).toEqual({ ContactsEmail: 'sage@example.com' });
    expect(merge.conflicts[0]).toMatchObject({ master: 'Sage', losingValue: 'crm@example.com' });
  });

  it('treats the same number or address written differently as the same value', () => {
    const merge = mergeFields({
      fields,
      base: null,
      sage: { ...synced, ContactsPhone: '2065550156', ContactsEmail: 'LARS@example.com' },
      salesforce: { ...synced, ContactsPhone: '(206) 555-0156' },
    });
    expect(merge).toMatchObject({ toSage: {}, toSalesforce: {}, conflicts: [] });
  });

  it('never lets a blank overwrite a value on a first sync, and creates what the other side lacks', () => {
    const first = mergeFields({ fields, base: null, sage: synced, salesforce: { ...synced, ContactsPhone: null } });
    expect(first.toSalesforce).toEqual({ ContactsPhone: '2065550156' });
    const created = mergeFields({ fields, base: null, sage: synced, salesforce: null });
    expect(created.toSalesforce).toEqual(synced);
    expect(created.synced.salesforce).toEqual(created.synced.sage);
  });

  it('knows a side that holds what it held after the last sync', () => {
    expect(unchangedSince(fields, { ...synced, ContactName: ' Lars   Nilsson ' }, base.sage)).toBe(true);
    expect(unchangedSince(fields, { ...synced, ContactName: 'Lars Nilson' }, base.sage)).toBe(false);
    expect(unchangedSince(fields, synced, null)).toBe(false);
  });
});
