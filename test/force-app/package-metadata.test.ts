// The SFDX package as a deploy would see it: Metadata API conversion, the schema contract, permission sets and pages.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import {
  DEFAULT_DIR,
  FORCE_APP,
  REPO_ROOT,
  allFields,
  listFolders,
  listNames,
  normalise,
  picklistValues,
  readField,
  readMetadata,
  sourceObjectOf,
} from './metadata.js';
import { documentedTransforms, parseType, readSchemaDoc } from './schema-doc.js';
import { defaultFieldMappings, mappingsFromMetadata } from '../../middleware/src/config/mapping.js';
import { defaultSettings, settingsFromMetadata, type ConnectorSettings } from '../../middleware/src/domain/settings.js';

const schema = readSchemaDoc();

interface Package {
  types: { name: string; members: string | string[] }[] | { name: string; members: string | string[] };
}

describe('Metadata API conversion', () => {
  let outputDir: string;
  let packageTypes: Map<string, string[]>;
  let components: ComponentSet;

  beforeAll(async () => {
    outputDir = mkdtempSync(join(tmpdir(), 'sage-package-'));
    components = ComponentSet.fromSource(FORCE_APP);
    await new MetadataConverter().convert(components, 'metadata', {
      type: 'directory',
      outputDirectory: outputDir,
      packageName: 'sage300',
      genUniqueDir: false,
    });
    const manifest = readMetadata<Package>(join(outputDir, 'sage300', 'package.xml'), 'Package');
    const types = Array.isArray(manifest.types) ? manifest.types : [manifest.types];
    packageTypes = new Map(types.map((type) => [type.name, ([] as string[]).concat(type.members)]));
  });

  afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

  it.each([
    'ApexClass',
    'CompactLayout',
    'CustomApplication',
    'CustomField',
    'CustomMetadata',
    'CustomObject',
    'CustomTab',
    'ExternalCredential',
    'FlexiPage',
    'LightningComponentBundle',
    'ListView',
    'NamedCredential',
    'PermissionSet',
    'QuickAction',
  ])('lists %s in package.xml', (type) => {
    expect(packageTypes.get(type)?.length ?? 0).toBeGreaterThan(0);
  });

  it('lists every component of the package in package.xml', () => {
    for (const component of components.getSourceComponents()) {
      expect(packageTypes.get(component.type.name)).toContain(component.fullName);
    }
  });

  it('lists every field of the schema document as a CustomField', () => {
    const fields = packageTypes.get('CustomField') ?? [];
    for (const row of schema.filter((candidate) => candidate.field !== 'Name')) {
      expect(fields).toContain(`${sourceObjectOf(row.object)}.${row.field}`);
    }
  });

  it('merges the fields, list views and compact layouts into the object files', () => {
    const invoice = readFileSync(join(outputDir, 'sage300', 'objects', 'Sage_Invoice__c.object'), 'utf8');
    expect(invoice).toContain('<fullName>Sage_Document_Key__c</fullName>');
    expect(invoice).toContain('<fullName>Overdue_Invoices</fullName>');
    expect(invoice).toContain('<fullName>Sage_Invoice_Compact</fullName>');
  });

  it('uses API version 65.0 for the project and every component that names one', () => {
    const project = JSON.parse(readFileSync(join(REPO_ROOT, 'sfdx-project.json'), 'utf8')) as {
      sourceApiVersion: string;
    };
    expect(project.sourceApiVersion).toBe('65.0');
    const versions = components
      .getSourceComponents()
      .toArray()
      .filter((component) => component.xml !== undefined)
      .map((component) => [
        component.fullName,
        /<apiVersion>([^<]+)<\/apiVersion>/.exec(readFileSync(component.xml ?? '', 'utf8'))?.[1],
      ])
      .filter(([, version]) => version !== undefined && version !== '65.0');
    expect(versions).toEqual([]);
  });
});

