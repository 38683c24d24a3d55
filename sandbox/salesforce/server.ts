import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandboxApp, REQUEST_LINE_AND_HEADERS_LIMIT } from './app.js';
import { TokenIssuer } from './auth.js';
import { BulkIngest } from './bulk.js';
import { SandboxControl, type RequestCounts, type SandboxFaults } from './control.js';
import { loadMetadata } from './metadata.js';
import { createUser, INTEGRATION_USERNAME, seedOrg } from './seed.js';
import { fieldOf } from './schema.js';
import { OrgStore, type ValidationRule } from './store.js';
import { coerceValue, type SObjectRecord } from './values.js';

export {
  SEED_ACCOUNTS,
  SEED_OPPORTUNITIES,
  SEED_PRODUCTS,
  SEED_USERS,
  INTEGRATION_USERNAME,
  STANDARD_PRICE_BOOK,
} from './seed.js';
export type { RequestCounts, SandboxFaults } from './control.js';
export type { ValidationRule } from './store.js';
export type { SObjectRecord } from './values.js';

/**
 * A local Salesforce REST API for tests, development and benchmarks: it knows the package's schema (read from
 * `force-app/`), answers OAuth, sObjects, Collections, SOQL and Bulk API 2.0 like a real org, and lets tests steer
 * faults, limits and tokens.
 */
export interface SalesforceSandboxOptions {
  port?: number;
  host?: string;
  /** The SFDX source folder to read the schema and custom metadata from (default: the repository's force-app). */
  forceAppDir?: string;
  /** Load the sample data (default true). */
  seed?: boolean;
  /** PEM public key that verifies JWT bearer assertions; a key pair is generated when absent. */
  jwtPublicKey?: string;
  /** Lifetime of access tokens (default two hours). */
  tokenLifetimeMs?: number;
  /** Daily API request allowance (default 100,000). */
  dailyLimit?: number;
}

export interface SalesforceSandbox {
  loginUrl: string;
  instanceUrl: string;
  clientId: string;
  clientSecret: string;
  apiVersion: string;
  integrationUsername: string;
  integrationUserId: string;
  /** The private key matching the JWT public key, when the sandbox generated the pair. */
  jwtPrivateKey?: string;
  store: OrgStore;
  close(): Promise<void>;
  counts(): RequestCounts;
  resetCounts(): void;
  setFaults(faults: SandboxFaults): void;
  clearFaults(): void;
  /** How many times each fault struck since the faults were last set. */
  faultsFired(): Record<'unableToLockRow' | 'requestLimitExceeded' | 'serviceUnavailable', number>;
  /** Sets the daily API allowance and, optionally, how much of it is already used. */
  setDailyLimit(max: number, used?: number): void;
  dailyUsage(): { used: number; max: number };
  /** Expires every access token issued so far. */
  expireTokens(): void;
  /** All records of a type (copies). */
  records(type: string): SObjectRecord[];
  findOne(type: string, predicate: (record: SObjectRecord) => boolean): SObjectRecord | undefined;
  get(type: string, id: string): SObjectRecord | undefined;
  /** Creates a record directly (bypasses faults and counters; may set read-only fields); answers its id. */
  insert(type: string, fields: Record<string, unknown>, options?: { asUserId?: string }): string;
  /** Updates a record directly, as the given user (default: an administrator other than the integration user). */
  update(type: string, id: string, fields: Record<string, unknown>, options?: { asUserId?: string }): void;
  /** Deletes a record into the recycle bin (where `queryAll` finds it, `IsDeleted = true`). */
  delete(type: string, id: string, options?: { asUserId?: string }): void;
  /** Merges duplicates into a master (Account, Contact, Lead): children re-parented, duplicates binned with `MasterRecordId`. */
  merge(type: string, masterId: string, duplicateIds: readonly string[], options?: { asUserId?: string }): void;
  /** Adds a validation rule that API writes must pass (FIELD_CUSTOM_VALIDATION_EXCEPTION otherwise). */
  addValidationRule(rule: ValidationRule): void;
  /** Removes every validation rule added. */
  clearValidationRules(): void;
}

