/**
 * Crashes: the middleware process running a flow is killed with SIGKILL at seeded random points — five times during a
 * first sync of the invoices flow (posted documents → `Sage_Invoice__c`), and during a contact ping-pong cycle (edits
 * on both sides, then the contacts flow) — and started again each time, as an operator or a supervisor would. After
 * the restarts, both systems hold exactly what a crash-free run of the same company and the same edits produces,
 * record for record; no record is in either system twice; the committed runs wrote each document once; at most one
 * page per kill was sent again; the next cycle writes nothing; and no lease is left held.
 *
 * Bounded in `npm test` (2,000 documents, two kills in the contacts cycle); `npm run soak` runs 20,000 documents and
 * five kills in each (PROOF_CRASH_DOCUMENTS, PROOF_CONTACT_KILLS). `PROOF_SEED` reproduces a run's kill points.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../sandbox/random.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../store/test-databases.js';
import { runCli, startChild, waitFor } from '../sync/child.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../sync/systems.js';
import { differences, endState, sizes, type EndState } from './end-state.js';
import { proofSeed, proofSize, proofTimeout, report } from './report.js';

const seed = proofSeed(17_2);
const documents = proofSize('PROOF_CRASH_DOCUMENTS', 2_000);
const invoiceKills = 5;
const contactKills = proofSize('PROOF_CONTACT_KILLS', 2);
const customers = Math.max(100, Math.round(documents / 20));
/** Contacts edited on each side before the ping-pong cycle. */
const edits = Math.round(customers / 4);
const businessDate = new Date('2026-03-16T10:00:00Z');
const [, makeSqlite] = engines[0] as (typeof engines)[number];
/** Records per page of the killed runs: small enough that every kill lands between commits of one run. */
const PAGE_SIZE = { invoices: 100, contacts: 20 };
const COLLECTION_SIZE = 200;

interface World {
  started: Date;
  systems: TestSystems;
  database: TestDatabase;
  store: Store;
  runtime: SyncRuntime;
  env: (flow: keyof typeof PAGE_SIZE) => Record<string, string>;
  close(): Promise<void>;
}

async function startWorld(name: string): Promise<World> {
  const started = new Date();
  const systems = await startTestSystems({
    sage: { now: businessDate, pageSize: 500, seed: { customers, postedDocuments: documents, randomSeed: seed } },
  });
  const database = makeSqlite(`crash ${name}`);
  const store = await openStore(database.url);
  const settings = { SYNC_LEASE_SECONDS: '2', SYNC_FAILURE_RETRY_SECONDS: '1' };
  const runtime = await startTestRuntime(systems, store, { env: settings });
  return {
    started,
    systems,
    database,
    store,
    runtime,
    env: (flow) => ({
      ...systems.env,
      ...settings,
      DATABASE_URL: database.url,
      SYNC_PAGE_SIZE: String(PAGE_SIZE[flow]),
    }),
    async close() {
      await runtime.stop();
      await store.close();
      await database.drop();
      await systems.close();
    },
  };
}

/** The same edits in each world: contacts changed in Salesforce, and other customers' contacts changed in Sage. */
function editBothSides(world: World): void {
  const { sageSandbox, salesforceSandbox } = world.systems;
  const primary = salesforceSandbox
    .records('Contact')
    .filter((contact) => typeof contact.Sage_Contact_Key__c === 'string' && !contact.Sage_Contact_Key__c.includes('|'))
    .sort((a, b) => String(a.Sage_Contact_Key__c).localeCompare(String(b.Sage_Contact_Key__c)));
  for (const contact of primary.filter((_, index) => index % 2 === 0).slice(0, edits)) {
    salesforceSandbox.update('Contact', String(contact.Id), {
      Phone: `(555) 200-${String(contact.Sage_Contact_Key__c).slice(-4)}`,
    });
  }
  for (const contact of primary.filter((_, index) => index % 2 === 1).slice(0, edits)) {
    const customer = sageSandbox.state.customers.get([String(contact.Sage_Contact_Key__c)]) as Record<string, unknown>;
    customer.ContactsEmail = `moved.${String(customer.CustomerNumber).toLowerCase()}@example.com`;
    sageSandbox.state.touch(customer);
  }
  sageSandbox.state.customers.changed();
}