describe('the schema document and the package agree', () => {
  const objectFields = schema.filter((row) => row.field !== 'Name');

  it('has rows for every table of the document', () => {
    expect(new Set(schema.map((row) => row.section))).toEqual(
      new Set(['custom object', 'standard object', 'custom metadata']),
    );
    expect(objectFields.length).toBeGreaterThan(60);
  });

  it.each(objectFields.map((row) => [`${row.object}.${row.field}`, row] as const))(
    'defines %s with the documented type, size and flags',
    (_name, row) => {
      const field = readField(row.object, row.field);
      expect(field).toBeDefined();
      if (!field) return;
      const expected = parseType(row.type);
      expect(field.type).toBe(expected.type);
      expect(field.formula !== undefined).toBe(expected.formula);
      if (expected.length !== undefined) expect(Number(field.length)).toBe(expected.length);
      if (expected.precision !== undefined) expect(Number(field.precision)).toBe(expected.precision);
      if (expected.scale !== undefined) expect(Number(field.scale)).toBe(expected.scale);
      if (expected.referenceTo !== undefined) expect(field.referenceTo).toBe(expected.referenceTo);
      expect(field.externalId === 'true').toBe(expected.externalId);
      expect(field.unique === 'true').toBe(expected.unique);
      if (expected.type === 'Picklist') {
        expect(field.valueSet?.restricted === 'true').toBe(expected.restricted || row.section === 'custom metadata');
        const documented = expected.values ?? row.notes.split(',').map((value) => value.trim());
        expect(picklistValues(field)).toEqual(documented);
      }
      if (row.notes.includes('required')) expect(field.required).toBe('true');
    },
  );

  it('uses the documented formulas', () => {
    const formulas = objectFields.filter((row) => /^`[^`]+`$/.test(row.notes) && parseType(row.type).formula);
    expect(formulas.length).toBeGreaterThanOrEqual(2);
    for (const row of formulas) {
      expect(normalise(readField(row.object, row.field)?.formula)).toBe(row.notes.slice(1, -1));
    }
  });

  it('gives the Name of each custom object the documented kind', () => {
    for (const row of schema.filter((candidate) => candidate.field === 'Name')) {
      const object = readMetadata<{ nameField: { type: string; displayFormat?: string } }>(
        join(DEFAULT_DIR, 'objects', row.object, `${row.object}.object-meta.xml`),
        'CustomObject',
      );
      const expected = parseType(row.type);
      expect(object.nameField.type).toBe(expected.type);
      if (expected.displayFormat) expect(object.nameField.displayFormat).toBe(expected.displayFormat);
    }
  });

  it('defines no custom field the schema document does not name', () => {
    const documented = new Set(objectFields.map((row) => `${row.object}.${row.field}`));
    const undocumented = allFields()
      .map(({ object, field }) => `${object}.${field.fullName}`)
      .filter((name) => !documented.has(name));
    expect(undocumented).toEqual([]);
  });

  it('ships the Default connector settings the middleware uses when Salesforce says nothing else', () => {
    // A base that differs in every setting, so only values the record supplies can produce the defaults.
    const elsewhere: ConnectorSettings = {
      creditWarningThreshold: 50,
      creditAlertHysteresis: 2,
      overdueBuckets: [10, 20],
      autoPushClosedWon: true,
      closedWonCreates: 'quote',
      creditPolicy: 'Block',
      defaultCustomerGroup: 'WHS',
      defaultTerms: 'COD',
      defaultTaxGroup: 'NY',
      defaultPriceList: 'WHS',
      defaultCurrency: 'CAD',
      customerNumberStrategy: 'Name Based',
      customerMatch: 'None',
      accountEligibility: 'None',
      customerAccountTypes: ['Partner'],
      // The package ships no customer rules (a base keeps its own), so the base has none either.
      customerRules: [],
      // The package ships no item defaults (a base keeps its own), so the base has none either.
      itemDefaults: {},
      reconciliation: { lateDays: 1, months: 2 },
      syncHealth: { failedRuns: 9, allowancePercent: 50 },
      schedules: {
        customers: '0 0 * * *',
        invoices: '0 0 * * *',
        items: '0 0 * * *',
        stock: '0 0 * * *',
        orders: '0 0 * * *',
        creditAlerts: '0 0 * * *',
        overdueInvoices: '0 0 * * *',
        revenueReconciliation: '0 0 * * *',
      },
    };
    expect(settingsFromMetadata(queriedRecord('Sage_Connector_Setting', 'Default'), elsewhere)).toEqual(
      defaultSettings,
    );
  });

  it('ships the Default connector settings with the documented defaults', () => {
    const record = readCustomMetadata('Sage_Connector_Setting', 'Default');
    for (const row of schema.filter((candidate) => candidate.object === 'Sage_Connector_Setting__mdt')) {
      // A setting the package leaves blank (documented as —) is not in the record.
      expect([row.field, record.get(row.field) ?? '—']).toEqual([row.field, row.notes.replace(/`/g, '')]);
    }
  });
});

