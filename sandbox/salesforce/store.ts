import { IdFactory, normaliseId } from './ids.js';
import { fieldOf, type FieldDef, type ObjectDef, type Schema } from './schema.js';
import { CLOSED_STAGES } from './standard-objects.js';
import {
  coerceValue,
  formatDateTime,
  uniqueKey,
  type FieldValue,
  type SaveError,
  type SObjectRecord,
} from './values.js';

/**
 * The org's data: records per object, the save rules Salesforce applies (field existence, types, required fields,
 * unique external ids, references, restricted picklists), the system fields it maintains, and the derived values of
 * the standard objects (opportunity amount from its lines, won/closed from the stage, names of people).
 */

/** A record could not be saved; the errors are in Salesforce's save-result shape. */
export class RecordError extends Error {
  constructor(readonly errors: SaveError[]) {
    super(errors.map((error) => `${error.statusCode}: ${error.message}`).join('; '));
    this.name = 'RecordError';
  }
}

/** Who is writing: the user the access token belongs to; `privileged` lets tests and the seed set read-only fields. */
export interface WriteContext {
  userId: string;
  privileged?: boolean;
}

const fail = (statusCode: string, message: string, fields: string[] = []): never => {
  throw new RecordError([{ statusCode, message, fields }]);
};

/**
 * A validation rule, as an admin adds one in Setup: a record of `object` that `rejects` refuses fails with
 * FIELD_CUSTOM_VALIDATION_EXCEPTION and the rule's message (on `field` when given). Applies to API writes.
 */
export interface ValidationRule {
  object: string;
  message: string;
  field?: string;
  /** Whether the record as it would be saved breaks the rule. */
  rejects(record: Readonly<SObjectRecord>): boolean;
}

interface UndoEntry {
  type: string;
  id: string;
  before: SObjectRecord | undefined;
}

export class OrgStore {
  private readonly tables = new Map<string, Map<string, SObjectRecord>>();
  /** object → field (lower case) → unique key → ids */
  private readonly indexes = new Map<string, Map<string, Map<string, Set<string>>>>();
  private readonly autoNumbers = new Map<string, number>();
  private undoLog: UndoEntry[] | undefined;
  readonly ids = new IdFactory();
  /** Validation rules in force (see `ValidationRule`). */
  readonly validationRules: ValidationRule[] = [];

  /** Deleted records by type and id, with `IsDeleted` true (and `MasterRecordId` when a merge deleted them). */
  private readonly recycleBin = new Map<string, Map<string, SObjectRecord>>();

  constructor(
    readonly schema: Schema,
    private readonly now: () => number = Date.now,
  ) {}

  /** The object definition, or a NOT_FOUND-style error for an unknown type. */
  object(type: string): ObjectDef {
    const object = this.schema.object(type);
    if (!object) return fail('INVALID_TYPE', `sObject type '${type}' is not supported.`);
    return object;
  }

  private table(object: ObjectDef): Map<string, SObjectRecord> {
    let table = this.tables.get(object.name);
    if (!table) {
      table = new Map();
      this.tables.set(object.name, table);
    }
    return table;
  }

  /** All records of a type, in creation order (copies). */
  records(type: string): SObjectRecord[] {
    return [...this.table(this.object(type)).values()].map((record) => ({ ...record }));
  }

  /** Live records of a type, for the query engine (do not modify). */
  scan(type: string): Iterable<SObjectRecord> {
    return this.table(this.object(type)).values();
  }

  /** Deleted records of a type (the recycle bin, which `queryAll` also reads), for the query engine. */
  scanDeleted(type: string): Iterable<SObjectRecord> {
    return this.recycleBin.get(this.object(type).name)?.values() ?? [];
  }

  /** One record by id (15 or 18 characters), with its object. */
  byId(id: string): { object: ObjectDef; record: SObjectRecord } | undefined {
    const normalised = normaliseId(id);
    if (!normalised) return undefined;
    const object = this.schema.objectForId(normalised);
    const record = object ? this.tables.get(object.name)?.get(normalised) : undefined;
    return object && record ? { object, record } : undefined;
  }

