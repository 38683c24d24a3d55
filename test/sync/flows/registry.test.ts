// A flow is one file plus one registry line: a test-only Salesforce → ledger flow (account-ledger.ts) added to the
// built-in registry runs on the engine, shows in `sage-sf status`, and a cursor it cannot read stops it alone.
import { buildProgram } from '../../../middleware/src/cli/commands.js';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import { builtInFlows } from '../../../middleware/src/sync/flows/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { sqliteDatabase, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';
import { accountLedger, accountLedgerFlow } from './account-ledger.js';

const registry = builtInFlows.with(accountLedgerFlow);

/** Runs `sage-sf` in this process over the test registry; answers what it printed. */
async function sageSf(args: string[], env: Record<string, string>): Promise<string> {
  const saved = { ...process.env };
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  };
  Object.assign(process.env, env);
  try {
    await buildProgram(registry).exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  return printed.join('');
}

describe('a flow added through the registry', () => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;

  beforeAll(async () => {
    systems = await startTestSystems({ customers: 20 });
    database = sqliteDatabase('registry');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store, { registry });
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('runs from Salesforce to its target in (SystemModstamp, Id) pages and drops what it read again by hash', async () => {
    const accounts = systems.salesforceSandbox.records('Account');
    expect(accounts.length).toBeGreaterThan(3);
    expect(runtime.flows().map((flow) => flow.name)).toEqual([...builtInFlows.names, 'account-ledger']);

    const first = await runtime.runFlowNow('account-ledger');
    expect(first).toMatchObject({ outcome: 'succeeded', read: accounts.length, created: accounts.length });
    expect(accountLedger.size).toBe(accounts.length);
    const someone = accounts[1] as { Id: string; Name: string };
    expect(accountLedger.get(someone.Id)?.name).toBe(someone.Name);
    const link = await store.links.findBySalesforceId('account-ledger', someone.Id);
    expect(link?.sageKey).toBe(accountLedger.get(someone.Id)?.ledgerKey);

    // The next run looks back five minutes, so it reads the same accounts again; none has changed.
    const second = await runtime.runFlowNow('account-ledger');
    expect(second).toMatchObject({ outcome: 'succeeded', read: accounts.length, unchanged: accounts.length });

    systems.salesforceSandbox.update('Account', someone.Id, { Phone: '(415) 555-0142' });
    const third = await runtime.runFlowNow('account-ledger');
    expect(third).toMatchObject({ outcome: 'succeeded', updated: 1, created: 0 });
    expect(accountLedger.get(someone.Id)?.phone).toBe('(415) 555-0142');
  });

  it('is listed by sage-sf status with its schedule and cursor', async () => {
    const status = await sageSf(['status'], { ...systems.env, DATABASE_URL: database.url });
    expect(status).toContain('Flow customers (schedule */15 * * * *)');
    expect(status).toContain('Flow products (schedule 0 * * * *)');
    expect(status).toContain('Flow productStock (schedule */30 * * * *)');
    expect(status).toContain('Flow account-ledger (schedule 0 6 * * *)');
    expect(status).toMatch(/Flow account-ledger[^\n]*\n {2}cursor: \{"stamp":"[^"]+","afterId":"001\w+"\}/);
  });

  it('follows a schedule changed in the connector settings once Custom Metadata is read again, without a restart', async () => {
    const settings = systems.salesforceSandbox.findOne(
      'Sage_Connector_Setting__mdt',
      (r) => r.DeveloperName === 'Default',
    );
    if (!settings) throw new Error('the package has no Default connector settings');
    const customers = () => runtime.flows().find((flow) => flow.name === 'customers')?.schedule;
    expect(customers()).toBe('*/15 * * * *');
    systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', settings.Id as string, {
      Customer_Sync_Schedule__c: '*/20 * * * *',
    });
    try {
      await runtime.refreshMappings();
      expect(customers()).toBe('*/20 * * * *');
    } finally {
      systems.salesforceSandbox.update('Sage_Connector_Setting__mdt', settings.Id as string, {
        Customer_Sync_Schedule__c: '*/15 * * * *',
      });
      await runtime.refreshMappings();
    }
  });

  it('stops only that flow when its stored cursor does not parse, naming sage-sf reset-cursor', async () => {
    await store.cursors.save('account-ledger', { stamp: 'yesterday', afterId: 42 }, { inProgress: false });
    const failed = await runtime.runFlowNow('account-ledger');
    expect(failed.outcome).toBe('failed');
    expect(failed.message).toMatch(/^INVALID_CURSOR: The stored cursor of flow account-ledger is not one this flow/);
    expect(failed.message).toContain('run `sage-sf reset-cursor account-ledger`');
    expect(await runtime.runFlowNow('customers')).toMatchObject({ outcome: 'succeeded', read: 20 });

    const reset = await sageSf(['reset-cursor', 'account-ledger'], { ...systems.env, DATABASE_URL: database.url });
    expect(reset).toMatch(/^account-ledger: cursor reset \(was \{"stamp":"yesterday","afterId":42\}\)/);
    // Read from the start again: the accounts the customers run just wrote are new to the ledger.
    const accounts = systems.salesforceSandbox.records('Account').length;
    expect(await runtime.runFlowNow('account-ledger')).toMatchObject({ outcome: 'succeeded', read: accounts });
    expect(accountLedger.size).toBe(accounts);
  });
});