const snapshot = (world: World): EndState =>
  endState(world.systems.sageSandbox, world.systems.salesforceSandbox, { from: world.started, to: new Date() });

/** Keys that more than one record carries, per object: none may exist after any number of crashes. */
function duplicates(world: World): string[] {
  const found: string[] = [];
  const keyed: [string, string][] = [
    ['Account', 'Sage_Customer_Number__c'],
    ['Contact', 'Sage_Contact_Key__c'],
    ['Sage_Invoice__c', 'Sage_Document_Key__c'],
  ];
  for (const [type, field] of keyed) {
    const seen = new Map<string, number>();
    for (const record of world.systems.salesforceSandbox.records(type)) {
      const key = record[field];
      if (typeof key === 'string') seen.set(key.toUpperCase(), (seen.get(key.toUpperCase()) ?? 0) + 1);
    }
    for (const [key, count] of seen) if (count > 1) found.push(`Salesforce ${type} ${key} ×${count}`);
  }
  const numbers = world.systems.sageSandbox.state.customers.all().map((row) => String(row.CustomerNumber));
  if (new Set(numbers).size !== numbers.length) found.push('Sage customers: a customer number twice');
  return found;
}

interface Kill {
  flow: string;
  /** Records the flow's runs had committed when the kill was due, and the extra delay before it. */
  afterRecords: number;
  delayMs: number;
  committedAtKill: number;
}

/** Records read by the flow's runs since `sinceRunId` (committed page by page with the checkpoint). */
async function committed(store: Store, flow: string, sinceRunId: number) {
  const runs = (await store.runs.list({ flow, limit: 100 })).filter((run) => run.id > sinceRunId);
  return {
    runs,
    read: runs.reduce((sum, run) => sum + run.read, 0),
    written: runs.reduce((sum, run) => sum + run.created + run.updated, 0),
  };
}

async function lastRunId(store: Store, flow: string): Promise<number> {
  return (await store.runs.list({ flow, limit: 1 }))[0]?.id ?? 0;
}

/**
 * Runs the flow in a child process and kills it with SIGKILL once its runs have committed each given number of records
 * (plus a random delay, so a kill also lands mid-page), restarting it after each kill once the dead process's lease
 * has run out; then lets a last process finish the run.
 */
async function runWithKills(
  world: World,
  flow: keyof typeof PAGE_SIZE,
  points: readonly number[],
  delays: readonly number[],
  sinceRunId: number,
): Promise<Kill[]> {
  const kills: Kill[] = [];
  for (const [index, point] of points.entries()) {
    // Each process commits at least one record of its own before it is killed (a point the last kill passed moves up).
    const due = Math.max(point, (await committed(world.store, flow, sinceRunId)).read + 1);
    const child = startChild('middleware/src/cli/main.ts', ['run', flow], world.env(flow));
    let ended = false;
    void child.exited.then(() => (ended = true));
    await waitFor(
      async () => ended || (await committed(world.store, flow, sinceRunId)).read >= due,
      `${flow} to commit ${due} records`,
      proofTimeout(120_000),
    );
    if (!ended) await sleep(delays[index] ?? 0);
    if (ended)
      throw new Error(`${flow} finished before kill ${index + 1} (due after ${due} records)\n${child.stderr()}`);
    child.process.kill('SIGKILL');
    expect(await child.exited).toBe('SIGKILL');
    kills.push({
      flow,
      afterRecords: due,
      delayMs: delays[index] ?? 0,
      committedAtKill: (await committed(world.store, flow, sinceRunId)).read,
    });
    await waitFor(
      async () => {
        const lease = await world.store.leases.get(`flow:${flow}`);
        return !lease?.expiresAt || lease.expiresAt < new Date();
      },
      `the killed ${flow} process's lease to expire`,
      proofTimeout(30_000),
    );
  }
  const last = await runCli(['run', flow], world.env(flow));
  expect(last.stderr).not.toMatch(/\n\s+at /);
  expect({ code: last.code, stdout: last.stdout }).toEqual({
    code: 0,
    stdout: expect.stringMatching(new RegExp(`^${flow}: succeeded`)),
  });
  return kills;
}

