// The operations API learns the flows from the registry the process runs: `GET /sync/flows` lists every registered
// flow (one that never ran included) with what `sage-sf status` shows, and a flow parameter accepts exactly the
// registered names, which the OpenAPI document lists. A test-only flow added with `builtInFlows.with` shows it.
import { apiRouter, type ApiServices } from '../../middleware/src/http/api.js';
import { createApp } from '../../middleware/src/http/app.js';
import { openApiDocument } from '../../middleware/src/http/openapi.js';
import { listen, type RunningServer } from '../../middleware/src/http/server.js';
import { startSync } from '../../middleware/src/composition.js';
import { loadConfig } from '../../middleware/src/config/env.js';
import { scheduleKey } from '../../middleware/src/domain/flow-names.js';
import { createOperations, type ConflictView, type FlowView } from '../../middleware/src/services/operations.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { builtInFlows } from '../../middleware/src/sync/flows/index.js';
import { flowLease } from '../../middleware/src/sync/lease.js';
import type { SyncRuntime } from '../../middleware/src/sync/runtime.js';
import { sqliteDatabase, type TestDatabase } from '../store/test-databases.js';
import { accountLedgerFlow } from '../sync/flows/account-ledger.js';
import { silentLogger, startTestSystems, type TestSystems } from '../sync/systems.js';
import { apiClient } from './api-client.js';

const registry = builtInFlows.with(accountLedgerFlow);
const key = 'flows-key-0123456789abcdef';
/** Once a year at midnight on 1 January: the scheduler knows every next run, and none comes during the test. */
const yearly = '0 0 1 1 *';

let systems: TestSystems;
let database: TestDatabase;
let store: Store;
let runtime: SyncRuntime;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  systems = await startTestSystems({ customers: 5 });
  database = sqliteDatabase('sync-flows');
  store = await openStore(database.url);
  const schedules = Object.fromEntries(
    registry.names.map((name) => [`SYNC_SCHEDULE_${scheduleKey(name).toUpperCase()}`, yearly]),
  );
  runtime = await startSync({
    config: loadConfig({ ...systems.env, ...schedules, SYNC_LEASE_SECONDS: '5' }),
    store,
    systems,
    logger: silentLogger,
    schedule: true,
    registry,
  });
  const operations = createOperations({
    runs: store.runs,
    failures: store.failures,
    conflicts: store.conflicts,
    runtime,
  });
  const options = { flowNames: runtime.flows().map((flow) => flow.name) };
  const app = createApp({
    api: { keys: [key], router: apiRouter({ operations } as ApiServices, options), openapi: openApiDocument(options) },
  });
  server = await listen(app, { port: 0, host: '127.0.0.1' });
  api = apiClient(server.url, key);
});

afterAll(async () => {
  await server?.close();
  await runtime?.stop();
  await store?.close();
  await database?.drop();
  await systems?.close();
});

const flows = async () => (await api<{ flows: FlowView[] }>('GET', '/api/v1/sync/flows')).body.flows;
const ledgerFlow = async () => (await flows()).find((flow) => flow.name === 'account-ledger');

describe('GET /sync/flows', () => {
  it('lists every registered flow in registry order, a flow that never ran included', async () => {
    const answer = await api<{ flows: FlowView[] }>('GET', '/api/v1/sync/flows');
    expect(answer.status).toBe(200);
    expect(answer.body.flows.map((flow) => flow.name)).toEqual(registry.names);
    const nextNewYear = `${new Date().getUTCFullYear() + 1}-01-01`;
    for (const flow of answer.body.flows) {
      expect(flow).toMatchObject({
        schedule: yearly,
        running: false,
        paused: false,
        pausedUntil: null,
        lastRun: null,
        failures: { open: 0, retrying: 0 },
      });
      // Midnight on 1 January in the process's time zone, which is within a day of it in UTC.
      const next = Date.parse(flow.nextRunAt ?? '');
      expect(Math.abs(next - Date.parse(`${nextNewYear}T00:00:00Z`))).toBeLessThanOrEqual(86_400_000);
    }
  });

  it('shows a flow’s last run and the failures waiting for it', async () => {
    const result = await runtime.runFlowNow('account-ledger');
    expect(result.outcome).toBe('succeeded');
    await store.failures.record('account-ledger', {
      recordKey: '001000000000001AAA',
      payload: null,
      kind: 'permanent',
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Phone must have 10 digits',
      nextAttemptAt: null,
    });
    const flow = await ledgerFlow();
    expect(flow?.lastRun).toMatchObject({ id: result.runId, flow: 'account-ledger', trigger: 'manual' });
    expect(flow?.lastRun?.counts.read).toBe(result.read);
    expect(flow?.failures).toEqual({ open: 1, retrying: 0 });
    expect(flow?.running).toBe(false);
  });

  it('says a flow is running while a process holds its lease, and no longer once the lease has run out', async () => {
    expect(await store.leases.acquire(flowLease('account-ledger'), 'another-replica', 60_000)).toBe(true);
    try {
      expect((await ledgerFlow())?.running).toBe(true);
    } finally {
      await store.leases.release(flowLease('account-ledger'), 'another-replica');
    }
    expect((await ledgerFlow())?.running).toBe(false);
    expect(await store.leases.acquire(flowLease('account-ledger'), 'a-replica-that-died', 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await ledgerFlow())?.running).toBe(false);
  });

  it('says until when a flow is paused after its quota was spent', async () => {
    const until = new Date(Date.now() + 3_600_000);
    await store.cursors.pause('account-ledger', until, 'REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.');
    try {
      expect(await ledgerFlow()).toMatchObject({ paused: true, pausedUntil: until.toISOString() });
    } finally {
      await store.cursors.resume('account-ledger');
    }
    expect(await ledgerFlow()).toMatchObject({ paused: false, pausedUntil: null });
  });
});

