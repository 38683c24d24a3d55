/** The CLI's sync runtime: the store plus both systems (embedded sandboxes when not configured), without schedules. */
import type { SyncRuntime } from '../sync/runtime.js';
import { startSyncRuntime } from '../sync/runtime.js';
import { connectSystems, type ConnectedSystems } from '../sync/systems.js';
import { openContext, type CliContext } from './context.js';

export interface CliRuntime extends CliContext {
  runtime: SyncRuntime;
  systems: ConnectedSystems;
}

/** Opens the store, connects to both systems (embedded sandboxes when not configured) and starts the runtime without schedules. */
export async function openRuntime(): Promise<CliRuntime> {
  const context = await openContext();
  let systems: ConnectedSystems | undefined;
  try {
    systems = await connectSystems(context.config, context.logger);
    for (const system of systems.embedded) {
      process.stderr.write(
        `${system === 'sage300' ? 'SAGE300_URL' : 'SF_LOGIN_URL'} is not set: using the embedded ${
          system === 'sage300' ? 'Sage 300' : 'Salesforce'
        } sandbox (its data lasts as long as this command)\n`,
      );
    }
    const runtime = await startSyncRuntime({
      config: context.config,
      store: context.store,
      sage: systems.sage,
      salesforce: systems.salesforce,
      logger: context.logger,
      settings: context.settings,
      schedule: false,
    });
    const connected = systems;
    return {
      ...context,
      runtime,
      systems: connected,
      async close() {
        await runtime.stop();
        await connected.close();
        await context.close();
      },
    };
  } catch (error) {
    await systems?.close();
    await context.close();
    throw error;
  }
}
