import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { remainingMs, withoutDeadline } from '../domain/deadline.js';
import type { ConflictRepository, SyncConflict } from '../store/conflicts.js';
import type { FlowCursor } from '../store/cursors.js';
import type { FailureRepository, FailureStatus, SyncFailure } from '../store/failures.js';
import type { Lease } from '../store/leases.js';
import type { RunRepository, SyncRun } from '../store/runs.js';
import { ServiceError } from './errors.js';
import { ORDER_WRITE_BACK_QUEUE, type OrderWriteBacks } from './orderWriteBack.js';

/** A sync run as the operations API shows it. */
export const runViewSchema = z.object({
  id: z.int(),
  flow: z.string(),
  trigger: z.string(),
  outcome: z.enum(['running', 'succeeded', 'partial', 'failed', 'paused', 'interrupted']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  counts: z.object({
    read: z.int(),
    created: z.int(),
    updated: z.int(),
    unchanged: z.int(),
    failed: z.int(),
  }),
  message: z.string().nullable(),
});
export type RunView = z.infer<typeof runViewSchema>;

const failureStatusSchema = z.enum(['open', 'retrying', 'resolved', 'skipped']);

/** A failure-queue entry as the operations API shows it (the payload stays in the store). */
export const failureViewSchema = z.object({
  id: z.int(),
  flow: z.string(),
  recordKey: z.string(),
  kind: z.enum(['transient', 'quota', 'permanent', 'in-doubt']),
  code: z.string(),
  message: z.string(),
  attempts: z.int(),
  status: failureStatusSchema,
  nextAttemptAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type FailureView = z.infer<typeof failureViewSchema>;

/**
 * A field both systems changed since the last sync of a two-way flow, as the operations API shows it: the master's
 * value won on both sides, the loser's value was overwritten and is kept here (values as text).
 */
export const conflictViewSchema = z.object({
  id: z.int(),
  flow: z.string(),
  runId: z.int().nullable(),
  recordKey: z.string(),
  salesforceId: z.string().nullable(),
  field: z.string(),
  master: z.enum(['Sage', 'Salesforce']),
  loser: z.enum(['Sage', 'Salesforce']),
  winningValue: z.string().nullable(),
  losingValue: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type ConflictView = z.infer<typeof conflictViewSchema>;

/** A failure after an operator's retry or skip. */
export const failureActionSchema = z.object({ id: z.int(), status: failureStatusSchema });
export type FailureAction = z.infer<typeof failureActionSchema>;

/** A flow run on an operator's request; null when the run left no record. */
export const flowRunSchema = z.object({ flow: z.string(), run: runViewSchema.nullable() });
export type FlowRun = z.infer<typeof flowRunSchema>;

/** A sync flow as the operations API shows it: its schedule, whether it runs or waits, its last run, its failures. */
export const flowViewSchema = z.object({
  name: z.string(),
  /** The cron schedule in force (environment, else connector setting, else the flow's default). */
  schedule: z.string(),
  /** This process's next scheduled run; null when this process does not tick the schedules. */
  nextRunAt: z.iso.datetime().nullable(),
  /** A process holds the flow's lease: a run is under way. */
  running: z.boolean(),
  /** The flow's API quota was spent: scheduled runs wait until `pausedUntil` (a run started by hand does not). */
  paused: z.boolean(),
  pausedUntil: z.iso.datetime().nullable(),
  lastRun: runViewSchema.nullable(),
  /** Failure-queue entries still to be written. */
  failures: z.object({ open: z.int(), retrying: z.int() }),
});
export type FlowView = z.infer<typeof flowViewSchema>;

/** What the sync runtime knows of a flow: what `sage-sf status` shows. */
export interface FlowState {
  name: string;
  schedule: string;
  nextRun: Date | null;
  cursor: Pick<FlowCursor, 'pausedUntil'> | null;
  lastRun: SyncRun | null;
  lease: Pick<Lease, 'owner' | 'expiresAt'> | null;
  failures: Record<FailureStatus, number>;
}

/**
 * What the sync runtime offers the operations API. Its refusals (no such flow or failure, a closed failure) are
 * ServiceErrors already.
 */
export interface FlowRuntime {
  /** Runs a flow now, telling `onProgress` its run id; `skipped` when another process runs it or it is paused. */
  runFlowNow(
    name: string,
    options?: { operatorRequested?: boolean; onProgress?: (progress: { runId: number }) => void },
  ): Promise<{
    outcome: string;
    runId?: number;
    skippedBecause?: 'busy' | 'paused' | 'off';
    message?: string;
  }>;
  retryFailure(id: number): Promise<{ failure: Pick<SyncFailure, 'status'> }>;
  skipFailure(id: number): Promise<Pick<SyncFailure, 'status'>>;
  /** Every registered flow, in registry order, with its schedule in force and what the store says about it. */
  status(): Promise<FlowState[]>;
}

export interface OperationsService {
  flows(): Promise<FlowView[]>;
  runs(query: { flow?: string; limit: number }): Promise<RunView[]>;
  failures(query: { flow?: string; status: FailureStatus | 'active'; limit: number }): Promise<FailureView[]>;
  retryFailure(id: number): Promise<FailureAction>;
  skipFailure(id: number): Promise<FailureAction>;
  runFlow(flow: string): Promise<FlowRun>;
  /** Conflicts two-way flows settled, newest first. */
  conflicts(query: { flow?: string; limit: number }): Promise<ConflictView[]>;
}

/** A field value as text for the conflict view (null stays null). */
function valueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The conflict as shown. */
export function conflictView(conflict: SyncConflict): ConflictView {
  return {
    id: conflict.id,
    flow: conflict.flow,
    runId: conflict.runId,
    recordKey: conflict.recordKey,
    salesforceId: conflict.salesforceId,
    field: conflict.field,
    master: conflict.master,
    loser: conflict.loser,
    winningValue: valueText(conflict.winningValue),
    losingValue: valueText(conflict.losingValue),
    createdAt: conflict.createdAt.toISOString(),
  };
}

/** The run as shown. */
export function runView(run: SyncRun): RunView {
  return {
    id: run.id,
    flow: run.flow,
    trigger: run.trigger,
    outcome: run.outcome,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    counts: {
      read: run.read,
      created: run.created,
      updated: run.updated,
      unchanged: run.unchanged,
      failed: run.failed,
    },
    message: run.message,
  };
}

/** The flow as shown, at `now` (a lease or a pause that ran out no longer counts). */
function flowView(flow: FlowState, now: Date): FlowView {
  const pausedUntil = flow.cursor?.pausedUntil ?? null;
  const paused = pausedUntil !== null && pausedUntil > now;
  const expiresAt = flow.lease?.expiresAt ?? null;
  return {
    name: flow.name,
    schedule: flow.schedule,
    nextRunAt: flow.nextRun?.toISOString() ?? null,
    running: Boolean(flow.lease?.owner) && expiresAt !== null && expiresAt > now,
    paused,
    pausedUntil: paused ? pausedUntil.toISOString() : null,
    lastRun: flow.lastRun ? runView(flow.lastRun) : null,
    failures: { open: flow.failures.open, retrying: flow.failures.retrying },
  };
}

function failureView(failure: SyncFailure): FailureView {
  return {
    id: failure.id,
    flow: failure.flow,
    recordKey: failure.recordKey,
    kind: failure.errorKind,
    code: failure.errorCode,
    message: failure.errorMessage,
    attempts: failure.attempts,
    status: failure.status,
    nextAttemptAt: failure.nextAttemptAt?.toISOString() ?? null,
    createdAt: failure.createdAt.toISOString(),
    updatedAt: failure.updatedAt.toISOString(),
  };
}

/** Sync runs, the failure queue and manual runs, for operators and the Salesforce console component. */
export function createOperations(options: {
  runs: Pick<RunRepository, 'list' | 'get'>;
  failures: Pick<FailureRepository, 'list' | 'get'>;
  /** The conflicts two-way flows settled; without it, none are shown. */
  conflicts?: Pick<ConflictRepository, 'list'>;
  /** The sync runtime; without it, runs and failures can be read but nothing can be run. */
  runtime?: FlowRuntime;
  /** Retries order write-backs, which wait in the failure queue without being a flow. */
  writeBacks?: Pick<OrderWriteBacks, 'retry'>;
}): OperationsService {
  const runtime = (): FlowRuntime => {
    if (!options.runtime) {
      throw new ServiceError('unavailable', 'SYNC_NOT_RUNNING', 'The sync engine is not running in this process');
    }
    return options.runtime;
  };

  return {
    async flows() {
      const now = new Date();
      return (await runtime().status()).map((flow) => flowView(flow, now));
    },
    async runs({ flow, limit }) {
      return (await options.runs.list({ ...(flow ? { flow } : {}), limit })).map(runView);
    },
    async failures({ flow, status, limit }) {
      return (await options.failures.list({ ...(flow ? { flow } : {}), status, limit })).map(failureView);
    },
    async conflicts({ flow, limit }) {
      if (!options.conflicts) return [];
      return (await options.conflicts.list({ ...(flow ? { flow } : {}), limit })).map(conflictView);
    },
    async retryFailure(id) {
      const queued = await options.failures.get(id);
      if (queued?.flow === ORDER_WRITE_BACK_QUEUE && options.writeBacks) return options.writeBacks.retry(id);
      const { failure } = await runtime().retryFailure(id);
      return { id, status: failure.status };
    },
    async skipFailure(id) {
      const failure = await runtime().skipFailure(id);
      return { id, status: failure.status };
    },
    async runFlow(flow) {
      // The run is the flow's, not the request's: it goes on to its end whatever the caller's deadline, and a caller
      // still waiting at its deadline is answered with the run as it stands.
      let runId: number | undefined;
      const running = withoutDeadline(() =>
        runtime().runFlowNow(flow, { operatorRequested: true, onProgress: (progress) => (runId = progress.runId) }),
      );
      const left = remainingMs();
      const result =
        left === undefined ? await running : await Promise.race([running, sleep(left, undefined, { ref: false })]);
      if (result === undefined) {
        void running.catch(() => undefined);
        const current = runId === undefined ? undefined : await options.runs.get(runId);
        return { flow, run: current ? runView(current) : null };
      }
      if (result.outcome === 'skipped') {
        throw new ServiceError(
          'conflict',
          result.skippedBecause === 'paused' ? 'FLOW_PAUSED' : 'FLOW_BUSY',
          `Flow "${flow}" did not run: ${result.message ?? 'another process is running it'}`,
        );
      }
      const run = result.runId === undefined ? undefined : await options.runs.get(result.runId);
      return { flow, run: run ? runView(run) : null };
    },
  };
}
