/**
 * The sync runtime of one middleware process: the flows, their schedules, the field mappings (refreshed from
 * Salesforce), and the operations the API and the CLI offer (run now, runs, failures, retry, skip, status).
 * `stop()` is the graceful shutdown: no new ticks, runs under way finish their current page, save the checkpoint and
 * release their leases.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/env.js';
import {
  fieldMappingMetadataFields,
  loadMappingConfiguration,
  mappingsFromMetadata,
  resolveMappings,
  type MappingConfiguration,
} from '../config/mapping.js';
import { isErrorKind } from '../domain/errors.js';
import type { FieldMapping } from '../domain/mapping.js';
import type { FailureStatus, Store, SyncFailure, SyncRun, FlowCursor, Lease } from '../store/index.js';
import { SyncEngine, type FlowRunResult, type Progress } from './engine.js';
import { SyncOperationError, builtInFlowSchedules, skipFailure } from './operations.js';
import { flowStatuses } from './status.js';
import type { AnySyncFlow, RunOptions } from './flow.js';
import { customersFlow } from './flows/customers.js';
import { parseSchedule, startScheduler, type Scheduler } from './scheduler.js';
import { syncSettingsFromEnvironment, type SyncSettings } from './settings.js';
import { sageCustomerSource, type SalesforcePort, type SageClient } from './systems.js';

export interface SyncRuntimeOptions {
  config: Config;
  store: Store;
  sage: SageClient;
  salesforce: SalesforcePort;
  logger: Logger;
  /** The flows to run (default: the built-in flows). */
  flows?: (context: FlowContext) => AnySyncFlow[];
  /** Engine settings (default: from the environment). */
  settings?: SyncSettings;
  /** Tick the schedules (default: `SCHEDULER_ENABLED`). The CLI runs flows on demand only. */
  schedule?: boolean;
  /** Schedules from the connector settings (`Sage_Connector_Setting__mdt`), by flow; the environment overrides them. */
  schedules?: Record<string, string>;
  /** This process's name in leases and runs. */
  owner?: string;
}

/** What flows are built from. */
export interface FlowContext {
  sage: SageClient;
  salesforce: SalesforcePort;
  mappings: () => MappingConfiguration;
  /** `SYNC_PAGE_SIZE` when set; otherwise each flow keeps its own page size. */
  pageSize?: number;
}

export interface FlowStatus {
  name: string;
  schedule: string;
  nextRun: Date | null;
  cursor: FlowCursor | null;
  lastRun: SyncRun | null;
  lease: Lease | null;
  failures: Record<FailureStatus, number>;
}

export interface RunNowOptions extends RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface SyncRuntime {
  owner: string;
  /** Names and schedules of the flows. */
  flows(): { name: string; schedule: string }[];
  /** Runs a flow now (under its lease); answers `skipped` when another process is running it. */
  runFlowNow(name: string, options?: RunNowOptions): Promise<FlowRunResult>;
  status(): Promise<FlowStatus[]>;
  listRuns(options?: { flow?: string; limit?: number; before?: number }): Promise<SyncRun[]>;
  listFailures(options?: { flow?: string; status?: FailureStatus | 'active'; limit?: number }): Promise<SyncFailure[]>;
  /** Retries one failure-queue entry now; answers the entry afterwards and the run that retried it. */
  retryFailure(id: number): Promise<{ failure: SyncFailure; run: FlowRunResult }>;
  /** Gives up on one failure-queue entry. */
  skipFailure(id: number): Promise<SyncFailure>;
  /** The field mappings in force. */
  mappings(): MappingConfiguration;
  /** Re-reads the field mappings from Salesforce; keeps the current ones when the new ones are invalid. */
  refreshMappings(): Promise<void>;
  stop(): Promise<void>;
}

export { SyncOperationError, builtInFlowSchedules, skipFailure };

