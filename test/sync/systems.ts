// Both sandboxes started in the test process, with the middleware's real clients pointed at them.
import { pino, type Logger } from 'pino';
import { startSage300Sandbox, type Sage300Sandbox, type Sage300SandboxOptions } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { loadConfig, type Config } from '../../middleware/src/config/env.js';
import { createSage300Client } from '../../middleware/src/sage300/client.js';
import { createSalesforceClient, type SalesforceClient } from '../../middleware/src/salesforce/index.js';
import type { Store } from '../../middleware/src/store/index.js';
import { startSync } from '../../middleware/src/composition.js';
import type { Notifier } from '../../middleware/src/notify/notifier.js';
import type { FlowRegistry } from '../../middleware/src/sync/registry.js';
import type { SyncRuntime } from '../../middleware/src/sync/runtime.js';
import type { SageClient } from '../../middleware/src/sync/systems.js';

export const silentLogger = pino({ level: 'silent' });

export interface TestSystems {
  sageSandbox: Sage300Sandbox;
  salesforceSandbox: SalesforceSandbox;
  sage: SageClient;
  salesforce: SalesforceClient;
  config: Config;
  /** Environment variables that point a child process at these sandboxes. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts both sandboxes (on the given ports, or free ones) and the clients. */
export async function startTestSystems(
  options: { customers?: number; sagePort?: number; salesforcePort?: number; sage?: Sage300SandboxOptions } = {},
): Promise<TestSystems> {
  const sageSandbox = await startSage300Sandbox({
    port: options.sagePort ?? 0,
    pageSize: 500,
    ...(options.customers ? { seed: { customers: options.customers } } : {}),
    ...options.sage,
  });
  const salesforceSandbox = await startSalesforceSandbox({ port: options.salesforcePort ?? 0 });
  const env: Record<string, string> = {
    SAGE300_URL: sageSandbox.apiRoot,
    SAGE300_COMPANY: sageSandbox.company,
    SAGE300_USER: sageSandbox.user,
    SAGE300_PASSWORD: sageSandbox.password,
    SAGE300_PAGE_SIZE: '500',
    SF_LOGIN_URL: salesforceSandbox.loginUrl,
    SF_CLIENT_ID: salesforceSandbox.clientId,
    SF_CLIENT_SECRET: salesforceSandbox.clientSecret,
    SF_API_VERSION: salesforceSandbox.apiVersion,
  };
  const config = loadConfig(env);
  const sage = createSage300Client(config.sage300 as NonNullable<Config['sage300']>);
  const salesforce = createSalesforceClient(config.salesforce as NonNullable<Config['salesforce']>);
  return {
    sageSandbox,
    salesforceSandbox,
    sage,
    salesforce,
    config,
    env,
    async close() {
      sage.close();
      await salesforceSandbox.close();
      await sageSandbox.close();
    },
  };
}

/** Engine settings for tests: small pages, short leases, quick failure retries. */
const testSettings: Record<string, string> = {
  SYNC_LEASE_SECONDS: '5',
  SYNC_PAGE_SIZE: '100',
  SYNC_FAILURE_MAX_ATTEMPTS: '3',
  SYNC_FAILURE_RETRY_SECONDS: '60',
  SYNC_QUOTA_PAUSE_SECONDS: '60',
};

/**
 * The sync runtime over the test systems and the given store, without schedules: flows run only when asked. Built
 * as the middleware and the CLI build theirs, with the built-in flows or the given registry.
 */
export function startTestRuntime(
  systems: TestSystems,
  store: Store,
  options: { registry?: FlowRegistry; notifier?: Notifier; logger?: Logger; env?: Record<string, string> } = {},
): Promise<SyncRuntime> {
  return startSync({
    config: loadConfig({ ...systems.env, ...testSettings, ...options.env }),
    store,
    systems,
    logger: options.logger ?? silentLogger,
    schedule: false,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.notifier ? { notifier: options.notifier } : {}),
  });
}

/** Accounts in the Salesforce sandbox by Sage customer number (fails the test on a duplicate number). */
export function accountsByCustomerNumber(sandbox: SalesforceSandbox): Map<string, Record<string, unknown>> {
  const accounts = new Map<string, Record<string, unknown>>();
  for (const account of sandbox.records('Account')) {
    const number = account.Sage_Customer_Number__c;
    if (typeof number !== 'string') continue;
    if (accounts.has(number)) throw new Error(`Two accounts carry Sage customer number ${number}`);
    accounts.set(number, account as Record<string, unknown>);
  }
  return accounts;
}