describe('default field mappings', () => {
  const STANDARD_FIELDS: Record<string, string[]> = {
    Account: [
      'Name',
      'BillingStreet',
      'BillingCity',
      'BillingState',
      'BillingPostalCode',
      'BillingCountry',
      'Phone',
      'Website',
    ],
    Contact: ['FirstName', 'LastName', 'Name', 'Email', 'Phone'],
    Product2: ['Name', 'IsActive', 'ProductCode', 'Description', 'Family', 'QuantityUnitOfMeasure'],
    PricebookEntry: ['UnitPrice'],
    Sage_Invoice__c: ['Name'],
    Opportunity: ['Name'],
  };
  const mappings = listNames('customMetadata', '.md-meta.xml')
    .filter((name) => name.startsWith('Sage_Field_Mapping.'))
    .map((name) => [name, readCustomMetadata('Sage_Field_Mapping', name.split('.')[1] ?? '')] as const);
  const transforms = documentedTransforms(schema);

  it('ships the default mappings for accounts, contacts, products and invoices', () => {
    const objects = new Set(mappings.map(([, record]) => record.get('Object__c')));
    expect(objects).toEqual(new Set(['Account', 'Contact', 'Product2', 'PricebookEntry', 'Sage_Invoice__c']));
    expect(mappings.length).toBeGreaterThanOrEqual(30);
  });

  it.each(mappings)('%s maps an existing field, with a direction that agrees with its master', (_name, record) => {
    const object = record.get('Object__c') ?? '';
    const field = record.get('Salesforce_Field__c') ?? '';
    const exists = (STANDARD_FIELDS[object] ?? []).includes(field) || readField(object, field) !== undefined;
    expect([object, field, exists]).toEqual([object, field, true]);
    expect(transforms).toContain(record.get('Transform__c'));
    expect(record.get('Active__c')).toBe('true');
    const toSalesforce = record.get('To_Salesforce__c') === 'true';
    const toSage = record.get('To_Sage__c') === 'true';
    expect(toSalesforce || toSage).toBe(true);
    // Sage can only own a value that reaches Salesforce; a value that only goes to Sage comes from Salesforce.
    if (record.get('Master__c') === 'Sage') expect([field, toSalesforce]).toEqual([field, true]);
    if (!toSalesforce) expect([field, record.get('Master__c')]).toEqual([field, 'Salesforce']);
  });

  it('are the middleware defaults, and pass its validation as records read from Salesforce', () => {
    const records = mappings.map(([name]) => queriedRecord('Sage_Field_Mapping', name.split('.')[1] ?? ''));
    const withoutOrigin = (entries: readonly { object: string; salesforceField: string; origin: string }[]) =>
      entries
        .map(({ origin: _origin, ...entry }) => entry)
        .sort((a, b) => `${a.object}.${a.salesforceField}`.localeCompare(`${b.object}.${b.salesforceField}`));
    expect(withoutOrigin(mappingsFromMetadata(records))).toEqual(withoutOrigin(defaultFieldMappings));
  });

  it('never writes a formula field from Sage', () => {
    for (const [, record] of mappings) {
      const field = readField(record.get('Object__c') ?? '', record.get('Salesforce_Field__c') ?? '');
      expect(field?.formula).toBeUndefined();
    }
  });
});

interface PermissionSet {
  label: string;
  fieldPermissions?: { field: string; editable: string; readable: string }[];
  objectPermissions?: Record<string, string>[];
  classAccesses?: { apexClass: string; enabled: string }[];
  customMetadataTypeAccesses?: { name: string; enabled: string }[];
  externalCredentialPrincipalAccesses?: { externalCredentialPrincipal: string; enabled: string }[];
  tabSettings?: { tab: string; visibility: string }[];
  applicationVisibilities?: { application: string; visible: string }[];
  customPermissions?: { name: string; enabled: string }[];
}

