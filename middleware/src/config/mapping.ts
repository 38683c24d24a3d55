/**
 * The mapping configuration: defaults in code (the same as the package's `Sage_Field_Mapping__mdt` records), overridden
 * by a mapping file (`MAPPING_FILE`) and then by the `Sage_Field_Mapping__mdt` records read from Salesforce. An entry
 * replaces the one for the same object and Salesforce field; an inactive entry removes it. Any invalid entry stops
 * start-up with a MappingError naming it.
 *
 * Mapping file: JSON, an array of entries (or `{ "mappings": [...] }`), each
 * `{ "object": "Account", "salesforceField": "Sage_Terms__c", "sageField": "Terms", "master": "Sage",
 *    "toSalesforce": true, "toSage": false, "transform": "trim", "active": true }` (`active` defaults to true).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { mappingObjects, transforms, type FieldMapping, type MappingObject } from '../domain/mapping.js';
import { ConfigError } from './env.js';

/** An unusable mapping entry; the message names the entry and what to fix. */
export class MappingError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

type Defaults = [string, string, FieldMapping['master'], boolean, boolean, FieldMapping['transform']];

function defaults(object: MappingObject, rows: Defaults[]): FieldMapping[] {
  return rows.map(([salesforceField, sageField, master, toSalesforce, toSage, transform]) => ({
    object,
    salesforceField,
    sageField,
    master,
    toSalesforce,
    toSage,
    transform,
    active: true,
    origin: 'defaults',
  }));
}

/** The mappings the connector uses when nothing overrides them. */
export const defaultFieldMappings: readonly FieldMapping[] = [
  ...defaults('Account', [
    ['Sage_Customer_Number__c', 'CustomerNumber', 'Sage', true, true, 'upper'],
    ['Name', 'CustomerName', 'Salesforce', true, true, 'trim'],
    ['Sage_Balance__c', 'BalanceDueInCustomerCurrency', 'Sage', true, false, 'number'],
    ['Sage_Credit_Limit__c', 'CreditLimitCustomerCurrency', 'Sage', true, false, 'number'],
    ['Sage_Past_Due__c', 'AmountPastDue', 'Sage', true, false, 'number'],
    ['Sage_On_Hold__c', 'OnHold', 'Sage', true, false, 'yesNoToBoolean'],
    ['Sage_Terms__c', 'Terms', 'Sage', true, false, 'trim'],
    ['Sage_Price_List__c', 'CustomerPriceList', 'Sage', true, false, 'trim'],
    ['Sage_Customer_Group__c', 'GroupCode', 'Sage', true, false, 'trim'],
    ['BillingStreet', 'AddressLine1', 'Salesforce', true, true, 'trim'],
    ['BillingCity', 'City', 'Salesforce', true, true, 'trim'],
    ['BillingState', 'StateProvince', 'Salesforce', true, true, 'trim'],
    ['BillingPostalCode', 'ZipPostalCode', 'Salesforce', true, true, 'trim'],
    ['BillingCountry', 'Country', 'Salesforce', true, true, 'trim'],
    ['Phone', 'PhoneNumber', 'Salesforce', true, true, 'trim'],
    ['Website', 'WebSite', 'Salesforce', true, true, 'trim'],
  ]),
  ...defaults('Contact', [
    ['FirstName', 'ContactName', 'Salesforce', true, false, 'firstName'],
    ['LastName', 'ContactName', 'Salesforce', true, false, 'lastName'],
    ['Name', 'ContactName', 'Salesforce', false, true, 'trim'],
    ['Email', 'ContactsEmail', 'Salesforce', true, true, 'trim'],
    ['Phone', 'ContactsPhone', 'Salesforce', true, true, 'trim'],
  ]),
  ...defaults('Product2', [
    ['Sage_Item_Number__c', 'ItemNumber', 'Sage', true, false, 'trim'],
    ['Name', 'Description', 'Sage', true, false, 'trim'],
    ['ProductCode', 'ItemNumber', 'Sage', true, false, 'trim'],
    ['Description', 'Description', 'Sage', true, false, 'trim'],
    ['Family', 'Category', 'Sage', true, false, 'trim'],
    ['QuantityUnitOfMeasure', 'StockingUnitOfMeasure', 'Sage', true, false, 'trim'],
    ['IsActive', 'Status', 'Sage', true, false, 'activeToBoolean'],
    ['Sage_Quantity_On_Hand__c', 'QuantityOnHand', 'Sage', true, false, 'number'],
    ['Sage_Quantity_Available__c', 'QuantityAvailable', 'Sage', true, false, 'number'],
    ['Sage_Quantity_On_Sales_Order__c', 'QuantityOnSalesOrder', 'Sage', true, false, 'number'],
  ]),
  // The list price: the standard price book's entry ⇄ the base price of the item on the default price list.
  ...defaults('PricebookEntry', [['UnitPrice', 'UnitPrice', 'Sage', true, false, 'number']]),
  ...defaults('Sage_Invoice__c', [
    ['Name', 'DocumentNumber', 'Sage', true, false, 'trim'],
    ['Document_Number__c', 'DocumentNumber', 'Sage', true, false, 'trim'],
    ['Amount__c', 'CustomerCurrencyInvoiceAmount', 'Sage', true, false, 'number'],
    ['Balance_Due__c', 'CustomerCurrencyAmountDue', 'Sage', true, false, 'number'],
    ['Currency_Code__c', 'CurrencyCode', 'Sage', true, false, 'upper'],
    ['Document_Date__c', 'DocumentDate', 'Sage', true, false, 'date'],
    ['Due_Date__c', 'DueDate', 'Sage', true, false, 'date'],
    ['Last_Payment_Date__c', 'DatePaid', 'Sage', true, false, 'date'],
    ['Order_Number__c', 'OrderNumber', 'Sage', true, false, 'trim'],
    ['PO_Number__c', 'PONumber', 'Sage', true, false, 'trim'],
  ]),
];

