import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { addField, fieldOf, newObject, Schema, type FieldDef, type FieldType } from './schema.js';
import { addStandardObjects, FIELD_HOSTS } from './standard-objects.js';

/**
 * Reads the package's schema from SFDX source format: custom objects and fields under `objects/`, custom fields on
 * standard objects, global value sets, and custom metadata records under `customMetadata/`.
 */
export interface CustomMetadataRecord {
  type: string;
  developerName: string;
  label: string;
  /** Field API name → value as written in the XML (null for xsi:nil). */
  values: Record<string, string | null>;
}

export interface LoadedMetadata {
  schema: Schema;
  customMetadata: CustomMetadataRecord[];
}

/** A problem in the package's metadata that a deployment would reject too. */
export class MetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetadataError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: (name, jpath) =>
    ['values', 'customValue'].includes(name) || String(jpath).endsWith('valueSetDefinition.value'),
});

type Xml = Record<string, unknown>;

function readXml(path: string, root: string): Xml {
  const document = parser.parse(readFileSync(path, 'utf8')) as Xml;
  const body = document[root];
  if (!body || typeof body !== 'object') throw new MetadataError(`${path} has no <${root}> element`);
  return body as Xml;
}

function textOf(xml: Xml, key: string): string | undefined {
  const value = xml[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    const inner = (value as Xml)['#text'];
    return inner === undefined ? '' : String(inner).trim();
  }
  return String(value).trim();
}

function numberOf(xml: Xml, key: string): number | undefined {
  const value = textOf(xml, key);
  return value === undefined || value === '' ? undefined : Number(value);
}

const flag = (xml: Xml, key: string): boolean => textOf(xml, key) === 'true';

function listDir(path: string): string[] {
  return existsSync(path) ? readdirSync(path).sort() : [];
}

function globalValueSet(forceAppDir: string, name: string): string[] {
  const path = join(forceAppDir, 'globalValueSets', `${name}.globalValueSet-meta.xml`);
  if (!existsSync(path)) throw new MetadataError(`global value set ${name} is referenced but ${path} does not exist`);
  const set = readXml(path, 'GlobalValueSet');
  return ((set.customValue as Xml[] | undefined) ?? []).map((value) => textOf(value, 'fullName') ?? '');
}

const SIMPLE_TYPES: Record<string, FieldType> = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Picklist: 'picklist',
  MultiselectPicklist: 'multipicklist',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Lookup: 'reference',
  MasterDetail: 'reference',
  AutoNumber: 'string',
  Summary: 'double',
};

const DEFAULT_LENGTHS: Partial<Record<FieldType, number>> = { textarea: 255, email: 80, phone: 40, url: 255 };

/** Turns one `*.field-meta.xml` into a field definition. */
function parseField(forceAppDir: string, path: string): FieldDef {
  const xml = readXml(path, 'CustomField');
  const name = textOf(xml, 'fullName');
  const sourceType = textOf(xml, 'type');
  if (!name || !sourceType) throw new MetadataError(`${path} needs <fullName> and <type>`);
  const type = SIMPLE_TYPES[sourceType];
  if (!type) throw new MetadataError(`${path}: field type ${sourceType} is not supported by the sandbox`);
  const field: FieldDef = { name, type, label: textOf(xml, 'label') ?? name, custom: true };

  const length = numberOf(xml, 'length') ?? DEFAULT_LENGTHS[type];
  if (length !== undefined && ['string', 'textarea', 'email', 'phone', 'url'].includes(type)) field.length = length;
  if (sourceType === 'Picklist' || sourceType === 'MultiselectPicklist') field.length = 255;
  const precision = numberOf(xml, 'precision');
  if (precision !== undefined) field.precision = precision;
  const scale = numberOf(xml, 'scale');
  if (scale !== undefined) field.scale = scale;
  if (flag(xml, 'required')) field.required = true;
  if (flag(xml, 'externalId')) field.externalId = true;
  if (flag(xml, 'unique')) field.unique = true;
  if (flag(xml, 'caseSensitive')) field.caseSensitive = true;

  const defaultValue = textOf(xml, 'defaultValue');
  if (type === 'boolean') field.defaultValue = defaultValue === 'true';

  const valueSet = xml.valueSet as Xml | undefined;
  if (valueSet) {
    const setName = textOf(valueSet, 'valueSetName');
    if (setName) {
      field.picklistValues = globalValueSet(forceAppDir, setName);
      field.restrictedPicklist = true;
    } else {
      const definition = (valueSet.valueSetDefinition as Xml | undefined) ?? {};
      const values = (definition.value as Xml[] | undefined) ?? [];
      field.picklistValues = values.map((value) => textOf(value, 'fullName') ?? '');
      const chosen = values.find((value) => flag(value, 'default'));
      if (chosen) field.defaultValue = textOf(chosen, 'fullName') ?? '';
      field.restrictedPicklist = flag(valueSet, 'restricted');
    }
  }

  if (sourceType === 'Lookup' || sourceType === 'MasterDetail') {
    const target = textOf(xml, 'referenceTo');
    if (!target) throw new MetadataError(`${path}: a ${sourceType} field needs <referenceTo>`);
    field.referenceTo = [target];
    field.relationshipName = name.replace(/__c$/i, '__r');
    const childName = textOf(xml, 'relationshipName');
    if (childName) field.childRelationshipName = `${childName}__r`;
    const constraint = textOf(xml, 'deleteConstraint');
    if (constraint === 'Restrict' || constraint === 'Cascade') field.deleteConstraint = constraint;
    if (sourceType === 'MasterDetail') {
      field.deleteConstraint = 'Cascade';
      field.masterDetail = true;
      field.required = true;
    }
  }
  const formula = textOf(xml, 'formula');
  if (formula !== undefined) {
    field.formula = formula;
    field.blankAsZero = textOf(xml, 'formulaTreatBlanksAs') === 'BlankAsZero';
    field.readOnly = true;
  }
  if (sourceType === 'AutoNumber') {
    field.readOnly = true;
    field.autoNumberFormat = textOf(xml, 'displayFormat') ?? '{0}';
  }
  if (sourceType === 'Summary') field.readOnly = true;
  return field;
}

