/**
 * The run loop shared by every flow: take the flow's lease → read a page from the cursor → map → compare content
 * hashes with the links (unchanged records and the connector's own echoes are skipped) → write → commit links,
 * failures, counts and the checkpoint in one transaction → next page. Error kinds decide what happens: transient →
 * already retried by the client that met it (the engine never repeats a read or a write: docs/architecture.md, "Who
 * retries what"), so a page whose read or every write still failed ends the run uncommitted and the next run resumes
 * from the checkpoint, while single records that failed go to the failure queue; quota → the flow pauses; permanent →
 * the failure queue while the batch continues; in doubt → looked up (when writing twice is not harmless) and re-sent
 * once, else parked for verification.
 */
import type { Logger } from 'pino';
import { ConnectorError, isErrorKind } from '../domain/errors.js';
import type { Repositories, Store, RunCounts, RunOutcome, RunTrigger, SyncFailure } from '../store/index.js';
import type { AnySyncFlow, PreparedRecord, RunOptions, SavedCursor, WriteOutcome } from './flow.js';
import { loadCursor } from './cursor.js';
import { holdFlowLease, LeaseLostError, type HeldLease } from './lease.js';
import {
  asConnectorError,
  inDoubtRecords,
  linkUpdates,
  pageCounts,
  planPage,
  prepareRecords,
  unverifiedWrite,
  type PageFailure,
  type WrittenRecord,
} from './page-plan.js';

export interface EngineOptions {
  store: Store;
  logger: Logger;
  /** This process's name in leases and runs (host:pid:random). */
  owner: string;
  /** How long a flow lease lasts without renewal; renewed every third of it. */
  leaseMs: number;
  /** Failure-queue policy: automatic attempts and the delay before the first retry (doubling after). */
  failureRetry?: { maxAttempts: number; baseMs: number; capMs: number };
  /** How long a flow pauses after a quota error that names no time. */
  quotaPauseMs?: number;
}

export interface Progress extends RunCounts {
  runId: number;
  /** Records the run expects to read, when known. */
  total?: number;
}

