/** The middleware's Salesforce side: client, SOQL building, write results, error classification. */
export { createSalesforceClient, SALESFORCE_RETRY_POLICY } from './client.js';
export type {
  ApiUsage,
  QueryPage,
  RecordQuery,
  SalesforceClient,
  SalesforceClientOptions,
  WriteOptions,
} from './client.js';
export { soqlDate, soqlDateTime, soqlFields, soqlIdentifier, soqlIn, soqlLike, soqlLiteral } from './soql.js';
export type { SoqlValue } from './soql.js';
export type { RecordFailure, SObjectInput, WriteResult } from './writer.js';
export { classifySalesforceError, recordErrorKind } from './errors.js';