describe('permission sets', () => {
  const names = ['Sage_Connector_User', 'Sage_Connector_Admin', 'Sage_Connector_Integration'];
  const sets = new Map(
    names.map((name) => [
      name,
      readMetadata<PermissionSet>(
        join(DEFAULT_DIR, 'permissionsets', `${name}.permissionset-meta.xml`),
        'PermissionSet',
      ),
    ]),
  );
  const permissionSet = (name: string): PermissionSet => sets.get(name) as PermissionSet;
  const fields = allFields().filter(({ object }) => !object.endsWith('__mdt'));

  it.each(names)(
    '%s grants access only to fields that exist, never to required fields, never edit on formulas',
    (name) => {
      for (const grant of permissionSet(name).fieldPermissions ?? []) {
        const [object = '', fieldName = ''] = grant.field.split('.');
        const field = readField(object, fieldName);
        expect([grant.field, field !== undefined]).toEqual([grant.field, true]);
        expect([grant.field, field?.required === 'true' || field?.type === 'MasterDetail']).toEqual([
          grant.field,
          false,
        ]);
        if (field?.formula !== undefined) expect([grant.field, grant.editable]).toEqual([grant.field, 'false']);
      }
    },
  );

  it.each(names)('%s covers every optional custom field of the package', (name) => {
    const granted = new Set((permissionSet(name).fieldPermissions ?? []).map((grant) => grant.field));
    // Required and master-detail fields are always visible to whoever sees the record: no grant is possible.
    const missing = fields
      .filter(({ field }) => field.required !== 'true' && field.type !== 'MasterDetail')
      .map(({ object, field }) => `${object}.${field.fullName}`)
      .filter((field) => !granted.has(field));
    expect(missing).toEqual([]);
  });

  it('lets reps read invoices and alerts but edit neither, so only the Acknowledge action changes an alert', () => {
    const user = permissionSet('Sage_Connector_User');
    const editable = editableFields(user);
    expect(
      editable.filter(
        (field) =>
          field.startsWith('Sage_Invoice__c.') ||
          field.startsWith('Sage_Credit_Alert__c.') ||
          field.startsWith('Account.'),
      ),
    ).toEqual([]);
    expect(objectAccess(user, 'Sage_Invoice__c')).toEqual({ read: true, edit: false });
    expect(objectAccess(user, 'Sage_Credit_Alert__c')).toEqual({ read: true, edit: false });
  });

  it('lets the integration user write every synced field and read the connector settings', () => {
    const integration = permissionSet('Sage_Connector_Integration');
    const editable = editableFields(integration);
    for (const field of [
      'Account.Sage_Customer_Number__c',
      'Sage_Invoice__c.Sage_Document_Key__c',
      'Task.Sage_Alert_Key__c',
    ]) {
      expect(editable).toContain(field);
    }
    expect((integration.customMetadataTypeAccesses ?? []).map((access) => access.name).sort()).toEqual([
      'Sage_Connector_Setting__mdt',
      'Sage_Field_Mapping__mdt',
    ]);
    expect(integration.classAccesses ?? []).toEqual([]);
    expect(integration.externalCredentialPrincipalAccesses ?? []).toEqual([]);
  });

  it('gives reps and admins the middleware credential principal, and only admins the settings and console', () => {
    const externalCredential = readMetadata<{ externalCredentialParameters: Record<string, string>[] }>(
      join(DEFAULT_DIR, 'externalCredentials', 'Sage300_Middleware.externalCredential-meta.xml'),
      'ExternalCredential',
    );
    const principal = externalCredential.externalCredentialParameters.find(
      (parameter) => parameter.parameterType === 'NamedPrincipal',
    );
    for (const name of ['Sage_Connector_User', 'Sage_Connector_Admin']) {
      expect(permissionSet(name).externalCredentialPrincipalAccesses).toEqual([
        { enabled: 'true', externalCredentialPrincipal: `Sage300_Middleware-${principal?.parameterName}` },
      ]);
    }
    const adminClasses = (permissionSet('Sage_Connector_Admin').classAccesses ?? []).map((access) => access.apexClass);
    const userClasses = (permissionSet('Sage_Connector_User').classAccesses ?? []).map((access) => access.apexClass);
    expect(adminClasses).toContain('SageSyncConsoleController');
    expect(userClasses).not.toContain('SageSyncConsoleController');
    const userMetadata = (permissionSet('Sage_Connector_User').customMetadataTypeAccesses ?? []).map((a) => a.name);
    expect(userMetadata).not.toContain('Sage_Field_Mapping__mdt');
  });

  it.each([...names, 'Sage_Connector_Finance'])(
    '%s refers only to Apex classes, tabs and apps in the package',
    (name) => {
      const classes = listNames('classes', '.cls');
      const tabs = listNames('tabs', '.tab-meta.xml');
      const apps = listNames('applications', '.app-meta.xml');
      const set =
        sets.get(name) ??
        readMetadata<PermissionSet>(
          join(DEFAULT_DIR, 'permissionsets', `${name}.permissionset-meta.xml`),
          'PermissionSet',
        );
      for (const access of set.classAccesses ?? []) expect(classes).toContain(access.apexClass);
      for (const custom of set.customPermissions ?? [])
        expect(listNames('customPermissions', '.customPermission-meta.xml')).toContain(custom.name);
      for (const setting of set.tabSettings ?? []) expect(tabs).toContain(setting.tab);
      for (const visibility of set.applicationVisibilities ?? []) expect(apps).toContain(visibility.application);
    },
  );
});

