/**
 * What a sync flow declares: which system it reads (the other is written), its cursor's shape, an incremental paged
 * reader from its cursor, a pure mapper, a batched writer with one outcome per record, and how a record moves the
 * cursor. The engine (`engine.ts`) does the rest, in the words of source and target, so both directions run on it.
 */
import type { z } from 'zod';
import type { ConnectorError } from '../domain/errors.js';
import type { AwaitedRecord, ConflictReport, Link, LinkSide } from '../store/index.js';

/** One of the two systems a flow joins. */
export type SystemSide = LinkSide;

/** How a run was asked for. */
export interface RunOptions {
  /** Ignore the cursor and read everything. */
  full?: boolean;
  /** Read what changed since this day instead of from the cursor. */
  since?: Date;
  /** After reading changes, run a drift-repair pass (or resume the one under way), for a flow that has `drift`. */
  repair?: boolean;
  /**
   * An operator asked for this run (`sage-sf run`, the API's run, a failure retry): a flow that its setting turns off
   * (`enabled`) runs anyway. Scheduled runs never set it.
   */
  operatorRequested?: boolean;
}

/** The stored state a run starts from. */
export interface SavedCursor<Cursor> {
  value: Cursor | null;
  /** True when `value` is the checkpoint of a run that did not finish. */
  inProgress: boolean;
}

/** One record ready to write: its key, the mapped fields, and their content hash. */
export interface PreparedRecord<Target> {
  key: string;
  target: Target;
  hash: string;
}

/**
 * The outcome of writing one record: on success, whether the target created it and its key there (the Salesforce Id
 * of an upserted Account, the number of a created Sage customer; null when the target did not say). A failure may
 * name the record it waits for (the customer of an invoice whose Account does not exist yet): the failure-queue entry
 * becomes due as soon as a flow links that record.
 */
export type WriteOutcome =
  | {
      key: string;
      ok: true;
      created: boolean;
      targetKey: string | null;
      /**
       * For a two-way flow that merged the record with what the target held: what both systems hold now. The link keeps
       * it (the base of the next merge) and its hash, instead of the hash of the record as mapped.
       */
      synced?: unknown;
      /** Fields both systems had changed since the last sync, settled by the mapping's master (logged and kept). */
      conflicts?: ConflictReport[];
    }
  | { key: string; ok: false; error: ConnectorError; waitsFor?: AwaitedRecord };

/**
 * How drift repair tells whether the target still holds what the mapping produces: the target's current values of a
 * page of records (one read per page, never per record), and a comparison of one record.
 */
export interface DriftCheck<Target> {
  /** The target's current values of these records, by key; a record the target does not have is absent. */
  current(records: readonly PreparedRecord<Target>[], signal: AbortSignal): Promise<Map<string, unknown>>;
  /** True when the target's values differ from what the mapping produces. */
  differs(target: Target, current: unknown): boolean;
}

export interface SyncFlow<Source, Target, Cursor> {
  /** The flow's name in schedules, the CLI and the API (`customers`). */
  name: string;
  /**
   * For a flow a setting turns off (the automatic order push): false while it is off, and then only a run an operator
   * asked for (`operatorRequested`) runs it. Without it, the flow is always on.
   */
  enabled?(): boolean;
  /** The links entity this flow keeps (`customer`); flows of one entity in both directions share its links. */
  entity: string;
  /** The system the flow reads; it writes the other. Record keys (`keyOf`) are this system's keys. */
  source: SystemSide;
  /**
   * The cursor's shape. A stored cursor is parsed with it before a run starts; one that does not parse fails that run
   * (naming `sage-sf reset-cursor`) instead of being read as something it is not.
   */
  cursor: z.ZodType<Cursor>;
  /**
   * Records per page, the engine's write unit: they are mapped, compared by hash, written in one call to `write` and
   * checkpointed together. Larger pages let the writer choose Salesforce's Bulk API for big first syncs; smaller ones
   * lose less work to a crash (a resumed run re-reads at most one page).
   */
  pageSize: number;
  /** Where a run starts, from what is stored and how the run was asked for. */
  startCursor(saved: SavedCursor<Cursor> | undefined, options: RunOptions): Cursor | null;
  /**
   * Pages of changed records after the cursor, in cursor order. A source that learns how many records the read will
   * yield along with its first answer passes the number to `onTotal` (for progress bars); none asks for it separately.
   */
  read(cursor: Cursor | null, signal: AbortSignal, onTotal?: (expected: number) => void): AsyncIterable<Source[]>;
  /** The cursor just after `record` (records come in cursor order). */
  advance(cursor: Cursor | null, record: Source): Cursor;
  /** The cursor to keep once a run has read everything. */
  finish(cursor: Cursor | null): Cursor | null;
  /** The record's key in the source system (the source side of its link). */
  keyOf(record: Source): string;
  /**
   * Pure mapping to the other system's fields; throws a permanent ConnectorError for a value it cannot map. `link` is
   * the record's link when it has one: two-way flows read what was last synced from it to merge field by field.
   */
  map(record: Source, link?: Link): Target;
  /** Writes a batch; one outcome per record, in order. Throws a ConnectorError only when the whole batch failed. */
  write(records: readonly PreparedRecord<Target>[], signal: AbortSignal): Promise<WriteOutcome[]>;
  /** True when writing a record twice gives the same result (upserts on an External ID), so an in-doubt batch may be re-sent. */
  idempotentWrites: boolean;
  /**
   * For writers that are not idempotent: finds out which of these records a write with an unknown outcome did store,
   * answering an outcome for each one found. Records it does not find are written again; without it they are parked.
   */
  verify?(records: readonly PreparedRecord<Target>[], signal: AbortSignal): Promise<Map<string, WriteOutcome>>;
  /**
   * True when a record is the connector's own earlier write read back from the source (an echo), judged against its
   * link; the engine counts it unchanged and writes nothing. Without it, only an equal mapped hash means unchanged.
   */
  isEcho?(record: Source, link: Link): boolean;
  /** Re-reads records by key, for failure-queue retries; records that no longer exist are left out. */
  fetch(keys: readonly string[], signal: AbortSignal): Promise<Source[]>;
  /** For drift repair: how to compare the target's values with the mapped ones. Without it, the flow is not repaired. */
  drift?: DriftCheck<Target>;
  /**
   * Called when a run has read to the end (or finished its failure-queue retries): for what a run hands on beyond its
   * records, such as the notices of the Tasks it wrote. An error is logged and leaves the run's outcome as it is.
   */
  afterRun?(run: { runId: number; signal: AbortSignal }): Promise<void>;
}

/** Any flow, whatever its record types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySyncFlow = SyncFlow<any, any, any>;
