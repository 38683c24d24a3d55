/**
 * The preview served on its own (`npm run preview`): an HTTP server with only `/preview` (and `/healthz`), whose
 * components call the given middleware and read records from the given Salesforce org.
 */
import { createApp } from '../../middleware/src/http/app.js';
import { listen } from '../../middleware/src/http/server.js';
import type { Logger } from '../../middleware/src/observability/logger.js';
import type { SalesforceClient } from '../../middleware/src/salesforce/client.js';
import { createPreview, type Preview } from './index.js';

export interface PreviewServerOptions {
  salesforce: SalesforceClient;
  middleware: { url: string; apiKey: string };
  port: number;
  host: string;
  /** The checkout to build from, and where builds are kept (defaults as for the middleware). */
  root?: string;
  cacheDir?: string;
  logger?: Logger;
}

export interface PreviewServer {
  /** The preview's address, ending in `/preview/`. */
  url: string;
  preview: Preview;
  close(): Promise<void>;
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const preview = createPreview({
    salesforce: options.salesforce,
    middleware: { url: () => options.middleware.url, apiKey: options.middleware.apiKey },
    ...(options.root ? { root: options.root } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    const app = createApp({
      routes: [{ path: '/preview', router: preview.router }],
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const server = await listen(app, { port: options.port, host: options.host });
    return {
      url: `${server.url}/preview/`,
      preview,
      async close() {
        preview.bundle.close();
        await server.close(2000);
      },
    };
  } catch (error) {
    preview.bundle.close();
    throw error;
  }
}