describe('pages, tabs, the app and the quick action', () => {
  const bundles = listFolders('lwc');

  it('opens a Lightning web component from the Push to Sage 300 quick action', () => {
    const action = readMetadata<Record<string, string>>(
      join(DEFAULT_DIR, 'quickActions', 'Opportunity.Push_to_Sage_300.quickAction-meta.xml'),
      'QuickAction',
    );
    expect(action).toMatchObject({
      type: 'LightningWebComponent',
      actionSubtype: 'ScreenAction',
      lightningWebComponent: 'sagePushOrder',
    });
    expect(exposure('sagePushOrder')).toMatchObject({
      targets: expect.arrayContaining(['lightning__RecordAction']),
      actionType: 'ScreenAction',
    });
  });

  it.each(listNames('flexipages', '.flexipage-meta.xml'))(
    '%s places only components the package exposes for its page type',
    (page) => {
      const flexiPage = readMetadata<{ type: string; sobjectType?: string; flexiPageRegions: Region[] }>(
        join(DEFAULT_DIR, 'flexipages', `${page}.flexipage-meta.xml`),
        'FlexiPage',
      );
      const target = flexiPage.type === 'RecordPage' ? 'lightning__RecordPage' : 'lightning__AppPage';
      const custom = flexiPage.flexiPageRegions
        .flatMap((region) => region.itemInstances ?? [])
        .map((item) => item.componentInstance?.componentName ?? '')
        .filter((component) => !component.includes(':'));
      for (const component of custom) {
        expect(bundles).toContain(component);
        const { targets, recordPageObjects } = exposure(component);
        expect([component, targets]).toEqual([component, expect.arrayContaining([target])]);
        if (flexiPage.sobjectType && recordPageObjects) {
          expect([component, recordPageObjects]).toEqual([component, expect.arrayContaining([flexiPage.sobjectType])]);
        }
      }
    },
  );

  it('puts the Push to Sage 300 action on the opportunity page', () => {
    const page = readFileSync(
      join(DEFAULT_DIR, 'flexipages', 'Sage_Opportunity_Record_Page.flexipage-meta.xml'),
      'utf8',
    );
    expect(page).toContain('<value>Opportunity.Push_to_Sage_300</value>');
  });

  it('builds the Sage 300 app from tabs and pages that exist', () => {
    const app = readMetadata<{ label: string; tabs: string[]; actionOverrides: { content: string }[] }>(
      join(DEFAULT_DIR, 'applications', 'Sage_300.app-meta.xml'),
      'CustomApplication',
    );
    expect(app.label).toBe('Sage 300');
    const tabs = listNames('tabs', '.tab-meta.xml');
    for (const tab of app.tabs.filter((name) => !name.startsWith('standard-'))) expect(tabs).toContain(tab);
    expect(app.tabs).toEqual(
      expect.arrayContaining([
        'Sage_Invoice__c',
        'Sage_Credit_Alert__c',
        'Sage_Sync_Console',
        'Sage_Revenue_Reconciliation',
      ]),
    );
    const pages = listNames('flexipages', '.flexipage-meta.xml');
    for (const override of app.actionOverrides) expect(pages).toContain(override.content);
  });

  it.each([
    ['Account', 'Account-Sage 300 Account Layout', 'Sage_Account_Record_Page'],
    ['Opportunity', 'Opportunity-Sage 300 Opportunity Layout', 'Sage_Opportunity_Record_Page'],
  ])('shows the Sage Invoices related list on the %s layout and record page', (object, layoutName, pageName) => {
    const layout = readFileSync(join(DEFAULT_DIR, 'layouts', `${layoutName}.layout-meta.xml`), 'utf8');
    const field = object === 'Account' ? 'Account__c' : 'Opportunity__c';
    expect(layout).toContain(`<relatedList>Sage_Invoice__c.${field}</relatedList>`);
    const page = readFileSync(join(DEFAULT_DIR, 'flexipages', `${pageName}.flexipage-meta.xml`), 'utf8');
    const singleLists = [
      ...page.matchAll(/<componentInstance>((?:(?!<\/componentInstance>)[\s\S])*)<\/componentInstance>/g),
    ]
      .map((match) => match[1] ?? '')
      .filter((instance) => instance.includes('<componentName>force:relatedListSingleContainer</componentName>'));
    expect(singleLists.some((instance) => instance.includes('<value>Sage_Invoices__r</value>'))).toBe(true);
    expect(singleLists.some((instance) => instance.includes(`<value>${object}.Id</value>`))).toBe(true);
  });

  it.each(['Sage_Invoice__c', 'Sage_Credit_Alert__c'])('shows every field of %s on its page layout', (object) => {
    const layoutName = listNames('layouts', '.layout-meta.xml').find((name) => name.startsWith(`${object}-`));
    expect(layoutName).toBeDefined();
    const layout = readFileSync(join(DEFAULT_DIR, 'layouts', `${layoutName}.layout-meta.xml`), 'utf8');
    const placed = [...layout.matchAll(/<field>([^<]+)<\/field>/g)].map((match) => match[1] ?? '');
    const custom = allFields()
      .filter((entry) => entry.object === object)
      .map((entry) => entry.field.fullName);
    expect(placed.filter((field) => field.endsWith('__c')).sort()).toEqual([...custom].sort());
    // Detail records of a master-detail have no owner of their own.
    expect(placed.filter((field) => !field.endsWith('__c')).sort()).toEqual([
      'CreatedById',
      'LastModifiedById',
      'Name',
    ]);
  });

  it('points each page tab at an app page of the package', () => {
    for (const tab of listNames('tabs', '.tab-meta.xml')) {
      const definition = readMetadata<{ flexiPage?: string; customObject?: string }>(
        join(DEFAULT_DIR, 'tabs', `${tab}.tab-meta.xml`),
        'CustomTab',
      );
      if (definition.customObject === 'true') {
        expect(existsSync(join(DEFAULT_DIR, 'objects', tab, `${tab}.object-meta.xml`))).toBe(true);
      } else {
        expect(listNames('flexipages', '.flexipage-meta.xml')).toContain(definition.flexiPage);
      }
    }
  });
});