/** The identity fields each object must keep mapped: the External ID the flows upsert on. */
const identityFields: Partial<Record<MappingObject, { salesforceField: string; sageField: string }>> = {
  Account: { salesforceField: 'Sage_Customer_Number__c', sageField: 'CustomerNumber' },
  Product2: { salesforceField: 'Sage_Item_Number__c', sageField: 'ItemNumber' },
};

const apiName = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
const sageName = /^[A-Za-z][A-Za-z0-9]{0,79}$/;

const entrySchema = z.object({
  object: z.enum(mappingObjects, { message: `object must be one of ${mappingObjects.join(', ')}` }),
  salesforceField: z
    .string()
    .trim()
    .regex(apiName, 'salesforceField must be a Salesforce API name such as Sage_Terms__c'),
  sageField: z.string().trim().regex(sageName, 'sageField must be a Sage 300 field name such as Terms'),
  master: z.enum(['Sage', 'Salesforce'], { message: 'master must be Sage or Salesforce' }),
  toSalesforce: z.boolean({ message: 'toSalesforce must be true or false' }),
  toSage: z.boolean({ message: 'toSage must be true or false' }),
  transform: z.enum(transforms, { message: `transform must be one of ${transforms.join(', ')}` }).default('none'),
  active: z.boolean({ message: 'active must be true or false' }).default(true),
});

/** Rules an entry must follow beyond its shape; returns the problem, or undefined. */
function contradiction(entry: FieldMapping): string | undefined {
  if (!entry.active) return undefined;
  if (!entry.toSalesforce && !entry.toSage)
    return 'flows in neither direction (set toSalesforce or toSage, or active false)';
  if (entry.master === 'Sage' && entry.toSage && !entry.toSalesforce)
    return 'is mastered by Sage but only flows to Sage';
  if (entry.master === 'Salesforce' && entry.toSalesforce && !entry.toSage) {
    // Reading a Salesforce-owned value from Sage is allowed only as the seed of a name split (first/last name).
    if (entry.transform !== 'firstName' && entry.transform !== 'lastName') {
      return 'is mastered by Salesforce but only flows to Salesforce';
    }
  }
  return undefined;
}

function describeEntry(origin: string, raw: unknown): string {
  const record = (raw ?? {}) as Record<string, unknown>;
  const object = typeof record.object === 'string' ? record.object : '?';
  const field = typeof record.salesforceField === 'string' ? record.salesforceField : '?';
  return `${origin} (${object}.${field})`;
}

/** Validates one raw entry; throws a MappingError naming it. */
export function parseMappingEntry(raw: unknown, origin: string): FieldMapping {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MappingError(`Invalid field mapping ${describeEntry(origin, raw)}: ${issue?.message ?? 'is malformed'}`);
  }
  const entry: FieldMapping = { ...parsed.data, origin };
  const problem = contradiction(entry);
  if (problem)
    throw new MappingError(
      `Invalid field mapping ${describeEntry(origin, raw)}: ${entry.object}.${entry.salesforceField} ${problem}`,
    );
  return entry;
}

