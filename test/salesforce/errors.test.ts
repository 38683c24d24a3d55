import { classifySalesforceError, recordErrorKind } from '../../middleware/src/salesforce/errors.js';
import { bulkPollWaits, bulkResultRows, parseBulkError, toBulkCsv } from '../../middleware/src/salesforce/writer.js';

const apiError = (errorCode: string, message: string) =>
  Object.assign(new Error(message), { name: errorCode, errorCode });

describe('Salesforce error kinds', () => {
  test('record errors: row locks are transient, validation is permanent', () => {
    expect(recordErrorKind('UNABLE_TO_LOCK_ROW')).toBe('transient');
    expect(recordErrorKind('REQUIRED_FIELD_MISSING')).toBe('permanent');
    expect(recordErrorKind('DUPLICATE_VALUE')).toBe('permanent');
  });

  test('REQUEST_LIMIT_EXCEEDED is quota for the daily allowance and transient for concurrency', () => {
    expect(
      classifySalesforceError(apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), { idempotent: true })
        .kind,
    ).toBe('quota');
    expect(
      classifySalesforceError(apiError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'), {
        idempotent: true,
      }).kind,
    ).toBe('transient');
  });

  test('a network failure is transient for idempotent calls and in doubt for inserts', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    expect(classifySalesforceError(reset, { idempotent: true }).kind).toBe('transient');
    expect(classifySalesforceError(reset, { idempotent: false }).kind).toBe('in-doubt');
  });

  test('HTTP status decides when there is no Salesforce code', () => {
    expect(
      classifySalesforceError(apiError('ERROR_HTTP_503', 'Service Unavailable'), { idempotent: false }),
    ).toMatchObject({ kind: 'transient', status: 503 });
    expect(classifySalesforceError(apiError('ERROR_HTTP_500', 'boom'), { idempotent: false }).kind).toBe('in-doubt');
    expect(
      classifySalesforceError(apiError('MALFORMED_QUERY', 'unexpected token'), { idempotent: true }),
    ).toMatchObject({
      kind: 'permanent',
      code: 'MALFORMED_QUERY',
      system: 'salesforce',
    });
  });
});

describe('Bulk API CSV', () => {
  test('records become CSV with references by external id flattened and nulls as #N/A', () => {
    const csv = toBulkCsv([
      {
        Sage_Document_Key__c: '1200|IN1',
        Account__r: { Sage_Customer_Number__c: '1200' },
        Amount__c: 10.5,
        Note__c: null,
      },
      { Sage_Document_Key__c: '1200|IN2', Paid__c: true, Due__c: new Date('2024-05-01T00:00:00Z') },
    ]);

    expect(csv.trim().split('\n')).toEqual([
      '"Sage_Document_Key__c","Account__r.Sage_Customer_Number__c","Amount__c","Note__c","Paid__c","Due__c"',
      '"1200|IN1","1200","10.5","#N/A",,',
      '"1200|IN2",,,,"true","2024-05-01T00:00:00.000Z"',
    ]);
  });

  test('sf__Error text is split into code, message and fields', () => {
    expect(parseBulkError('REQUIRED_FIELD_MISSING:Required fields are missing: [Account__c]:Account__c --')).toEqual({
      code: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Account__c]',
      fields: ['Account__c'],
    });
    expect(parseBulkError('INVALID_FIELD:Foreign key external ID: 9 not found:--')).toMatchObject({
      code: 'INVALID_FIELD',
      fields: [],
    });
    expect(parseBulkError('something odd')).toMatchObject({ code: 'UNKNOWN_EXCEPTION' });
  });

  test('result rows keep the key column, Id, created flag and error, matching the key column without regard to case', () => {
    const successful =
      '"sf__Id","sf__Created","Name","sage_document_key__c"\n"a0B1","true","Invoice 1","1200|IN1"\n"a0B2","false","Invoice 2","1200|IN2"\n';
    expect(bulkResultRows(successful, 'Sage_Document_Key__c')).toEqual([
      { key: '1200|IN1', id: 'a0B1', created: true, error: '' },
      { key: '1200|IN2', id: 'a0B2', created: false, error: '' },
    ]);
    const failed =
      '"sf__Id","sf__Error","Sage_Document_Key__c"\n"","REQUIRED_FIELD_MISSING:Missing:Name --","1200|IN3"\n';
    expect(bulkResultRows(failed, 'Sage_Document_Key__c')).toEqual([
      { key: '1200|IN3', id: '', created: false, error: 'REQUIRED_FIELD_MISSING:Missing:Name --' },
    ]);
    expect(bulkResultRows('', 'Sage_Document_Key__c')).toEqual([]);
  });

  test('a Bulk job is first checked soon after it closes, then at doubling waits up to the poll interval', () => {
    const first = (waits: Generator<number>, count: number) => Array.from({ length: count }, () => waits.next().value);
    expect(first(bulkPollWaits(250, 2000), 6)).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    // A poll interval below the first wait caps it too.
    expect(first(bulkPollWaits(250, 50), 3)).toEqual([50, 50, 50]);
  });
});
