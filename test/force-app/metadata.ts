// Reads the SFDX package's source-format metadata files, so tests can check what a deploy would contain.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const FORCE_APP = join(REPO_ROOT, 'force-app');
export const DEFAULT_DIR = join(FORCE_APP, 'main/default');

/** Elements that may repeat in Salesforce metadata; always parsed as arrays so one and many look alike. */
const REPEATED = new Set([
  'values',
  'fieldPermissions',
  'objectPermissions',
  'classAccesses',
  'customMetadataTypeAccesses',
  'externalCredentialPrincipalAccesses',
  'applicationVisibilities',
  'tabSettings',
  'userPermissions',
  'tabs',
  'actionOverrides',
  'flexiPageRegions',
  'itemInstances',
  'componentInstanceProperties',
  'valueListItems',
  'externalCredentialParameters',
  'target',
  'targetConfig',
  'customPermissions',
  'permissionSets',
  'platformActionListItems',
  'layoutSections',
  'layoutColumns',
  'layoutItems',
  'relatedLists',
  'sections',
  'columns',
]);
/** Repeating elements whose names are also used for single values elsewhere, by their path. */
const REPEATED_PATHS = ['valueSetDefinition.value', 'targetConfig.objects.object'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name, path) => REPEATED.has(name) || REPEATED_PATHS.some((suffix) => String(path).endsWith(suffix)),
});

/** Parses one metadata file and returns its root element (e.g. the CustomField). */
export function readMetadata<T = Record<string, unknown>>(path: string, root: string): T {
  const document = parser.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const element = document[root];
  if (element === undefined) throw new Error(`${path} has no <${root}> root element`);
  return element as T;
}

/** Collapses the line breaks a formatter puts into long text values. */
export const normalise = (text: string | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();

/** Names of the files in a folder of the package that end with a suffix, without the suffix. */
export function listNames(folder: string, suffix: string): string[] {
  const dir = join(DEFAULT_DIR, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .map((name) => name.slice(0, -suffix.length))
    .sort();
}

/** Names of the sub-folders of a folder of the package (e.g. the Lightning web component bundles). */
export function listFolders(folder: string): string[] {
  const dir = join(DEFAULT_DIR, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export interface PicklistValue {
  fullName: string;
  default?: string;
}

export interface CustomField {
  fullName: string;
  type?: string;
  label?: string;
  length?: string;
  precision?: string;
  scale?: string;
  externalId?: string;
  unique?: string;
  required?: string;
  formula?: string;
  referenceTo?: string;
  deleteConstraint?: string;
  relationshipName?: string;
  trackHistory?: string;
  writeRequiresMasterRead?: string;
  valueSet?: { restricted?: string; valueSetDefinition?: { value?: PicklistValue[] } };
}

/** Salesforce keeps custom fields of tasks and events on Activity; the API and permission sets call them Task fields. */
export const sourceObjectOf = (object: string): string =>
  object === 'Task' || object === 'Event' ? 'Activity' : object;

/** The path of a field's source file. */
export const fieldPath = (object: string, field: string): string =>
  join(DEFAULT_DIR, 'objects', sourceObjectOf(object), 'fields', `${field}.field-meta.xml`);

/** Reads a custom field, or undefined when the package has no such field. */
export function readField(object: string, field: string): CustomField | undefined {
  const path = fieldPath(object, field);
  return existsSync(path) ? readMetadata<CustomField>(path, 'CustomField') : undefined;
}

/** Every custom field in the package as `Object.Field`, with Activity fields named as Task fields. */
export function allFields(): { object: string; field: CustomField }[] {
  const fields: { object: string; field: CustomField }[] = [];
  for (const sourceObject of readdirSync(join(DEFAULT_DIR, 'objects')).sort()) {
    const object = sourceObject === 'Activity' ? 'Task' : sourceObject;
    for (const name of listNames(join('objects', sourceObject, 'fields'), '.field-meta.xml')) {
      const field = readField(object, name);
      if (field) fields.push({ object, field });
    }
  }
  return fields;
}

/** The picklist value names of a field, in order. */
export const picklistValues = (field: CustomField): string[] =>
  (field.valueSet?.valueSetDefinition?.value ?? []).map((value) => value.fullName);
