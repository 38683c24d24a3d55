/**
 * The systems the benchmarks run against: the two local sandboxes with the middleware's real clients pointed at them,
 * the middleware process itself (configured by environment variables, as an operator would), and request counters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSage300Sandbox, type Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { createSage300Client, type Sage300Client } from '../../middleware/src/sage300/client.js';
import {
  createSalesforceClient,
  type SalesforceClient,
  type SalesforceClientOptions,
} from '../../middleware/src/salesforce/index.js';
import { startMiddleware, type RunningMiddleware } from '../../middleware/src/main.js';
import { countsSince, total } from './measure.js';

/** The middleware's Sage client against a sandbox, reading windows of `pageSize` rows. */
export function sageClientFor(sandbox: Sage300Sandbox, pageSize: number): Sage300Client {
  return createSage300Client({
    baseUrl: sandbox.apiRoot,
    company: sandbox.company,
    user: sandbox.user,
    password: sandbox.password,
    timeoutMs: 120_000,
    pageSize,
    maxConcurrency: 4,
  });
}

/** The middleware's Salesforce client against a sandbox (client-credentials login). */
export function salesforceClientFor(
  sandbox: SalesforceSandbox,
  options: SalesforceClientOptions = {},
): SalesforceClient {
  return createSalesforceClient(
    {
      loginUrl: sandbox.loginUrl,
      apiVersion: sandbox.apiVersion,
      auth: { kind: 'client_credentials', clientId: sandbox.clientId, clientSecret: sandbox.clientSecret },
    },
    options,
  );
}

/** What one system answered between `start()` and `stop()`: requests by route (Sage) or kind (Salesforce). */
export interface RequestWindow {
  requests: number;
  byRoute: Record<string, number>;
}

/** Counts Sage requests by route from now on. */
export function watchSage(sandbox: Sage300Sandbox): { stop(): RequestWindow } {
  const before = sandbox.counts();
  return {
    stop() {
      const byRoute = countsSince(before, sandbox.counts());
      return { requests: total(byRoute), byRoute };
    },
  };
}

/**
 * Counts Salesforce API requests by kind from now on. Token requests are not API requests (they do not count
 * against the daily allowance), so they are left out of `requests` and shown as `auth` in `byRoute`.
 */
export function watchSalesforce(sandbox: SalesforceSandbox): { stop(): RequestWindow } {
  const before: Record<string, number> = { ...sandbox.counts() };
  return {
    stop() {
      const delta = countsSince(before, { ...sandbox.counts() });
      const requests = delta.total ?? 0;
      delete delta.total;
      return { requests, byRoute: delta };
    },
  };
}

const BENCH_API_KEY = 'bench-key-0123456789abcdef';

/** A middleware process on both sandboxes with an SQLite store in a temporary folder; `close()` removes it. */
export interface BenchMiddleware {
  middleware: RunningMiddleware;
  /** Calls the middleware's API with the benchmark key. */
  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** Starts the middleware exactly as an operator would: environment variables pointing at the two systems. */
export async function startBenchMiddleware(
  sage: Sage300Sandbox,
  salesforce: SalesforceSandbox,
  env: NodeJS.ProcessEnv = {},
): Promise<BenchMiddleware> {
  const folder = mkdtempSync(join(tmpdir(), 'connector-bench-'));
  let middleware: RunningMiddleware;
  try {
    middleware = await startMiddleware({
      env: {
        SAGE300_URL: sage.apiRoot,
        SAGE300_COMPANY: sage.company,
        SAGE300_USER: sage.user,
        SAGE300_PASSWORD: sage.password,
        SF_LOGIN_URL: salesforce.loginUrl,
        SF_CLIENT_ID: salesforce.clientId,
        SF_CLIENT_SECRET: salesforce.clientSecret,
        SF_API_VERSION: salesforce.apiVersion,
        MIDDLEWARE_API_KEYS: BENCH_API_KEY,
        DATABASE_URL: `sqlite://${join(folder, 'connector.db')}`,
        PORT: '0',
        HOST: '127.0.0.1',
        SCHEDULER_ENABLED: 'false',
        RATE_LIMIT_PER_MINUTE: '100000',
        LOG_LEVEL: 'silent',
        ...env,
      },
    });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    middleware,
    async call(method, path, body) {
      const response = await fetch(`${middleware.url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${BENCH_API_KEY}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    async close() {
      await middleware.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Injected on every Sage route in the API benchmarks: a nearby server's round trip. */
export const SAGE_LATENCY_MS = 20;

/** What an API benchmark calls and watches: both sandboxes and the middleware on them. */
export interface BenchApi {
  sage: Sage300Sandbox;
  salesforce: SalesforceSandbox;
  api: BenchMiddleware;
}

/**
 * Starts both sandboxes and the middleware on them (with `env` added to its environment), slows every Sage route by
 * SAGE_LATENCY_MS, runs `work` and closes all three, whether or not it succeeded.
 */
export async function withBenchApi<T>(env: NodeJS.ProcessEnv, work: (systems: BenchApi) => Promise<T>): Promise<T> {
  let sage: Sage300Sandbox | undefined;
  let salesforce: SalesforceSandbox | undefined;
  let api: BenchMiddleware | undefined;
  try {
    sage = await startSage300Sandbox({});
    salesforce = await startSalesforceSandbox({});
    api = await startBenchMiddleware(sage, salesforce, env);
    sage.setFaults('*', { latencyMs: SAGE_LATENCY_MS });
    return await work({ sage, salesforce, api });
  } finally {
    await api?.close();
    await salesforce?.close();
    await sage?.close();
  }
}
