import { addField, newObject, type FieldDef, type ObjectDef, type Schema } from './schema.js';

/**
 * The standard objects a connector touches, with the standard fields it realistically reads or writes.
 * Field types use the names Salesforce's describe answers with.
 */
type Spec = Omit<FieldDef, 'name' | 'label' | 'custom'> & { label?: string };

const text = (length: number, extra: Partial<Spec> = {}): Spec => ({ type: 'string', length, ...extra });
const area = (length = 255): Spec => ({ type: 'textarea', length });
const phone: Spec = { type: 'phone', length: 40 };
const email: Spec = { type: 'email', length: 80 };
const url: Spec = { type: 'url', length: 255 };
const date: Spec = { type: 'date' };
const money = (precision = 18, scale = 2): Spec => ({ type: 'currency', precision, scale });
const checkbox = (defaultValue: boolean, extra: Partial<Spec> = {}): Spec => ({
  type: 'boolean',
  defaultValue,
  ...extra,
});
const picklist = (values: string[], extra: Partial<Spec> = {}): Spec => ({
  type: 'picklist',
  picklistValues: values,
  length: 255,
  ...extra,
});
const lookup = (
  referenceTo: string[],
  relationshipName: string,
  childRelationshipName?: string,
  extra: Partial<Spec> = {},
): Spec => ({
  type: 'reference',
  referenceTo,
  relationshipName,
  ...(childRelationshipName ? { childRelationshipName } : {}),
  ...extra,
});
const readOnly = (spec: Spec): Spec => ({ ...spec, readOnly: true });

const address = (prefix: string): Record<string, Spec> => ({
  [`${prefix}Street`]: area(255),
  [`${prefix}City`]: text(40),
  [`${prefix}State`]: text(80),
  [`${prefix}PostalCode`]: text(20),
  [`${prefix}Country`]: text(80),
});

const OPPORTUNITY_STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
];

/** Stages that close an opportunity, and whether each is won. */
export const CLOSED_STAGES: Record<string, boolean> = { 'Closed Won': true, 'Closed Lost': false };

