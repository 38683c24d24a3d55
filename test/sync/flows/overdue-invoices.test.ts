// The overdueInvoices flow over both sandboxes and a real store: open Sage invoices past due → one Task per invoice
// and overdue bucket for the account owner, and one notice per run on a configured webhook. The store's clock (what
// flows take as now) is moved forward to let invoices cross buckets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { defaultSettings } from '../../../middleware/src/domain/settings.js';
import { overdueBucket } from '../../../middleware/src/domain/overdue-invoices.js';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { raceOnBothReplicas, startRacingReplicas, type RacingReplicas } from '../racing-replicas.js';
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

/** A real SMTP server on a free port: keeps each message with its envelope's recipients. */
async function startSmtp(): Promise<{
  url: string;
  messages: { recipients: string[]; mail: ParsedMail }[];
  close(): Promise<void>;
}> {
  const messages: { recipients: string[]; mail: ParsedMail }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const recipients = session.envelope.rcptTo.map((to) => to.address).sort();
      simpleParser(stream).then(
        (mail) => {
          messages.push({ recipients, mail });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
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
  it('e-mails one digest per run to finance, copying the account owners (their e-mail in Salesforce) only when asked', async () => {
    const smtp = await startSmtp();
    const email = {
      SMTP_URL: smtp.url,
      NOTIFY_EMAIL_FROM: 'connector@example.com',
      NOTIFY_EMAIL_TO: 'finance@example.com',
    };
    const ownerEmail = (customerNumber: string) => {
      const account = accountsByCustomerNumber(systems.salesforceSandbox).get(customerNumber);
      const owner = systems.salesforceSandbox.findOne('User', (user) => user.Id === account?.OwnerId);
      return String(owner?.Email);
    };
    // Invoices dated 40 days before the store's today: past due (30 days' terms), new to the flow.
    const dated = new Date(now.getTime() - 40 * DAY_MS);
    const plain = await startTestRuntime(systems, store, { env: email });
    const copying = await startTestRuntime(systems, store, { env: { ...email, NOTIFY_EMAIL_ACCOUNT_OWNERS: 'true' } });
    try {
      const first = await pastInvoice(systems, '1105', 1234.5, dated);
      expect((await run(plain)).created).toBe(1);
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]?.recipients).toEqual(['finance@example.com']);
      expect(smtp.messages[0]?.mail.text).toContain(`1105 ${first.documentNumber}: balance 1,234.50`);

      const second = await pastInvoice(systems, '1200', 2345.5, dated);
      const third = await pastInvoice(systems, '1105', 345.5, dated);
      expect((await run(copying)).created).toBe(2);
      expect(smtp.messages).toHaveLength(2);
      const owners = [ownerEmail('1200'), ownerEmail('1105')];
      expect(owners.every((address) => address.includes('@'))).toBe(true);
      expect(smtp.messages[1]?.recipients).toEqual([...new Set(['finance@example.com', ...owners])].sort());
      expect(smtp.messages[1]?.mail.cc).toBeDefined();
      expect(smtp.messages[1]?.mail.text).toContain(`1200 ${second.documentNumber}: balance 2,345.50`);
      expect(smtp.messages[1]?.mail.text).toContain(`1105 ${third.documentNumber}: balance 345.50`);

      // Nothing new: no digest.
      expect((await run(copying)).created).toBe(0);
      expect(smtp.messages).toHaveLength(2);
    } finally {
      await plain.stop();
      await copying.stop();
      await smtp.close();
    }
  });
});

describe('overdueInvoices runs racing on two replicas (PostgreSQL)', () => {
  let racing: RacingReplicas;

  beforeAll(async () => {
    racing = await startRacingReplicas('overdue invoices race');
  });

  afterAll(async () => {
    await racing.close();
  });

  it('writes one Task per invoice and bucket when two replicas run the flow at once', async () => {
    const { systems } = racing;
    await raceOnBothReplicas(racing, 'overdueInvoices', 2, () => {
      const keys = taskKeys(systems);
      expect(keys).toEqual(expectedKeys(systems, new Date()));
      expect(new Set(keys).size).toBe(keys.length);
    });
    expect(taskKeys(systems).length).toBeGreaterThan(0);
  });
});