export interface FlowRunRequest extends RunOptions {
  trigger: RunTrigger;
  /** The schedule time this run is for; a tick runs once across replicas. */
  slot?: Date;
  /** Only retry the failure-queue entries that are due; do not read changes. */
  failuresOnly?: boolean;
  /** Honour a quota pause (scheduled runs do; operators may override). */
  respectPause?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface FlowRunResult extends RunCounts {
  flow: string;
  /** Undefined when the run did not start. */
  runId?: number;
  outcome: Exclude<RunOutcome, 'running'> | 'skipped';
  /**
   * Why a run did not start: another process holds the flow, or the tick already ran, or the flow is paused, or its
   * setting turns it off and no operator asked for the run.
   */
  skippedBecause?: 'busy' | 'paused' | 'off';
  /** Records the run's drift-repair pass rewrote because Salesforce no longer held what the mapping produces. */
  repaired?: number;
  message?: string;
  durationMs: number;
}

/** A run in progress, as its steps (retrying due failures, reading changes, committing pages) share it. */
interface ActiveRun {
  flow: AnySyncFlow;
  runId: number;
  /** Totals so far, added to by every page. */
  counts: RunCounts;
  /** Aborted on a stop request or when the flow lease is lost. */
  signal: AbortSignal;
  request: FlowRunRequest;
  lease: HeldLease;
  /** The flow's stored cursor, checked against its schema. */
  saved: SavedCursor<unknown> | undefined;
  /** Records rewritten by drift repair in this run. */
  repaired: number;
}

const emptyCounts = (): RunCounts => ({ read: 0, created: 0, updated: 0, unchanged: 0, failed: 0 });

class StopRequested extends Error {
  constructor() {
    super('Stop requested');
    this.name = 'StopRequested';
  }
}

function errorReport(error: unknown): { kind: ConnectorError['kind']; code: string; message: string } {
  if (error instanceof ConnectorError) return { kind: error.kind, code: error.code, message: error.message };
  return { kind: 'permanent', code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

/** Runs flows against the store. One engine per process; it may run several flows at once. */
export class SyncEngine {
  private readonly failureRetry: { maxAttempts: number; baseMs: number; capMs: number };
  private readonly quotaPauseMs: number;

  constructor(private readonly options: EngineOptions) {
    this.failureRetry = options.failureRetry ?? { maxAttempts: 5, baseMs: 60_000, capMs: 6 * 3_600_000 };
    this.quotaPauseMs = options.quotaPauseMs ?? 15 * 60_000;
  }

  /** Runs one flow once: retries its due failures, then reads from its cursor to the end (or until stopped). */
  async run(flow: AnySyncFlow, request: FlowRunRequest): Promise<FlowRunResult> {
    const { store, owner, leaseMs, logger } = this.options;
    const started = Date.now();
    const skipped = (because: 'busy' | 'paused' | 'off', message: string): FlowRunResult => ({
      flow: flow.name,
      outcome: 'skipped',
      skippedBecause: because,
      message,
      durationMs: Date.now() - started,
      ...emptyCounts(),
    });

    if (flow.enabled?.() === false && !request.operatorRequested) {
      return skipped('off', `${flow.name} is turned off in the connector settings; an operator's run still runs it`);
    }
    if (request.respectPause) {
      const saved = await store.cursors.get(flow.name);
      if (saved?.pausedUntil && saved.pausedUntil > store.clock()) {
        return skipped('paused', `paused until ${saved.pausedUntil.toISOString()}: ${saved.pauseReason ?? 'quota'}`);
      }
    }
    const stop = new AbortController();
    const onOuterAbort = () => stop.abort(new StopRequested());
    const lease = await holdFlowLease({
      leases: store.leases,
      flow: flow.name,
      owner,
      leaseMs,
      ...(request.slot ? { slot: request.slot } : {}),
      onLost: (error) => stop.abort(error),
      onRenewalError: (error) => logger.warn({ err: error, flow: flow.name }, 'could not renew the flow lease'),
    });
    if (!lease) return skipped('busy', 'another process is running this flow or has run this tick');
    request.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (request.signal?.aborted) onOuterAbort();

    let runId: number;
    try {
      runId = await store.runs.start({
        flow: flow.name,
        trigger: request.trigger,
        owner,
        scheduledFor: request.slot ?? null,
      });
    } catch (error) {
      request.signal?.removeEventListener('abort', onOuterAbort);
      await lease.release().catch(() => undefined);
      throw error;
    }
    const counts = emptyCounts();
    const log = logger.child({ flow: flow.name, runId });
    let outcome: Exclude<RunOutcome, 'running'> = 'succeeded';
    let message: string | undefined;
    let repaired: number | undefined;
    try {
      const saved = loadCursor(flow, await store.cursors.get(flow.name));
      await store.runs.interruptAbandoned(flow.name, runId);
      await store.failures.reopenStale(flow.name);
      const run: ActiveRun = { flow, runId, counts, signal: stop.signal, request, lease, saved, repaired: 0 };
      const total = await this.retryDueFailures(run);
      let finished = request.failuresOnly ? !stop.signal.aborted : await this.readChanges(run, total);
      if (finished && request.repair && flow.drift && !request.failuresOnly) {
        finished = await this.repairDrift(run);
        repaired = run.repaired;
        message = `drift repair: ${run.repaired} record(s) repaired${finished ? '' : ' so far'}`;
      }
      if (finished) await this.afterRun(run, log);
      if (!finished) {
        outcome = 'interrupted';
        message = lease.lost()
          ? 'the flow lease passed to another process'
          : 'stopped before the end; the next run resumes from the checkpoint';
      } else if (counts.failed > 0 && counts.created + counts.updated + counts.unchanged === 0) {
        outcome = 'failed';
        message = `every record of this run (${counts.failed}) went to the failure queue`;
      } else if (counts.failed > 0) {
        outcome = 'partial';
        message = [`${counts.failed} record(s) went to the failure queue`, message].filter(Boolean).join('; ');
      }
    } catch (error) {
      if (error instanceof StopRequested || error instanceof LeaseLostError || stop.signal.aborted) {
        outcome = 'interrupted';
        message =
          error instanceof LeaseLostError
            ? error.message
            : 'stopped before the end; the next run resumes from the checkpoint';
      } else if (isErrorKind(error, 'quota')) {
        const until = new Date(store.clock().getTime() + (error.retryAfterMs ?? this.quotaPauseMs));
        await store.cursors.pause(flow.name, until, `${error.code}: ${error.message}`);
        outcome = 'paused';
        message = `API quota spent (${error.code}); paused until ${until.toISOString()}`;
        log.warn({ until }, 'flow paused: API quota spent');
      } else {
        outcome = 'failed';
        const report = errorReport(error);
        message = `${report.code}: ${report.message}`;
        log.error({ err: error }, 'flow run failed; the next run resumes from the last checkpoint');
      }
    } finally {
      request.signal?.removeEventListener('abort', onOuterAbort);
      await store.runs.finish(runId, outcome, message ?? null);
      await lease.release();
    }
    log.info({ outcome, ...counts }, 'flow run finished');
    return {
      flow: flow.name,
      runId,
      outcome,
      ...(message ? { message } : {}),
      ...(repaired === undefined ? {} : { repaired }),
      durationMs: Date.now() - started,
      ...counts,
    };
  }

  /** The flow's own step after a run that got to the end; its errors are the flow's, not the run's. */
  private async afterRun(run: ActiveRun, log: Logger): Promise<void> {
    try {
      await run.flow.afterRun?.({ runId: run.runId, signal: run.signal });
    } catch (error) {
      log.warn({ err: error }, 'the flow could not finish its run');
    }
  }

  /** Re-reads and re-writes the flow's failure-queue entries that are due. Returns the progress total so far. */
  private async retryDueFailures(run: ActiveRun): Promise<number> {
    const { flow, runId, counts, signal, request } = run;
    const { store } = this.options;
    // Entries that fail again in this run are due later than its start, so each is tried once per run.
    const runStart = store.clock();
    let handled = 0;
    for (;;) {
      if (signal.aborted) return handled;
      const due = await store.failures.claimDue(flow.name, flow.pageSize, runStart);
      if (due.length === 0) return handled;
      const keys = due.map((failure) => failure.recordKey);
      const records = await flow.fetch(keys, signal);
      const found = new Set(records.map((record) => flow.keyOf(record)));
      const missing = keys.filter((key) => !found.has(key));
      await this.processPage(run, records, {
        extraFailures: missing.map((key) => ({
          key,
          error: new ConnectorError('permanent', `Record ${key} no longer exists in the source`, {
            code: 'SOURCE_RECORD_MISSING',
            system: 'connector',
          }),
          payload: null,
        })),
        forceWrite: true,
      });
      handled += due.length;
      request.onProgress?.({ runId, ...counts });
    }
  }

  /** Reads pages from the cursor and processes them; false when stopped before the end. */
  private async readChanges(run: ActiveRun, retried: number): Promise<boolean> {
    const { flow, runId, counts, signal, request, saved } = run;
    const { store } = this.options;
    let cursor: unknown = flow.startCursor(saved, {
      ...(request.full ? { full: true } : {}),
      ...(request.since ? { since: request.since } : {}),
    });
    // The total comes with the source's first answer, when it can tell; until then (or never) progress has none.
    let total: number | undefined;
    const progress = () => request.onProgress?.({ runId, ...counts, ...(total === undefined ? {} : { total }) });
    progress();
    const onTotal = (expected: number) => {
      total = expected + retried;
      progress();
    };

    const iterator = flow.read(cursor, signal, onTotal)[Symbol.asyncIterator]();
    try {
      for (;;) {
        if (signal.aborted) return false;
        const next = await iterator.next();
        if (next.done) break;
        const records = next.value as unknown[];
        if (records.length === 0) continue;
        for (const record of records) cursor = flow.advance(cursor, record);
        await this.processPage(run, records, { cursor });
        progress();
      }
    } finally {
      await iterator.return?.();
    }
    await store.cursors.save(flow.name, flow.finish(cursor), { inProgress: false });
    return true;
  }

  /**
   * Drift repair: reads every source record from the start (or from the checkpoint of a pass a crash interrupted), in
   * the flow's pages, and rewrites those whose target values differ from what the mapping produces. Its checkpoint is
   * kept apart from the flow's cursor, which it never moves. False when stopped before the end.
   */
  private async repairDrift(run: ActiveRun): Promise<boolean> {
    const { flow, signal } = run;
    const { store } = this.options;
    const state = await store.repairs.get(flow.name);
    const checkpoint = state?.inProgress ? flow.cursor.safeParse(state.value) : undefined;
    let cursor: unknown =
      checkpoint?.success && state?.value !== null
        ? flow.startCursor({ value: checkpoint.data, inProgress: true }, {})
        : flow.startCursor(undefined, { full: true });
    if (!state?.inProgress || !checkpoint?.success) await store.repairs.start(flow.name);
    run.repaired = state?.inProgress && checkpoint?.success ? state.repaired : 0;

    const iterator = flow.read(cursor, signal)[Symbol.asyncIterator]();
    try {
      for (;;) {
        if (signal.aborted) return false;
        const next = await iterator.next();
        if (next.done) break;
        const records = next.value as unknown[];
        if (records.length === 0) continue;
        for (const record of records) cursor = flow.advance(cursor, record);
        await this.processPage(run, records, { repairCheckpoint: cursor });
        run.request.onProgress?.({ runId: run.runId, ...run.counts });
      }
    } finally {
      await iterator.return?.();
    }
    await store.repairs.finish(flow.name);
    return true;
  }

  /** Maps, filters by hash, writes and commits one page. */
  private async processPage(
    run: ActiveRun,
    records: readonly unknown[],
    options: { cursor?: unknown; forceWrite?: boolean; extraFailures?: PageFailure[]; repairCheckpoint?: unknown },
  ): Promise<void> {
    const { flow, runId, counts, signal, lease } = run;
    const { store, owner, leaseMs } = this.options;
    const repairing = options.repairCheckpoint !== undefined;
    const links = await store.links.getMany(
      flow.entity,
      flow.source,
      records.map((record) => flow.keyOf(record)),
    );
    const mapped = prepareRecords(
      records,
      (record) => flow.keyOf(record),
      (record, link) => flow.map(record, link) as unknown,
      links,
    );
    // Drift repair compares with what the target holds now, not with the hash last synced: only what differs is written.
    const drifted = repairing ? await this.driftedRecords(flow, mapped.prepared, signal) : undefined;
    const forceWrite = repairing || (options.forceWrite ?? false);
    const keys = [...mapped.prepared.keys()];
    const parked =
      forceWrite && !repairing
        ? new Map<string, SyncFailure>()
        : await store.failures.activeFor(
            flow.name,
            records.map((record) => flow.keyOf(record)),
          );
    const echoes = new Set<string>();
    if (flow.isEcho && !forceWrite) {
      for (const record of records) {
        const key = flow.keyOf(record);
        const link = links.get(key);
        if (link && flow.isEcho(record, link)) echoes.add(key);
      }
    }
    const plan = planPage({
      echoes,
      prepared: drifted ?? mapped.prepared,
      failures: [...(options.extraFailures ?? []), ...mapped.failures],
      links,
      parked,
      source: flow.source,
      forceWrite,
    });
    if (drifted) plan.unchanged.push(...keys.filter((key) => !drifted.has(key)));

    // A record parked in doubt by a writer that is not idempotent is looked up before it is written again.
    const active = forceWrite ? await store.failures.activeFor(flow.name, keys) : parked;
    const inDoubt = inDoubtRecords(plan.toWrite, active, flow.idempotentWrites);
    const found = await this.verifyInDoubt(flow, inDoubt, signal);
    const unverifiable = new Set(flow.verify ? [] : inDoubt.map((item) => item.key));
    const sending = plan.toWrite.filter((item) => !found.has(item.key) && !unverifiable.has(item.key));
    const outcomes: WriteOutcome[] = [
      ...(sending.length > 0 ? await this.writeBatch(flow, sending, signal) : []),
      ...found.values(),
      ...[...unverifiable].map(unverifiedWrite),
    ];
    const failures = plan.failures;
    const written: WrittenRecord[] = [];
    const byKey = new Map(plan.toWrite.map((item) => [item.key, item]));
    for (const outcome of outcomes) {
      const item = byKey.get(outcome.key);
      if (!item) continue;
      if (outcome.ok) written.push({ item, outcome });
      else
        failures.push({
          key: outcome.key,
          error: outcome.error,
          payload: item.target,
          ...(outcome.waitsFor ? { waitsFor: outcome.waitsFor } : {}),
        });
    }

    const conflicts = written.flatMap(({ outcome }) => outcome.conflicts ?? []);
    const added = pageCounts(records.length, written, plan, failures.length);
    await store.transaction(async (tx: Repositories) => {
      // Fencing: only the lease holder may commit, so a process that lost its lease cannot move the checkpoint.
      if (!(await tx.leases.renew(lease.name, owner, leaseMs))) throw new LeaseLostError(flow.name);
      const links = linkUpdates(flow.source, written);
      await tx.links.upsertMany(flow.entity, links);
      // Records waiting in any flow's failure queue for one of these links (invoices for their customer) are due now.
      await tx.failures.releaseWaiting(
        flow.entity,
        links.filter((link) => link.salesforceId !== null).map((link) => link.sageKey),
      );
      await tx.failures.resolve(flow.name, [...written.map(({ item }) => item.key), ...plan.unchanged]);
      for (const failure of failures) {
        await tx.failures.record(flow.name, {
          recordKey: failure.key,
          payload: failure.payload,
          kind: failure.error.kind,
          code: failure.error.code,
          message: failure.error.message,
          nextAttemptAt: (attempts) => this.nextAttempt(attempts),
          waitsFor: failure.waitsFor ?? null,
        });
      }
      if (conflicts.length > 0) await tx.conflicts.record(flow.name, runId, conflicts);
      await tx.runs.addCounts(runId, added);
      if (options.cursor !== undefined) await tx.cursors.save(flow.name, options.cursor, { inProgress: true });
      if (repairing) await tx.repairs.checkpoint(flow.name, options.repairCheckpoint, written.length);
    });
    for (const name of Object.keys(counts) as (keyof RunCounts)[]) counts[name] += added[name];
    for (const conflict of conflicts) {
      this.options.logger.warn(
        {
          flow: flow.name,
          runId,
          recordKey: conflict.recordKey,
          field: conflict.field,
          master: conflict.master,
          winningValue: conflict.winningValue,
          losingValue: conflict.losingValue,
        },
        `conflict on ${conflict.recordKey} ${conflict.field}: both systems changed it; ${conflict.master} (the master) won, ${conflict.master === 'Sage' ? 'Salesforce' : 'Sage'}'s value ${JSON.stringify(conflict.losingValue)} was overwritten`,
      );
    }
    if (repairing) run.repaired += written.length;
  }

  /** The page's mapped records whose target values differ from the mapped ones (or that the target lacks). */
  private async driftedRecords(
    flow: AnySyncFlow,
    prepared: ReadonlyMap<string, PreparedRecord<unknown>>,
    signal: AbortSignal,
  ): Promise<Map<string, PreparedRecord<unknown>>> {
    const drift = flow.drift;
    if (!drift) return new Map(prepared);
    const records = [...prepared.values()];
    const held = await drift.current(records, signal);
    return new Map(
      records
        .filter((record) => !held.has(record.key) || drift.differs(record.target, held.get(record.key)))
        .map((record) => [record.key, record]),
    );
  }

  private nextAttempt(attempts: number): Date | null {
    if (attempts >= this.failureRetry.maxAttempts) return null;
    const delay = Math.min(this.failureRetry.capMs, this.failureRetry.baseMs * 2 ** (attempts - 1));
    return new Date(this.options.store.clock().getTime() + delay);
  }

  /** Asks a non-idempotent flow which in-doubt records were stored after all (empty when it cannot tell). */
  private async verifyInDoubt(
    flow: AnySyncFlow,
    records: PreparedRecord<unknown>[],
    signal: AbortSignal,
  ): Promise<Map<string, WriteOutcome>> {
    if (records.length === 0 || flow.idempotentWrites || !flow.verify) return new Map();
    return flow.verify(records, signal);
  }

  /**
   * Writes a batch and settles every record. The client has retried transport faults already, so a batch whose every
   * record failed transiently means the target is not answering: the page is not committed and the run ends. Records
   * in doubt are re-sent once when writing twice is harmless, or after the flow's `verify` found them unwritten; a
   * quota failure stops the page; anything else is the record's failure (the failure queue retries it later).
   */
  private async writeBatch(
    flow: AnySyncFlow,
    batch: PreparedRecord<unknown>[],
    signal: AbortSignal,
  ): Promise<WriteOutcome[]> {
    const first = await this.writeOnce(flow, batch, signal);
    const transient = first.flatMap((outcome) => (!outcome.ok && outcome.error.kind === 'transient' ? [outcome] : []));
    if (transient.length === batch.length && transient[0]) throw transient[0].error;
    const doubtful = batch.filter((_, index) => {
      const outcome = first[index] as WriteOutcome;
      return !outcome.ok && outcome.error.kind === 'in-doubt';
    });
    const verified = await this.verifyInDoubt(flow, doubtful, signal);
    const settled = new Map<string, WriteOutcome>();
    const again: PreparedRecord<unknown>[] = [];
    for (const [index, item] of batch.entries()) {
      const outcome = first[index] as WriteOutcome;
      const found = verified.get(item.key);
      if (outcome.ok) settled.set(item.key, outcome);
      else if (found) settled.set(item.key, found);
      else if (
        outcome.error.kind === 'in-doubt' &&
        (flow.idempotentWrites || flow.verify !== undefined) &&
        !signal.aborted
      ) {
        again.push(item);
      } else settled.set(item.key, outcome);
    }
    if (again.length > 0) {
      const second = await this.writeOnce(flow, again, signal);
      again.forEach((item, index) => settled.set(item.key, second[index] as WriteOutcome));
    }
    return batch.map((item) => settled.get(item.key) as WriteOutcome);
  }

  /** Sends a batch once: one outcome per record, a failure of the whole batch given to each; quota stops the page. */
  private async writeOnce(
    flow: AnySyncFlow,
    batch: PreparedRecord<unknown>[],
    signal: AbortSignal,
  ): Promise<WriteOutcome[]> {
    let outcomes: WriteOutcome[];
    try {
      outcomes = await flow.write(batch, signal);
    } catch (error) {
      if (isErrorKind(error, 'quota')) throw error;
      const failure = asConnectorError(error, 'WRITE_FAILED');
      outcomes = batch.map((item) => ({ key: item.key, ok: false, error: failure }));
    }
    return batch.map((item, index) => {
      const outcome = outcomes[index] ?? {
        key: item.key,
        ok: false,
        error: new ConnectorError('in-doubt', 'The writer returned no result for this record', {
          code: 'NO_RESULT',
          system: 'connector',
        }),
      };
      // The allowance is spent: nothing of this page is committed, and the flow pauses.
      if (!outcome.ok && outcome.error.kind === 'quota') throw outcome.error;
      return outcome;
    });
  }
}
