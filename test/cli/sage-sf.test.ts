// The sage-sf command line as an operator runs it: a child process against both sandboxes and a real database.
import { openStore, type Store } from '../../middleware/src/store/index.js';
import { sqliteDatabase, type TestDatabase } from '../store/test-databases.js';
import { runCli } from '../sync/child.js';
import { startTestSystems, type TestSystems } from '../sync/systems.js';

describe('sage-sf with SQLite', () => {
  let systems: TestSystems;
  let database: TestDatabase;
  let env: Record<string, string>;
  let store: Store;
  let refusedNumber: string;

  beforeAll(async () => {
    systems = await startTestSystems({ customers: 120 });
    database = sqliteDatabase('cli');
    env = { ...systems.env, DATABASE_URL: database.url, SYNC_PAGE_SIZE: '50' };
    const refused = systems.sageSandbox.state.customers.all()[3] as Record<string, unknown>;
    refused.CustomerPriceList = 'PRICELIST9';
    refusedNumber = String(refused.CustomerNumber).trim();
    store = await openStore(database.url);
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('runs a flow with a closing summary, then lists its failure and shows it in the status', async () => {
    const run = await runCli(['run', 'customers'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^customers: partial in [\d.]+ s \(run #1\) — read 120, created \d+, updated \d+, unchanged 0, failed 1\n/,
    );
    expect(run.stdout).toContain('see them with: sage-sf failures list --flow customers');

    const failures = await runCli(['failures', 'list'], env);
    expect(failures.code).toBe(0);
    const lines = failures.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+FLOW\s+RECORD\s+STATUS\s+KIND\s+CODE\s+ATTEMPTS\s+NEXT ATTEMPT\s+REASON$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(
        `^1\\s+customers\\s+${refusedNumber}\\s+open\\s+permanent\\s+STRING_TOO_LONG\\s+1\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+.*Sage_Price_List__c`,
      ),
    );

    const status = await runCli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Flow customers (schedule */15 * * * *)');
    expect(status.stdout).toMatch(/cursor: \{"since":null,"afterKey":null,"newest":"\d{4}-\d\d-\d\d"\}\n/);
    expect(status.stdout).toMatch(
      /last run: #1 partial, manual, started .*: read 120, created \d+, updated \d+, unchanged 0, failed 1 — 1 record\(s\) went to the failure queue/,
    );
    expect(status.stdout).toContain('lease: free');
    expect(status.stdout).toContain('failures: 1 open, 0 retrying, 0 resolved, 0 skipped');
    expect(status.stdout).toMatch(/#1\s+customers\s+manual\s+partial\s+\S+ \S+\s+120\s+\d+\s+\d+\s+0\s+1/);
  }, 60_000);

  it('skips a failure, refuses to skip it twice, and resets a cursor', async () => {
    const skip = await runCli(['failures', 'skip', '1'], env);
    expect(skip).toMatchObject({
      code: 0,
      stdout: `Failure 1 (customers ${refusedNumber}) is skipped; it will not be retried.\n`,
    });
    const again = await runCli(['failures', 'skip', '1'], env);
    expect(again).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'sage-sf: Failure 1 is skipped; only open failures can be skipped\n',
    });
    expect((await runCli(['failures', 'list'], env)).stdout).toBe('No failures.\n');
    expect((await runCli(['failures', 'list', '--status', 'all'], env)).stdout).toMatch(
      /\n1\s+customers\s+\S+\s+skipped/,
    );

    const reset = await runCli(['reset-cursor', 'customers'], env);
    expect(reset.stdout).toMatch(/^customers: cursor reset \(was \{.*\}\); the next run reads every record\.\n$/);
    expect((await store.cursors.get('customers'))?.value).toBeNull();
  }, 60_000);
});

describe('sage-sf misconfigured', () => {
  const database = sqliteDatabase('cli-misconfigured');
  afterAll(() => database.drop());

  it.each([
    [
      { DATABASE_URL: 'mysql://root:hunter2@db/connector' },
      ['status'],
      'sage-sf: DATABASE_URL must start with sqlite:// (a file) or postgres:// (a server), e.g. sqlite://./data/connector.db',
    ],
    [
      { SAGE300_URL: 'https://erp.example.com' },
      ['run', 'customers'],
      'sage-sf: SAGE300_USER is not set: set the Sage 300 Web API user',
    ],
    [{ SYNC_PAGE_SIZE: 'lots' }, ['status'], 'sage-sf: SYNC_PAGE_SIZE must be a number of records'],
    [
      {},
      ['run', 'invoices-and-more'],
      'sage-sf: There is no flow named "invoices-and-more"; flows: customers, contacts, invoices, products, productStock, productCatalogue, revenueReconciliation, creditAlerts, overdueInvoices, closedWonOrders, accounts, convertedLeads',
    ],
    [
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' },
      ['status'],
      'sage-sf: DATABASE_URL: connection refused at 127.0.0.1:1',
    ],
  ])(
    'says what to set in one line, without a stack trace (%o)',
    async (vars, args, line) => {
      const result = await runCli(args, { DATABASE_URL: database.url, ...vars });
      expect(result.stderr.trim().split('\n').at(-1)).toBe(line);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stderr).not.toContain('hunter2');
      expect(result.code).not.toBe(0);
    },
    60_000,
  );

  it('migrates a new database and then finds it up to date', async () => {
    const fresh = sqliteDatabase('cli-migrate');
    const first = await runCli(['db', 'migrate'], { DATABASE_URL: fresh.url });
    expect(first).toMatchObject({
      code: 0,
      stdout:
        'Applied 9 migration(s): 2026-11-25-001-sync-state, 2026-12-01-002-order-write-back, ' +
        '2026-12-02-003-links-from-either-side, 2026-12-03-004-two-way-state, ' +
        '2026-12-04-005-waiting-failures-and-repairs, 2026-12-05-006-system-outages, ' +
        '2026-12-10-007-notices-and-reconciliation, 2026-12-11-008-ledger-kinds, 2026-12-12-009-customer-claims\n',
    });
    const second = await runCli(['db', 'migrate'], { DATABASE_URL: fresh.url });
    expect(second).toMatchObject({ code: 0, stdout: 'The sqlite database is up to date.\n' });
    await fresh.drop();
  }, 60_000);
});
