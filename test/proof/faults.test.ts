/**
 * Faults on, for every flow in the registry (so a flow added later is held to the same): the same company and the same
 * changes run through every registered flow twice — once fault-free, once with Sage answering 5 % 503, 2 % 429 (with
 * `Retry-After` on reads, without on writes), 1 % never, and committing 1 % of writes without answering, and with
 * Salesforce failing 3 % of record writes with UNABLE_TO_LOCK_ROW, 1 % of requests with 503, and every session expiring
 * once. After the runs settle, both systems hold the same records as the fault-free run, record for record (so none is
 * lost, extra or written twice). The faults are seeded: `PROOF_SEED` reproduces a run. Besides the drawn faults, each
 * kind also strikes a set request for sure (Sage `strikes`, Salesforce `at`), so every run meets every kind at least
 * once, whatever the seed and the number of requests; the test asserts the count of each kind and prints them. Every flow runs as an
 * operator's run, so a flow its setting turns off (closedWonOrders) runs too.
 */
import { loadConfig, type Config } from '../../middleware/src/config/env.js';
import { createOrderServices, customMetadataFor, startSync } from '../../middleware/src/composition.js';
import type { OrderPushService } from '../../middleware/src/services/orderPush.js';
import { createSage300Client } from '../../middleware/src/sage300/client.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { builtInFlows } from '../../middleware/src/sync/flows/index.js';
import type { SyncRuntime } from '../../middleware/src/sync/runtime.js';
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/seed.js';
import { engines, postgresDatabase, type TestDatabase } from '../store/test-databases.js';
import { silentLogger, startTestSystems, type TestSystems } from '../sync/systems.js';
import { differences, endState, sizes, type EndState } from './end-state.js';
import { proofSeed, proofSize, report, proofTimeout } from './report.js';

const seed = proofSeed(17_4);
const customers = proofSize('PROOF_FAULT_CUSTOMERS', 1_000);
const businessDate = new Date('2026-03-16T10:00:00Z');
const [, makeSqlite] = engines[0] as (typeof engines)[number];

interface World {
  name: string;
  /** When the world started: date-times the connector writes from then on are stamps, not data. */
  started: Date;
  systems: TestSystems;
  database: TestDatabase;
  store: Store;
  runtime: SyncRuntime;
  close(): Promise<void>;
}

/** Both sandboxes (the same seeded company), a store, and the runtime with every registered flow. */
async function startWorld(name: string): Promise<World> {
  const started = new Date();
  const systems = await startTestSystems({
    customers,
    sage: { now: businessDate, faultSeed: seed, hangMs: 600, pageSize: 100 },
  });
  const database = makeSqlite(`faults ${name}`);
  const store = await openStore(database.url);
  const config: Config = loadConfig({
    ...systems.env,
    SAGE300_TIMEOUT_MS: '2000',
    SAGE300_PAGE_SIZE: '100',
    SYNC_PAGE_SIZE: '100',
    SYNC_LEASE_SECONDS: '30',
    SYNC_FAILURE_MAX_ATTEMPTS: '20',
    SYNC_FAILURE_RETRY_SECONDS: '1',
    SYNC_QUOTA_PAUSE_SECONDS: '1',
  });
  const sage = createSage300Client(config.sage300 as NonNullable<Config['sage300']>);
  const runtime = await startSync({
    config,
    store,
    systems: { sage, salesforce: systems.salesforce },
    logger: silentLogger,
    schedule: false,
  });
  return {
    name,
    started,
    systems,
    database,
    store,
    runtime,
    async close() {
      await runtime.stop();
      sage.close();
      await store.close();
      await database.drop();
      await systems.close();
    },
  };
}

/** The Sage fault kinds every faulty run must meet, as the Sage sandbox counts them. */
const sageKinds = ['status503', 'status429', 'status429RetryAfter', 'timeout', 'commitThenTimeout'] as const;
/** The Salesforce fault kinds every faulty run must meet (besides the expired sessions, counted as new logins). */
const salesforceKinds = ['unableToLockRow', 'serviceUnavailable'] as const;

