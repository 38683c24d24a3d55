// The overdueInvoices flow over both sandboxes and a real store: open Sage invoices past due → one Task per invoice
// and overdue bucket for the account owner, and one notice per run on a configured webhook. The store's clock (what
// flows take as now) is moved forward to let invoices cross buckets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultSettings } from '../../../middleware/src/domain/settings.js';
import { overdueBucket } from '../../../middleware/src/domain/overdue-invoices.js';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { accountsByCustomerNumber, startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

type Row = Record<string, unknown>;

const DAY_MS = 86_400_000;
const buckets = defaultSettings.overdueBuckets;
const cashTypes = ['Receipt', 'Prepayment', 'UnappliedCash', 'Refund'];

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** The Task keys (`CUSTOMER|DOCUMENT|BUCKET`) the Sage sandbox's open invoices of linked customers call for today. */
function expectedKeys(systems: TestSystems, today: Date): string[] {
  const linked = accountsByCustomerNumber(systems.salesforceSandbox);
  const keys: string[] = [];
  for (const document of systems.sageSandbox.state.postedDocuments.all()) {
    const dueDate = typeof document.DueDate === 'string' ? document.DueDate.slice(0, 10) : null;
    if (!dueDate || document.FullyPaid !== 'No' || !(Number(document.CustomerCurrencyAmountDue) > 0)) continue;
    if (cashTypes.includes(String(document.DocumentType))) continue;
    const days = Math.round((Date.parse(`${dayOf(today)}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / DAY_MS);
    const bucket = overdueBucket(days, buckets);
    const customerNumber = String(document.CustomerNumber);
    if (bucket === null || !linked.has(customerNumber)) continue;
    keys.push(`${customerNumber}|${String(document.DocumentNumber)}|${bucket}`);
  }
  return keys.sort();
}

/** The overdue-invoice Tasks in the Salesforce sandbox (their key ends in a bucket). */
function overdueTasks(systems: TestSystems): Row[] {
  return systems.salesforceSandbox
    .records('Task')
    .filter((task) => /^[^|]+\|[^|]+\|\d+$/.test(String(task.Sage_Alert_Key__c)));
}

const taskKeys = (systems: TestSystems) =>
  overdueTasks(systems)
    .map((task) => String(task.Sage_Alert_Key__c))
    .sort();

/** Posts an A/R invoice of that date through the Sage sandbox's control endpoint; answers its number and due date. */
async function pastInvoice(systems: TestSystems, customerNumber: string, amount: number, documentDate: Date) {
  const response = await fetch(`${systems.sageSandbox.origin}/_sandbox/invoices`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ customerNumber, amount, documentDate: dayOf(documentDate) }),
  });
  expect(response.status).toBe(201);
  const document = ((await response.json()) as Row).document as Row;
  return { documentNumber: String(document.DocumentNumber), dueDate: String(document.DueDate).slice(0, 10) };
}

/** An HTTP receiver for webhook notices: counts requests and keeps their bodies. */
async function startReceiver(): Promise<{ url: string; bodies: Row[]; close(): Promise<void> }> {
  const bodies: Row[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Row);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/notices`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(engines)('the overdueInvoices flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;
  let now = new Date();

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('overdue invoices flow');
    store = await openStore(database.url, { clock: () => now });
    runtime = await startTestRuntime(systems, store);
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  const run = async (on: SyncRuntime = runtime) => {
    const result = await on.runFlowNow('overdueInvoices');
    expect(result).toMatchObject({ outcome: 'succeeded' });
    return result;
  };

  let recent: { documentNumber: string; dueDate: string };
  let old: { documentNumber: string; dueDate: string };

  it('writes one Task per open overdue invoice and bucket however often it runs, the highest bucket only', async () => {
    // 1200: one invoice a few days past due, one long past due (it crossed three buckets before it was first seen).
    recent = await pastInvoice(systems, '1200', 1_250, new Date(now.getTime() - 40 * DAY_MS));
    old = await pastInvoice(systems, '1200', 800, new Date(now.getTime() - 100 * DAY_MS));
    const expected = expectedKeys(systems, now);
    const recentDays = Math.round((Date.parse(dayOf(now)) - Date.parse(recent.dueDate)) / DAY_MS);
    expect(recentDays).toBeGreaterThanOrEqual(1);
    expect(recentDays).toBeLessThan(31);
    expect(expected).toContain(`1200|${recent.documentNumber}|1`);
    expect(expected).toContain(`1200|${old.documentNumber}|61`);

    const first = await run();
    expect(first.created).toBe(expected.length);
    expect(taskKeys(systems)).toEqual(expected);
    for (const result of [await run(), await run()]) {
      expect(result.created).toBe(0);
    }
    expect(taskKeys(systems)).toEqual(expected);
    expect(taskKeys(systems).filter((key) => key.startsWith(`1200|${old.documentNumber}|`))).toEqual([
      `1200|${old.documentNumber}|61`,
    ]);

    const account = accountsByCustomerNumber(systems.salesforceSandbox).get('1200');
    const task = overdueTasks(systems).find((row) => row.Sage_Alert_Key__c === `1200|${recent.documentNumber}|1`);
    expect(task).toMatchObject({
      WhatId: account?.Id,
      OwnerId: account?.OwnerId,
      Status: 'Not Started',
      Priority: 'Normal',
      ActivityDate: dayOf(now),
    });
    expect(String(task?.Subject)).toContain(`Overdue invoice ${recent.documentNumber}:`);
    expect(String(task?.Subject)).toContain(`(${recentDays} ${recentDays === 1 ? 'day' : 'days'} overdue)`);
  });

  it('adds exactly one Task per invoice that crosses into the next bucket when the clock moves on', async () => {
    const before = new Set(taskKeys(systems));
    now = new Date(now.getTime() + 31 * DAY_MS);
    const expected = expectedKeys(systems, now);
    const added = expected.filter((key) => !before.has(key));
    expect(added).toContain(`1200|${recent.documentNumber}|31`);
    expect(added).toContain(`1200|${old.documentNumber}|91`);

    const result = await run();
    expect(result.created).toBe(added.length);
    const after = taskKeys(systems);
    expect(after).toHaveLength(before.size + added.length);
    const newKeys = after.filter((key) => !before.has(key));
    expect(newKeys).toEqual(added);
    // One new Task per invoice, however many invoices crossed.
    const invoices = newKeys.map((key) => key.slice(0, key.lastIndexOf('|')));
    expect(new Set(invoices).size).toBe(newKeys.length);
    expect(
      overdueTasks(systems).find((row) => row.Sage_Alert_Key__c === `1200|${old.documentNumber}|91`),
    ).toMatchObject({ Priority: 'High' });
    expect((await run()).created).toBe(0);
  });

  it('sends one notice per run that tasked invoices to a configured webhook, and none when it tasked none', async () => {
    const receiver = await startReceiver();
    const notifying = await startTestRuntime(systems, store, {
      env: { NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_WEBHOOK_SECRET: 'test-webhook-secret-0123456789' },
    });
    try {
      const before = new Set(taskKeys(systems));
      now = new Date(now.getTime() + 31 * DAY_MS);
      const added = expectedKeys(systems, now).filter((key) => !before.has(key));
      expect(added.length).toBeGreaterThan(0);
      const result = await run(notifying);
      expect(result.created).toBe(added.length);
      expect(receiver.bodies).toHaveLength(1);
      const count = added.length;
      expect(String(receiver.bodies[0]?.text)).toMatch(
        new RegExp(`^${count} invoice${count === 1 ? '' : 's'} newly overdue`),
      );

      expect((await run(notifying)).created).toBe(0);
      expect(receiver.bodies).toHaveLength(1);
    } finally {
      await notifying.stop();
      await receiver.close();
    }
  });
});
