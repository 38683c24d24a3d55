/**
 * The world a flow benchmark runs in: both sandboxes seeded for it, a temporary folder for the SQLite store, and the
 * middleware — either the sync runtime in this process on the middleware's real clients, or a process of its own per
 * run, launched as `sage-sf run <flow>` is (same Node flags, configured by environment variables) so its memory is
 * measured apart from the sandboxes. `withBenchWorld` tears all of it down whether or not the benchmark succeeded.
 * Also the two table lines every flow run prints: the Sage reads against ceil(read / rows per answer), and the
 * Salesforce writes against the Collections/Bulk bound.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../middleware/src/config/env.js';
import { startSync } from '../../middleware/src/composition.js';
import { createLogger } from '../../middleware/src/observability/logger.js';
import type { Sage300Client } from '../../middleware/src/sage300/client.js';
import type { SalesforceClient } from '../../middleware/src/salesforce/index.js';
import { openStore, type Store } from '../../middleware/src/store/index.js';
import type { FlowRunResult } from '../../middleware/src/sync/engine.js';
import type { SyncRuntime } from '../../middleware/src/sync/runtime.js';
import { startSage300Sandbox, type Sage300Sandbox, type SeedOptions } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { COLLECTION_SIZE } from '../../middleware/src/salesforce/writer.js';
import { describeCounts, pagesOf, timed, type Excess, type Measurement } from './measure.js';
import { sageClientFor, salesforceClientFor, watchSage, watchSalesforce, type RequestWindow } from './systems.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The Node flags the middleware is launched with (`npm run sage-sf`, `npm start`): read from package.json, so a
 * benchmark's middleware process runs exactly as the product's does.
 */
export function middlewareNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return (manifest.scripts['sage-sf'] ?? '').split(/\s+/).filter((word) => /^--max-[a-z-]+=\d+$/.test(word));
}

/** What both systems answered while a piece of work ran, and how long it took. */
export interface Measured<T> {
  value: T;
  wallMs: number;
  sage: RequestWindow;
  salesforce: RequestWindow;
}

/** The systems the in-process runtime uses, for a benchmark that counts what the flows ask of them. */
export interface RuntimeSystems {
  sage: Sage300Client;
  salesforce: SalesforceClient;
}

/** A flow run in a middleware process of its own: its result and the process's peak resident memory. */
export interface ProcessRun {
  result: FlowRunResult;
  peakRssBytes: number;
  /** Why records went to the failure queue (the first few distinct reasons), when any did. */
  reasons?: string[];
}

export interface BenchWorld {
  sage: Sage300Sandbox;
  salesforce: SalesforceSandbox;
  /** The store of the runtime or of the middleware processes (SQLite in the world's temporary folder). */
  databaseUrl: string;
  /** Starts the sync runtime in this process (once; closed with the world), on clients `wrap` may count through. */
  startRuntime(wrap?: (systems: RuntimeSystems) => RuntimeSystems): Promise<{ runtime: SyncRuntime; store: Store }>;
  /** Runs one flow once in a middleware process of its own, configured by environment variables. */
  runFlowProcess(flow: string): Promise<ProcessRun>;
  /** Runs `work`, counting both systems' requests and timing it. */
  measure<T>(work: () => Promise<T>): Promise<Measured<T>>;
}

export interface BenchWorldOptions {
  /** Rows per Sage answer: `SAGE300_PAGE_SIZE`, with the server's page setting raised to match. */
  sagePageSize: number;
  seed: SeedOptions;
  /**
   * Middleware settings as environment variables (e.g. `SYNC_SALESFORCE_LOOKBACK_SECONDS`): the in-process runtime's
   * configuration, and the environment of the middleware processes besides the world's own connection settings.
   */
  environment?: Record<string, string>;
}