describe('the middleware credential', () => {
  it('sends the API key as exactly "Bearer <key>", with no whitespace a formatter could add', () => {
    const raw = readFileSync(
      join(DEFAULT_DIR, 'externalCredentials', 'Sage300_Middleware.externalCredential-meta.xml'),
      'utf8',
    );
    const values = [...raw.matchAll(/<parameterValue>([^<]*)<\/parameterValue>/g)].map((match) =>
      (match[1] ?? '').replace(/&apos;/g, "'").replace(/&amp;/g, '&'),
    );
    expect(values).toEqual(["{!'Bearer ' & $Credential.Sage300_Middleware.ApiKey}"]);
  });

  it('authenticates the Named Credential, whose URL placeholder the deploy replaces from SAGE_MIDDLEWARE_URL', () => {
    const path = 'force-app/main/default/namedCredentials/Sage300_Middleware.namedCredential-meta.xml';
    const namedCredential = readFileSync(join(REPO_ROOT, path), 'utf8');
    expect(namedCredential).toContain('<externalCredential>Sage300_Middleware</externalCredential>');
    const project = JSON.parse(readFileSync(join(REPO_ROOT, 'sfdx-project.json'), 'utf8')) as {
      replacements: { filename: string; stringToReplace: string; replaceWithEnv: string }[];
    };
    const replacement = project.replacements.find((candidate) => candidate.filename === path);
    expect(replacement?.replaceWithEnv).toBe('SAGE_MIDDLEWARE_URL');
    expect(namedCredential).toContain(`<parameterValue>${replacement?.stringToReplace}</parameterValue>`);
  });
});

interface Region {
  itemInstances?: { componentInstance?: { componentName: string } }[];
}

/** The fields a permission set lets its users edit. */
function editableFields(set: PermissionSet): string[] {
  return (set.fieldPermissions ?? []).filter((grant) => grant.editable === 'true').map((grant) => grant.field);
}

/** Read and edit access a permission set grants on an object. */
function objectAccess(set: PermissionSet, object: string): { read: boolean; edit: boolean } {
  const grant = (set.objectPermissions ?? []).find((permission) => permission.object === object);
  return { read: grant?.allowRead === 'true', edit: grant?.allowEdit === 'true' };
}

/** Field values of a custom metadata record, as text. */
function readCustomMetadata(type: string, record: string): Map<string, string> {
  const metadata = readMetadata<{ values: { field: string; value: string | { '#text'?: string } }[] }>(
    join(DEFAULT_DIR, 'customMetadata', `${type}.${record}.md-meta.xml`),
    'CustomMetadata',
  );
  return new Map(
    metadata.values.map((entry) => [
      entry.field,
      typeof entry.value === 'string' ? entry.value : (entry.value['#text'] ?? ''),
    ]),
  );
}

/** A custom metadata record as a query returns it: typed values and its DeveloperName. */
function queriedRecord(type: string, record: string): Record<string, unknown> {
  const metadata = readMetadata<{
    values: { field: string; value: string | { '#text'?: string; '@xsi:type'?: string } }[];
  }>(join(DEFAULT_DIR, 'customMetadata', `${type}.${record}.md-meta.xml`), 'CustomMetadata');
  const fields: Record<string, unknown> = { DeveloperName: record };
  for (const { field, value } of metadata.values) {
    const text = typeof value === 'string' ? value : (value['#text'] ?? '');
    const xsdType = typeof value === 'string' ? undefined : value['@xsi:type'];
    fields[field] = xsdType === 'xsd:boolean' ? text === 'true' : xsdType === 'xsd:double' ? Number(text) : text;
  }
  return fields;
}

interface Exposure {
  targets: string[];
  /** The objects a record page may show the component on; undefined when it may show on any. */
  recordPageObjects?: string[];
  actionType?: string;
}

/** Where a Lightning web component bundle may be placed, from its js-meta.xml. */
function exposure(bundle: string): Exposure {
  const path = join(DEFAULT_DIR, 'lwc', bundle, `${bundle}.js-meta.xml`);
  if (!existsSync(path)) return { targets: [] };
  const meta = readMetadata<{
    isExposed?: string;
    targets?: { target?: string[] };
    targetConfigs?: { targetConfig?: { '@targets': string; objects?: { object: string[] }; actionType?: string }[] };
  }>(path, 'LightningComponentBundle');
  if (meta.isExposed !== 'true') return { targets: [] };
  const configs = meta.targetConfigs?.targetConfig ?? [];
  const forTarget = (target: string) => configs.find((config) => config['@targets'].split(',').includes(target));
  return {
    targets: meta.targets?.target ?? [],
    recordPageObjects: forTarget('lightning__RecordPage')?.objects?.object,
    actionType: forTarget('lightning__RecordAction')?.actionType,
  };
}