  get(type: string, id: string): SObjectRecord | undefined {
    const normalised = normaliseId(id);
    return normalised ? this.table(this.object(type)).get(normalised) : undefined;
  }

  /** Ids of records whose unique or external id field holds the value. */
  findByField(object: ObjectDef, field: FieldDef, value: FieldValue): string[] {
    if (field.type === 'id') {
      const id = typeof value === 'string' ? normaliseId(value) : undefined;
      return id && this.table(object).has(id) ? [id] : [];
    }
    const index = this.indexes.get(object.name)?.get(field.name.toLowerCase());
    if (index) return [...(index.get(uniqueKey(field, value)) ?? [])];
    const key = uniqueKey(field, value);
    return [...this.table(object).values()]
      .filter(
        (record) =>
          record[field.name] !== null &&
          record[field.name] !== undefined &&
          uniqueKey(field, record[field.name] ?? null) === key,
      )
      .map((record) => String(record.Id));
  }

  /** Runs writes as one unit: if the function throws, every record it touched is restored. */
  transaction<T>(work: () => T): T {
    if (this.undoLog) return work();
    this.undoLog = [];
    try {
      const result = work();
      this.undoLog = undefined;
      return result;
    } catch (error) {
      const log = this.undoLog ?? [];
      this.undoLog = undefined;
      for (const entry of log.reverse()) this.restore(entry);
      throw error;
    }
  }

  private restore(entry: UndoEntry): void {
    const object = this.object(entry.type);
    const table = this.table(object);
    const current = table.get(entry.id);
    if (current) this.unindex(object, current);
    if (entry.before) {
      table.set(entry.id, entry.before);
      this.index(object, entry.before);
    } else {
      table.delete(entry.id);
    }
  }

  private indexedFields(object: ObjectDef): FieldDef[] {
    return [...object.fields.values()].filter((field) => field.externalId || field.unique);
  }

  private index(object: ObjectDef, record: SObjectRecord): void {
    let byField = this.indexes.get(object.name);
    if (!byField) {
      byField = new Map();
      this.indexes.set(object.name, byField);
    }
    for (const field of this.indexedFields(object)) {
      const value = record[field.name];
      if (value === null || value === undefined) continue;
      let index = byField.get(field.name.toLowerCase());
      if (!index) {
        index = new Map();
        byField.set(field.name.toLowerCase(), index);
      }
      const key = uniqueKey(field, value);
      index.set(key, (index.get(key) ?? new Set()).add(String(record.Id)));
    }
  }

  private unindex(object: ObjectDef, record: SObjectRecord): void {
    const byField = this.indexes.get(object.name);
    for (const field of this.indexedFields(object)) {
      const value = record[field.name];
      if (value === null || value === undefined) continue;
      byField?.get(field.name.toLowerCase())?.get(uniqueKey(field, value))?.delete(String(record.Id));
    }
  }

  private commit(object: ObjectDef, record: SObjectRecord, before: SObjectRecord | undefined): void {
    const table = this.table(object);
    this.undoLog?.push({ type: object.name, id: String(record.Id), before });
    if (before) this.unindex(object, before);
    table.set(String(record.Id), record);
    this.index(object, record);
  }

  /** Creates a record; answers its id. */
  insert(type: string, input: Record<string, unknown>, context: WriteContext): string {
    const object = this.writable(type, context);
    return this.transaction(() => this.save(object, undefined, input, context));
  }

  /** Updates a record by id. */
  update(type: string, id: string, input: Record<string, unknown>, context: WriteContext): void {
    const object = this.writable(type, context);
    const normalised = normaliseId(id);
    const existing = normalised ? this.table(object).get(normalised) : undefined;
    if (!existing) fail('ENTITY_IS_DELETED', 'entity is deleted', []);
    this.transaction(() => this.save(object, existing, input, context));
  }

