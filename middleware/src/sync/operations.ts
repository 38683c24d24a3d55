/** Flow operations that need only the store: the built-in flows' schedules, skipping a failure. */
import { defaultSettings } from '../domain/settings.js';
import type { Store, SyncFailure } from '../store/index.js';
import type { SyncSettings } from './settings.js';

/** An operation on something that does not exist or cannot take it; `status` is the HTTP status that fits. */
export class SyncOperationError extends Error {
  constructor(
    readonly status: 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SyncOperationError';
  }
}

/** Gives up on one failure-queue entry (no connection to either system needed). */
export async function skipFailure(store: Store, id: number): Promise<SyncFailure> {
  const failure = await store.failures.get(id);
  if (!failure) throw new SyncOperationError(404, 'FAILURE_NOT_FOUND', `There is no failure ${id}`);
  if (!(await store.failures.skip(id))) {
    throw new SyncOperationError(
      409,
      'FAILURE_CLOSED',
      `Failure ${id} is ${failure.status}; only open failures can be skipped`,
    );
  }
  return (await store.failures.get(id)) as SyncFailure;
}

/** The built-in flows' names and default schedules (known without connecting to either system). */
export function builtInFlowSchedules(
  settings: Pick<SyncSettings, 'schedules'>,
  connector: Record<string, string> = {},
): { name: string; schedule: string }[] {
  return [
    {
      name: 'customers',
      schedule: settings.schedules.customers ?? connector.customers ?? defaultSettings.schedules.customers,
    },
  ];
}
