/** What the store says about each flow: cursor, last run, lease, failure counts. */
import type { FailureStatus, FlowCursor, Lease, Store, SyncRun } from '../store/index.js';
import { flowLease } from './lease.js';
import type { ScheduledFlow } from './registry.js';

export interface FlowStatus {
  name: string;
  schedule: string;
  nextRun: Date | null;
  cursor: FlowCursor | null;
  lastRun: SyncRun | null;
  lease: Lease | null;
  failures: Record<FailureStatus, number>;
}

/** The status of the named flows (with their schedules and next ticks, when known). */
export async function flowStatuses(
  store: Store,
  flows: readonly ScheduledFlow[],
  nextRuns: Record<string, Date | null> = {},
): Promise<FlowStatus[]> {
  const [cursors, runs, leases] = await Promise.all([
    store.cursors.list(),
    store.runs.latestPerFlow(),
    store.leases.list(),
  ]);
  return Promise.all(
    flows.map(async (flow) => ({
      name: flow.name,
      schedule: flow.schedule,
      nextRun: nextRuns[flow.name] ?? null,
      cursor: cursors.find((cursor) => cursor.flow === flow.name) ?? null,
      lastRun: runs.find((run) => run.flow === flow.name) ?? null,
      lease: leases.find((lease) => lease.name === flowLease(flow.name) && lease.owner !== null) ?? null,
      failures: await store.failures.countByStatus(flow.name),
    })),
  );
}