  /** Creates or updates by an external id; `created` says which. Several matches answer MULTIPLE_CHOICES. */
  upsert(
    type: string,
    externalIdField: string,
    externalId: unknown,
    input: Record<string, unknown>,
    context: WriteContext,
  ): { id: string; created: boolean } {
    const object = this.writable(type, context);
    const field = fieldOf(object, externalIdField);
    if (!field || (!field.externalId && field.type !== 'id')) {
      return fail(
        'INVALID_FIELD',
        `Provided external ID field does not exist or is not accessible: ${externalIdField}`,
        [externalIdField],
      );
    }
    if (externalId === null || externalId === undefined || externalId === '') {
      return fail('MISSING_ARGUMENT', `${field.name} not specified`, [field.name]);
    }
    const coerced = coerceValue(field, externalId);
    if (!coerced.ok) throw new RecordError([coerced.error]);
    const matches = this.findByField(object, field, coerced.value);
    if (matches.length > 1) {
      return fail(
        'MULTIPLE_CHOICES',
        `Multiple records with ${field.name} = ${String(externalId)}: ${matches.join(', ')}`,
        [field.name],
      );
    }
    const { [field.name]: _ignored, ...rest } = caseInsensitiveOmit(input, field.name);
    return this.transaction(() => {
      const existing = matches[0] ? this.table(object).get(matches[0]) : undefined;
      if (existing) {
        this.save(object, existing, rest, context);
        return { id: String(existing.Id), created: false };
      }
      if (field.type === 'id')
        return fail(
          'NOT_FOUND',
          `Provided external ID field does not exist or is not accessible: ${String(externalId)}`,
        );
      const id = this.save(object, undefined, { ...rest, [field.name]: coerced.value }, context);
      return { id, created: true };
    });
  }

  /** Deletes a record and what depends on it (line items, master-detail children). */
  delete(type: string, id: string, context: WriteContext): void {
    const object = this.writable(type, context);
    const normalised = normaliseId(id);
    const existing = normalised ? this.table(object).get(normalised) : undefined;
    if (!existing || !normalised) return fail('ENTITY_IS_DELETED', 'entity is deleted');
    this.transaction(() => this.remove(object, normalised, context));
    this.toRecycleBin(object, existing, context, {});
  }

  /**
   * Merges records into a master, as Salesforce's merge does for Accounts, Contacts and Leads: what pointed at a
   * duplicate points at the master, and each duplicate goes to the recycle bin with `MasterRecordId` set.
   */
  merge(type: string, masterId: string, duplicateIds: readonly string[], context: WriteContext): void {
    const object = this.writable(type, context);
    if (!object.fields.has('masterrecordid')) fail('INVALID_TYPE', `${object.name} records cannot be merged`);
    const master = normaliseId(masterId) ?? '';
    if (!this.table(object).has(master)) fail('ENTITY_IS_DELETED', 'entity is deleted');
    const duplicates = duplicateIds.map((id) => {
      const normalised = normaliseId(id);
      const record = normalised ? this.table(object).get(normalised) : undefined;
      if (!normalised || !record || normalised === master) return fail('INVALID_ID_FIELD', `invalid merge id: ${id}`);
      return record;
    });
    this.transaction(() => {
      for (const duplicate of duplicates) {
        const id = String(duplicate.Id);
        for (const child of this.schema.all()) {
          for (const field of child.fields.values()) {
            if (field.type !== 'reference' || !field.referenceTo?.includes(object.name) || field.readOnly) continue;
            for (const dependant of [...this.table(child).values()].filter((row) => row[field.name] === id)) {
              this.commit(child, { ...dependant, [field.name]: master }, dependant);
            }
          }
        }
        this.remove(object, id, context);
      }
      const current = this.table(object).get(master) as SObjectRecord;
      this.commit(object, this.stamped(current, context), current);
    });
    for (const duplicate of duplicates) this.toRecycleBin(object, duplicate, context, { MasterRecordId: master });
  }

  private stamped(record: SObjectRecord, context: WriteContext): SObjectRecord {
    const stamp = formatDateTime(this.now());
    return { ...record, LastModifiedDate: stamp, LastModifiedById: context.userId, SystemModstamp: stamp };
  }

