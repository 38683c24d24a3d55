/**
 * The sync runtime of one middleware process: the registry's flows built from the connected systems, their schedules
 * (followed as the connector settings change), and the operations the API and the CLI offer (run now, runs, failures,
 * retry, skip, status). `stop()` is the graceful shutdown: no new ticks, runs under way finish their current page,
 * save the checkpoint and release their leases.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SyncSettings } from '../config/env.js';
import type { MappingConfiguration } from '../config/mapping.js';
import { ServiceError } from '../services/errors.js';
import type { CustomMetadata } from '../services/settings.js';
import type { FailureStatus, Store, SyncFailure, SyncRun } from '../store/index.js';
import { SyncEngine, type FlowRunResult, type Progress } from './engine.js';
import type { AnySyncFlow, RunOptions } from './flow.js';
import { builtInFlows } from './flows/index.js';
import { skipFailure, unknownFlow } from './operations.js';
import {
  buildFlows,
  type FlowDefinition,
  type FlowRegistry,
  type ScheduledFlow,
  type ScheduleSources,
} from './registry.js';
import { parseSchedule, startScheduler, type Scheduler } from './scheduler.js';
import { flowStatuses, type FlowStatus } from './status.js';
import type { FlowPorts } from './systems.js';

export interface SyncRuntimeOptions {
  store: Store;
  /** The connected systems the flows are built from. */
  systems: FlowPorts;
  /** Salesforce Custom Metadata: field mappings and the connector settings' schedules. */
  metadata: CustomMetadata;
  /** Engine settings and `SYNC_SCHEDULE_<FLOW>` schedules (the configuration's `sync`). */
  settings: SyncSettings;
  logger: Logger;
  /** The flows (default: the built-in registry). */
  registry?: FlowRegistry;
  /** Tick the schedules. The CLI runs flows on demand only. */
  schedule: boolean;
  /** How often the scheduler reads Custom Metadata again, so schedules and mappings follow a change (0: never). */
  metadataRefreshMs?: number;
  /** This process's name in leases and runs. */
  owner?: string;
  /** Told after every run that ran (not skipped), e.g. the sync-health watch; its failures never fail the run. */
  afterRun?: (flow: string, result: FlowRunResult) => Promise<void>;
}

export interface RunNowOptions extends RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface SyncRuntime {
  owner: string;
  /** Names and schedules in force of the flows. */
  flows(): ScheduledFlow[];
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
  /** Reads Custom Metadata (field mappings and settings) again now; invalid mappings keep the previous ones. */
  refreshMappings(): Promise<void>;
  /** Graceful stop: no new runs; runs under way end after their current page. */
  stop(): Promise<void>;
}

/** A name for this process in leases and runs. */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Starts the sync runtime: loads the Custom Metadata (invalid field mappings stop start-up with a MappingError naming
 * them), builds the registry's flows, validates their schedules, and, when asked, starts ticking them.
 */
