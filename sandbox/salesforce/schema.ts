/**
 * The sandbox's picture of an org's schema: standard objects built in, the package's objects and fields read from
 * `force-app/`. Field and object names are case-insensitive, as in Salesforce; lookups go through lower-cased keys.
 */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'double'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'reference';

export interface FieldDef {
  name: string;
  type: FieldType;
  label: string;
  custom: boolean;
  length?: number;
  precision?: number;
  scale?: number;
  required?: boolean;
  unique?: boolean;
  externalId?: boolean;
  caseSensitive?: boolean;
  picklistValues?: string[];
  restrictedPicklist?: boolean;
  defaultValue?: string | number | boolean;
  referenceTo?: string[];
  /** Name used to reach the parent record in SOQL (`Account`, `Account__r`). */
  relationshipName?: string;
  /** Name of the child relationship on the parent (`Contacts`, `Sage_Invoices__r`). */
  childRelationshipName?: string;
  masterDetail?: boolean;
  /** What deleting the parent does to this lookup: clear it (default), refuse, or delete the child. */
  deleteConstraint?: 'SetNull' | 'Restrict' | 'Cascade';
  /** Not writable through the API (system, formula, auto-number, derived). */
  readOnly?: boolean;
  /** Set on create only: createable but not updateable (`PricebookEntry.Product2Id`, `Pricebook2Id`). */
  createOnly?: boolean;
  formula?: string;
  /** Formula fields: whether blank number fields count as zero. */
  blankAsZero?: boolean;
  autoNumberFormat?: string;
}

export interface ChildRelationship {
  name: string;
  childObject: string;
  field: string;
}

export interface ObjectDef {
  name: string;
  label: string;
  keyPrefix: string;
  custom: boolean;
  customMetadata: boolean;
  fields: Map<string, FieldDef>;
  childRelationships: Map<string, ChildRelationship>;
}

/** Looks up a field by API name, ignoring case. */
export function fieldOf(object: ObjectDef, name: string): FieldDef | undefined {
  return object.fields.get(name.toLowerCase());
}

/** The org schema: objects by lower-cased name and by key prefix. */
export class Schema {
  private readonly objects = new Map<string, ObjectDef>();
  private readonly byPrefix = new Map<string, ObjectDef>();

  add(object: ObjectDef): void {
    this.objects.set(object.name.toLowerCase(), object);
    this.byPrefix.set(object.keyPrefix, object);
  }

  object(name: string): ObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  objectForId(id: string): ObjectDef | undefined {
    return this.byPrefix.get(id.slice(0, 3));
  }

  all(): ObjectDef[] {
    return [...this.objects.values()];
  }

  /** Registers each reference field's child relationship on its parent objects. */
  linkRelationships(): void {
    for (const object of this.objects.values()) {
      for (const field of object.fields.values()) {
        if (!field.childRelationshipName || !field.referenceTo) continue;
        for (const parentName of field.referenceTo) {
          const parent = this.object(parentName);
          if (!parent) continue;
          parent.childRelationships.set(field.childRelationshipName.toLowerCase(), {
            name: field.childRelationshipName,
            childObject: object.name,
            field: field.name,
          });
        }
      }
    }
  }
}

/** Builds an object definition with the system fields every object has. */
export function newObject(
  name: string,
  keyPrefix: string,
  options: { label?: string; custom?: boolean; customMetadata?: boolean; owned?: boolean },
): ObjectDef {
  const object: ObjectDef = {
    name,
    label: options.label ?? name,
    keyPrefix,
    custom: options.custom ?? false,
    customMetadata: options.customMetadata ?? false,
    fields: new Map(),
    childRelationships: new Map(),
  };
  const system: FieldDef[] = [
    { name: 'Id', type: 'id', label: 'Record ID', custom: false, readOnly: true },
    { name: 'IsDeleted', type: 'boolean', label: 'Deleted', custom: false, readOnly: true, defaultValue: false },
    { name: 'CreatedDate', type: 'datetime', label: 'Created Date', custom: false, readOnly: true },
    userReference('CreatedById', 'CreatedBy', { readOnly: true }),
    { name: 'LastModifiedDate', type: 'datetime', label: 'Last Modified Date', custom: false, readOnly: true },
    userReference('LastModifiedById', 'LastModifiedBy', { readOnly: true }),
    { name: 'SystemModstamp', type: 'datetime', label: 'System Modstamp', custom: false, readOnly: true },
  ];
  if (options.owned) system.push(userReference('OwnerId', 'Owner', {}));
  for (const field of system) addField(object, field);
  return object;
}

function userReference(name: string, relationshipName: string, extra: Partial<FieldDef>): FieldDef {
  return { name, type: 'reference', label: name, custom: false, referenceTo: ['User'], relationshipName, ...extra };
}

export function addField(object: ObjectDef, field: FieldDef): void {
  object.fields.set(field.name.toLowerCase(), field);
}