function checkDuplicates(entries: readonly FieldMapping[]): void {
  const seen = new Map<string, FieldMapping>();
  for (const entry of entries) {
    const key = `${entry.object}.${entry.salesforceField}`;
    const earlier = seen.get(key);
    if (earlier)
      throw new MappingError(`Invalid field mapping ${entry.origin}: ${key} is also mapped by ${earlier.origin}`);
    seen.set(key, entry);
  }
}

/** Reads and validates a mapping file. */
export function loadMappingFile(path: string): FieldMapping[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new MappingError(`MAPPING_FILE points at ${path}, which cannot be read`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new MappingError(`MAPPING_FILE ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(document) ? document : (document as { mappings?: unknown } | null)?.mappings;
  if (!Array.isArray(list))
    throw new MappingError(`MAPPING_FILE ${path} must hold an array of mappings or { "mappings": [...] }`);
  const entries = list.map((raw, index) => parseMappingEntry(raw, `MAPPING_FILE ${path} entry ${index + 1}`));
  checkDuplicates(entries);
  return entries;
}

/** The API names read from `Sage_Field_Mapping__mdt`. */
export const fieldMappingMetadataFields = [
  'DeveloperName',
  'Object__c',
  'Salesforce_Field__c',
  'Sage_Field__c',
  'Master__c',
  'To_Salesforce__c',
  'To_Sage__c',
  'Transform__c',
  'Active__c',
] as const;

/** Validates `Sage_Field_Mapping__mdt` records (as queried) into mapping entries. */
export function mappingsFromMetadata(records: readonly Record<string, unknown>[]): FieldMapping[] {
  const entries = records.map((record) =>
    parseMappingEntry(
      {
        object: record.Object__c,
        salesforceField: record.Salesforce_Field__c,
        sageField: record.Sage_Field__c,
        master: record.Master__c,
        toSalesforce: record.To_Salesforce__c ?? false,
        toSage: record.To_Sage__c ?? false,
        transform:
          typeof record.Transform__c === 'string' && record.Transform__c.trim() !== ''
            ? record.Transform__c.trim()
            : 'none',
        active: record.Active__c ?? false,
      },
      `Sage_Field_Mapping__mdt ${typeof record.DeveloperName === 'string' ? record.DeveloperName : '(unnamed)'}`,
    ),
  );
  checkDuplicates(entries);
  return entries;
}

/** The mappings in force, per object (active entries only). */
export type MappingConfiguration = Readonly<Record<MappingObject, readonly FieldMapping[]>>;

/** Layers overrides over the defaults (later layers win per object and Salesforce field) and checks the result. */
export function resolveMappings(...layers: readonly (readonly FieldMapping[])[]): MappingConfiguration {
  const merged = new Map<string, FieldMapping>();
  for (const layer of [defaultFieldMappings, ...layers]) {
    for (const entry of layer) merged.set(`${entry.object}.${entry.salesforceField}`, entry);
  }
  const result = Object.fromEntries(mappingObjects.map((object) => [object, [] as FieldMapping[]])) as Record<
    MappingObject,
    FieldMapping[]
  >;
  for (const entry of merged.values()) if (entry.active) result[entry.object].push(entry);
  for (const [object, identity] of Object.entries(identityFields) as [
    MappingObject,
    { salesforceField: string; sageField: string },
  ][]) {
    const kept = result[object].find((entry) => entry.salesforceField === identity.salesforceField);
    if (!kept || kept.sageField !== identity.sageField || !kept.toSalesforce) {
      const origin = merged.get(`${object}.${identity.salesforceField}`)?.origin ?? 'the mapping';
      throw new MappingError(
        `Invalid field mapping ${origin}: ${object}.${identity.salesforceField} is the record's identity and must stay mapped from ${identity.sageField} to Salesforce`,
      );
    }
  }
  return result;
}

/** The configuration from the defaults and, when set, the mapping file (Custom Metadata is layered on at run time). */
export function loadMappingConfiguration(mappingFile: string | undefined): {
  file: FieldMapping[];
  mappings: MappingConfiguration;
} {
  const file = mappingFile ? loadMappingFile(mappingFile) : [];
  return { file, mappings: resolveMappings(file) };
}
