/**
 * Writing a flow's records to Salesforce as upserts on an External ID field (`Account.Sage_Customer_Number__c`):
 * writing twice gives the same record, so the engine may re-send a batch whose outcome is unknown. The Salesforce
 * client chooses Collections or the Bulk API by batch size and answers one result per record, which becomes one
 * outcome per record here.
 */
import { ConnectorError } from '../../domain/errors.js';
import type { PreparedRecord, WriteOutcome } from '../flow.js';
import type { SalesforceUpserter, SalesforceWriteResult } from '../systems.js';

/** A failed Salesforce write result as a ConnectorError carrying the first error's code and every message. */
export function writeResultError(result: SalesforceWriteResult): ConnectorError {
  const first = result.errors[0];
  const message = result.errors.length
    ? result.errors
        .map((error) => `${error.fields.length ? `${error.fields.join(', ')}: ` : ''}${error.message}`)
        .join('; ')
    : 'Salesforce refused the record without a reason';
  return new ConnectorError(result.kind ?? 'permanent', message, {
    code: first?.code ?? 'UNKNOWN_EXCEPTION',
    system: 'salesforce',
    context: { fields: result.errors.flatMap((error) => error.fields) },
  });
}

export interface UpsertWriterOptions<Target> {
  salesforce: SalesforceUpserter;
  objectType: string;
  /** The External ID field; it receives each record's key. */
  externalIdField: string;
  /** What a record is called in messages (`account`). */
  noun: string;
  /** The fields written for one record, besides its key (the mapped target and any stamps of this write). */
  fields(record: PreparedRecord<Target>): Record<string, unknown>;
}

/** A flow's `write`: one upsert call per batch, one outcome per record with the Salesforce Id as its target key. */
export function upsertWriter<Target>(
  options: UpsertWriterOptions<Target>,
): (records: readonly PreparedRecord<Target>[]) => Promise<WriteOutcome[]> {
  return async (records) => {
    const results = await options.salesforce.upsert(
      options.objectType,
      options.externalIdField,
      records.map((record) => ({ ...options.fields(record), [options.externalIdField]: record.key })),
    );
    return records.map(({ key }, index): WriteOutcome => {
      const result = results[index];
      if (!result) {
        return {
          key,
          ok: false,
          error: new ConnectorError('in-doubt', `Salesforce returned no result for this ${options.noun}`, {
            code: 'NO_RESULT',
            system: 'salesforce',
          }),
        };
      }
      if (result.ok) return { key, ok: true, created: result.created ?? false, targetKey: result.id ?? null };
      return { key, ok: false, error: writeResultError(result) };
    });
  };
}