/** The built-in flows. */
export function defaultFlows(context: FlowContext): AnySyncFlow[] {
  return [
    customersFlow({
      customers: sageCustomerSource(context.sage),
      salesforce: context.salesforce,
      mappings: context.mappings,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
  ];
}

/** A name for this process in leases and runs. */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

async function readMetadataMappings(salesforce: SalesforcePort): Promise<FieldMapping[]> {
  const records = await salesforce.queryAll<Record<string, unknown>>(
    `SELECT ${fieldMappingMetadataFields.join(', ')} FROM Sage_Field_Mapping__mdt`,
  );
  return mappingsFromMetadata(records);
}

/**
 * Starts the sync runtime: loads the field mappings (an invalid one stops start-up with a MappingError naming it),
 * validates the schedules, and, unless told not to, starts ticking them.
 */
export async function startSyncRuntime(options: SyncRuntimeOptions): Promise<SyncRuntime> {
  const { config, store, logger } = options;
  const settings = options.settings ?? syncSettingsFromEnvironment(process.env);
  const owner = options.owner ?? processOwner();
  const log = logger.child({ component: 'sync', owner });

  const fileMappings = loadMappingConfiguration(config.env.MAPPING_FILE).file;
  let mappings: MappingConfiguration;
  const loadMappings = async (): Promise<MappingConfiguration> => {
    try {
      return resolveMappings(fileMappings, await readMetadataMappings(options.salesforce));
    } catch (error) {
      if (isErrorKind(error, 'transient', 'quota', 'in-doubt')) {
        log.warn(
          { err: error },
          'could not read Sage_Field_Mapping__mdt from Salesforce; using the mapping file and defaults',
        );
        return resolveMappings(fileMappings);
      }
      throw error;
    }
  };
  mappings = await loadMappings();

  const engine = new SyncEngine({
    store,
    logger: log,
    owner,
    leaseMs: settings.leaseMs,
    failureRetry: { maxAttempts: settings.failureMaxAttempts, baseMs: settings.failureRetryMs, capMs: 6 * 3_600_000 },
    quotaPauseMs: settings.quotaPauseMs,
  });
  const context: FlowContext = {
    sage: options.sage,
    salesforce: options.salesforce,
    mappings: () => mappings,
    ...(settings.pageSize === undefined ? {} : { pageSize: settings.pageSize }),
  };
  const flows = new Map((options.flows ?? defaultFlows)(context).map((flow) => [flow.name, flow]));
  const scheduleOf = (flow: AnySyncFlow) =>
    settings.schedules[flow.name] ?? options.schedules?.[flow.name] ?? flow.schedule;
  for (const flow of flows.values()) parseSchedule(scheduleOf(flow), `The ${flow.name} flow's`);

  const running = new Set<Promise<unknown>>();
  const shutdown = new AbortController();
  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    void work.finally(() => running.delete(work)).catch(() => undefined);
    return work;
  };
  const flowNamed = (name: string): AnySyncFlow => {
    const flow = flows.get(name);
    if (!flow)
      throw new SyncOperationError(
        404,
        'UNKNOWN_FLOW',
        `There is no flow named "${name}"; flows: ${[...flows.keys()].join(', ')}`,
      );
    return flow;
  };

  const scheduleEnabled = options.schedule ?? config.env.SCHEDULER_ENABLED;
  let scheduler: Scheduler | undefined;
  if (scheduleEnabled) {
    scheduler = startScheduler(
      [...flows.values()].map((flow) => ({
        name: flow.name,
        cron: scheduleOf(flow),
        run: async (slot: Date) => {
          const result = await track(
            engine.run(flow, { trigger: 'schedule', slot, respectPause: true, signal: shutdown.signal }),
          );
          if (result.outcome === 'skipped')
            log.debug({ flow: flow.name, slot, because: result.skippedBecause }, 'tick skipped');
        },
      })),
      (job, error) => log.error({ err: error, flow: job }, 'scheduled run failed'),
    );
  }
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshMappings = async () => {
    try {
      mappings = await loadMappings();
    } catch (error) {
      log.error({ err: error }, 'the field mappings read from Salesforce are invalid; keeping the previous ones');
    }
  };
  if (scheduleEnabled && settings.mappingRefreshMs > 0) {
    refreshTimer = setInterval(() => void refreshMappings(), settings.mappingRefreshMs);
    refreshTimer.unref();
  }

  return {
    owner,
    flows: () => [...flows.values()].map((flow) => ({ name: flow.name, schedule: scheduleOf(flow) })),

    async runFlowNow(name, runOptions = {}) {
      const flow = flowNamed(name);
      const signal = runOptions.signal ? AbortSignal.any([runOptions.signal, shutdown.signal]) : shutdown.signal;
      return track(
        engine.run(flow, {
          trigger: 'manual',
          signal,
          ...(runOptions.full ? { full: true } : {}),
          ...(runOptions.since ? { since: runOptions.since } : {}),
          ...(runOptions.onProgress ? { onProgress: runOptions.onProgress } : {}),
        }),
      );
    },

    status: () =>
      flowStatuses(
        store,
        [...flows.values()].map((flow) => ({ name: flow.name, schedule: scheduleOf(flow) })),
        scheduler?.nextRuns() ?? {},
      ),

    listRuns: (query = {}) => store.runs.list(query),
    listFailures: (query = {}) => store.failures.list(query),

    async retryFailure(id) {
      const failure = await store.failures.get(id);
      if (!failure) throw new SyncOperationError(404, 'FAILURE_NOT_FOUND', `There is no failure ${id}`);
      const flow = flowNamed(failure.flow);
      if (!(await store.failures.requestRetry(id))) {
        throw new SyncOperationError(
          409,
          'FAILURE_CLOSED',
          `Failure ${id} is ${failure.status}; only open failures can be retried`,
        );
      }
      const run = await track(engine.run(flow, { trigger: 'retry', failuresOnly: true, signal: shutdown.signal }));
      return { failure: (await store.failures.get(id)) as SyncFailure, run };
    },

    skipFailure: (id) => skipFailure(store, id),

    mappings: () => mappings,
    refreshMappings,

    async stop() {
      scheduler?.stop();
      if (refreshTimer) clearInterval(refreshTimer);
      shutdown.abort();
      await Promise.allSettled([...running]);
    },
  };
}