const STANDARD: { name: string; prefix: string; owned: boolean; fields: Record<string, Spec> }[] = [
  {
    name: 'User',
    prefix: '005',
    owned: false,
    fields: {
      Username: text(80, { required: true, unique: true }),
      FirstName: text(40),
      LastName: text(80, { required: true }),
      Name: readOnly(text(121)),
      Email: { ...email, required: true },
      Alias: text(8, { required: true }),
      IsActive: checkbox(true),
      Title: text(80),
      Phone: phone,
      CompanyName: text(80),
      Department: text(80),
    },
  },
  {
    name: 'Account',
    prefix: '001',
    owned: true,
    fields: {
      Name: text(255, { required: true }),
      AccountNumber: text(40),
      Type: picklist(['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other']),
      Industry: picklist(['Education', 'Manufacturing', 'Retail', 'Technology', 'Wholesale', 'Other']),
      Phone: phone,
      Fax: phone,
      Website: url,
      ...address('Billing'),
      ...address('Shipping'),
      Description: area(32000),
      NumberOfEmployees: { type: 'double', precision: 8, scale: 0 },
      AnnualRevenue: money(18, 0),
      ParentId: lookup(['Account'], 'Parent', 'ChildAccounts'),
      MasterRecordId: readOnly(lookup(['Account'], 'MasterRecord')),
    },
  },
  {
    name: 'Contact',
    prefix: '003',
    owned: true,
    fields: {
      FirstName: text(40),
      LastName: text(80, { required: true }),
      Name: readOnly(text(121)),
      AccountId: lookup(['Account'], 'Account', 'Contacts'),
      Title: text(128),
      Email: email,
      Phone: phone,
      MobilePhone: phone,
      ...address('Mailing'),
      Description: area(32000),
      MasterRecordId: readOnly(lookup(['Contact'], 'MasterRecord')),
    },
  },
  {
    name: 'Lead',
    prefix: '00Q',
    owned: true,
    fields: {
      FirstName: text(40),
      LastName: text(80, { required: true }),
      Name: readOnly(text(121)),
      Company: text(255, { required: true }),
      Title: text(128),
      Email: email,
      Phone: phone,
      Website: url,
      Status: picklist(
        ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
        {
          defaultValue: 'Open - Not Contacted',
          required: true,
        },
      ),
      LeadSource: picklist(['Web', 'Phone Inquiry', 'Partner Referral', 'Trade Show', 'Other']),
      Industry: picklist(['Education', 'Manufacturing', 'Retail', 'Technology', 'Wholesale', 'Other']),
      ...address(''),
      Description: area(32000),
      IsConverted: readOnly(checkbox(false)),
      ConvertedDate: readOnly(date),
      ConvertedAccountId: readOnly(lookup(['Account'], 'ConvertedAccount')),
      ConvertedContactId: readOnly(lookup(['Contact'], 'ConvertedContact')),
      ConvertedOpportunityId: readOnly(lookup(['Opportunity'], 'ConvertedOpportunity')),
      MasterRecordId: readOnly(lookup(['Lead'], 'MasterRecord')),
    },
  },
  {
    name: 'Pricebook2',
    prefix: '01s',
    owned: false,
    fields: {
      Name: text(255, { required: true }),
      Description: text(255),
      IsActive: checkbox(false),
      IsStandard: readOnly(checkbox(false)),
    },
  },
  {
    name: 'Product2',
    prefix: '01t',
    owned: false,
    fields: {
      Name: text(255, { required: true }),
      ProductCode: text(255),
      Description: area(4000),
      Family: picklist(['Furniture', 'Accessories', 'Services', 'Other']),
      IsActive: checkbox(false),
      QuantityUnitOfMeasure: picklist(['Each', 'Box', 'Hour']),
      StockKeepingUnit: text(180),
    },
  },
  {
    name: 'PricebookEntry',
    prefix: '01u',
    owned: false,
    fields: {
      Name: readOnly(text(255)),
      Pricebook2Id: lookup(['Pricebook2'], 'Pricebook2', 'PricebookEntries', { required: true, createOnly: true }),
      Product2Id: lookup(['Product2'], 'Product2', 'PricebookEntries', { required: true, createOnly: true }),
      UnitPrice: { ...money(), required: true },
      IsActive: checkbox(false),
      UseStandardPrice: checkbox(false),
      ProductCode: readOnly(text(255)),
    },
  },
  {
    name: 'Opportunity',
    prefix: '006',
    owned: true,
    fields: {
      Name: text(120, { required: true }),
      AccountId: lookup(['Account'], 'Account', 'Opportunities'),
      StageName: picklist(OPPORTUNITY_STAGES, { required: true, restrictedPicklist: true }),
      CloseDate: { ...date, required: true },
      Amount: money(),
      Probability: { type: 'percent', precision: 3, scale: 0 },
      Type: picklist(['New Customer', 'Existing Customer - Upgrade', 'Existing Customer - Replacement']),
      LeadSource: picklist(['Web', 'Phone Inquiry', 'Partner Referral', 'Trade Show', 'Other']),
      NextStep: text(255),
      Description: area(32000),
      Pricebook2Id: lookup(['Pricebook2'], 'Pricebook2', 'Opportunities'),
      IsWon: readOnly(checkbox(false)),
      IsClosed: readOnly(checkbox(false)),
      HasOpportunityLineItem: readOnly(checkbox(false)),
    },
  },
  {
    name: 'OpportunityLineItem',
    prefix: '00k',
    owned: false,
    fields: {
      Name: readOnly(text(376)),
      OpportunityId: lookup(['Opportunity'], 'Opportunity', 'OpportunityLineItems', {
        required: true,
        masterDetail: true,
      }),
      PricebookEntryId: lookup(['PricebookEntry'], 'PricebookEntry', 'OpportunityLineItems'),
      Product2Id: lookup(['Product2'], 'Product2', 'OpportunityLineItems'),
      ProductCode: readOnly(text(255)),
      Quantity: { type: 'double', precision: 12, scale: 2, required: true },
      UnitPrice: money(),
      TotalPrice: money(),
      ListPrice: readOnly(money()),
      Discount: { type: 'percent', precision: 5, scale: 2 },
      ServiceDate: date,
      Description: text(255),
    },
  },
  {
    name: 'Task',
    prefix: '00T',
    owned: true,
    fields: {
      Subject: text(255),
      WhatId: lookup(['Account', 'Opportunity'], 'What', 'Tasks'),
      WhoId: lookup(['Contact', 'Lead'], 'Who', 'Tasks'),
      AccountId: readOnly(lookup(['Account'], 'Account')),
      ActivityDate: date,
      Status: picklist(['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], {
        required: true,
        defaultValue: 'Not Started',
        restrictedPicklist: true,
      }),
      Priority: picklist(['High', 'Normal', 'Low'], {
        required: true,
        defaultValue: 'Normal',
        restrictedPicklist: true,
      }),
      Type: picklist(['Call', 'Email', 'Meeting', 'Other']),
      Description: area(32000),
      IsClosed: readOnly(checkbox(false)),
    },
  },
];

/** Adds the standard objects to a schema. */
export function addStandardObjects(schema: Schema): void {
  for (const spec of STANDARD) {
    const object: ObjectDef = newObject(spec.name, spec.prefix, { owned: spec.owned });
    for (const [name, field] of Object.entries(spec.fields)) {
      addField(object, { ...field, name, label: field.label ?? name, custom: false });
    }
    schema.add(object);
  }
}

/** Standard objects that share fields declared under another name in source format (Activity → Task). */
export const FIELD_HOSTS: Record<string, string[]> = { Activity: ['Task'] };
