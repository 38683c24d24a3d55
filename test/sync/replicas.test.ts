// Two replicas on one PostgreSQL share a schedule: each tick runs once, and a killed lease holder is taken over.
import { openStore, type Store, type SyncRun } from '../../middleware/src/store/index.js';
import { postgresDatabase, type TestDatabase } from '../store/test-databases.js';
import { startChild, waitFor, type Child } from './child.js';
import { accountsByCustomerNumber, startTestRuntime, startTestSystems, type TestSystems } from './systems.js';

describe('two replicas on PostgreSQL', () => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let replicas: { child: Child; owner: string }[] = [];

  beforeAll(async () => {
    systems = await startTestSystems({ customers: 400 });
    database = postgresDatabase('replicas');
    store = await openStore(database.url);
    // A first full sync, so scheduled ticks start from unchanged data.
    const runtime = await startTestRuntime(systems, store);
    await runtime.runFlowNow('customers');
    await runtime.stop();

    const env = {
      ...systems.env,
      DATABASE_URL: database.url,
      SCHEDULER_ENABLED: 'true',
      SYNC_SCHEDULE_CUSTOMERS: '*/2 * * * * *',
      // The accounts flow follows the customers schedule unless told otherwise; this test counts the customers flow's
      // writes, which the accounts flow's provisioning and PATCHes would change.
      SYNC_SCHEDULE_ACCOUNTS: '0 0 0 1 1 *',
      SYNC_LEASE_SECONDS: '2',
      SYNC_PAGE_SIZE: '25',
      SETTINGS_REFRESH_SECONDS: '0',
    };
    replicas = [0, 1].map(() => ({ child: startChild('test/sync/replica.ts', [], env), owner: '' }));
    for (const replica of replicas) {
      replica.owner = await waitFor(
        async () => /ready (\S+)/.exec(replica.child.stdout())?.[1],
        'a replica to start',
        60_000,
      );
    }
  }, 90_000);

  afterAll(async () => {
    for (const { child } of replicas)
      if (child.process.exitCode === null && !child.process.killed) child.process.kill('SIGKILL');
    await Promise.all(replicas.map(({ child }) => child.exited));
    await store.close();
    await database.drop();
    await systems.close();
  });

  const scheduledRuns = async (): Promise<SyncRun[]> =>
    (await store.runs.list({ flow: 'customers', limit: 500 })).filter((run) => run.trigger === 'schedule');

  const expectOneRunPerTick = (runs: SyncRun[]) => {
    const perSlot = new Map<string, number>();
    for (const run of runs) {
      const slot = run.scheduledFor?.toISOString() ?? 'none';
      perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
    }
    expect(perSlot.has('none')).toBe(false);
    expect([...perSlot.values()].filter((count) => count > 1)).toEqual([]);
    return perSlot.size;
  };

  it('runs a flow scheduled every 2 seconds exactly once per tick', async () => {
    const finished = await waitFor(async () => {
      const runs = (await scheduledRuns()).filter((run) => run.outcome !== 'running');
      return runs.length >= 4 ? runs : undefined;
    }, 'four scheduled runs');
    expect(expectOneRunPerTick(finished)).toBeGreaterThanOrEqual(4);
    for (const run of finished) expect(run).toMatchObject({ outcome: 'succeeded', created: 0, updated: 0, failed: 0 });
    const slots = finished.map((run) => run.scheduledFor?.getTime() ?? 0).sort();
    for (const slot of slots) expect(slot % 2000).toBe(0);
    expect(new Set(finished.map((run) => run.owner)).size).toBeGreaterThanOrEqual(1);
    for (const run of finished) expect(replicas.map((replica) => replica.owner)).toContain(run.owner);
  }, 60_000);

  it('lets the other replica take over after the lease of a killed holder expires', async () => {
    // Every customer changes and Salesforce slows down, so one run spans several ticks.
    const state = systems.sageSandbox.state;
    for (const customer of state.customers.all()) {
      customer.CreditLimitCustomerCurrency = Number(customer.CreditLimitCustomerCurrency ?? 0) + 1000;
      state.touch(customer);
    }
    state.customers.changed();
    systems.salesforceSandbox.setFaults({ latencyMs: 120 });

    const busy = await waitFor(async () => {
      const run = (await scheduledRuns()).find((candidate) => candidate.outcome === 'running' && candidate.read >= 50);
      return run;
    }, 'a long scheduled run under way');
    const holder = replicas.find((replica) => replica.owner === busy.owner);
    const survivor = replicas.find((replica) => replica.owner !== busy.owner);
    if (!holder || !survivor) throw new Error(`run ${busy.id} belongs to no replica`);
    holder.child.process.kill('SIGKILL');
    expect(await holder.child.exited).toBe('SIGKILL');
    const leaseAtDeath = await store.leases.get('flow:customers');
    expect(leaseAtDeath?.owner).toBe(holder.owner);
    systems.salesforceSandbox.setFaults({ latencyMs: 20 });

    const takeover = await waitFor(
      async () => {
        const runs = await scheduledRuns();
        return runs.find(
          (run) => run.owner === survivor.owner && run.id > busy.id && run.outcome === 'succeeded' && run.updated > 0,
        );
      },
      'the surviving replica to finish the interrupted work',
      60_000,
    );
    expect(takeover.startedAt.getTime()).toBeGreaterThanOrEqual(leaseAtDeath?.expiresAt?.getTime() ?? Infinity);
    expect(await store.runs.get(busy.id)).toMatchObject({ outcome: 'interrupted' });

    // Everything written once: the killed run's committed pages plus the takeover's cover every customer.
    const afterChange = (await scheduledRuns()).filter((run) => run.id >= busy.id && run.outcome !== 'running');
    const written = afterChange.reduce((sum, run) => sum + run.updated + run.created, 0);
    expect(written).toBe(state.customers.size);
    const accounts = accountsByCustomerNumber(systems.salesforceSandbox);
    for (const customer of state.customers.all()) {
      expect(accounts.get(String(customer.CustomerNumber).trim())?.Sage_Credit_Limit__c).toBe(
        customer.CreditLimitCustomerCurrency,
      );
    }
    expectOneRunPerTick(await scheduledRuns());

    survivor.child.process.kill('SIGTERM');
    expect(await survivor.child.exited).toBe(0);
    expect(survivor.child.stdout()).toContain('stopped');
    // The graceful stop released the lease it held.
    expect((await store.leases.get('flow:customers'))?.owner).toBeNull();
  }, 90_000);
});