  private toRecycleBin(object: ObjectDef, record: SObjectRecord, context: WriteContext, extra: SObjectRecord): void {
    let bin = this.recycleBin.get(object.name);
    if (!bin) {
      bin = new Map();
      this.recycleBin.set(object.name, bin);
    }
    bin.set(String(record.Id), { ...this.stamped(record, context), ...extra, IsDeleted: true });
  }

  private remove(object: ObjectDef, id: string, context: WriteContext): void {
    const table = this.table(object);
    const record = table.get(id);
    if (!record) return;
    for (const child of this.schema.all()) {
      for (const field of child.fields.values()) {
        if (field.type !== 'reference' || !field.referenceTo?.includes(object.name) || field.readOnly) continue;
        if (['CreatedById', 'LastModifiedById', 'OwnerId'].includes(field.name)) continue;
        for (const dependant of [...this.table(child).values()].filter((row) => row[field.name] === id)) {
          if (field.masterDetail || field.deleteConstraint === 'Cascade') {
            this.remove(child, String(dependant.Id), context);
          } else if (field.deleteConstraint === 'Restrict') {
            fail(
              'DELETE_FAILED',
              `Your attempt to delete ${String(record.Name ?? id)} could not be completed because it is associated with ${child.label} records`,
            );
          } else {
            this.commit(child, { ...dependant, [field.name]: null }, dependant);
          }
        }
      }
    }
    this.undoLog?.push({ type: object.name, id, before: record });
    this.unindex(object, record);
    table.delete(id);
    if (object.name === 'OpportunityLineItem' && typeof record.OpportunityId === 'string') {
      this.rollUpOpportunity(record.OpportunityId, context);
    }
  }

  private writable(type: string, context?: WriteContext): ObjectDef {
    const object = this.object(type);
    if (object.customMetadata && !context?.privileged) {
      fail('INVALID_TYPE', `${object.name} records are deployed metadata; they cannot be written through the data API`);
    }
    return object;
  }

  private save(
    object: ObjectDef,
    existing: SObjectRecord | undefined,
    input: Record<string, unknown>,
    context: WriteContext,
  ): string {
    const errors: SaveError[] = [];
    const changes: SObjectRecord = {};
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes' || raw === undefined) continue;
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
        const resolved = this.resolveReference(object, key, raw as Record<string, unknown>);
        if ('error' in resolved) errors.push(resolved.error);
        else changes[resolved.field] = resolved.id;
        continue;
      }
      const field = fieldOf(object, key);
      if (!field) {
        errors.push({
          statusCode: 'INVALID_FIELD',
          message: `No such column '${key}' on sobject of type ${object.name}`,
          fields: [key],
        });
        continue;
      }
      if (field.name === 'Id') {
        if (!existing)
          errors.push({ statusCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: ['Id'] });
        continue;
      }
      if (field.readOnly && !context.privileged) {
        errors.push({
          statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: `Unable to create/update fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          fields: [field.name],
        });
        continue;
      }
      const coerced = coerceValue(field, raw);
      if (!coerced.ok) errors.push(coerced.error);
      else changes[field.name] = coerced.value;
    }
    if (existing && !context.privileged) {
      // Salesforce refuses a create-only field on update even when its value would not change.
      const createOnly = Object.keys(changes).filter((name) => fieldOf(object, name)?.createOnly);
      if (createOnly.length > 0) {
        errors.push({
          statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: `Unable to create/update fields: ${createOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          fields: createOnly,
        });
      }
    }
    if (errors.length > 0) throw new RecordError(errors);

    const id = existing ? String(existing.Id) : this.ids.next(object.keyPrefix);
    const record: SObjectRecord = existing
      ? { ...existing, ...changes }
      : { ...this.defaults(object, context), ...changes, Id: id };
    this.checkReferences(object, changes);
    this.derive(object, record, existing);
    this.checkRequired(object, record);
    this.checkUnique(object, record);
    if (!context.privileged) this.checkValidationRules(object, record);

