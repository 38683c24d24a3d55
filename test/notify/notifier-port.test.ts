// The notifier reaches the flows that declare it as a port, through the same composition the middleware and the CLI use.
import { loadConfig } from '../../middleware/src/config/env.js';
import { startSync } from '../../middleware/src/composition.js';
import { notificationsOff, type Notice, type Notifier } from '../../middleware/src/notify/notifier.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { flowRegistry, defineFlow } from '../../middleware/src/sync/registry.js';
import type { Sage300Client } from '../../middleware/src/sage300/client.js';
import { silentLogger } from '../sync/systems.js';
import { sqliteDatabase, type TestDatabase } from '../store/test-databases.js';

describe('the notifier port', () => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = sqliteDatabase('notifier-port');
    store = await openStore(database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  async function notifierSeenBy(notifier: Notifier | undefined): Promise<Notifier | undefined> {
    let seen: Notifier | undefined;
    const registry = flowRegistry([
      defineFlow({
        name: 'announcer',
        defaultSchedule: '0 0 * * *',
        ports: ['notifier'],
        build: (ports) => {
          seen = ports.notifier;
          return { name: 'announcer' } as never;
        },
      }),
    ]);
    const runtime = await startSync({
      config: loadConfig({}),
      store,
      systems: {
        sage: {} as Sage300Client,
        salesforce: {
          upsert: async () => [],
          create: async () => [],
          update: async () => [],
          queryAll: async () => Promise.reject(new Error('offline')),
        },
      },
      logger: silentLogger,
      schedule: false,
      registry,
      ...(notifier ? { notifier } : {}),
    });
    await runtime.stop();
    return seen;
  }

  it('hands a flow that declares it the notifier the process was given', async () => {
    const sent: Notice[] = [];
    const recording: Notifier = {
      channels: ['test'],
      notify: async (notice) => {
        sent.push(notice);
        return { sent: ['test'], queued: [] };
      },
    };
    expect(await notifierSeenBy(recording)).toBe(recording);
  });

  it('turns notices off when none is given', async () => {
    const seen = await notifierSeenBy(undefined);
    expect(seen).toBe(notificationsOff);
    expect(seen?.channels).toEqual([]);
    await expect(
      notificationsOff.notify({ kind: 'overdue-invoices', flow: 'x', asOf: new Date(), invoices: [] }),
    ).resolves.toEqual({ sent: [], queued: [] });
  });
});
