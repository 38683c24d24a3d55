import type { AccountForCustomer } from '../domain/customers.js';
import type { OpportunityLine } from '../domain/orders.js';
import type { SalesforceClient } from '../salesforce/client.js';
import { soqlLiteral } from '../salesforce/soql.js';
import type { AccountRecords } from './customerProvisioning.js';
import { ServiceError } from './errors.js';
import type { OpportunityRecord, OpportunityRecords, OpportunityWriteBack } from './orderPush.js';

const accountFields = [
  'Name',
  'Sage_Customer_Number__c',
  'BillingStreet',
  'BillingCity',
  'BillingState',
  'BillingPostalCode',
  'BillingCountry',
  'Phone',
  'Website',
];

interface AccountRow {
  Id: string;
  Name: string;
  Sage_Customer_Number__c: string | null;
  BillingStreet: string | null;
  BillingCity: string | null;
  BillingState: string | null;
  BillingPostalCode: string | null;
  BillingCountry: string | null;
  Phone: string | null;
  Website: string | null;
  Industry?: string | null;
  Contacts?: { records?: { Name?: string | null; Email?: string | null }[] } | null;
}

interface OpportunityRow {
  Id: string;
  Name: string;
  StageName: string;
  IsWon: boolean | null;
  Description: string | null;
  Sage_Order_Number__c: string | null;
  Sage_Order_Status__c: string | null;
  Sage_Quote_Number__c: string | null;
  AccountId: string | null;
  Account: Omit<AccountRow, 'Id' | 'Contacts'> | null;
  OpportunityLineItems?: { records?: OpportunityLine[] } | null;
}

/** The opportunity, its lines with their products, and its account: one SOQL query. */
export function opportunityQuery(opportunityId: string): string {
  return (
    'SELECT Id, Name, StageName, IsWon, Description, Sage_Order_Number__c, Sage_Order_Status__c, ' +
    'Sage_Quote_Number__c, AccountId, ' +
    `${accountFields.map((field) => `Account.${field}`).join(', ')}, ` +
    '(SELECT Id, Quantity, UnitPrice, Description, Product2.Name, Product2.ProductCode, Product2.Sage_Item_Number__c ' +
    `FROM OpportunityLineItems) FROM Opportunity WHERE Id = ${soqlLiteral(opportunityId)} LIMIT 1`
  );
}

/** An account with the name and e-mail of its first contact that has one. */
export function accountQuery(accountId: string): string {
  return (
    `SELECT Id, ${accountFields.join(', ')}, Industry, ` +
    '(SELECT Name, Email FROM Contacts WHERE Email != null ORDER BY CreatedDate LIMIT 1) ' +
    `FROM Account WHERE Id = ${soqlLiteral(accountId)} LIMIT 1`
  );
}

function failed(results: { ok: boolean; errors: { code: string; message: string }[] }[]) {
  const result = results[0];
  return !result || result.ok ? undefined : (result.errors[0] ?? { code: 'UNKNOWN', message: 'the write failed' });
}

/** Reads and writes the opportunities and accounts the order push and customer provisioning work on. */
export function salesforceRecords(
  client: Pick<SalesforceClient, 'queryAll' | 'update'>,
): OpportunityRecords & AccountRecords {
  return {
    async readOpportunity(opportunityId) {
      const [row] = await client.queryAll<OpportunityRow>(opportunityQuery(opportunityId));
      if (!row) return undefined;
      const record: OpportunityRecord = {
        Id: row.Id,
        Name: row.Name,
        StageName: row.StageName,
        IsWon: row.IsWon,
        Description: row.Description,
        sageOrderNumber: row.Sage_Order_Number__c,
        sageOrderStatus: row.Sage_Order_Status__c,
        sageQuoteNumber: row.Sage_Quote_Number__c,
        lines: row.OpportunityLineItems?.records ?? [],
        account: row.AccountId && row.Account ? { Id: row.AccountId, ...row.Account } : null,
      };
      return record;
    },

    async updateOpportunity(opportunityId, fields: OpportunityWriteBack) {
      const failure = failed(await client.update('Opportunity', [{ Id: opportunityId, ...fields }]));
      if (failure) {
        throw new ServiceError(
          'unavailable',
          'OPPORTUNITY_NOT_UPDATED',
          `Salesforce refused the update: ${failure.message} (${failure.code})`,
        );
      }
    },

    async readAccount(accountId) {
      const [row] = await client.queryAll<AccountRow>(accountQuery(accountId));
      if (!row) return undefined;
      const { Contacts, ...account } = row;
      const contact = Contacts?.records?.[0];
      const result: AccountForCustomer = {
        ...account,
        contactName: contact?.Name ?? null,
        contactEmail: contact?.Email ?? null,
      };
      return result;
    },

    async linkAccount(accountId, customerNumber) {
      const failure = failed(
        await client.update('Account', [{ Id: accountId, Sage_Customer_Number__c: customerNumber }]),
      );
      if (failure?.code === 'DUPLICATE_VALUE') {
        throw new ServiceError(
          'rejected',
          'CUSTOMER_ALREADY_LINKED',
          `Sage customer ${customerNumber} is already linked to another account; link this account by hand.`,
          { customerNumber },
        );
      }
      if (failure) {
        throw new ServiceError(
          'unavailable',
          'ACCOUNT_NOT_UPDATED',
          `Salesforce refused to store customer number ${customerNumber} on the account: ${failure.message} (${failure.code})`,
          { customerNumber },
        );
      }
    },
  };
}