function faultsOn(world: World): void {
  world.systems.sageSandbox.setFaults('*', {
    status503: 0.05,
    status429: 0.02,
    timeout: 0.01,
    retryAfterSeconds: 1,
    // Every request kind for sure, early in the first sync (then drawn at the rates above).
    strikes: [
      { at: 3, fault: 'timeout' },
      { at: 6, fault: 'status503' },
      { at: 9, fault: 'status429' },
    ],
  });
  for (const write of ['POST', 'PATCH', 'PUT']) {
    for (const resource of ['AR/ARCustomers', 'AR/ARShipToLocations', 'OE/OEOrders', 'IC/ICItems']) {
      // Writes: 429 without Retry-After, and some committed without an answer; the first write of each route is
      // committed without an answer for sure, and its second refused with a 429 without Retry-After.
      world.systems.sageSandbox.setFaults(`${write} ${resource}`, {
        status429: 0.02,
        commitThenTimeout: 0.01,
        strikes: [
          { at: 1, fault: 'commitThenTimeout' },
          { at: 2, fault: 'status429' },
        ],
      });
    }
  }
  // Salesforce: drawn at these rates, and for sure on one early occasion each.
  world.systems.salesforceSandbox.setFaults({
    unableToLockRow: { rate: 0.03, at: [5] },
    serviceUnavailable: { rate: 0.01, at: [4] },
    seed,
  });
}

function faultsOff(world: World): void {
  world.systems.sageSandbox.clearFaults();
  world.systems.salesforceSandbox.clearFaults();
}

/** Changes made in both systems between syncs, the same in each world. */
function editBothSides(world: World): void {
  const { sageSandbox, salesforceSandbox } = world.systems;
  const numbers = sageSandbox.state.customers
    .all()
    .map((customer) => String(customer.CustomerNumber))
    .filter((_, index) => index % 37 === 3);
  for (const number of numbers) {
    const customer = sageSandbox.state.customers.get([number]) as Record<string, unknown>;
    Object.assign(customer, { CustomerName: `${String(customer.CustomerName)} Ltd`, ContactsPhone: '(555) 010-0199' });
    sageSandbox.state.touch(customer);
  }
  sageSandbox.state.customers.changed();
  const contacts = salesforceSandbox
    .records('Contact')
    .filter(
      (contact) =>
        typeof contact.Sage_Contact_Key__c === 'string' && !String(contact.Sage_Contact_Key__c).includes('|'),
    )
    // By key, not by record id: ids follow the order records were created in, which faults may change.
    .sort((a, b) => String(a.Sage_Contact_Key__c).localeCompare(String(b.Sage_Contact_Key__c)))
    .filter((_, index) => index % 29 === 5);
  for (const contact of contacts) {
    salesforceSandbox.update('Contact', String(contact.Id), {
      Email: `changed.${String(contact.Sage_Contact_Key__c).toLowerCase()}@example.com`,
    });
  }
}

interface Settled {
  rounds: number;
  runs: Record<string, number>;
}

/**
 * Runs every registered flow in registry order, round after round, until a round changes nothing on either side and
 * no failure waits for a retry. A flow that never settles fails the test.
 */