export async function startSyncRuntime(options: SyncRuntimeOptions): Promise<SyncRuntime> {
  const { store, logger, settings, metadata } = options;
  const registry = options.registry ?? builtInFlows;
  const owner = options.owner ?? processOwner();
  const log = logger.child({ component: 'sync', owner });
  await metadata.load();

  const engine = new SyncEngine({
    store,
    logger: log,
    owner,
    leaseMs: settings.leaseMs,
    failureRetry: { maxAttempts: settings.failureMaxAttempts, baseMs: settings.failureRetryMs, capMs: 6 * 3_600_000 },
    quotaPauseMs: settings.quotaPauseMs,
  });
  const flows = buildFlows(registry, options.systems, {
    mappings: () => metadata.mappings(),
    settings: () => metadata.settingsNow(),
    clock: () => store.clock(),
    salesforceLookBackMs: settings.salesforceLookBackMs,
    links: store.links,
    ...(settings.pageSize === undefined ? {} : { pageSize: settings.pageSize }),
  });
  const sources = (): ScheduleSources => ({
    environment: settings.schedules,
    connector: metadata.settingsNow().schedules,
    repairs: settings.repairSchedules,
  });
  const schedules = () => registry.schedules(sources());
  for (const flow of schedules()) parseSchedule(flow.schedule, `The ${flow.name} flow's`);
  for (const definition of registry.definitions) {
    const repair = registry.repairScheduleOf(definition, sources());
    if (repair) parseSchedule(repair, `The ${definition.name} flow's drift-repair`);
  }

  /**
   * Whether a scheduled run should end with a drift-repair pass: one is under way (a crash interrupted it), or a tick
   * of the repair schedule has passed since the last pass finished. The schedule of a flow never repaired counts from
   * its first scheduled run.
   */
  const repairDue = async (flow: AnySyncFlow, definition: FlowDefinition): Promise<boolean> => {
    const schedule = flow.drift ? registry.repairScheduleOf(definition, sources()) : undefined;
    if (!schedule) return false;
    const state = await store.repairs.get(flow.name);
    if (state?.inProgress) return true;
    const since = state?.finishedAt ?? state?.startedAt;
    if (!since) {
      await store.repairs.baseline(flow.name);
      return false;
    }
    const next = parseSchedule(schedule, `The ${flow.name} flow's drift-repair`).nextRun(since);
    return next !== null && next.getTime() <= store.clock().getTime();
  };

  const running = new Set<Promise<unknown>>();
  const shutdown = new AbortController();
  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    void work.finally(() => running.delete(work)).catch(() => undefined);
    return work;
  };
  const ran = async (flow: string, work: Promise<FlowRunResult>): Promise<FlowRunResult> => {
    const result = await work;
    if (result.outcome !== 'skipped' && options.afterRun) {
      await options
        .afterRun(flow, result)
        .catch((error: unknown) => log.warn({ err: error, flow }, 'after-run check failed'));
    }
    return result;
  };
  const flowNamed = (name: string): AnySyncFlow => {
    const flow = flows.get(name);
    if (!flow) throw unknownFlow(name, registry);
    return flow;
  };

  let scheduler: Scheduler | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  if (options.schedule) {
    scheduler = startScheduler(
      registry.definitions.map((definition) => {
        const flow = flowNamed(definition.name);
        return {
          name: definition.name,
          cron: () => registry.scheduleOf(definition, sources()),
          run: async (slot: Date) => {
            const repair = await repairDue(flow, definition);
            const result = await track(
              ran(
                flow.name,
                engine.run(flow, {
                  trigger: 'schedule',
                  slot,
                  respectPause: true,
                  signal: shutdown.signal,
                  ...(repair ? { repair: true } : {}),
                }),
              ),
            );
            if (result.outcome === 'skipped')
              log.debug({ flow: flow.name, slot, because: result.skippedBecause }, 'tick skipped');
          },
        };
      }),
      (job, error) => log.error({ err: error, flow: job }, 'scheduled run failed'),
    );
    const refreshMs = options.metadataRefreshMs ?? 0;
    if (refreshMs > 0) {
      refreshTimer = setInterval(() => {
        metadata.refresh().catch((error: unknown) => log.error({ err: error }, 'could not refresh Custom Metadata'));
      }, refreshMs);
      refreshTimer.unref();
    }
  }

  return {
    owner,
    flows: schedules,

    async runFlowNow(name, runOptions = {}) {
      const flow = flowNamed(name);
      const signal = runOptions.signal ? AbortSignal.any([runOptions.signal, shutdown.signal]) : shutdown.signal;
      return track(
        ran(
          flow.name,
          engine.run(flow, {
            trigger: 'manual',
            signal,
            ...(runOptions.full ? { full: true } : {}),
            ...(runOptions.since ? { since: runOptions.since } : {}),
            ...(runOptions.repair ? { repair: true } : {}),
            ...(runOptions.operatorRequested ? { operatorRequested: true } : {}),
            ...(runOptions.onProgress ? { onProgress: runOptions.onProgress } : {}),
          }),
        ),
      );
    },

    status: () => flowStatuses(store, schedules(), scheduler?.nextRuns() ?? {}),

    listRuns: (query = {}) => store.runs.list(query),
    listFailures: (query = {}) => store.failures.list(query),

    async retryFailure(id) {
      const failure = await store.failures.get(id);
      if (!failure) throw new ServiceError('not-found', 'FAILURE_NOT_FOUND', `There is no failure ${id}`);
      const flow = flowNamed(failure.flow);
      if (!(await store.failures.requestRetry(id))) {
        throw new ServiceError(
          'conflict',
          'FAILURE_CLOSED',
          `Failure ${id} is ${failure.status}; only open failures can be retried`,
        );
      }
      // Retrying a failure is an operator's decision, also for a flow its setting turns off.
      const run = await track(
        engine.run(flow, { trigger: 'retry', failuresOnly: true, operatorRequested: true, signal: shutdown.signal }),
      );
      return { failure: (await store.failures.get(id)) as SyncFailure, run };
    },

    skipFailure: (id) => skipFailure(store, id),

    mappings: () => metadata.mappings(),
    refreshMappings: () => metadata.refresh(),

    async stop() {
      scheduler?.stop();
      if (refreshTimer) clearInterval(refreshTimer);
      shutdown.abort();
      await Promise.allSettled([...running]);
    },
  };
}
