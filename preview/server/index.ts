/**
 * The preview, assembled: its build, the Apex adapter and record reads against one Salesforce org and one connector,
 * and the router to mount at `/preview`. The middleware mounts it in embedded mode; `npm run preview` serves it on
 * its own against any middleware.
 */
import type { Router } from 'express';
import type { Logger } from '../../middleware/src/observability/logger.js';
import type { SalesforceClient } from '../../middleware/src/salesforce/client.js';
import { createApexAdapter, type ApexAdapter } from './apex-adapter.js';
import { previewBundle, type PreviewBundle, type PreviewBundleOptions } from './bundle.js';
import { recordReads } from './records.js';
import { previewRouter } from './router.js';

export interface PreviewOptions extends PreviewBundleOptions {
  salesforce: SalesforceClient;
  /** The connector the components' Apex calls go to, and the key the Named Credential would send. */
  middleware: { url: () => string; apiKey: string };
  logger?: Logger;
}

export interface Preview {
  router: Router;
  bundle: PreviewBundle;
}

/** Starts (or finds) the preview's build and returns the router that serves it. */
export function createPreview(options: PreviewOptions): Preview {
  const bundle = previewBundle(options);
  const adapterFor = () =>
    createApexAdapter({
      salesforce: options.salesforce,
      middleware: { url: options.middleware.url(), apiKey: options.middleware.apiKey },
    });
  let adapter: ApexAdapter | undefined;
  const router = previewRouter({
    bundle,
    // The middleware's own URL is known only once it listens, after the router is mounted.
    apex: {
      call: (controller, method, params) => (adapter ??= adapterFor()).call(controller, method, params),
      get methods() {
        return (adapter ??= adapterFor()).methods;
      },
    },
    records: recordReads(options.salesforce),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { router, bundle };
}