async function settle(world: World, maxRounds = 25): Promise<Settled> {
  const runs: Record<string, number> = {};
  let lastRound: string[] = [];
  const snapshot = () =>
    JSON.stringify(
      endState(world.systems.sageSandbox, world.systems.salesforceSandbox, { from: world.started, to: new Date() }),
    );
  let previous = snapshot();
  for (let round = 1; round <= maxRounds; round++) {
    let quiet = true;
    lastRound = [];
    for (const name of builtInFlows.names) {
      const result = await world.runtime.runFlowNow(name, { operatorRequested: true });
      runs[result.outcome] = (runs[result.outcome] ?? 0) + 1;
      lastRound.push(
        `${name} ${result.outcome} +${result.created}/~${result.updated}/!${result.failed} ${result.message ?? ''}`,
      );
      // A run whose only failures are refusals is partial; those wait for a change in the data (see below).
      if (!['succeeded', 'partial'].includes(result.outcome) || result.created > 0) quiet = false;
    }
    // Settled: a round that leaves both systems as it found them (a flow may rewrite a record with the same content,
    // as a report refreshed every run does; the stamps it writes are not data, see end-state.ts).
    const state = snapshot();
    if (state !== previous) quiet = false;
    previous = state;
    // Refusals (a permanent error: an order Sage refuses, a product without an item) wait for a change in the data,
    // not for time; they are compared between the worlds instead (`refusals`).
    const waiting = (await world.runtime.listFailures({ status: 'active', limit: 500 })).filter(
      (failure) => failure.errorKind !== 'permanent',
    );
    if (waiting.length > 0) {
      quiet = false;
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    if (quiet) return { rounds: round, runs };
  }
  const failures = await world.runtime.listFailures({ status: 'active', limit: 5 });
  throw new Error(
    `${world.name}: the flows did not settle in ${maxRounds} rounds; last round: ${lastRound.join('; ')}; waiting failures: ${JSON.stringify(failures)}`,
  );
}

/** The records refused for good (permanent errors), as `flow record code`, in order. */
async function refusals(world: World): Promise<string[]> {
  const failures = await world.runtime.listFailures({ status: 'active', limit: 500 });
  return failures
    .filter((failure) => failure.errorKind === 'permanent')
    .map((failure) => `${failure.flow} ${failure.recordKey} ${failure.errorCode}`)
    .sort();
}

/** Sage requests that wrote, by route. */
function sageWrites(world: World): Record<string, number> {
  return Object.fromEntries(
    Object.entries(world.systems.sageSandbox.counts()).filter(([route]) => !route.startsWith('GET ')),
  );
}

describe('every registered flow with faults on', () => {
  let reference: World;
  let faulty: World;

  beforeAll(async () => {
    reference = await startWorld('fault-free');
    faulty = await startWorld('faulty');
  });

  afterAll(async () => {
    await faulty?.close();
    await reference?.close();
  });

  it(
    'ends with both systems identical, record for record, to a fault-free run',
    async () => {
      const started = new Date();
      const expected: Settled[] = [await settle(reference)];
      editBothSides(reference);
      expected.push(await settle(reference));

      faultsOn(faulty);
      const first = await settle(faulty);
      const loginsBefore = faulty.systems.salesforceSandbox.counts().auth;
      faulty.systems.salesforceSandbox.expireTokens();
      editBothSides(faulty);
      const second = await settle(faulty);
      const sageCounts = faulty.systems.sageSandbox.counts();
      const sageFired = faulty.systems.sageSandbox.faultsFired();
      const salesforceFired = faulty.systems.salesforceSandbox.faultsFired();
      const salesforceCounts = faulty.systems.salesforceSandbox.counts();
      const fired: Record<string, number> = {
        ...Object.fromEntries(sageKinds.map((kind) => [`Sage ${kind}`, sageFired[kind] ?? 0])),
        ...Object.fromEntries(salesforceKinds.map((kind) => [`Salesforce ${kind}`, salesforceFired[kind]])),
        'Salesforce logins after the sessions expired': salesforceCounts.auth - loginsBefore,
      };
      faultsOff(faulty);
      const final = await settle(faulty);
      const window = { from: started, to: new Date() };

      const want: EndState = endState(reference.systems.sageSandbox, reference.systems.salesforceSandbox, window);
      const have: EndState = endState(faulty.systems.sageSandbox, faulty.systems.salesforceSandbox, window);
      const diff = differences(want, have);
      const refused = { want: await refusals(reference), have: await refusals(faulty) };
      const faultRuns = [first, second].reduce<Record<string, number>>((all, settled) => {
        for (const [outcome, count] of Object.entries(settled.runs)) all[outcome] = (all[outcome] ?? 0) + count;
        return all;
      }, {});
      report('faults on, every registered flow', [
        `faults injected, by kind: ${Object.entries(fired)
          .map(([kind, count]) => `${kind} ${count}`)
          .join(', ')}`,
        `seed ${seed}; flows ${builtInFlows.names.join(', ')}; ${customers} customers; a first sync, then changes on both sides`,
        'Sage: 5 % 503, 2 % 429 (Retry-After 1 s on reads, none on writes), 1 % never answered, 1 % of writes committed without an answer',
        'Salesforce: 3 % of record writes UNABLE_TO_LOCK_ROW, 1 % of requests 503, every session expired once',
        `Sage requests with faults: ${Object.values(sageCounts).reduce((sum, count) => sum + count, 0)}; Salesforce API requests: ${salesforceCounts.total}`,
        `fault-free: settled in ${expected.map((settled) => settled.rounds).join(' + ')} rounds; with faults: ${first.rounds} + ${second.rounds} rounds, runs ${JSON.stringify(faultRuns)}; a final fault-free round changed nothing: ${final.rounds === 1}`,
        `Sage writes, fault-free ${JSON.stringify(sageWrites(reference))}, with faults ${JSON.stringify(sageWrites(faulty))}`,
        `compared: ${sizes(want)}; records refused for good in both: ${refused.want.length}`,
        diff.length === 0 ? 'end states identical record for record' : `DIFFERENCES:\n${diff.join('\n')}`,
      ]);
      // Every kind of fault struck at least once.
      expect(Object.entries(fired).filter(([, count]) => count < 1)).toEqual([]);
      expect(diff).toEqual([]);
      expect(refused.have).toEqual(refused.want);
      expect(final.rounds).toBe(1);
    },
    proofTimeout(600_000),
  );
});

/**
 * The order push under the same faults, with the button pressed again and again on two replicas at once: every Sage
 * POST of an order may be committed without an answer (the first surely is), and the replicas share one PostgreSQL
 * ledger. Each opportunity ends with at most one Sage order, and every push that answered names that one order.
 */
describe('button pushes racing on two replicas with faults on (PostgreSQL)', () => {
  let systems: TestSystems;
  let database: TestDatabase;
  const stores: Store[] = [];
  const closers: (() => void)[] = [];
  const replicas: OrderPushService[] = [];

  beforeAll(async () => {
    systems = await startTestSystems({ sage: { faultSeed: seed, hangMs: 600 } });
    database = postgresDatabase('faults order pushes');
    const config: Config = loadConfig({
      ...systems.env,
      SAGE300_TIMEOUT_MS: '1500',
      ORDER_VERIFY_DELAY_MS: '100',
      ORDER_CLAIM_SECONDS: '3',
    });
    for (let replica = 0; replica < 2; replica++) {
      const store = await openStore(database.url);
      stores.push(store);
      const sage = createSage300Client(config.sage300 as NonNullable<Config['sage300']>);
      closers.push(() => sage.close());
      replicas.push(
        createOrderServices({
          config,
          store,
          sage,
          salesforce: systems.salesforce,
          metadata: customMetadataFor(config, systems.salesforce, silentLogger),
          owner: `replica-${replica}`,
          logger: silentLogger,
        }).orders,
      );
    }
  });

  afterAll(async () => {
    for (const close of closers) close();
    for (const store of stores) await store.close();
    await database?.drop();
    await systems?.close();
  });

  it(
    'creates at most one Sage order per opportunity, and every answer names it',
    async () => {
      const { sageSandbox, salesforceSandbox } = systems;
      const opportunities = Object.values(SEED_OPPORTUNITIES).flatMap((name) => {
        const found = salesforceSandbox.findOne(
          'Opportunity',
          (row) => row.Name === name && row.StageName === 'Closed Won',
        );
        return found ? [String(found.Id)] : [];
      });
      sageSandbox.setFaults('*', { status503: 0.05, retryAfterSeconds: 1 });
      sageSandbox.setFaults('POST OE/OEOrders', {
        commitThenTimeout: 0.3,
        status429: 0.05,
        strikes: [{ at: 1, fault: 'commitThenTimeout' }],
      });
      salesforceSandbox.setFaults({ serviceUnavailable: 0.02, seed });

      // Six presses per opportunity at once, alternating replicas; then, faults off, one more each (as a rep would
      // after "push again in a minute").
      const presses = opportunities.flatMap((id) => Array.from({ length: 6 }, () => id));
      const racing = await Promise.allSettled(
        presses.map((id, index) => (replicas[index % replicas.length] as OrderPushService).push(id)),
      );
      const fired = sageSandbox.faultsFired();
      sageSandbox.clearFaults();
      salesforceSandbox.clearFaults();
      const after = await Promise.allSettled(opportunities.map((id) => (replicas[0] as OrderPushService).push(id)));

      const answered = new Map<string, Set<string>>();
      [
        ...racing.map((outcome, index) => [presses[index], outcome] as const),
        ...after.map((o, i) => [opportunities[i], o] as const),
      ].forEach(([id, outcome]) => {
        if (outcome.status !== 'fulfilled' || !id) return;
        answered.set(id, (answered.get(id) ?? new Set()).add(outcome.value.result.orderNumber));
      });
      const ordersOf = (id: string) =>
        sageSandbox.state.orders
          .all()
          .filter((order) => order.OrderReference === id)
          .map((order) => String(order.OrderNumber));
      report('faults on, button pushes racing on two replicas', [
        `${presses.length} presses of ${opportunities.length} Closed Won opportunities at once on two replicas, then one more each`,
        `faults injected: Sage ${JSON.stringify(fired)}`,
        `opportunities with an order: ${opportunities.filter((id) => ordersOf(id).length > 0).length}; Sage orders per opportunity: ${opportunities.map((id) => ordersOf(id).length).join(', ')}`,
      ]);
      expect(fired.commitThenTimeout ?? 0).toBeGreaterThan(0);
      for (const id of opportunities) {
        // At most one order, and it is the one every answer named (none when no push answered: a refusal).
        expect([id, ordersOf(id)]).toEqual([id, [...(answered.get(id) ?? [])]]);
      }
      expect(answered.size).toBeGreaterThan(0);
    },
    proofTimeout(120_000),
  );
});