function customMetadataFields(): FieldDef[] {
  const text = (name: string, length: number): FieldDef => ({
    name,
    type: 'string',
    label: name,
    custom: false,
    length,
    readOnly: true,
  });
  return [
    text('DeveloperName', 40),
    text('MasterLabel', 40),
    text('Label', 40),
    text('QualifiedApiName', 70),
    text('NamespacePrefix', 15),
    text('Language', 40),
  ];
}

/** Loads the schema (standard objects plus the package's) and the custom metadata records from a force-app folder. */
export function loadMetadata(forceAppDir: string): LoadedMetadata {
  const root = join(forceAppDir, 'main', 'default');
  const base = existsSync(root) ? root : forceAppDir;
  const schema = new Schema();
  addStandardObjects(schema);

  const objectsDir = join(base, 'objects');
  const folders = listDir(objectsDir);
  const customNames = folders.filter((name) => /__c$/i.test(name));
  const metadataNames = folders.filter((name) => /__mdt$/i.test(name));
  const prefix = (letter: string, index: number) => `${letter}${index.toString(36).padStart(2, '0')}`;

  const fieldsOf = (folder: string) =>
    listDir(join(objectsDir, folder, 'fields'))
      .filter((file) => file.endsWith('.field-meta.xml'))
      .map((file) => parseField(base, join(objectsDir, folder, 'fields', file)));

  customNames.forEach((name, index) => {
    const definitionPath = join(objectsDir, name, `${name}.object-meta.xml`);
    if (!existsSync(definitionPath)) throw new MetadataError(`custom object ${name} has no ${definitionPath}`);
    const definition = readXml(definitionPath, 'CustomObject');
    const fields = fieldsOf(name);
    const controlledByParent = fields.some((field) => field.masterDetail);
    const object = newObject(name, prefix('a', index), {
      label: textOf(definition, 'label') ?? name,
      custom: true,
      owned: !controlledByParent,
    });
    const nameField = (definition.nameField as Xml | undefined) ?? {};
    const autoNumber = textOf(nameField, 'type') === 'AutoNumber';
    addField(object, {
      name: 'Name',
      type: 'string',
      label: textOf(nameField, 'label') ?? 'Name',
      custom: false,
      length: 80,
      ...(autoNumber ? { readOnly: true, autoNumberFormat: textOf(nameField, 'displayFormat') ?? '{0}' } : {}),
    });
    for (const field of fields) addField(object, field);
    schema.add(object);
  });

  metadataNames.forEach((name, index) => {
    const definitionPath = join(objectsDir, name, `${name}.object-meta.xml`);
    const definition = existsSync(definitionPath) ? readXml(definitionPath, 'CustomObject') : {};
    const object = newObject(name, prefix('m', index), {
      label: textOf(definition, 'label') ?? name,
      custom: true,
      customMetadata: true,
    });
    for (const field of customMetadataFields()) addField(object, field);
    for (const field of fieldsOf(name)) addField(object, { ...field, readOnly: true });
    schema.add(object);
  });

  for (const folder of folders) {
    if (customNames.includes(folder) || metadataNames.includes(folder)) continue;
    const hosts = FIELD_HOSTS[folder] ?? [folder];
    const targets = hosts.map((host) => schema.object(host));
    if (targets.some((target) => !target)) {
      throw new MetadataError(`objects/${folder} extends a standard object the sandbox does not model`);
    }
    for (const field of fieldsOf(folder)) for (const target of targets) if (target) addField(target, field);
  }
  schema.linkRelationships();

  return { schema, customMetadata: loadCustomMetadata(join(base, 'customMetadata'), schema) };
}

function loadCustomMetadata(dir: string, schema: Schema): CustomMetadataRecord[] {
  const records: CustomMetadataRecord[] = [];
  for (const file of listDir(dir).filter((name) => name.endsWith('.md-meta.xml'))) {
    const [typeName, developerName] = file.replace(/\.md-meta\.xml$/, '').split('.');
    if (!typeName || !developerName)
      throw new MetadataError(`customMetadata/${file} is not named Type.Record.md-meta.xml`);
    const type = schema.object(`${typeName}__mdt`);
    if (!type) throw new MetadataError(`customMetadata/${file} is a record of ${typeName}__mdt, which is not defined`);
    const xml = readXml(join(dir, file), 'CustomMetadata');
    const values: Record<string, string | null> = {};
    for (const entry of (xml.values as Xml[] | undefined) ?? []) {
      const fieldName = textOf(entry, 'field') ?? '';
      const field = fieldOf(type, fieldName);
      if (!field)
        throw new MetadataError(`customMetadata/${file} sets ${fieldName}, which ${type.name} does not define`);
      const value = entry.value;
      const nil = typeof value === 'object' && value !== null && (value as Xml)['@_xsi:nil'] === 'true';
      values[field.name] = nil || value === undefined ? null : (textOf(entry, 'value') ?? '');
    }
    records.push({ type: type.name, developerName, label: textOf(xml, 'label') ?? developerName, values });
  }
  return records;
}
