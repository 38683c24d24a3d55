/**
 * What the engine does with one page, decided without I/O: which records are mapped, which are unchanged since their
 * last sync (or wait, unchanged, in the failure queue), which must be written, which earlier write must be verified
 * first, and the links and counts a committed page stores. The engine (`engine.ts`) feeds it what the store and the
 * flow answered and carries the plan out.
 */
import { ConnectorError } from '../domain/errors.js';
import { contentHash } from '../domain/hash.js';
import type { AwaitedRecord, Link, LinkUpdate, RunCounts, SyncFailure } from '../store/index.js';
import type { PreparedRecord, SystemSide, WriteOutcome } from './flow.js';

/** A record that will not be written in this run, with why and what to keep in the failure queue. */
export interface PageFailure {
  key: string;
  error: ConnectorError;
  payload: unknown;
  /** The record whose link would let this one be written. */
  waitsFor?: AwaitedRecord;
}

/** `error` itself when it already has a kind; otherwise a permanent connector error with `code` and its message. */
export function asConnectorError(error: unknown, code: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  return new ConnectorError('permanent', error instanceof Error ? error.message : String(error), {
    code,
    system: 'connector',
  });
}

/** The page's records mapped to the target, by key; a record the mapper refuses becomes a failure with its source. */
export function prepareRecords<Source>(
  records: readonly Source[],
  keyOf: (record: Source) => string,
  map: (record: Source, link?: Link) => unknown,
  links: ReadonlyMap<string, Link> = new Map(),
): { prepared: Map<string, PreparedRecord<unknown>>; failures: PageFailure[] } {
  const prepared = new Map<string, PreparedRecord<unknown>>();
  const failures: PageFailure[] = [];
  for (const record of records) {
    const key = keyOf(record);
    try {
      const target = map(record, links.get(key));
      prepared.set(key, { key, target, hash: contentHash(target) });
    } catch (error) {
      failures.push({ key, error: asConnectorError(error, 'MAPPING_FAILED'), payload: record });
      prepared.delete(key);
    }
  }
  return { prepared, failures };
}

/** The hash a link keeps for what was last synced from `side`. */
export function syncedHash(link: Link, side: SystemSide): string | null {
  return side === 'sage' ? link.sageHash : link.salesforceHash;
}

export interface PagePlanInput {
  prepared: ReadonlyMap<string, PreparedRecord<unknown>>;
  /** Records the mapper refused (or that no longer exist), in page order. */
  failures: readonly PageFailure[];
  /** The links of the page's keys, by source key. */
  links: ReadonlyMap<string, Link>;
  /** Active failure-queue entries of the page's keys. */
  parked: ReadonlyMap<string, SyncFailure>;
  source: SystemSide;
  /** Write even what looks unchanged (a failure-queue retry). */
  forceWrite: boolean;
  /** Keys the flow recognised as its own writes read back (echoes). */
  echoes?: ReadonlySet<string>;
}

export interface PagePlan {
  toWrite: PreparedRecord<unknown>[];
  /** Keys whose mapped content is what was last synced. */
  unchanged: string[];
  /** Keys whose content already failed and waits for the failure queue's schedule. */
  waiting: string[];
  /** Failures to record now. */
  failures: PageFailure[];
}

/**
 * Splits a page: a record whose mapped hash equals the hash last synced from its source is unchanged (which is also
 * how the connector's own echoes are dropped); a record whose same content already failed, or that fails again the
 * same way, waits for the failure queue instead of failing every run; the rest is written.
 */
export function planPage(input: PagePlanInput): PagePlan {
  const toWrite: PreparedRecord<unknown>[] = [];
  const unchanged: string[] = [];
  const waiting: string[] = [];
  for (const item of input.prepared.values()) {
    const link = input.links.get(item.key);
    const failure = input.parked.get(item.key);
    const echo = link && input.echoes?.has(item.key);
    if (!input.forceWrite && link && (echo || syncedHash(link, input.source) === item.hash)) unchanged.push(item.key);
    else if (failure && contentHash(failure.payload) === item.hash) waiting.push(item.key);
    else toWrite.push(item);
  }
  const failures: PageFailure[] = [];
  for (const failure of input.failures) {
    const earlier = input.parked.get(failure.key);
    if (earlier && contentHash(earlier.payload) === contentHash(failure.payload)) waiting.push(failure.key);
    else failures.push(failure);
  }
  return { toWrite, unchanged, waiting, failures };
}

/**
 * The records whose earlier write has an unknown outcome, for a flow whose writes are not idempotent: they are looked
 * up (`verify`) before they are written again. Idempotent flows simply write again.
 */
export function inDoubtRecords(
  toWrite: readonly PreparedRecord<unknown>[],
  active: ReadonlyMap<string, SyncFailure>,
  idempotentWrites: boolean,
): PreparedRecord<unknown>[] {
  return idempotentWrites ? [] : toWrite.filter((item) => active.get(item.key)?.errorKind === 'in-doubt');
}

/** The failure of a record that an earlier write left in doubt and that the flow cannot look up. */
export function unverifiedWrite(key: string): WriteOutcome {
  return {
    key,
    ok: false,
    error: new ConnectorError(
      'in-doubt',
      'An earlier write of this record has an unknown outcome and cannot be verified',
      {
        code: 'UNVERIFIED_WRITE',
        system: 'connector',
      },
    ),
  };
}

/** A written record with its outcome. */
export interface WrittenRecord {
  item: PreparedRecord<unknown>;
  outcome: Extract<WriteOutcome, { ok: true }>;
}

/**
 * The links of written records, in the two systems' terms: the source key and the key the target answered, and the
 * synced hash on both sides (the content both sides now hold). A Salesforce-sourced record whose Sage key the target
 * did not answer gets no link (a link is keyed by its Sage key); it is compared again on its next read.
 */
export function linkUpdates(source: SystemSide, written: readonly WrittenRecord[]): LinkUpdate[] {
  return written.flatMap(({ item, outcome }): LinkUpdate[] => {
    // A merged record: both sides hold what the writer says, whose hash is what the next read compares with.
    const hash = outcome.synced === undefined ? item.hash : contentHash(outcome.synced);
    const hashes = {
      sageHash: hash,
      salesforceHash: hash,
      ...(outcome.synced === undefined ? {} : { syncedState: outcome.synced }),
    };
    if (source === 'sage') return [{ sageKey: item.key, salesforceId: outcome.targetKey, ...hashes }];
    return outcome.targetKey === null ? [] : [{ sageKey: outcome.targetKey, salesforceId: item.key, ...hashes }];
  });
}

/** The counts one page adds to its run. */
export function pageCounts(
  read: number,
  written: readonly WrittenRecord[],
  plan: Pick<PagePlan, 'unchanged' | 'waiting'>,
  failed: number,
): RunCounts {
  const created = written.filter((entry) => entry.outcome.created).length;
  return {
    read,
    created,
    updated: written.length - created,
    unchanged: plan.unchanged.length + plan.waiting.length,
    failed,
  };
}
