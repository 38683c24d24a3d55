import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorError } from '../../middleware/src/domain/errors.js';
import { contentHash } from '../../middleware/src/domain/hash.js';
import {
  mapToSage,
  mapToSalesforce,
  sageFieldsToRead,
  type FieldMapping,
} from '../../middleware/src/domain/mapping.js';
import {
  MappingError,
  defaultFieldMappings,
  loadMappingConfiguration,
  mappingsFromMetadata,
  resolveMappings,
} from '../../middleware/src/config/mapping.js';

const customer = {
  CustomerNumber: '1200 ',
  CustomerName: ' Black Box Distribution ',
  BalanceDueInCustomerCurrency: 1520.5,
  CreditLimitCustomerCurrency: 25000,
  AmountPastDue: 0,
  OnHold: 'No',
  Terms: 'DUETBL',
  CustomerPriceList: 'WHS',
  GroupCode: 'RTL',
  AddressLine1: '100 Market St',
  City: 'San Diego',
  StateProvince: 'CA',
  ZipPostalCode: '92101',
  Country: 'USA',
  PhoneNumber: '',
  WebSite: 'www.blackbox.example',
  ContactName: 'Mary Anne Black',
};

function writeJson(value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mapping-')), 'mapping.json');
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('field mapping', () => {
  it('maps a Sage customer to the Account fields of the default mapping', () => {
    const { Account } = resolveMappings();
    expect(mapToSalesforce(Account, customer)).toEqual({
      Sage_Customer_Number__c: '1200',
      Name: 'Black Box Distribution',
      Sage_Balance__c: 1520.5,
      Sage_Credit_Limit__c: 25000,
      Sage_Past_Due__c: 0,
      Sage_On_Hold__c: false,
      Sage_Terms__c: 'DUETBL',
      Sage_Price_List__c: 'WHS',
      Sage_Customer_Group__c: 'RTL',
      BillingStreet: '100 Market St',
      BillingCity: 'San Diego',
      BillingState: 'CA',
      BillingPostalCode: '92101',
      BillingCountry: 'USA',
      Phone: null,
      Website: 'www.blackbox.example',
    });
    expect(sageFieldsToRead(Account)).toContain('BalanceDueInCustomerCurrency');
  });

  it('splits a Sage contact name into first and last name and joins it back for Sage', () => {
    const { Contact } = resolveMappings();
    expect(mapToSalesforce(Contact, customer)).toMatchObject({ FirstName: 'Mary Anne', LastName: 'Black' });
    expect(mapToSalesforce(Contact, { ContactName: 'Cher' })).toMatchObject({ FirstName: null, LastName: 'Cher' });
    expect(mapToSage(Contact, { Name: ' Mary Anne Black ', Email: 'm@x.example', Phone: null })).toEqual({
      ContactName: 'Mary Anne Black',
      ContactsEmail: 'm@x.example',
      ContactsPhone: null,
    });
  });

  it('converts dates, numbers and Active flags, and refuses a value it cannot convert as a permanent failure of that record', () => {
    const { Sage_Invoice__c: invoice, Product2: product } = resolveMappings();
    expect(
      mapToSalesforce(invoice, { DocumentDate: '2026-04-30T00:00:00Z', CustomerCurrencyInvoiceAmount: '12.50' }),
    ).toMatchObject({
      Document_Date__c: '2026-04-30',
      Amount__c: 12.5,
    });
    expect(mapToSalesforce(product, { Status: 'Inactive' })).toMatchObject({ IsActive: false });
    const bad = () => mapToSalesforce(resolveMappings().Account, { ...customer, OnHold: 'Maybe' });
    expect(bad).toThrow(ConnectorError);
    expect(bad).toThrow('Account.Sage_On_Hold__c: Sage OnHold value "Maybe" is not Yes or No');
    try {
      bad();
    } catch (error) {
      expect((error as ConnectorError).kind).toBe('permanent');
    }
  });

  it('lets a mapping file replace and remove default entries', () => {
    const path = writeJson([
      {
        object: 'Account',
        salesforceField: 'Sage_Terms__c',
        sageField: 'Terms',
        master: 'Sage',
        toSalesforce: true,
        toSage: false,
        transform: 'upper',
      },
      {
        object: 'Account',
        salesforceField: 'Website',
        sageField: 'WebSite',
        master: 'Salesforce',
        toSalesforce: true,
        toSage: true,
        active: false,
      },
    ]);
    const { mappings } = loadMappingConfiguration(path);
    const fields = mapToSalesforce(mappings.Account, { ...customer, Terms: 'n30' });
    expect(fields.Sage_Terms__c).toBe('N30');
    expect(fields).not.toHaveProperty('Website');
  });

  it('lets Custom Metadata records win over the mapping file', () => {
    const file = loadMappingConfiguration(
      writeJson({
        mappings: [
          {
            object: 'Account',
            salesforceField: 'Phone',
            sageField: 'FaxNumber',
            master: 'Salesforce',
            toSalesforce: true,
            toSage: true,
          },
        ],
      }),
    ).file;
    const metadata = mappingsFromMetadata([
      {
        DeveloperName: 'Account_Phone',
        Object__c: 'Account',
        Salesforce_Field__c: 'Phone',
        Sage_Field__c: 'ContactsPhone',
        Master__c: 'Salesforce',
        To_Salesforce__c: true,
        To_Sage__c: true,
        Transform__c: 'trim',
        Active__c: true,
      },
    ]);
    const mappings = resolveMappings(file, metadata);
    expect(mappings.Account.find((entry) => entry.salesforceField === 'Phone')).toMatchObject({
      sageField: 'ContactsPhone',
      origin: 'Sage_Field_Mapping__mdt Account_Phone',
    });
  });

  it('stops with a message naming the entry when a mapping is invalid', () => {
    const unknownTransform = writeJson([
      {
        object: 'Account',
        salesforceField: 'Sage_Terms__c',
        sageField: 'Terms',
        master: 'Sage',
        toSalesforce: true,
        toSage: false,
      },
      {
        object: 'Account',
        salesforceField: 'Sage_Balance__c',
        sageField: 'Balance',
        master: 'Sage',
        toSalesforce: true,
        toSage: false,
        transform: 'money',
      },
    ]);
    expect(() => loadMappingConfiguration(unknownTransform)).toThrow(MappingError);
    expect(() => loadMappingConfiguration(unknownTransform)).toThrow(
      /^Invalid field mapping MAPPING_FILE .*mapping\.json entry 2 \(Account\.Sage_Balance__c\): transform must be one of/,
    );
    expect(() =>
      mappingsFromMetadata([
        {
          DeveloperName: 'Account_Terms',
          Object__c: 'Account',
          Salesforce_Field__c: 'Sage_Terms__c',
          Sage_Field__c: 'Terms',
          Master__c: 'Sage',
          To_Salesforce__c: false,
          To_Sage__c: true,
          Active__c: true,
        },
      ]),
    ).toThrow(
      'Invalid field mapping Sage_Field_Mapping__mdt Account_Terms (Account.Sage_Terms__c): Account.Sage_Terms__c is mastered by Sage but only flows to Sage',
    );
    expect(() =>
      resolveMappings([
        {
          ...(defaultFieldMappings[0] as FieldMapping),
          active: false,
          origin: 'Sage_Field_Mapping__mdt Account_Customer_Number',
        },
      ]),
    ).toThrow(/Account_Customer_Number: Account\.Sage_Customer_Number__c is the record's identity/);
    expect(() => loadMappingConfiguration('/nonexistent/mapping.json')).toThrow(
      'MAPPING_FILE points at /nonexistent/mapping.json, which cannot be read',
    );
    expect(() => loadMappingConfiguration(writeJson({ Account: [] }))).toThrow(/must hold an array of mappings/);
  });
});

describe('content hashes', () => {
  it('is the same for the same content in any key order and differs when a value changes', () => {
    expect(contentHash({ a: 1, b: { c: [1, 2], d: null } })).toBe(contentHash({ b: { d: null, c: [1, 2] }, a: 1 }));
    expect(contentHash({ a: 1, b: undefined })).toBe(contentHash({ a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(contentHash({ a: '1' })).not.toBe(contentHash({ a: 1 }));
  });
});
