// Who retries what, measured: under a permanent fault, one page costs the client's attempts and no more, counted by
// the sandboxes' own request counters.
import { resolveMappings } from '../../middleware/src/config/mapping.js';
import type { Config } from '../../middleware/src/config/env.js';
import { DEFAULT_RETRY_POLICY } from '../../middleware/src/domain/retry.js';
import { createSage300Client, type Sage300Client } from '../../middleware/src/sage300/client.js';
import {
  createSalesforceClient,
  SALESFORCE_RETRY_POLICY,
  type SalesforceClient,
} from '../../middleware/src/salesforce/index.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { SyncEngine } from '../../middleware/src/sync/engine.js';
import { customersFlow, sageCustomerSource } from '../../middleware/src/sync/flows/customers.js';
import { sqliteDatabase, type TestDatabase } from '../store/test-databases.js';
import { silentLogger, startTestSystems, type TestSystems } from './systems.js';

/** The clients' default policy, with short waits so the test takes milliseconds per retry. */
const fast = { baseDelayMs: 2, maxDelayMs: 10 };
const sageAttempts = DEFAULT_RETRY_POLICY.attempts;
const salesforceAttempts = SALESFORCE_RETRY_POLICY.attempts;

describe('attempts per page, end to end', () => {
  let systems: TestSystems;
  let salesforce: SalesforceClient;
  const opened: { database: TestDatabase; store: Store }[] = [];
  const sages: Sage300Client[] = [];

  /** The Sage sandbox's control endpoint, over HTTP as an operator would use it. */
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const answer = await fetch(`${new URL(systems.sageSandbox.apiRoot).origin}/_sandbox/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(answer.ok).toBe(true);
    return answer.status === 204 ? undefined : answer.json();
  };
  const sageCounts = async () => (await control('GET', 'counts')) as Record<string, number>;

  beforeAll(async () => {
    systems = await startTestSystems({ customers: 300 });
    salesforce = createSalesforceClient(systems.config.salesforce as NonNullable<Config['salesforce']>, {
      retry: fast,
    });
  });

  beforeEach(async () => {
    await control('DELETE', 'faults');
    await control('DELETE', 'counts');
    systems.salesforceSandbox.clearFaults();
    systems.salesforceSandbox.resetCounts();
  });

  afterAll(async () => {
    for (const { database, store } of opened) {
      await store.close();
      await database.drop();
    }
    for (const sage of sages) sage.close();
    await systems.close();
  });

  /** A Sage client of its own for each test: one that gave up on Sage treats it as unreachable until its next probe. */
  function sageClient(): Sage300Client {
    const sage = createSage300Client(systems.config.sage300 as NonNullable<Config['sage300']>, { retry: fast });
    sages.push(sage);
    return sage;
  }

  async function customersRun(sage = sageClient()) {
    const database = sqliteDatabase('retry-bound');
    const store = await openStore(database.url);
    opened.push({ database, store });
    const engine = new SyncEngine({ store, logger: silentLogger, owner: 'retry-bound-test', leaseMs: 5_000 });
    const flow = customersFlow({
      customers: sageCustomerSource(sage),
      salesforce,
      mappings: () => resolveMappings(),
      pageSize: 100,
    });
    return { store, result: await engine.run(flow, { trigger: 'manual' }) };
  }

  it('reads a page from Sage at most the transport’s attempts times when Sage answers 503 for good', async () => {
    await control('PUT', 'faults', { route: 'GET AR/ARCustomers', faults: { status503: 1 } });
    const { store, result } = await customersRun();
    expect(result).toMatchObject({ outcome: 'failed', read: 0 });
    // Nothing was read, so nothing is checkpointed: the next run reads every customer.
    expect((await store.cursors.get('customers'))?.value ?? null).toBeNull();
    expect(result.message).toMatch(/^HTTP503: Sage 300 answered 503/);
    expect((await sageCounts())['GET AR/ARCustomers']).toBe(sageAttempts);
    expect(systems.salesforceSandbox.counts().total).toBe(0);
  }, 30_000);

  it('writes a page to Salesforce at most the client’s attempts times when Salesforce answers 503 for good', async () => {
    systems.salesforceSandbox.setFaults({ serviceUnavailable: 1 });
    const { store, result } = await customersRun();
    expect(result).toMatchObject({ outcome: 'failed', read: 0 });
    // One Collection carries the page of 100; the client sends it as often as its policy allows, and the run stops there.
    expect(systems.salesforceSandbox.counts().collectionWrite).toBe(salesforceAttempts);
    expect(systems.salesforceSandbox.counts().total).toBe(salesforceAttempts);
    expect((await sageCounts())['GET AR/ARCustomers']).toBe(1);
    expect(await store.links.count('customer')).toBe(0);
  }, 30_000);

  it('sends a locked record at most the client’s attempts times, its lock retries and request retries together', async () => {
    systems.salesforceSandbox.setFaults({ unableToLockRow: 1 });
    const { result } = await customersRun();
    expect(result).toMatchObject({ outcome: 'failed', read: 0 });
    expect(result.message).toMatch(/^UNABLE_TO_LOCK_ROW: /);
    expect(systems.salesforceSandbox.counts().collectionWrite).toBe(salesforceAttempts);
  }, 30_000);
});
