// Notices over real channels: a signed webhook to an HTTP receiver in the test, an e-mail digest to a real SMTP server
// (smtp-server), retries, the failure queue, and the store-kept throttle of sync-health notices on both engines.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import {
  createNotifier,
  emailChannel,
  NOTICE_QUEUE,
  webhookChannel,
  webhookSignature,
  type OverdueInvoicesNotice,
} from '../../middleware/src/notify/index.js';
import { createHealthWatch } from '../../middleware/src/notify/health.js';
import type { NoticeChannel } from '../../middleware/src/notify/channel.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { engines, sqliteDatabase, type TestDatabase } from '../store/test-databases.js';

const SECRET = 'test-webhook-secret-0123456789';

interface Received {
  body: { text: string; blocks: unknown[]; notice: { id: string; kind: string } };
  signatureValid: boolean;
}

/** A Slack-like receiver that checks each request's signature and answers with the given statuses in turn. */
async function startReceiver(statuses: number[] = []): Promise<{
  url: string;
  requests: number;
  accepted: Received[];
  close(): Promise<void>;
}> {
  const state = { requests: 0, accepted: [] as Received[] };
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer((req, res) => {
    void read(req).then((raw) => {
      state.requests += 1;
      const status = statuses.shift() ?? 200;
      if (status === 200) {
        const timestamp = String(req.headers['x-timestamp'] ?? '');
        const expected = Buffer.from(webhookSignature(SECRET, timestamp, raw));
        const given = Buffer.from(String(req.headers['x-signature'] ?? ''));
        const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
        state.accepted.push({
          body: JSON.parse(raw) as Received['body'],
          signatureValid: fresh && expected.length === given.length && timingSafeEqual(expected, given),
        });
      }
      res.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/notices`,
    get requests() {
      return state.requests;
    },
    accepted: state.accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function overdueNotice(runId: number): OverdueInvoicesNotice {
  return {
    kind: 'overdue-invoices',
    flow: 'overdueInvoices',
    runId,
    asOf: new Date('2026-11-30T08:00:00Z'),
    invoices: [
      {
        customerNumber: '1105',
        customerName: 'Bayside Office Supply',
        ownerEmail: 'daniel.okafor@sandbox.example.com',
        documentNumber: 'IN000000000004',
        amount: 9850,
        balance: 9850,
        currency: 'USD',
        dueDate: '2026-09-16',
        daysOverdue: 75,
        bucket: 61,
      },
      {
        customerNumber: '1200',
        customerName: 'Black Rock Retail',
        ownerEmail: 'grace.kim@sandbox.example.com',
        documentNumber: 'IN000000000008',
        amount: 5000,
        balance: 3240,
        currency: 'USD',
        dueDate: '2026-10-11',
        daysOverdue: 50,
        bucket: 31,
      },
    ],
  };
}

const quickRetries = { policy: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_000 } };

describe('webhook and e-mail notices', () => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = sqliteDatabase('notices');
    store = await openStore(database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const notifierFor = (channels: NoticeChannel[]) =>
    createNotifier({
      channels,
      failures: store.failures,
      throttle: store.noticeThrottle,
      healthIntervalMs: 3_600_000,
      retry: quickRetries,
    });

  it('signs the webhook so the receiver can verify it, and sends one notice per run', async () => {
    const receiver = await startReceiver();
    try {
      const notifier = notifierFor([webhookChannel({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 })]);
      expect(await notifier.notify(overdueNotice(1))).toEqual({ sent: ['webhook'], queued: [] });
      expect(await notifier.notify(overdueNotice(2))).toEqual({ sent: ['webhook'], queued: [] });
      expect(receiver.requests).toBe(2);
      expect(receiver.accepted.map((notice) => notice.signatureValid)).toEqual([true, true]);
      const first = receiver.accepted[0]?.body;
      expect(first?.notice).toEqual({ id: 'overdueInvoices|1', kind: 'overdue-invoices' });
      expect(first?.text).toBe('2 invoices newly overdue, 13,090.00 USD outstanding (as of 2026-11-30)');
      expect(JSON.stringify(first?.blocks)).toContain('IN000000000004');
      expect(JSON.stringify(first?.blocks)).toContain('IN000000000008');
      // A receiver with another secret would refuse it.
      const raw = JSON.stringify(first);
      expect(webhookSignature('another-secret', '1', raw)).not.toBe(webhookSignature(SECRET, '1', raw));
    } finally {
      await receiver.close();
    }
  });

  it('sends nothing for a run that found no overdue invoice', async () => {
    const receiver = await startReceiver();
    try {
      const notifier = notifierFor([webhookChannel({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 })]);
      expect(await notifier.notify({ ...overdueNotice(3), invoices: [] })).toEqual({ sent: [], queued: [] });
      expect(receiver.requests).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it('retries a receiver that answers 500 twice, which then gets the notice once', async () => {
    const receiver = await startReceiver([500, 503, 200]);
    try {
      const notifier = notifierFor([webhookChannel({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 })]);
      expect(await notifier.notify(overdueNotice(4))).toEqual({ sent: ['webhook'], queued: [] });
      expect(receiver.requests).toBe(3);
      expect(receiver.accepted).toHaveLength(1);
      expect(receiver.accepted[0]?.signatureValid).toBe(true);
      expect(await store.failures.list({ flow: NOTICE_QUEUE })).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('leaves a notice that a receiver keeps refusing in the failure queue, and sends it once the receiver is back', async () => {
    const receiver = await startReceiver([500, 500, 500, 429, 429, 429]);
    try {
      const notifier = notifierFor([webhookChannel({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 })]);
      expect(await notifier.notify(overdueNotice(5))).toEqual({ sent: [], queued: ['webhook'] });
      expect(receiver.requests).toBe(3);
      const [queued] = await store.failures.list({ flow: NOTICE_QUEUE, status: 'open' });
      expect(queued?.recordKey).toBe('webhook|overdueInvoices|5');
      expect(queued?.errorCode).toBe('WEBHOOK_500');
      expect(queued?.errorKind).toBe('transient');
      expect(queued?.nextAttemptAt).not.toBeNull();
      expect((queued?.payload as { summary: string }).summary).toContain('2 invoices newly overdue');

      // Not yet due: nothing is re-sent.
      expect(await notifier.retryDue()).toBe(0);
      const later = createNotifier({
        channels: [webhookChannel({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 })],
        failures: store.failures,
        throttle: store.noticeThrottle,
        healthIntervalMs: 3_600_000,
        retry: quickRetries,
        now: () => new Date(Date.now() + 3_600_000),
      });
      // Still refused (429 three times): queued again, one attempt more.
      expect(await later.retryDue()).toBe(1);
      expect((await store.failures.get(queued?.id ?? 0))?.attempts).toBe(2);
      // The receiver is back.
      expect(await later.retryDue()).toBe(0);
      const laterStill = createNotifier({
        channels: [webhookChannel({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 })],
        failures: store.failures,
        throttle: store.noticeThrottle,
        healthIntervalMs: 3_600_000,
        retry: quickRetries,
        now: () => new Date(Date.now() + 4 * 3_600_000),
      });
      expect(await laterStill.retryDue()).toBe(1);
      expect((await store.failures.get(queued?.id ?? 0))?.status).toBe('resolved');
      expect(receiver.accepted).toHaveLength(1);
      expect(receiver.accepted[0]?.body.notice.id).toBe('overdueInvoices|5');
    } finally {
      await receiver.close();
    }
  });

  it('does not retry a receiver that refuses the notice with a 4xx other than 429', async () => {
    const receiver = await startReceiver([404]);
    try {
      const notifier = notifierFor([webhookChannel({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 })]);
      expect(await notifier.notify(overdueNotice(6))).toEqual({ sent: [], queued: ['webhook'] });
      expect(receiver.requests).toBe(1);
      const queued = (await store.failures.list({ flow: NOTICE_QUEUE })).find(
        (failure) => failure.recordKey === 'webhook|overdueInvoices|6',
      );
      expect(queued?.errorKind).toBe('permanent');
      expect(queued?.nextAttemptAt).toBeNull();
    } finally {
      await receiver.close();
    }
  });

  it('e-mails one digest per run through SMTP, listing the invoices and copying the account owners', async () => {
    const messages: ParsedMail[] = [];
    const envelopes: string[][] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        envelopes.push(session.envelope.rcptTo.map((to) => to.address));
        simpleParser(stream).then(
          (mail) => {
            messages.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    const email = emailChannel({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: 'connector@example.com',
      to: ['finance@example.com'],
      copyAccountOwners: true,
    });
    try {
      const notifier = notifierFor([email]);
      expect(await notifier.notify(overdueNotice(7))).toEqual({ sent: ['email'], queued: [] });
      expect(messages).toHaveLength(1);
      const [mail] = messages;
      expect(mail?.subject).toBe('Overdue invoices: 2 (as of 2026-11-30)');
      expect(mail?.from?.text).toBe('connector@example.com');
      expect(envelopes[0]?.sort()).toEqual([
        'daniel.okafor@sandbox.example.com',
        'finance@example.com',
        'grace.kim@sandbox.example.com',
      ]);
      expect(mail?.text).toContain(
        'Bayside Office Supply (1105) IN000000000004: balance 9,850.00 USD of 9,850.00 USD, due 2026-09-16, 75 days overdue',
      );
      expect(mail?.text).toContain(
        'Black Rock Retail (1200) IN000000000008: balance 3,240.00 USD of 5,000.00 USD, due 2026-10-11, 50 days overdue',
      );
      expect(mail?.headers.get('x-notice-id')).toBe('overdueInvoices|7');
    } finally {
      email.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});

describe.each(engines)('sync-health notices on %s', (_name, makeDatabase) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = makeDatabase('notice-health');
    store = await openStore(database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('reports a flow that failed three runs in a row, a parked record and a spent allowance, once per hour across replicas', async () => {
    for (let run = 0; run < 3; run++) {
      const id = await store.runs.start({ flow: 'customers', trigger: 'schedule', owner: 'a' });
      await store.runs.finish(id, 'failed', 'Sage 300 is unreachable');
    }
    await store.failures.record('customers', {
      recordKey: '1400',
      payload: null,
      kind: 'permanent',
      code: 'RecordInvalid',
      message: 'Customer 1400 has no terms',
      nextAttemptAt: null,
    });
    const receiver = await startReceiver();
    try {
      const replica = () =>
        createNotifier({
          channels: [webhookChannel({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 })],
          failures: store.failures,
          throttle: store.noticeThrottle,
          healthIntervalMs: 3_600_000,
          retry: quickRetries,
        });
      const watch = (notifier: ReturnType<typeof replica>) =>
        createHealthWatch({
          runs: store.runs,
          failures: store.failures,
          notifier,
          salesforceUsage: () => ({ used: 95_500, max: 100_000 }),
          thresholds: () => ({ failedRuns: 3, allowancePercent: 90 }),
          windowMs: 3_600_000,
        });
      // Two replicas finish a run at once, then one of them again: one digest.
      await Promise.all([watch(replica()).afterRun('customers'), watch(replica()).afterRun('customers')]);
      await watch(replica()).afterRun('customers');
      expect(receiver.accepted).toHaveLength(1);
      const text = receiver.accepted[0]?.body.text ?? '';
      expect(text).toContain('failed 3 runs in a row; last: Sage 300 is unreachable');
      expect(text).toContain('1 record(s) parked in the failure queue: 1400 (RecordInvalid)');
      expect(text).toContain('Salesforce daily API allowance 96 % used (95500 of 100000)');
      // Another flow has its own window.
      expect(await store.noticeThrottle.claim('health:invoices', 3_600_000)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('lets the next digest through once the window has passed', async () => {
    const clock = { now: Date.now() };
    const throttled = await openStore(database.url, { clock: () => new Date(clock.now) });
    try {
      expect(await throttled.noticeThrottle.claim('health:products', 3_600_000)).toBe(true);
      expect(await throttled.noticeThrottle.claim('health:products', 3_600_000)).toBe(false);
      clock.now += 3_600_000;
      expect(await throttled.noticeThrottle.claim('health:products', 3_600_000)).toBe(true);
    } finally {
      await throttled.close();
    }
  });
});
