// A run killed with SIGKILL and started again ends with the same accounts as an uninterrupted run: none lost, none twice.
import { resolveMappings } from '../../middleware/src/config/mapping.js';
import { mapToSalesforce } from '../../middleware/src/domain/mapping.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { engines, type TestDatabase } from '../store/test-databases.js';
import { runCli, startChild, waitFor } from './child.js';
import { accountsByCustomerNumber, startTestSystems, type TestSystems } from './systems.js';

describe.each(engines)('a customers run killed mid-way on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let env: Record<string, string>;

  beforeAll(async () => {
    systems = await startTestSystems({ customers: 600 });
    database = makeDatabase('crash resume');
    store = await openStore(database.url);
    env = { ...systems.env, DATABASE_URL: database.url, SYNC_PAGE_SIZE: '50', SYNC_LEASE_SECONDS: '2' };
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('resumes from its last checkpoint and writes every customer exactly once', async () => {
    const customers = systems.sageSandbox.state.customers.all();
    systems.salesforceSandbox.setFaults({ latencyMs: 40 });

    const first = startChild('middleware/src/cli/main.ts', ['run', 'customers'], env);
    const committed = await waitFor(async () => {
      const run = (await store.runs.list({ flow: 'customers', limit: 1 }))[0];
      return run && run.read >= 150 ? run : undefined;
    }, 'the first run to commit some pages');
    first.process.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const killed = await store.runs.get(committed.id);
    expect(killed?.outcome).toBe('running');
    expect(killed?.read).toBeLessThan(customers.length);
    const checkpoint = await store.cursors.get('customers');
    expect(checkpoint).toMatchObject({ inProgress: true, value: { afterKey: expect.any(String) } });

    // What an operator sees between the crash and the restart.
    const status = await runCli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('(checkpoint of an unfinished run)');
    expect(status.stdout).toMatch(new RegExp(`last run: #${committed.id} running, manual`));

    // The dead process's lease must run out before anyone else may run the flow.
    await waitFor(async () => {
      const lease = await store.leases.get('flow:customers');
      return lease?.expiresAt && lease.expiresAt < new Date();
    }, "the killed process's lease to expire");

    systems.salesforceSandbox.clearFaults();
    const second = await runCli(['run', 'customers'], env);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^customers: succeeded in [\d.]+ s \(run #\d+\)/);

    const [resumed, interrupted] = await store.runs.list({ flow: 'customers', limit: 2 });
    expect(interrupted).toMatchObject({ id: committed.id, outcome: 'interrupted' });
    expect(resumed?.outcome).toBe('succeeded');
    // The restart read only what the killed run had not committed, and no committed record was written twice.
    expect((interrupted?.read ?? 0) + (resumed?.read ?? 0)).toBe(customers.length);
    const written = (run: typeof resumed) => (run?.created ?? 0) + (run?.updated ?? 0);
    expect(written(interrupted) + written(resumed)).toBe(customers.length);

    // The same accounts an uninterrupted run writes: one per customer, with the mapped values.
    const accounts = accountsByCustomerNumber(systems.salesforceSandbox);
    expect(accounts.size).toBe(customers.length);
    const mapping = resolveMappings().Account;
    for (const customer of customers) {
      const expected = mapToSalesforce(mapping, customer as Record<string, unknown>);
      const account = accounts.get(String(expected.Sage_Customer_Number__c));
      expect(
        account && Object.fromEntries(Object.keys(expected).map((field) => [field, account[field] ?? null])),
      ).toEqual(expected);
    }
    expect(await store.links.count('customer')).toBe(customers.length);
    expect(await store.cursors.get('customers')).toMatchObject({ inProgress: false });
  }, 90_000);
});