describe('security, access and admin install', () => {
  const permissionSetNamed = (name: string): PermissionSet =>
    readMetadata<PermissionSet>(join(DEFAULT_DIR, 'permissionsets', `${name}.permissionset-meta.xml`), 'PermissionSet');
  const customPermissionsOf = (name: string): string[] =>
    (permissionSetNamed(name).customPermissions ?? [])
      .filter((grant) => grant.enabled === 'true')
      .map((grant) => grant.name)
      .sort();

  it('guards the console with Sage_Manage_Sync and the reconciliation with its own permission', () => {
    expect(listNames('customPermissions', '.customPermission-meta.xml')).toEqual([
      'Sage_Manage_Sync',
      'Sage_View_Revenue_Reconciliation',
    ]);
    expect(customPermissionsOf('Sage_Connector_Admin')).toEqual([
      'Sage_Manage_Sync',
      'Sage_View_Revenue_Reconciliation',
    ]);
    expect(customPermissionsOf('Sage_Connector_Finance')).toEqual(['Sage_View_Revenue_Reconciliation']);
    expect(customPermissionsOf('Sage_Connector_User')).toEqual([]);
    for (const [controller, permission] of [
      ['SageSyncConsoleController', 'Sage_Manage_Sync'],
      ['SageReconciliationController', 'Sage_View_Revenue_Reconciliation'],
    ]) {
      const source = readFileSync(join(DEFAULT_DIR, 'classes', `${controller}.cls`), 'utf8');
      expect(source).toContain(`PERMISSION = '${permission}'`);
      expect(source).toContain('FeatureManagement.checkPermission(PERMISSION)');
    }
  });

  it('groups the user and admin permission sets for admins', () => {
    const group = readMetadata<{ permissionSets: string[]; label: string }>(
      join(DEFAULT_DIR, 'permissionsetgroups', 'Sage_Connector_Admins.permissionsetgroup-meta.xml'),
      'PermissionSetGroup',
    );
    expect(group.permissionSets).toEqual(['Sage_Connector_User', 'Sage_Connector_Admin']);
    for (const name of group.permissionSets) {
      expect(listNames('permissionsets', '.permissionset-meta.xml')).toContain(name);
    }
  });

  it.each(['Sage_Invoice__c', 'Sage_Credit_Alert__c'])(
    'makes %s visible exactly to those who see its account (master-detail, controlled by parent)',
    (object) => {
      const definition = readMetadata<{ sharingModel: string; externalSharingModel: string }>(
        join(DEFAULT_DIR, 'objects', object, `${object}.object-meta.xml`),
        'CustomObject',
      );
      expect(definition.sharingModel).toBe('ControlledByParent');
      expect(definition.externalSharingModel).toBe('ControlledByParent');
      const master = readField(object, 'Account__c');
      expect(master).toMatchObject({ type: 'MasterDetail', referenceTo: 'Account', writeRequiresMasterRead: 'true' });
    },
  );

  it("tracks the history of every change of an alert's status, acknowledgement and resolution", () => {
    const definition = readMetadata<{ enableHistory: string }>(
      join(DEFAULT_DIR, 'objects', 'Sage_Credit_Alert__c', 'Sage_Credit_Alert__c.object-meta.xml'),
      'CustomObject',
    );
    expect(definition.enableHistory).toBe('true');
    for (const field of ['Status__c', 'Acknowledged_By__c', 'Acknowledged_At__c', 'Resolved_At__c', 'Severity__c']) {
      expect([field, readField('Sage_Credit_Alert__c', field)?.trackHistory]).toEqual([field, 'true']);
    }
    const layout = readFileSync(
      join(DEFAULT_DIR, 'layouts', 'Sage_Credit_Alert__c-Sage Credit Alert Layout.layout-meta.xml'),
      'utf8',
    );
    expect(layout).toContain('<relatedList>RelatedEntityHistoryList</relatedList>');
  });

  it.each([
    ['Sage_Invoices_by_Account', 'Sage_Invoice__c', 'Sage_Invoices__r'],
    ['Sage_Credit_Alerts_by_Account', 'Sage_Credit_Alert__c', 'Sage_Credit_Alerts__r'],
  ])('%s reports %s by account through fields that exist', (reportType, object, relationship) => {
    const definition = readMetadata<{
      baseObject: string;
      join: { relationship: string };
      sections: { columns: { field: string; table: string }[] }[];
    }>(join(DEFAULT_DIR, 'reportTypes', `${reportType}.reportType-meta.xml`), 'ReportType');
    expect(definition.baseObject).toBe('Account');
    expect(readField(object, 'Account__c')?.relationshipName).toBe(relationship.replace(/__r$/, ''));
    expect(definition.join.relationship).toBe(relationship);
    for (const column of definition.sections.flatMap((section) => section.columns)) {
      const onObject = column.table === 'Account' ? 'Account' : object;
      expect(column.table).toMatch(
        column.table === 'Account' ? /^Account$/ : new RegExp(`^Account\\.${relationship}$`),
      );
      if (column.field.endsWith('__c')) {
        expect([column.field, readField(onObject, column.field) !== undefined]).toEqual([column.field, true]);
      }
    }
  });

  it.each([
    ['Account', 'Account-Sage 300 Account Layout', []],
    ['Opportunity', 'Opportunity-Sage 300 Opportunity Layout', ['Opportunity.Push_to_Sage_300']],
    ['Product2', 'Product2-Sage 300 Product Layout', []],
  ])('ships a %s layout with every Sage field and the standard actions', (object, layoutName, ownActions) => {
    const layout = readMetadata<{
      layoutSections: { label: string; layoutColumns: { layoutItems?: { field?: string }[] }[] }[];
      platformActionList: { actionListContext: string; platformActionListItems: { actionName: string }[] };
    }>(join(DEFAULT_DIR, 'layouts', `${layoutName}.layout-meta.xml`), 'Layout');
    const sage = layout.layoutSections.find((section) => section.label === 'Sage 300');
    const placed = (sage?.layoutColumns ?? []).flatMap((column) =>
      (column.layoutItems ?? []).map((item) => item.field),
    );
    const sageFields = allFields()
      .filter((entry) => entry.object === object)
      .map((entry) => entry.field.fullName);
    expect([...placed].sort()).toEqual([...sageFields].sort());
    // The Salesforce mobile app shows the same "Mobile & Lightning Actions" as the desktop.
    expect(layout.platformActionList.actionListContext).toBe('Record');
    const actions = layout.platformActionList.platformActionListItems.map((item) => item.actionName);
    expect(actions).toEqual(expect.arrayContaining([...ownActions, 'Edit', 'Delete']));
    for (const action of actions.filter((name) => name.includes('.'))) {
      expect(listNames('quickActions', '.quickAction-meta.xml')).toContain(action);
    }
  });

  it.each([
    ['Account', ['Edit', 'NewContact', 'LogACall', 'ChangeOwnerOne', 'Delete'], true],
    ['Opportunity', ['Opportunity.Push_to_Sage_300', 'Edit', 'LogACall', 'ChangeOwnerOne', 'Delete'], true],
    ['Product', ['Edit', 'Delete'], false],
  ])(
    'keeps the standard actions on the %s record page, and the activity panel where the object has activities',
    (page, expected, activities) => {
      const xml = readFileSync(join(DEFAULT_DIR, 'flexipages', `Sage_${page}_Record_Page.flexipage-meta.xml`), 'utf8');
      const actionBlock = /<name>actionNames<\/name>\s*<valueList>([\s\S]*?)<\/valueList>/.exec(xml)?.[1] ?? '';
      const actions = [...actionBlock.matchAll(/<value>([^<]+)<\/value>/g)].map((match) => match[1]);
      expect(actions).toEqual(expect.arrayContaining(expected));
      expect(xml.includes('<componentName>runtime_sales_activities:activityPanel</componentName>')).toBe(activities);
      expect(xml).toContain('<componentName>force:detailPanel</componentName>');
    },
  );

  it('defines the unlocked package: name, version and path of the one package directory', () => {
    const project = JSON.parse(readFileSync(join(REPO_ROOT, 'sfdx-project.json'), 'utf8')) as {
      packageDirectories: { path: string; package?: string; versionNumber?: string; versionName?: string }[];
    };
    expect(project.packageDirectories).toEqual([
      expect.objectContaining({
        path: 'force-app',
        package: 'Sage 300 Connector',
        versionNumber: expect.stringMatching(/^\d+\.\d+\.\d+\.NEXT$/),
        versionName: expect.any(String),
      }),
    ]);
  });
});