describe('flow names in requests', () => {
  it('documents the registered flows as the values of the flow parameters', async () => {
    const document = (
      await api<{ paths: Record<string, Record<string, { parameters: object[] }>> }>('GET', '/api/v1/openapi.json')
    ).body;
    expect(document.paths['/sync/flows/{flow}/run']?.post?.parameters).toContainEqual(
      expect.objectContaining({ name: 'flow', schema: { type: 'string', enum: registry.names } }),
    );
  });

  it('answers a flow the registry does not hold with 400 naming the flows there are', async () => {
    const answer = await api<{ error: { code: string; message: string } }>('POST', '/api/v1/sync/flows/unicorns/run');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: `flow: must be one of the sync flows: ${registry.names.join(', ')}`,
      details: [{ field: 'flow', message: `must be one of the sync flows: ${registry.names.join(', ')}` }],
    });
    const runs = await api<{ error: { message: string } }>('GET', '/api/v1/sync/runs?flow=unicorns');
    expect(runs.status).toBe(400);
  });

  it('runs a registered flow and filters runs and failures by it', async () => {
    const ran = await api<{ flow: string; run: { outcome: string } | null }>(
      'POST',
      '/api/v1/sync/flows/account-ledger/run',
    );
    expect(ran.status).toBe(200);
    expect(ran.body).toMatchObject({ flow: 'account-ledger', run: { outcome: 'succeeded' } });
    const runs = await api<{ runs: { flow: string }[] }>('GET', '/api/v1/sync/runs?flow=account-ledger');
    expect(runs.body.runs.length).toBeGreaterThan(0);
    expect(runs.body.runs.every((run) => run.flow === 'account-ledger')).toBe(true);
    const writeBacks = await api<{ failures: unknown[] }>('GET', '/api/v1/sync/failures?flow=order-write-back');
    expect(writeBacks.status).toBe(200);
  });
});

describe('GET /sync/conflicts', () => {
  it('lists the conflicts two-way flows settled, newest first, with the winner and the overwritten value', async () => {
    const empty = await api<{ conflicts: ConflictView[] }>('GET', '/api/v1/sync/conflicts');
    expect(empty).toMatchObject({ status: 200, body: { conflicts: [] } });
    await store.conflicts.record('contacts', 7, [
      {
        recordKey: '1200',
        salesforceId: '003000000000001AAA',
        field: 'ContactsEmail / Email',
        master: 'Salesforce',
        winningValue: 'crm@example.com',
        losingValue: 'sage@example.com',
      },
      {
        recordKey: '1100',
        salesforceId: null,
        field: 'ContactsPhone / Phone',
        master: 'Sage',
        winningValue: '5035550100',
        losingValue: null,
      },
    ]);
    const answer = await api<{ conflicts: ConflictView[] }>('GET', '/api/v1/sync/conflicts?flow=contacts&limit=5');
    expect(answer.status).toBe(200);
    expect(answer.body.conflicts.map((conflict) => conflict.recordKey)).toEqual(['1100', '1200']);
    expect(answer.body.conflicts[1]).toMatchObject({
      flow: 'contacts',
      runId: 7,
      field: 'ContactsEmail / Email',
      master: 'Salesforce',
      loser: 'Sage',
      winningValue: 'crm@example.com',
      losingValue: 'sage@example.com',
    });
    expect(answer.body.conflicts[0]).toMatchObject({ master: 'Sage', loser: 'Salesforce', losingValue: null });
  });

  it('names the flows there are when asked for conflicts of another', async () => {
    const answer = await api<{ error: { message: string } }>('GET', '/api/v1/sync/conflicts?flow=unicorns');
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('contacts');
  });
});
