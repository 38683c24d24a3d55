// Two replicas of the sync runtime on one PostgreSQL database, and a flow started on both at once: the tests that
// prove a flow writes each record once when its runs race.
import { openStore, type Store } from '../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../middleware/src/sync/runtime.js';
import { postgresDatabase } from '../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from './systems.js';

export interface RacingReplicas {
  systems: TestSystems;
  replicas: SyncRuntime[];
  close(): Promise<void>;
}

/** Both sandboxes and two replicas: each its own connections to the one database and its own lease owner. */
export async function startRacingReplicas(databaseName: string): Promise<RacingReplicas> {
  const systems = await startTestSystems();
  const database = postgresDatabase(databaseName);
  const stores: Store[] = [];
  const replicas: SyncRuntime[] = [];
  for (let replica = 0; replica < 2; replica++) {
    const store = await openStore(database.url);
    stores.push(store);
    replicas.push(await startTestRuntime(systems, store));
  }
  return {
    systems,
    replicas,
    async close() {
      for (const replica of replicas) await replica.stop();
      for (const store of stores) await store.close();
      await database.drop();
      await systems.close();
    },
  };
}

/**
 * Starts `flow` on both replicas at once, `rounds` times, and checks that they did race: one replica ran, the other
 * found the flow's lease taken and ran nothing. Salesforce answers slowly meanwhile, so each run lasts far longer than
 * the moment between the two starts. `afterRound` checks what each round left.
 */
export async function raceOnBothReplicas(
  { systems, replicas }: RacingReplicas,
  flow: string,
  rounds: number,
  afterRound: () => void = () => undefined,
): Promise<void> {
  systems.salesforceSandbox.setFaults({ latencyMs: 40 });
  try {
    for (let round = 0; round < rounds; round++) {
      const results = await Promise.all(replicas.map((replica) => replica.runFlowNow(flow)));
      expect(results.map((result) => result.outcome).sort()).toEqual(['skipped', 'succeeded']);
      expect(results.find((result) => result.outcome === 'skipped')?.skippedBecause).toBe('busy');
      afterRound();
    }
  } finally {
    systems.salesforceSandbox.clearFaults();
  }
}
