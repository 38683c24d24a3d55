/** The CLI's sync runtime: the store plus both systems (embedded sandboxes when not configured), without schedules. */
import { connectSystems, startSync, type ConnectedSystems } from '../composition.js';
import type { FlowRegistry } from '../sync/registry.js';
import type { SyncRuntime } from '../sync/runtime.js';
import { openContext, type CliContext } from './context.js';

export interface CliRuntime extends CliContext {
  runtime: SyncRuntime;
  systems: ConnectedSystems;
}

/** Opens the store, connects to both systems (embedded sandboxes when not configured) and starts the runtime without schedules. */
export async function openRuntime(registry: FlowRegistry): Promise<CliRuntime> {
  const context = await openContext(registry);
  let systems: ConnectedSystems | undefined;
  try {
    systems = await connectSystems(context.config);
    if (systems.embedded?.sage300) {
      process.stderr.write(
        'SAGE300_URL is not set: using the embedded Sage 300 sandbox (its data lasts as long as this command)\n',
      );
    }
    if (systems.embedded?.salesforce) {
      process.stderr.write(
        'SF_LOGIN_URL is not set: using the embedded Salesforce sandbox (its data lasts as long as this command)\n',
      );
    }
    const connected = systems;
    const runtime = await startSync({
      config: context.config,
      store: context.store,
      systems,
      logger: context.logger,
      registry,
      schedule: false,
      ...(systems.embedded ? { embedded: systems.embedded } : {}),
      salesforceUsage: () => connected.salesforce.limits(),
    });
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
