/** Flow operations that need only the store and the registry: naming a flow, skipping a failure, resetting a cursor. */
import { ServiceError } from '../services/errors.js';
import type { Store, SyncFailure } from '../store/index.js';
import type { FlowRegistry } from './registry.js';

/** The refusal for a flow name the registry does not know; it lists the flows there are. */
export function unknownFlow(name: string, registry: Pick<FlowRegistry, 'names'>): ServiceError {
  return new ServiceError(
    'not-found',
    'UNKNOWN_FLOW',
    `There is no flow named "${name}"; flows: ${registry.names.join(', ')}`,
  );
}

/** Gives up on one failure-queue entry (no connection to either system needed). */
export async function skipFailure(store: Store, id: number): Promise<SyncFailure> {
  const failure = await store.failures.get(id);
  if (!failure) throw new ServiceError('not-found', 'FAILURE_NOT_FOUND', `There is no failure ${id}`);
  if (!(await store.failures.skip(id))) {
    throw new ServiceError(
      'conflict',
      'FAILURE_CLOSED',
      `Failure ${id} is ${failure.status}; only open failures can be skipped`,
    );
  }
  return (await store.failures.get(id)) as SyncFailure;
}

/** Forgets a registered flow's cursor, so its next run reads every record; answers the cursor it had. */
export async function resetCursor(store: Store, registry: FlowRegistry, flow: string): Promise<unknown> {
  if (!registry.find(flow)) throw unknownFlow(flow, registry);
  const before = await store.cursors.get(flow);
  await store.cursors.reset(flow);
  return before?.value ?? null;
}