describe('the admin guide', () => {
  const guide = readFileSync(join(REPO_ROOT, 'docs/admin-guide.md'), 'utf8');

  it.each([
    ['permission sets', listNames('permissionsets', '.permissionset-meta.xml')],
    ['permission set groups', listNames('permissionsetgroups', '.permissionsetgroup-meta.xml')],
    ['custom permissions', listNames('customPermissions', '.customPermission-meta.xml')],
    ['report types', listNames('reportTypes', '.reportType-meta.xml')],
    ['Lightning pages', listNames('flexipages', '.flexipage-meta.xml')],
    ['page layouts', listNames('layouts', '.layout-meta.xml')],
    ['quick actions', listNames('quickActions', '.quickAction-meta.xml')],
    ['static resources', listNames('staticresources', '.resource-meta.xml')],
  ])('names every one of the package %s', (_kind, names) => {
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !guide.includes(`\`${name}\``))).toEqual([]);
  });

  it('names every Flow action by the label admins see in Flow Builder', () => {
    const labels = listNames('classes', '.cls')
      .map((name) => readFileSync(join(DEFAULT_DIR, 'classes', `${name}.cls`), 'utf8'))
      .flatMap((source) => [...source.matchAll(/@InvocableMethod\(\s*label='([^']+)'/g)].map((match) => match[1]));
    expect(labels.sort()).toEqual(['Create Sage 300 Customer', 'Push Opportunity to Sage 300']);
    for (const label of labels) expect(guide).toContain(`**${label}**`);
  });
});
