// With no channel configured, an embedded start (`npm start`) sends notices to the Sage sandbox's local sink, which
// `GET /_sandbox/notices` lists, and the start-up text says where; a configured process without sandboxes sends none.
import { pino } from 'pino';
import { notifierFor } from '../../middleware/src/composition.js';
import { loadConfig } from '../../middleware/src/config/env.js';
import type { EmbeddedSystems } from '../../middleware/src/embedded.js';
import { gettingStartedLines } from '../../middleware/src/getting-started.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { startSage300Sandbox, type Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { sqliteDatabase, type TestDatabase } from '../store/test-databases.js';

describe('the embedded notice sink', () => {
  let sandbox: Sage300Sandbox;
  let database: TestDatabase;
  let store: Store;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    sandbox = await startSage300Sandbox({ port: 0 });
    database = sqliteDatabase('embedded-sink');
    store = await openStore(database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
    await sandbox.close();
  });

  it('lists at GET /_sandbox/notices the notices an unconfigured embedded start would have sent', async () => {
    const embedded = { sage300: { sandbox }, close: async () => undefined } as unknown as EmbeddedSystems;
    const notifier = notifierFor(loadConfig({}), store, logger, embedded);
    expect(notifier?.channels).toEqual(['sink']);
    const outcome = await notifier?.notify({
      kind: 'sync-health',
      flow: 'customers',
      asOf: new Date(),
      problems: [{ kind: 'failed-runs', runs: 3, lastMessage: 'Sage 300 is unreachable' }],
    });
    expect(outcome).toEqual({ sent: ['sink'], queued: [] });
    const listed = (await (await fetch(`${sandbox.origin}/_sandbox/notices`)).json()) as {
      notices: { signature: string | null; timestamp: string | null; body: { text: string } }[];
    };
    expect(listed.notices).toHaveLength(1);
    expect(listed.notices[0]?.body.text).toBe(
      'Sync health: the customers flow needs attention (failed 3 runs in a row; last: Sage 300 is unreachable)',
    );
    expect(listed.notices[0]?.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await fetch(`${sandbox.origin}/_sandbox/notices`, { method: 'DELETE' })).toHaveProperty('status', 204);
  });

  it('sends nothing from a process with no channel and no sandbox', () => {
    expect(notifierFor(loadConfig({}), store, logger, undefined)).toBeUndefined();
  });

  it('prefers a configured channel to the sink', () => {
    const embedded = { sage300: { sandbox }, close: async () => undefined } as unknown as EmbeddedSystems;
    const config = loadConfig({ NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/x', NOTIFY_WEBHOOK_SECRET: 's3cret' });
    expect(notifierFor(config, store, logger, embedded)?.channels).toEqual(['webhook']);
  });

  it('names the sink in the start-up text', () => {
    const lines = gettingStartedLines({
      url: 'http://127.0.0.1:3000',
      apiKey: 'k',
      noticeSink: `${sandbox.origin}/_sandbox/notices`,
    });
    expect(lines).toContain(
      `  3. See the notices (overdue invoices, sync health) that would go to Slack or e-mail: curl ${sandbox.origin}/_sandbox/notices`,
    );
  });

  it('refuses half-configured channels, naming what is missing', () => {
    expect(() => loadConfig({ NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/x' })).toThrow(
      'NOTIFY_WEBHOOK_SECRET is not set: webhook notices are signed with it',
    );
    expect(() => loadConfig({ NOTIFY_EMAIL_TO: 'finance@example.com' })).toThrow(
      'SMTP_URL is not set: NOTIFY_EMAIL_TO is set',
    );
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.com', NOTIFY_EMAIL_FROM: 'c@example.com' })).toThrow(
      "NOTIFY_EMAIL_TO is not set: e-mail notices need finance's address",
    );
  });
});
