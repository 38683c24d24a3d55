/**
 * The two local sandboxes, started in this process when Sage 300 or Salesforce is not configured, so `npm start`
 * gives a working system with nothing set up. Production configures both and never loads this code's servers.
 */
import { sage300Breaker, type Config, type SalesforceSettings, type Sage300Settings } from './config/env.js';
import { startSage300Sandbox, type Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';

export interface EmbeddedSystems {
  sage300?: { sandbox: Sage300Sandbox; settings: Sage300Settings };
  salesforce?: { sandbox: SalesforceSandbox; settings: SalesforceSettings };
  close(): Promise<void>;
}

/** Starts a sandbox for each system the configuration leaves out, on free local ports. */
export async function startEmbeddedSystems(config: Config): Promise<EmbeddedSystems> {
  const systems: EmbeddedSystems = {
    async close() {
      await Promise.all([systems.sage300?.sandbox.close(), systems.salesforce?.sandbox.close()]);
    },
  };
  try {
    if (!config.sage300) {
      const sandbox = await startSage300Sandbox({ port: 0, host: '127.0.0.1' });
      systems.sage300 = {
        sandbox,
        settings: {
          baseUrl: sandbox.apiRoot,
          company: sandbox.company,
          user: sandbox.user,
          password: sandbox.password,
          timeoutMs: config.env.SAGE300_TIMEOUT_MS,
          pageSize: config.env.SAGE300_PAGE_SIZE,
          maxConcurrency: config.env.SAGE300_MAX_CONCURRENCY,
          breaker: sage300Breaker(config.env),
        },
      };
    }
    if (!config.salesforce) {
      const sandbox = await startSalesforceSandbox({ port: 0, host: '127.0.0.1' });
      systems.salesforce = {
        sandbox,
        settings: {
          loginUrl: sandbox.loginUrl,
          apiVersion: sandbox.apiVersion,
          auth: { kind: 'client_credentials', clientId: sandbox.clientId, clientSecret: sandbox.clientSecret },
        },
      };
    }
  } catch (error) {
    await systems.close();
    throw error;
  }
  return systems;
}
