import { builtInFlows } from '../../middleware/src/sync/flows/index.js';
import { startSystem, type ErrorAnswer, type System } from './harness.js';

interface RunAnswer {
  flow: string;
  run: { id: number; outcome: string; counts: { read: number; created: number; updated: number } } | null;
}

let system: System;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system.close();
});

describe('operations', () => {
  it('runs a flow on demand and lists the run with its counts', async () => {
    const answer = await system.api<RunAnswer>('POST', '/api/v1/sync/flows/customers/run');
    expect(answer.status).toBe(200);
    expect(answer.body.run?.outcome).toMatch(/^(succeeded|partial)$/);
    expect(answer.body.run?.counts.read).toBe(system.sage.state.customers.all().length);

    const runs = await system.api<{ runs: { id: number; flow: string }[] }>('GET', '/api/v1/sync/runs?flow=customers');
    expect(runs.body.runs[0]?.id).toBe(answer.body.run?.id);
  });

  it('lists every registered flow with its schedule and last run, the flows that never ran included', async () => {
    const answer = await system.api<{ flows: { name: string; schedule: string; lastRun: { flow: string } | null }[] }>(
      'GET',
      '/api/v1/sync/flows',
    );
    expect(answer.status).toBe(200);
    expect(answer.body.flows.map((flow) => flow.name)).toEqual(builtInFlows.names);
    const runs = await system.api<{ runs: { flow: string }[] }>('GET', '/api/v1/sync/runs?limit=500');
    for (const flow of answer.body.flows) {
      expect(flow.schedule.length).toBeGreaterThan(0);
      expect([flow.name, flow.lastRun?.flow ?? null]).toEqual([
        flow.name,
        runs.body.runs.some((run) => run.flow === flow.name) ? flow.name : null,
      ]);
    }
  });

  it('answers 400 naming the flows for a flow that does not exist', async () => {
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/sync/flows/unicorns/run');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.message).toBe(`flow: must be one of the sync flows: ${builtInFlows.names.join(', ')}`);
  });

  it('lists failed records and lets an operator skip one, once', async () => {
    const id = await system.middleware.store.failures.record('customers', {
      recordKey: '1200',
      payload: { CustomerNumber: '1200' },
      kind: 'permanent',
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Phone must have 10 digits',
      nextAttemptAt: null,
    });
    const listed = await system.api<{ failures: { id: number; message: string; status: string }[] }>(
      'GET',
      '/api/v1/sync/failures?flow=customers',
    );
    expect(listed.body.failures).toContainEqual(
      expect.objectContaining({ id, message: 'Phone must have 10 digits', status: 'open' }),
    );
    const skipped = await system.api<{ id: number; status: string }>('POST', `/api/v1/sync/failures/${id}/skip`);
    expect(skipped.body).toEqual({ id, status: 'skipped' });
    const again = await system.api<ErrorAnswer>('POST', `/api/v1/sync/failures/${id}/skip`);
    expect(again.status).toBe(409);
    const closed = await system.api<ErrorAnswer>('POST', `/api/v1/sync/failures/${id}/retry`);
    expect(closed.status).toBe(409);
  });

  it('retries a failed record at once and reports it resolved when the write succeeds', async () => {
    const id = await system.middleware.store.failures.record('customers', {
      recordKey: '1100',
      payload: null,
      kind: 'transient',
      code: 'UNABLE_TO_LOCK_ROW',
      message: 'unable to obtain exclusive access to this record',
      nextAttemptAt: null,
    });
    const answer = await system.api<{ id: number; status: string }>('POST', `/api/v1/sync/failures/${id}/retry`);
    expect(answer.status).toBe(200);
    expect(answer.body.id).toBe(id);
    expect(answer.body.status).toBe('resolved');
  });

  it('answers 404 for a failure that does not exist', async () => {
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/sync/failures/987654/skip');
    expect(answer.status).toBe(404);
  });
});