/** Builds a world, hands it to `work`, and tears it down (runtime, store, client, both sandboxes, temporary folder). */
export async function withBenchWorld<T>(
  options: BenchWorldOptions,
  work: (world: BenchWorld) => Promise<T>,
): Promise<T> {
  const folder = mkdtempSync(join(tmpdir(), 'connector-bench-'));
  const databaseUrl = `sqlite://${join(folder, 'connector.db')}`;
  let sage: Sage300Sandbox | undefined;
  let salesforce: SalesforceSandbox | undefined;
  let store: Store | undefined;
  let runtime: SyncRuntime | undefined;
  let client: Sage300Client | undefined;
  try {
    sage = await startSage300Sandbox({ pageSize: options.sagePageSize, seed: options.seed });
    salesforce = await startSalesforceSandbox({ dailyLimit: 10_000_000 });
    const sandboxes = { sage, salesforce };
    const env: Record<string, string> = {
      ...options.environment,
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      SAGE300_URL: sage.apiRoot,
      SAGE300_COMPANY: sage.company,
      SAGE300_USER: sage.user,
      SAGE300_PASSWORD: sage.password,
      SAGE300_PAGE_SIZE: String(options.sagePageSize),
      SF_LOGIN_URL: salesforce.loginUrl,
      SF_CLIENT_ID: salesforce.clientId,
      SF_CLIENT_SECRET: salesforce.clientSecret,
      SF_API_VERSION: salesforce.apiVersion,
      DATABASE_URL: databaseUrl,
    };
    const world: BenchWorld = {
      ...sandboxes,
      databaseUrl,
      async startRuntime(wrap = (systems) => systems) {
        if (runtime || store) throw new Error('the runtime of this benchmark world is already started');
        client = sageClientFor(sandboxes.sage, options.sagePageSize);
        store = await openStore(databaseUrl);
        runtime = await startSync({
          config: loadConfig({ ...options.environment }),
          store,
          systems: wrap({ sage: client, salesforce: salesforceClientFor(sandboxes.salesforce) }),
          logger: createLogger('silent'),
          schedule: false,
        });
        return { runtime, store };
      },
      runFlowProcess: (flow) => runFlowProcess(flow, env),
      async measure(work) {
        const sageWatch = watchSage(sandboxes.sage);
        const salesforceWatch = watchSalesforce(sandboxes.salesforce);
        const { value, wallMs } = await timed(work);
        return { value, wallMs, sage: sageWatch.stop(), salesforce: salesforceWatch.stop() };
      },
    };
    return await work(world);
  } finally {
    await runtime?.stop();
    await store?.close();
    client?.close();
    await salesforce?.close();
    await sage?.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The Salesforce client's default: an upsert of more records than this goes through one Bulk API 2.0 job. */
export const BULK_THRESHOLD = 2000;
/** Bulk API 2.0 requests a job cannot do without: create, upload, close, one status check, two result reads. */
export const BULK_JOB_MINIMUM = 6;
/** Job requests (under `/jobs/ingest/{id}`) besides status checks: upload, close, successful and failed results. */
export const JOB_REQUESTS_BESIDES_CHECKS = 4;

/** The fewest Salesforce requests for one upsert of `records`. */
export function writeBound(records: number): { bound: number; rule: string } {
  return records > BULK_THRESHOLD
    ? { bound: BULK_JOB_MINIMUM, rule: '1 Bulk job' }
    : { bound: pagesOf(records, COLLECTION_SIZE), rule: `ceil(${records}/${COLLECTION_SIZE})` };
}

/**
 * What a run that wrote every record it read spends above the bound: one upsert per page of `pageSize` (a Bulk job
 * for a page above the threshold, Collections otherwise) instead of one for the whole run, plus what jsforce adds to
 * each Bulk job (status checks beyond the first while the job ran).
 */
export function pagedWriteExcess(written: number, pageSize: number, seen: RequestWindow): Excess[] {
  const pages = Array.from({ length: pagesOf(written, pageSize) }, (_, index) =>
    Math.min(pageSize, written - index * pageSize),
  );
  const jobs = pages.filter((records) => records > BULK_THRESHOLD).length;
  const fewest = pages.reduce((sum, records) => sum + writeBound(records).bound, 0);
  const excess: Excess[] = [];
  if (fewest > writeBound(written).bound) {
    excess.push({
      reason: `one upsert per page of ${pageSize} (${pages.length} pages, ${jobs} of them Bulk jobs), each checkpointed`,
      requests: fewest - writeBound(written).bound,
    });
  }
  return [...excess, ...bulkJobExcess(jobs, seen)];
}

/** What `jobs` Bulk jobs spend above their minimum: status checks beyond the first while each job ran. */
export function bulkJobExcess(jobs: number, seen: RequestWindow): Excess[] {
  if (jobs === 0) return [];
  const checks = (seen.byRoute.bulkRequest ?? 0) - JOB_REQUESTS_BESIDES_CHECKS * jobs;
  return checks > jobs ? [{ reason: 'status checks while the jobs ran', requests: checks - jobs }] : [];
}

/** One flow run in a child process (`scripts/bench/flow-child.ts`), with the result it printed and its peak memory. */
async function runFlowProcess(flow: string, env: Record<string, string>): Promise<ProcessRun> {
  const child = spawn(
    process.execPath,
    [...middlewareNodeFlags(), '--import', 'tsx', 'scripts/bench/flow-child.ts', flow],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) {
    throw new Error(`the ${flow} run exited ${String(code)}: ${stderr.trim().slice(-2000)}`);
  }
  const run = JSON.parse(line) as ProcessRun;
  if (run.reasons) run.result.message = `${run.result.message ?? ''} (${run.reasons.join('; ')})`;
  return run;
}

/** The two lines of one flow run: Sage pages read against ceil(read / rows per answer), Salesforce writes against their bound. */
export function flowRunLines(line: {
  scenario: string;
  read: number;
  written: number;
  sagePageSize: number;
  measured: Pick<Measured<unknown>, 'wallMs' | 'sage' | 'salesforce'>;
  salesforceExcess: Excess[];
}): Measurement[] {
  const { measured } = line;
  const salesforce = writeBound(line.written);
  return [
    {
      scenario: line.scenario,
      system: 'Sage 300',
      records: line.read,
      requests: measured.sage.requests,
      bound: pagesOf(line.read, line.sagePageSize),
      boundRule: `ceil(${line.read}/${line.sagePageSize})`,
      // A flow's read asks $count with its first page, so it ends at the last row without an empty answer.
      excess: [],
      wallMs: measured.wallMs,
      detail: describeCounts(measured.sage.byRoute),
    },
    {
      scenario: line.scenario,
      system: 'Salesforce',
      records: line.written,
      requests: measured.salesforce.requests,
      bound: salesforce.bound,
      boundRule: salesforce.rule,
      excess: line.salesforceExcess,
      wallMs: measured.wallMs,
      detail: describeCounts(measured.salesforce.byRoute),
    },
  ];
}