export const SANDBOX_API_VERSION = '65.0';
export const SANDBOX_CLIENT_ID = 'sandbox-client';
export const SANDBOX_CLIENT_SECRET = 'sandbox-secret';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts the sandbox on the given port (0 = any free port) and answers its URLs, credentials and controls. */
export async function startSalesforceSandbox(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const { schema, customMetadata } = loadMetadata(options.forceAppDir ?? join(repositoryRoot, 'force-app'));
  const store = new OrgStore(schema);
  const bootstrap = { userId: '', privileged: true };
  const integrationUserId = createUser(store, bootstrap, INTEGRATION_USERNAME, 'Connector', 'Integration');
  store.update(
    'User',
    integrationUserId,
    { CreatedById: integrationUserId },
    { userId: integrationUserId, privileged: true },
  );
  const adminUserId = createUser(
    store,
    { userId: integrationUserId, privileged: true },
    'admin@sandbox.example.com',
    'Org',
    'Administrator',
  );
  const asIntegration = { userId: integrationUserId, privileged: true };

  for (const record of customMetadata) {
    const type = schema.object(record.type);
    if (!type) continue;
    const fields: Record<string, unknown> = {
      DeveloperName: record.developerName,
      MasterLabel: record.label,
      Label: record.label,
      QualifiedApiName: record.developerName,
      Language: 'en_US',
    };
    for (const [name, raw] of Object.entries(record.values)) {
      const field = fieldOf(type, name);
      const coerced = field ? coerceValue(field, raw, true) : undefined;
      if (coerced && !coerced.ok) {
        throw new Error(`customMetadata ${record.type}.${record.developerName}: ${coerced.error.message}`);
      }
      fields[name] = coerced?.value ?? null;
    }
    store.insert(type.name, fields, asIntegration);
  }
  if (options.seed ?? true) seedOrg(store, integrationUserId);

  let jwtPublicKey = options.jwtPublicKey;
  let jwtPrivateKey: string | undefined;
  if (!jwtPublicKey) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    jwtPublicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    jwtPrivateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  const control = new SandboxControl(options.dailyLimit);
  let baseUrl = '';
  const tokens = new TokenIssuer(
    {
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
      jwtPublicKey,
      audiences: ['https://login.salesforce.com', 'https://test.salesforce.com'],
      tokenLifetimeMs: options.tokenLifetimeMs ?? 2 * 60 * 60_000,
    },
    (username) => {
      const users = store.object('User');
      const field = fieldOf(users, 'Username');
      return field ? store.findByField(users, field, username)[0] : undefined;
    },
    () => integrationUserId,
  );
  const bulk = new BulkIngest(store, control);
  const app = createSandboxApp({ store, control, tokens, bulk, baseUrl: () => baseUrl });
  // Node's own header limit is Salesforce's (16 KiB) but answers 431 for an over-long URI too: the app tells them apart.
  const server: Server = createServer({ maxHeaderSize: 4 * REQUEST_LINE_AND_HEADERS_LIMIT }, app);
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  baseUrl = `http://${host}:${address.port}`;
  tokens.addAudience(baseUrl);

  return {
    loginUrl: baseUrl,
    instanceUrl: baseUrl,
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    apiVersion: SANDBOX_API_VERSION,
    integrationUsername: INTEGRATION_USERNAME,
    integrationUserId,
    ...(jwtPrivateKey ? { jwtPrivateKey } : {}),
    store,
    async close() {
      bulk.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
    counts: () => control.counts(),
    resetCounts: () => control.resetCounts(),
    setFaults: (faults) => control.setFaults(faults),
    clearFaults: () => control.clearFaults(),
    faultsFired: () => control.faultsFired(),
    setDailyLimit(max, used) {
      control.dailyMax = max;
      if (used !== undefined) control.dailyUsed = used;
    },
    dailyUsage: () => ({ used: control.dailyUsed, max: control.dailyMax }),
    expireTokens: () => tokens.expireAll(),
    records: (type) => store.records(type),
    findOne: (type, predicate) => {
      const found = [...store.scan(type)].find(predicate);
      return found ? { ...found } : undefined;
    },
    get: (type, id) => {
      const found = store.get(type, id);
      return found ? { ...found } : undefined;
    },
    insert: (type, fields, insertOptions) =>
      store.insert(type, fields, { userId: insertOptions?.asUserId ?? adminUserId, privileged: true }),
    update: (type, id, fields, updateOptions) =>
      store.update(type, id, fields, { userId: updateOptions?.asUserId ?? adminUserId, privileged: true }),
    delete: (type, id, deleteOptions) =>
      store.delete(type, id, { userId: deleteOptions?.asUserId ?? adminUserId, privileged: true }),
    merge: (type, masterId, duplicateIds, mergeOptions) =>
      store.merge(type, masterId, duplicateIds, { userId: mergeOptions?.asUserId ?? adminUserId, privileged: true }),
    addValidationRule: (rule) => {
      store.validationRules.push(rule);
    },
    clearValidationRules: () => {
      store.validationRules.length = 0;
    },
  };
}