    const stamp = formatDateTime(this.now());
    if (!existing) {
      record.CreatedDate = (context.privileged && changes.CreatedDate) || stamp;
      record.CreatedById = (context.privileged && changes.CreatedById) || context.userId;
    }
    record.LastModifiedDate = (context.privileged && changes.LastModifiedDate) || stamp;
    record.LastModifiedById = (context.privileged && changes.LastModifiedById) || context.userId;
    record.SystemModstamp = (context.privileged && changes.SystemModstamp) || stamp;
    this.commit(object, record, existing);
    this.afterSave(object, record, existing, context);
    return id;
  }

  private defaults(object: ObjectDef, context: WriteContext): SObjectRecord {
    const record: SObjectRecord = {};
    for (const field of object.fields.values()) {
      record[field.name] = field.defaultValue ?? (field.type === 'boolean' ? false : null);
      if (field.autoNumberFormat) record[field.name] = this.autoNumber(object, field);
    }
    if (object.fields.has('ownerid')) record.OwnerId = context.userId;
    return record;
  }

  private autoNumber(object: ObjectDef, field: FieldDef): string {
    const key = `${object.name}.${field.name}`;
    const next = (this.autoNumbers.get(key) ?? 0) + 1;
    this.autoNumbers.set(key, next);
    const format = field.autoNumberFormat ?? '{0}';
    return format.replace(/\{(0+)\}/, (_match, zeros: string) => String(next).padStart(zeros.length, '0'));
  }

  /** Resolves `Account__r: { Sage_Customer_Number__c: '1200' }` to the parent's id. */
  private resolveReference(
    object: ObjectDef,
    relationship: string,
    value: Record<string, unknown>,
  ): { field: string; id: string } | { error: SaveError } {
    const field = [...object.fields.values()].find(
      (candidate) => candidate.relationshipName?.toLowerCase() === relationship.toLowerCase(),
    );
    if (!field?.referenceTo) {
      return {
        error: {
          statusCode: 'INVALID_FIELD',
          message: `No such column '${relationship}' on sobject of type ${object.name}`,
          fields: [relationship],
        },
      };
    }
    const attributes = value.attributes as { type?: string } | undefined;
    const targetName = attributes?.type ?? field.referenceTo[0] ?? '';
    const target = this.schema.object(targetName);
    const keys = Object.keys(value).filter((key) => key !== 'attributes');
    const keyField = target && keys.length === 1 && keys[0] ? fieldOf(target, keys[0]) : undefined;
    if (!target || !keyField || (!keyField.externalId && keyField.type !== 'id')) {
      return {
        error: {
          statusCode: 'INVALID_FIELD',
          message: `The reference ${relationship} must name exactly one external id field of ${targetName}`,
          fields: [relationship],
        },
      };
    }
    const keyValue = value[keyField.name] ?? value[keys[0] ?? ''];
    const matches = this.findByField(target, keyField, keyValue as FieldValue);
    if (matches.length !== 1 || !matches[0]) {
      return {
        error: {
          statusCode: 'INVALID_FIELD',
          message: `Foreign key external ID: ${String(keyValue)} not found for field ${keyField.name} in entity ${target.name}`,
          fields: [],
        },
      };
    }
    return { field: field.name, id: matches[0] };
  }

  private checkReferences(object: ObjectDef, changes: SObjectRecord): void {
    for (const [name, value] of Object.entries(changes)) {
      const field = fieldOf(object, name);
      if (field?.type !== 'reference' || typeof value !== 'string') continue;
      const target = this.schema.objectForId(value);
      if (!target || !field.referenceTo?.includes(target.name)) {
        fail('FIELD_INTEGRITY_EXCEPTION', `${field.label}: id value of incorrect type: ${value}`, [field.name]);
      }
      if (!this.tables.get(target?.name ?? '')?.has(value)) {
        fail('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [field.name]);
      }
    }
  }

  private checkValidationRules(object: ObjectDef, record: SObjectRecord): void {
    for (const rule of this.validationRules) {
      if (rule.object.toLowerCase() !== object.name.toLowerCase() || !rule.rejects(record)) continue;
      fail('FIELD_CUSTOM_VALIDATION_EXCEPTION', rule.message, rule.field ? [rule.field] : []);
    }
  }

  private checkRequired(object: ObjectDef, record: SObjectRecord): void {
    const missing = [...object.fields.values()]
      .filter((field) => field.required && !field.readOnly)
      .filter((field) => record[field.name] === null || record[field.name] === undefined || record[field.name] === '')
      .map((field) => field.name);
    if (missing.length > 0)
      fail('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
  }

  private checkUnique(object: ObjectDef, record: SObjectRecord): void {
    for (const field of object.fields.values()) {
      if (!field.unique) continue;
      const value = record[field.name];
      if (value === null || value === undefined) continue;
      const other = this.findByField(object, field, value).find((id) => id !== record.Id);
      if (other) {
        fail('DUPLICATE_VALUE', `duplicate value found: ${field.name} duplicates value on record with id: ${other}`, [
          field.name,
        ]);
      }
    }
  }

  /** Values Salesforce computes on save. */
  private derive(object: ObjectDef, record: SObjectRecord, existing: SObjectRecord | undefined): void {
    const name = object.name;
    if (name === 'Contact' || name === 'Lead' || name === 'User') {
      record.Name = [record.FirstName, record.LastName].filter((part) => part).join(' ');
    }
    if (object.custom && !object.customMetadata && !fieldOf(object, 'Name')?.autoNumberFormat && !record.Name) {
      record.Name = record.Id ?? null;
    }
    if (name === 'Opportunity') {
      const stage = String(record.StageName ?? '');
      record.IsClosed = stage in CLOSED_STAGES;
      record.IsWon = CLOSED_STAGES[stage] ?? false;
    }
    if (name === 'Task') {
      record.IsClosed = record.Status === 'Completed';
      record.AccountId = this.accountOfActivity(record);
    }
    if (name === 'PricebookEntry') this.derivePricebookEntry(record, existing);
    if (name === 'OpportunityLineItem') this.deriveLineItem(record, existing);
  }

  private accountOfActivity(record: SObjectRecord): string | null {
    for (const key of ['WhatId', 'WhoId']) {
      const found = typeof record[key] === 'string' ? this.byId(String(record[key])) : undefined;
      if (!found) continue;
      if (found.object.name === 'Account') return String(found.record.Id);
      if (typeof found.record.AccountId === 'string') return found.record.AccountId;
    }
    return null;
  }

  private derivePricebookEntry(record: SObjectRecord, existing: SObjectRecord | undefined): void {
    const product = this.get('Product2', String(record.Product2Id ?? ''));
    const pricebook = this.get('Pricebook2', String(record.Pricebook2Id ?? ''));
    if (!product || !pricebook) return;
    record.Name = product.Name ?? null;
    record.ProductCode = product.ProductCode ?? null;
    if (existing) return;
    const entries = [...this.scan('PricebookEntry')].filter((entry) => entry.Product2Id === product.Id);
    if (entries.some((entry) => entry.Pricebook2Id === pricebook.Id)) {
      fail('DUPLICATE_VALUE', 'This price definition already exists in this price book', []);
    }
    const standardIds = [...this.scan('Pricebook2')].filter((book) => book.IsStandard).map((book) => book.Id);
    if (!pricebook.IsStandard && !entries.some((entry) => standardIds.includes(entry.Pricebook2Id ?? null))) {
      fail('STANDARD_PRICE_NOT_DEFINED', 'No standard price defined for this product', []);
    }
  }

  private deriveLineItem(record: SObjectRecord, existing: SObjectRecord | undefined): void {
    const opportunity = this.get('Opportunity', String(record.OpportunityId ?? ''));
    if (!opportunity) return;
    let entry = record.PricebookEntryId ? this.get('PricebookEntry', String(record.PricebookEntryId)) : undefined;
    if (!entry && record.Product2Id) {
      const bookId = opportunity.Pricebook2Id ?? [...this.scan('Pricebook2')].find((book) => book.IsStandard)?.Id;
      entry = [...this.scan('PricebookEntry')].find(
        (row) => row.Product2Id === record.Product2Id && row.Pricebook2Id === bookId,
      );
    }
    if (!entry) fail('REQUIRED_FIELD_MISSING', 'Required fields are missing: [PricebookEntryId]', ['PricebookEntryId']);
    const pricebookEntry = entry as SObjectRecord;
    if (opportunity.Pricebook2Id && opportunity.Pricebook2Id !== pricebookEntry.Pricebook2Id) {
      fail(
        'FIELD_INTEGRITY_EXCEPTION',
        'field integrity exception: PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the opportunity)',
        ['PricebookEntryId'],
      );
    }
    record.PricebookEntryId = pricebookEntry.Id ?? null;
    record.Product2Id = pricebookEntry.Product2Id ?? null;
    record.ListPrice = pricebookEntry.UnitPrice ?? null;
    const product = this.get('Product2', String(record.Product2Id));
    record.ProductCode = product?.ProductCode ?? null;
    record.Name = `${String(opportunity.Name)} ${String(product?.Name ?? '')}`.trim();
    const quantity = Number(record.Quantity ?? 0);
    const unitChanged = !existing || record.UnitPrice !== existing.UnitPrice || record.Quantity !== existing.Quantity;
    const totalGiven =
      record.TotalPrice !== null &&
      record.TotalPrice !== undefined &&
      (!existing || record.TotalPrice !== existing.TotalPrice);
    if (totalGiven && (existing ? record.UnitPrice === existing.UnitPrice : record.UnitPrice === null)) {
      record.UnitPrice = quantity === 0 ? 0 : Math.round((Number(record.TotalPrice) / quantity) * 100) / 100;
    } else if (record.UnitPrice === null || record.UnitPrice === undefined) {
      fail('REQUIRED_FIELD_MISSING', 'Required fields are missing: [UnitPrice]', ['UnitPrice']);
    } else if (unitChanged || !totalGiven) {
      record.TotalPrice = Math.round(quantity * Number(record.UnitPrice) * 100) / 100;
    }
    if (!opportunity.Pricebook2Id) {
      this.commit(
        this.object('Opportunity'),
        { ...opportunity, Pricebook2Id: pricebookEntry.Pricebook2Id ?? null },
        opportunity,
      );
    }
  }

  private afterSave(
    object: ObjectDef,
    record: SObjectRecord,
    existing: SObjectRecord | undefined,
    context: WriteContext,
  ): void {
    if (object.name === 'OpportunityLineItem' && typeof record.OpportunityId === 'string') {
      this.rollUpOpportunity(record.OpportunityId, context);
      if (existing && existing.OpportunityId !== record.OpportunityId && typeof existing.OpportunityId === 'string') {
        this.rollUpOpportunity(existing.OpportunityId, context);
      }
    }
    if (object.name === 'Opportunity' && existing && existing.Name !== record.Name) {
      for (const line of [...this.scan('OpportunityLineItem')].filter((row) => row.OpportunityId === record.Id)) {
        const product = this.get('Product2', String(line.Product2Id ?? ''));
        this.commit(
          this.object('OpportunityLineItem'),
          { ...line, Name: `${String(record.Name)} ${String(product?.Name ?? '')}`.trim() },
          line,
        );
      }
    }
  }

  /** Opportunity amount follows its line items, as in Salesforce once products are added. */
  private rollUpOpportunity(opportunityId: string, context: WriteContext): void {
    const object = this.object('Opportunity');
    const opportunity = this.table(object).get(opportunityId);
    if (!opportunity) return;
    const lines = [...this.scan('OpportunityLineItem')].filter((line) => line.OpportunityId === opportunityId);
    const amount = Math.round(lines.reduce((sum, line) => sum + Number(line.TotalPrice ?? 0), 0) * 100) / 100;
    const stamp = formatDateTime(this.now());
    this.commit(
      object,
      {
        ...opportunity,
        Amount: lines.length > 0 ? amount : (opportunity.Amount ?? null),
        HasOpportunityLineItem: lines.length > 0,
        LastModifiedDate: stamp,
        LastModifiedById: context.userId,
        SystemModstamp: stamp,
      },
      opportunity,
    );
  }
}

function caseInsensitiveOmit(input: Record<string, unknown>, name: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key.toLowerCase() === name.toLowerCase()) result[name] = value;
    else result[key] = value;
  }
  return result;
}
