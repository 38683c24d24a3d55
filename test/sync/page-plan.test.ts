// The engine's decisions about one page, without a store or a sandbox.
import { ConnectorError } from '../../middleware/src/domain/errors.js';
import { contentHash } from '../../middleware/src/domain/hash.js';
import type { Link, SyncFailure } from '../../middleware/src/store/index.js';
import {
  inDoubtRecords,
  linkUpdates,
  pageCounts,
  planPage,
  prepareRecords,
  type PageFailure,
} from '../../middleware/src/sync/page-plan.js';

interface Row {
  key: string;
  amount: number;
}

const map = (row: Row) => {
  if (row.amount < 0)
    throw new ConnectorError('permanent', 'negative amount', { code: 'BAD_AMOUNT', system: 'connector' });
  return { amount: row.amount };
};

const link = (key: string, hash: string, side: 'sage' | 'salesforce' = 'sage'): Link => ({
  entity: 'row',
  sageKey: side === 'sage' ? key : `S-${key}`,
  salesforceId: side === 'salesforce' ? key : null,
  sageHash: side === 'sage' ? hash : 'other',
  salesforceHash: side === 'salesforce' ? hash : 'other',
  lastSyncedAt: new Date(0),
});

const parkedFailure = (
  key: string,
  payload: unknown,
  errorKind: SyncFailure['errorKind'] = 'permanent',
): SyncFailure => ({
  id: 1,
  flow: 'rows',
  recordKey: key,
  payload,
  errorKind,
  errorCode: 'X',
  errorMessage: 'x',
  attempts: 1,
  nextAttemptAt: null,
  status: 'open',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  resolvedAt: null,
  waitsFor: null,
});

describe('planning a page', () => {
  const rows: Row[] = [
    { key: 'A', amount: 1 },
    { key: 'B', amount: 2 },
    { key: 'C', amount: 3 },
    { key: 'D', amount: -1 },
  ];
  const { prepared, failures } = prepareRecords(rows, (row) => row.key, map);

  it('maps each record to its target and hash, and turns a refusal of the mapper into a failure with its source', () => {
    expect([...prepared.keys()]).toEqual(['A', 'B', 'C']);
    expect(prepared.get('B')).toEqual({ key: 'B', target: { amount: 2 }, hash: contentHash({ amount: 2 }) });
    expect(failures).toEqual([{ key: 'D', error: expect.objectContaining({ code: 'BAD_AMOUNT' }), payload: rows[3] }]);
  });

  it('skips what was last synced from the source, waits on what already failed the same way, writes the rest', () => {
    const plan = planPage({
      prepared,
      failures,
      links: new Map([
        ['A', link('A', contentHash({ amount: 1 }))],
        ['B', link('B', contentHash({ amount: 20 }))],
      ]),
      parked: new Map([
        ['C', parkedFailure('C', { amount: 3 })],
        ['D', parkedFailure('D', rows[3])],
      ]),
      source: 'sage',
      forceWrite: false,
    });
    expect(plan.unchanged).toEqual(['A']);
    expect(plan.toWrite.map((item) => item.key)).toEqual(['B']);
    expect(plan.waiting.sort()).toEqual(['C', 'D']);
    expect(plan.failures).toEqual([]);
  });

  it('compares with the hash of the side the flow reads', () => {
    const plan = planPage({
      prepared,
      failures: [],
      links: new Map([['A', link('A', contentHash({ amount: 1 }), 'salesforce')]]),
      parked: new Map(),
      source: 'sage',
      forceWrite: false,
    });
    expect(plan.unchanged).toEqual([]);
    const fromSalesforce = planPage({
      prepared,
      failures: [],
      links: new Map([['A', link('A', contentHash({ amount: 1 }), 'salesforce')]]),
      parked: new Map(),
      source: 'salesforce',
      forceWrite: false,
    });
    expect(fromSalesforce.unchanged).toEqual(['A']);
  });

  it('skips a linked record the flow calls an echo whatever its mapped hash, and never one without a link', () => {
    const plan = planPage({
      prepared,
      failures: [],
      links: new Map([['A', link('A', 'another shape', 'salesforce')]]),
      parked: new Map(),
      source: 'salesforce',
      forceWrite: false,
      echoes: new Set(['A', 'B']),
    });
    expect(plan.unchanged).toEqual(['A']);
    expect(plan.toWrite.map((item) => item.key)).toContain('B');
  });

  it('writes everything on a failure-queue retry, and records a new failure whose content differs', () => {
    const changed: PageFailure = { key: 'D', error: failures[0]?.error as ConnectorError, payload: { amount: -2 } };
    const plan = planPage({
      prepared,
      failures: [changed],
      links: new Map([['A', link('A', contentHash({ amount: 1 }))]]),
      parked: new Map([['D', parkedFailure('D', rows[3])]]),
      source: 'sage',
      forceWrite: true,
    });
    expect(plan.toWrite.map((item) => item.key)).toEqual(['A', 'B', 'C']);
    expect(plan.failures).toEqual([changed]);
  });

  it('looks up records left in doubt only when writing twice is not harmless', () => {
    const toWrite = [...prepared.values()];
    const active = new Map([['B', parkedFailure('B', { amount: 2 }, 'in-doubt')]]);
    expect(inDoubtRecords(toWrite, active, false).map((item) => item.key)).toEqual(['B']);
    expect(inDoubtRecords(toWrite, active, true)).toEqual([]);
  });

  it('links written records by source and target key, on either side', () => {
    const item = prepared.get('A');
    if (!item) throw new Error('A was not prepared');
    const outcome = { key: 'A', ok: true as const, created: true, targetKey: 'T-1' };
    const written = [{ item, outcome }];
    expect(linkUpdates('sage', written)).toEqual([
      { sageKey: 'A', salesforceId: 'T-1', sageHash: item.hash, salesforceHash: item.hash },
    ]);
    expect(linkUpdates('salesforce', written)).toEqual([
      { sageKey: 'T-1', salesforceId: 'A', sageHash: item.hash, salesforceHash: item.hash },
    ]);
    expect(linkUpdates('salesforce', [{ item, outcome: { ...outcome, targetKey: null } }])).toEqual([]);
    expect(pageCounts(4, written, { unchanged: ['B'], waiting: ['C'] }, 1)).toEqual({
      read: 4,
      created: 1,
      updated: 0,
      unchanged: 2,
      failed: 1,
    });
  });
});
