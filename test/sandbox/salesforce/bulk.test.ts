import { parse } from 'csv-parse/sync';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.sandbox.insert('Account', { Name: 'Bulk Parent', Fixture_Number__c: 'BP-1' });
});

afterAll(async () => {
  await h.close();
});

interface Job {
  id: string;
  state: string;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  errorMessage?: string;
}

async function runJob(body: Record<string, unknown>, csv: string): Promise<Job> {
  const created = (await h.api('POST', '/jobs/ingest', { contentType: 'CSV', lineEnding: 'LF', ...body })).body as Job;
  expect(created.state).toBe('Open');
  expect((await h.api('PUT', `/jobs/ingest/${created.id}/batches`, csv)).status).toBe(201);
  expect(((await h.api('PATCH', `/jobs/ingest/${created.id}`, { state: 'UploadComplete' })).body as Job).state).toBe(
    'UploadComplete',
  );
  for (;;) {
    const job = (await h.api('GET', `/jobs/ingest/${created.id}`)).body as Job;
    if (!['UploadComplete', 'InProgress'].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const csvRows = async (jobId: string, which: string) =>
  parse((await h.api('GET', `/jobs/ingest/${jobId}/${which}`)).text, { columns: true }) as Record<string, string>[];

describe('Bulk API 2.0 ingest', () => {
  test('an upsert job reports successful and failed records as CSV with sf__ columns', async () => {
    const csv = [
      'Code__c,Name,Account__r.Fixture_Number__c,Colour__c,Size__c,Notes__c',
      'BK-1,First,BP-1,Red,1.5,',
      'BK-2,Second,BP-1,Blue,2,',
      'BK-3,Third,BP-404,Green,#N/A,"multi, part"',
    ].join('\n');

    const job = await runJob({ object: 'Widget__c', operation: 'upsert', externalIdFieldName: 'Code__c' }, csv);
    const successes = await csvRows(job.id, 'successfulResults');
    const failures = await csvRows(job.id, 'failedResults');

    expect(job).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 3, numberRecordsFailed: 2 });
    expect(successes).toEqual([expect.objectContaining({ sf__Created: 'true', Code__c: 'BK-1', Name: 'First' })]);
    expect(successes[0]?.sf__Id).toMatch(/^a01/);
    expect(failures.map((row) => [row.Code__c, row.sf__Error?.split(':')[0]])).toEqual([
      ['BK-2', 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'],
      ['BK-3', 'INVALID_FIELD'],
    ]);
    expect(failures[0]?.sf__Error).toMatch(/^INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:.*:Colour__c --$/);
    expect(h.sandbox.findOne('Widget__c', (record) => record.Code__c === 'BK-1')).toMatchObject({ Size__c: 1.5 });
  });

  test('an empty cell leaves a field unchanged and #N/A clears it', async () => {
    await runJob(
      { object: 'Widget__c', operation: 'upsert', externalIdFieldName: 'Code__c' },
      'Code__c,Name,Account__r.Fixture_Number__c,Size__c\nBK-N,Keep,BP-1,4',
    );

    await runJob(
      { object: 'Widget__c', operation: 'upsert', externalIdFieldName: 'Code__c' },
      'Code__c,Name,Size__c\nBK-N,,#N/A',
    );

    expect(h.sandbox.findOne('Widget__c', (record) => record.Code__c === 'BK-N')).toMatchObject({
      Name: 'Keep',
      Size__c: null,
    });
  });

  test('a column the object does not have fails the whole job, as in Salesforce', async () => {
    const job = await runJob(
      { object: 'Widget__c', operation: 'upsert', externalIdFieldName: 'Code__c' },
      'Code__c,Sparkle__c\nBK-X,1',
    );

    expect(job).toMatchObject({ state: 'Failed', errorMessage: 'InvalidBatch : Field name not found : Sparkle__c' });
  });

  test('an upsert job needs an external id field of the object', async () => {
    const answer = await h.api('POST', '/jobs/ingest', {
      object: 'Widget__c',
      operation: 'upsert',
      externalIdFieldName: 'Name',
    });

    expect(answer.status).toBe(400);
  });

  test('update and delete jobs work by Id', async () => {
    const id = h.sandbox.insert('Widget__c', {
      Name: 'To change',
      Code__c: 'BK-U',
      Account__r: undefined,
      Account__c: h.sandbox.findOne('Account', (record) => record.Fixture_Number__c === 'BP-1')?.Id,
    });

    const update = await runJob({ object: 'Widget__c', operation: 'update' }, `Id,Name\n${id},Changed`);
    expect(update).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 });
    expect(h.sandbox.get('Widget__c', id)?.Name).toBe('Changed');

    const removal = await runJob({ object: 'Widget__c', operation: 'delete' }, `Id\n${id}`);
    expect(removal).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 });
    expect(h.sandbox.get('Widget__c', id)).toBeUndefined();
  });

  test('an aborted job processes nothing and lists its records as unprocessed', async () => {
    const created = (await h.api('POST', '/jobs/ingest', { object: 'Widget__c', operation: 'insert' })).body as Job;
    await h.api('PUT', `/jobs/ingest/${created.id}/batches`, 'Name\nNever');

    const aborted = (await h.api('PATCH', `/jobs/ingest/${created.id}`, { state: 'Aborted' })).body as Job;

    expect(aborted.state).toBe('Aborted');
    expect(h.sandbox.findOne('Widget__c', (record) => record.Name === 'Never')).toBeUndefined();
    expect((await h.api('DELETE', `/jobs/ingest/${created.id}`)).status).toBe(204);
  });

  test('creating a job counts as a bulk job; its other requests as bulk requests', async () => {
    h.sandbox.resetCounts();

    await runJob({ object: 'Widget__c', operation: 'insert' }, 'Name,Account__r.Fixture_Number__c\nCounted,BP-1');

    expect(h.sandbox.counts().bulkJob).toBe(1);
    expect(h.sandbox.counts().bulkRequest).toBeGreaterThanOrEqual(3);
  });
});
