/**
 * The record data a Lightning page gets from Salesforce's UI API, read from the preview's org: a record's fields for
 * `lightning/uiRecordApi`'s `getRecord` (in the UI API's `{ apiName, id, fields: { Name: { value } } }` form), the
 * rows of the page's related lists, and the records the preview's picker offers.
 */
import type { SalesforceClient } from '../../middleware/src/salesforce/client.js';
import { soqlFields, soqlIdentifier, soqlLiteral } from '../../middleware/src/salesforce/soql.js';

type Row = Record<string, unknown>;

/** A field value as the UI API gives it; a relationship's value is the related record. */
export interface UiField {
  value: unknown;
  displayValue: string | null;
}

export interface UiRecord {
  apiName: string;
  id: string;
  fields: Record<string, UiField>;
}

export interface PickerEntry {
  id: string;
  label: string;
}

/** The records the preview's picker lists: every account and opportunity, and the products for the stock panel. */
export interface RecordPicker {
  accounts: (PickerEntry & { customerNumber: string | null })[];
  opportunities: (PickerEntry & { accountName: string | null; stageName: string })[];
  products: (PickerEntry & { itemNumber: string | null })[];
}

/** The related lists the preview's record pages show, by the relationship name Salesforce gives them. */
const RELATED_LISTS: Record<string, { object: string; parentField: string; fields: string[]; orderBy: string }> = {
  Sage_Invoices__r: {
    object: 'Sage_Invoice__c',
    parentField: 'Account__c',
    fields: [
      'Id',
      'Document_Number__c',
      'Document_Type__c',
      'Document_Date__c',
      'Due_Date__c',
      'Amount__c',
      'Balance_Due__c',
      'Status__c',
      'Days_Overdue__c',
    ],
    orderBy: 'Due_Date__c DESC NULLS LAST',
  },
  OpportunityLineItems: {
    object: 'OpportunityLineItem',
    parentField: 'OpportunityId',
    fields: ['Id', 'Product2.Name', 'Product2.Sage_Item_Number__c', 'Quantity', 'UnitPrice', 'TotalPrice'],
    orderBy: 'CreatedDate',
  },
};

/** Thrown for a request the preview does not serve (an unknown related list, a malformed id or field). */
export class RecordRequestError extends Error {}

const RECORD_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

function checkedId(id: string): string {
  if (!RECORD_ID.test(id)) throw new RecordRequestError(`${id} is not a Salesforce record id`);
  return id;
}

function uiFields(row: Row): Record<string, UiField> {
  const fields: Record<string, UiField> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const related = value as Row;
      fields[name] = {
        value: { apiName: name, id: typeof related.Id === 'string' ? related.Id : null, fields: uiFields(related) },
        displayValue: typeof related.Name === 'string' ? related.Name : null,
      };
    } else {
      fields[name] = { value: value ?? null, displayValue: null };
    }
  }
  return fields;
}

export interface RecordReads {
  picker(): Promise<RecordPicker>;
  /** `fields` are qualified like the platform's: `Account.Name`, `Opportunity.Account.Name`. */
  record(id: string, fields: readonly string[]): Promise<UiRecord | undefined>;
  related(parentId: string, list: string): Promise<Row[]>;
}

export function recordReads(salesforce: Pick<SalesforceClient, 'queryAll'>): RecordReads {
  const query = (soql: string) => salesforce.queryAll<Row>(soql);
  return {
    async picker() {
      const [accounts, opportunities, products] = await Promise.all([
        query('SELECT Id, Name, Sage_Customer_Number__c FROM Account ORDER BY Name LIMIT 200'),
        query('SELECT Id, Name, StageName, Account.Name FROM Opportunity ORDER BY Name LIMIT 200'),
        query('SELECT Id, Name, Sage_Item_Number__c FROM Product2 WHERE IsActive = true ORDER BY Name LIMIT 200'),
      ]);
      return {
        accounts: accounts.map((row) => ({
          id: String(row.Id),
          label: String(row.Name),
          customerNumber: (row.Sage_Customer_Number__c as string | null) ?? null,
        })),
        opportunities: opportunities.map((row) => ({
          id: String(row.Id),
          label: String(row.Name),
          accountName: ((row.Account as Row | null)?.Name as string | undefined) ?? null,
          stageName: String(row.StageName),
        })),
        products: products.map((row) => ({
          id: String(row.Id),
          label: String(row.Name),
          itemNumber: (row.Sage_Item_Number__c as string | null) ?? null,
        })),
      };
    },

    async record(id, fields) {
      const objects = new Set(fields.map((field) => field.split('.')[0]));
      const [objectApiName] = objects;
      if (objects.size !== 1 || !objectApiName) {
        throw new RecordRequestError('name fields of one object, such as Account.Name and Account.Phone');
      }
      const names = fields.map((field) => soqlIdentifier(field.slice(objectApiName.length + 1)));
      const [row] = await query(
        `SELECT ${soqlFields(['Id', ...names.filter((name) => name !== 'Id')])} FROM ${soqlIdentifier(objectApiName)} ` +
          `WHERE Id = ${soqlLiteral(checkedId(id))} LIMIT 1`,
      );
      return row ? { apiName: objectApiName, id: String(row.Id), fields: uiFields(row) } : undefined;
    },

    async related(parentId, list) {
      const definition = Object.hasOwn(RELATED_LISTS, list) ? RELATED_LISTS[list] : undefined;
      if (!definition) throw new RecordRequestError(`the preview shows no related list ${list}`);
      return query(
        `SELECT ${soqlFields(definition.fields)} FROM ${definition.object} ` +
          `WHERE ${definition.parentField} = ${soqlLiteral(checkedId(parentId))} ORDER BY ${definition.orderBy} LIMIT 50`,
      );
    },
  };
}
