// A page commits its links, failures, counts and checkpoint in one transaction: when the checkpoint cannot be saved,
// nothing of the page stays, so the next run writes the page again and counts it once. Over both store engines, with
// the customers flow and the sandboxes.
import { resolveMappings } from '../../middleware/src/config/mapping.js';
import { openStore, type Repositories, type Store } from '../../middleware/src/store/index.js';
import { SyncEngine } from '../../middleware/src/sync/engine.js';
import { customersFlow, sageCustomerSource } from '../../middleware/src/sync/flows/customers.js';
import { engines, type TestDatabase } from '../store/test-databases.js';
import { accountsByCustomerNumber, silentLogger, startTestSystems, type TestSystems } from './systems.js';

/** The store, with the checkpoints from the `failAt`-th on refused by the database (a lost connection, a full disk). */
function failingCheckpoint(store: Store, failAt: number): Store {
  let saves = 0;
  const refusing = <T extends Pick<Repositories, 'cursors'>>(repositories: T): T => ({
    ...repositories,
    cursors: {
      ...repositories.cursors,
      async save(...args: Parameters<Repositories['cursors']['save']>) {
        saves += 1;
        if (saves >= failAt) throw new Error('the database refused the checkpoint');
        return repositories.cursors.save(...args);
      },
    },
  });
  return {
    ...refusing(store),
    transaction: (work) => store.transaction((tx) => work(refusing(tx))),
  };
}

describe.each(engines)('committing a page on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    systems = await startTestSystems({ customers: 250 });
    database = makeDatabase('page commit');
    store = await openStore(database.url);
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('keeps nothing of a page whose checkpoint fails, and the next run writes it again, counted once', async () => {
    const flow = customersFlow({
      customers: sageCustomerSource(systems.sage),
      salesforce: systems.salesforce,
      mappings: () => resolveMappings(),
      pageSize: 100,
    });
    const engine = (on: Store) =>
      new SyncEngine({ store: on, logger: silentLogger, owner: 'page-commit-test', leaseMs: 5_000 });

    // The second page's checkpoint fails: the run stops with the first page committed, and only that one.
    const failed = await engine(failingCheckpoint(store, 2)).run(flow, { trigger: 'manual' });
    expect(failed.outcome).toBe('failed');
    const stopped = await store.runs.get(failed.runId ?? -1);
    expect(stopped?.read).toBe(100);
    expect((stopped?.created ?? 0) + (stopped?.updated ?? 0)).toBe(100);
    expect(await store.links.count('customer')).toBe(100);
    expect((await store.cursors.get('customers'))?.inProgress).toBe(true);

    // The next run resumes after the first page; the second page's accounts exist in Salesforce already (the
    // write went out before the failed commit), so they are matched again, and every customer is linked once.
    const resumed = await engine(store).run(flow, { trigger: 'manual' });
    expect(resumed).toMatchObject({ outcome: 'succeeded', read: 150, failed: 0 });
    expect(await store.links.count('customer')).toBe(250);
    expect(accountsByCustomerNumber(systems.salesforceSandbox).size).toBe(250);
  }, 60_000);
});
