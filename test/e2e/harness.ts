/**
 * The whole system for tests: both sandboxes in this process, a real SQLite store in a temporary folder, and the
 * middleware started from environment variables pointing at them (exactly how an operator points it at real systems).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startSage300Sandbox, type Sage300Sandbox, type Sage300SandboxOptions } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { startMiddleware, type RunningMiddleware } from '../../middleware/src/main.js';
import { apiClient } from '../http/api-client.js';

export const testKey = 'test-key-0123456789abcdef';
export const rotatedKey = 'rotated-key-fedcba9876543210';

/** The error envelope every failed API answer carries. */
export interface ErrorAnswer {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export interface System {
  sage: Sage300Sandbox;
  salesforce: SalesforceSandbox;
  middleware: RunningMiddleware;
  api: ReturnType<typeof apiClient>;
  env: NodeJS.ProcessEnv;
  /** Starts another middleware replica on the same store and systems. */
  replica(extra?: NodeJS.ProcessEnv): Promise<RunningMiddleware>;
  close(): Promise<void>;
}

/**
 * A copy of the package whose `Sage_Connector_Setting__mdt.Default` record has other values, so the Salesforce
 * sandbox serves those settings the way an org whose admin changed them would.
 */
function packageWithSettings(folder: string, values: Record<string, string>): string {
  const copy = join(folder, 'force-app');
  cpSync('force-app', copy, { recursive: true });
  const file = join(copy, 'main/default/customMetadata/Sage_Connector_Setting.Default.md-meta.xml');
  let xml = readFileSync(file, 'utf8');
  for (const [field, value] of Object.entries(values)) {
    const pattern = new RegExp(`(<field>${field}</field>\\s*<value[^>]*>)[^<]*(</value>)`);
    if (!pattern.test(xml)) throw new Error(`The Default settings record has no ${field}`);
    xml = xml.replace(pattern, `$1${value}$2`);
  }
  writeFileSync(file, xml);
  return copy;
}

export interface SystemOptions {
  /** Variables that override or add to the test environment. */
  env?: NodeJS.ProcessEnv;
  /** Values of the connector settings record in Salesforce (`Credit_Policy__c: 'Block'`). */
  connectorSettings?: Record<string, string>;
  /** Options of the Sage 300 sandbox (a larger company: `seed: { customers: 5000 }`). */
  sage?: Sage300SandboxOptions;
}

/** Starts both sandboxes and the middleware configured by environment variables pointing at them. */
export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const env = options.env ?? {};
  const folder = mkdtempSync(join(tmpdir(), 'connector-e2e-'));
  const sage = await startSage300Sandbox({ port: 0, hangMs: 5_000, ...options.sage });
  const salesforce = await startSalesforceSandbox({
    port: 0,
    ...(options.connectorSettings ? { forceAppDir: packageWithSettings(folder, options.connectorSettings) } : {}),
  });
  const fullEnv: NodeJS.ProcessEnv = {
    SAGE300_URL: sage.apiRoot,
    SAGE300_COMPANY: sage.company,
    SAGE300_USER: sage.user,
    SAGE300_PASSWORD: sage.password,
    SAGE300_TIMEOUT_MS: '1500',
    SF_LOGIN_URL: salesforce.loginUrl,
    SF_CLIENT_ID: salesforce.clientId,
    SF_CLIENT_SECRET: salesforce.clientSecret,
    MIDDLEWARE_API_KEYS: `${testKey},${rotatedKey}`,
    DATABASE_URL: `sqlite://${join(folder, 'connector.db')}`,
    PORT: '0',
    HOST: '127.0.0.1',
    SCHEDULER_ENABLED: 'false',
    SETTINGS_REFRESH_SECONDS: '0',
    ORDER_VERIFY_DELAY_MS: '50',
    LOG_LEVEL: 'silent',
    ...env,
  };
  const start = (extra: NodeJS.ProcessEnv = {}) =>
    startMiddleware({
      env: { ...fullEnv, ...extra },
      logger: pino({ level: 'silent' }),
      sage300Transport: { retry: { baseDelayMs: 5, maxDelayMs: 20 } },
    });
  const replicas: RunningMiddleware[] = [];
  const middleware = await start();
  return {
    sage,
    salesforce,
    middleware,
    api: apiClient(middleware.url, testKey),
    env: fullEnv,
    async replica(extra) {
      const replica = await start(extra);
      replicas.push(replica);
      return replica;
    },
    async close() {
      for (const replica of replicas) await replica.close();
      await middleware.close();
      await Promise.all([sage.close(), salesforce.close()]);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** The id of a seeded opportunity by name. */
export function opportunityIdNamed(salesforce: SalesforceSandbox, name: string): string {
  const record = salesforce.findOne('Opportunity', (row) => row.Name === name);
  if (!record) throw new Error(`No seeded opportunity named ${name}`);
  return String(record.Id);
}

/** Sage orders that carry this reference. */
export function sageOrdersFor(sage: Sage300Sandbox, reference: string): Record<string, unknown>[] {
  return sage.state.orders.all().filter((order) => order.OrderReference === reference);
}

/** Requests that changed data in Sage (anything but GET), by route. */
export function sageWrites(sage: Sage300Sandbox): Record<string, number> {
  return Object.fromEntries(Object.entries(sage.counts()).filter(([route]) => !route.startsWith('GET ')));
}

const systemFields = new Set([
  'Id',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'IsDeleted',
  'TotalPrice',
  'ListPrice',
  'Name',
  'ProductCode',
  'Product2Id',
]);

/** A new Closed Won opportunity with the lines of a seeded one, so each test pushes an opportunity of its own. */
export function cloneOpportunity(salesforce: SalesforceSandbox, seedName: string, name: string): string {
  const source = salesforce.findOne('Opportunity', (row) => row.Name === seedName);
  if (!source) throw new Error(`No seeded opportunity named ${seedName}`);
  const id = salesforce.insert('Opportunity', {
    Name: name,
    AccountId: source.AccountId,
    StageName: source.StageName,
    CloseDate: source.CloseDate,
    Pricebook2Id: source.Pricebook2Id,
  });
  for (const line of salesforce.records('OpportunityLineItem').filter((row) => row.OpportunityId === source.Id)) {
    const fields = Object.fromEntries(Object.entries(line).filter(([field]) => !systemFields.has(field)));
    salesforce.insert('OpportunityLineItem', { ...fields, OpportunityId: id });
  }
  return id;
}