/**
 * Sorted kill points: `count` distinct record counts spread at random over (5 %, 60 %) of `total`, so that the pages
 * still to come outlast the kill's delay even on a quiet machine (a kill after the last commit would not test a crash).
 */
function killPoints(random: () => number, count: number, total: number): { points: number[]; delays: number[] } {
  const points = new Set<number>();
  while (points.size < count) points.add(Math.max(1, Math.floor(total * (0.05 + random() * 0.55))));
  return {
    points: [...points].sort((a, b) => a - b),
    delays: Array.from({ length: count }, () => Math.floor(random() * 150)),
  };
}

const writesOf = (world: World) => {
  const sage = world.systems.sageSandbox.counts();
  const salesforce = world.systems.salesforceSandbox.counts();
  return {
    sage: Object.entries(sage)
      .filter(([route]) => /^(PATCH|PUT|POST|DELETE) /.test(route))
      .reduce((sum, [, count]) => sum + count, 0),
    salesforce: salesforce.collectionWrite + salesforce.singleWrite + salesforce.bulkJob,
  };
};

describe('crashes: SIGKILL of the middleware process during a first sync and a contact ping-pong cycle', () => {
  let reference: World;
  let crashed: World;
  let expected: EndState;
  let expectedContactRead = 0;
  /** What the crash-free first sync read and wrote. */
  let firstSync = { read: 0, written: 0 };
  const lines: string[] = [];
  const random = seededRandom(seed);

  beforeAll(async () => {
    // The crash-free run: customers, the first sync of the documents, the contacts, then the ping-pong cycle.
    reference = await startWorld('reference');
    expect(await reference.runtime.runFlowNow('customers')).toMatchObject({ outcome: 'succeeded', failed: 0 });
    reference.systems.salesforceSandbox.resetCounts();
    const invoices = await reference.runtime.runFlowNow('invoices');
    expect(invoices).toMatchObject({ outcome: 'succeeded', failed: 0 });
    firstSync = { read: invoices.read, written: invoices.created + invoices.updated };
    expect(firstSync.written).toBeGreaterThan(documents * 0.9);
    expect(await reference.runtime.runFlowNow('contacts')).toMatchObject({ outcome: 'succeeded', failed: 0 });
    editBothSides(reference);
    const cycle = await reference.runtime.runFlowNow('contacts');
    expect(cycle).toMatchObject({ outcome: 'succeeded', failed: 0, updated: 2 * edits });
    expectedContactRead = cycle.read;
    expected = snapshot(reference);
  }, proofTimeout(240_000));

  afterAll(async () => {
    await crashed?.close();
    await reference?.close();
    report('crash', lines);
  });

  it(
    'ends as the crash-free run does after five kills during a first sync of the documents',
    async () => {
      crashed = await startWorld('crashed');
      expect(await crashed.runtime.runFlowNow('customers')).toMatchObject({ outcome: 'succeeded', failed: 0 });
      crashed.systems.salesforceSandbox.resetCounts();
      crashed.systems.salesforceSandbox.setFaults({ latencyMs: 40 });
      const since = await lastRunId(crashed.store, 'invoices');
      const { points, delays } = killPoints(random, invoiceKills, firstSync.read);
      const kills = await runWithKills(crashed, 'invoices', points, delays, since);
      crashed.systems.salesforceSandbox.clearFaults();
      lines.push(
        `seed ${seed}; ${documents} documents of ${customers} customers, pages of ${PAGE_SIZE.invoices}`,
        ...kills.map(
          (kill, index) =>
            `invoices kill ${index + 1}: due after ${kill.afterRecords} records + ${kill.delayMs} ms, ` +
            `${kill.committedAtKill} committed when killed`,
        ),
      );

      expect(kills).toHaveLength(invoiceKills);
      const runs = await committed(crashed.store, 'invoices', since);
      // Each committed page counted once: the runs together read and wrote every document exactly once.
      expect({ read: runs.read, written: runs.written }).toEqual(firstSync);
      expect(runs.runs.filter((run) => run.outcome === 'interrupted')).toHaveLength(invoiceKills);
      // A page sent but not committed when its process died is sent again: at most one per kill.
      const pages = Math.ceil(firstSync.written / PAGE_SIZE.invoices) * Math.ceil(PAGE_SIZE.invoices / COLLECTION_SIZE);
      const sent = crashed.systems.salesforceSandbox.counts().collectionWrite;
      expect(sent).toBeGreaterThanOrEqual(pages);
      expect(sent).toBeLessThanOrEqual(pages + invoiceKills);
      lines.push(
        `invoices: ${runs.runs.length} runs (${invoiceKills} interrupted), ${runs.read} records read and ` +
          `${runs.written} written in committed pages, ${sent} upsert requests for ${pages} pages (at most one resent per kill)`,
      );
    },
    proofTimeout(300_000),
  );

  it(
    'ends as the crash-free run does after kills during a contact ping-pong cycle, and the next cycle writes nothing',
    async () => {
      expect(await crashed.runtime.runFlowNow('contacts')).toMatchObject({ outcome: 'succeeded', failed: 0 });
      editBothSides(crashed);
      crashed.systems.salesforceSandbox.setFaults({ latencyMs: 40 });
      const since = await lastRunId(crashed.store, 'contacts');
      const { points, delays } = killPoints(random, contactKills, expectedContactRead);
      const kills = await runWithKills(crashed, 'contacts', points, delays, since);
      crashed.systems.salesforceSandbox.clearFaults();
      lines.push(
        ...kills.map(
          (kill, index) =>
            `contacts kill ${index + 1}: due after ${kill.afterRecords} of ${expectedContactRead} records + ` +
            `${kill.delayMs} ms, ${kill.committedAtKill} committed when killed`,
        ),
      );
      expect(kills).toHaveLength(contactKills);
      const runs = await committed(crashed.store, 'contacts', since);
      expect(runs.runs.filter((run) => run.outcome === 'interrupted')).toHaveLength(contactKills);

      const found = snapshot(crashed);
      const different = differences(expected, found);
      expect(different).toEqual([]);
      expect(duplicates(crashed)).toEqual([]);

      // Converged: one more cycle of both directions writes nothing on either side.
      crashed.systems.sageSandbox.resetCounts();
      crashed.systems.salesforceSandbox.resetCounts();
      expect(await crashed.runtime.runFlowNow('contacts')).toMatchObject({
        outcome: 'succeeded',
        created: 0,
        updated: 0,
        failed: 0,
      });
      expect(writesOf(crashed)).toEqual({ sage: 0, salesforce: 0 });

      // No lease is left held by a dead process (or by anyone, now that every run ended).
      const held = (await crashed.store.leases.list()).filter(
        (lease) => lease.owner !== null && lease.expiresAt !== null && lease.expiresAt > new Date(),
      );
      expect(held).toEqual([]);
      lines.push(
        `contacts: ${edits} edits in Salesforce and ${edits} in Sage, ${runs.runs.length} runs (${contactKills} interrupted); ` +
          'the next cycle wrote nothing',
        `end state identical to the crash-free run, record for record: ${sizes(found)}`,
        'no key twice in Account, Contact, Sage_Invoice__c or Sage customers; no lease held',
      );
    },
    proofTimeout(300_000),
  );
});
