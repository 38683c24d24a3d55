/**
 * The middleware process: configuration → store → Sage 300 and Salesforce (the embedded sandboxes for whichever is
 * not configured, loaded only then) → services → HTTP(S) server and sync scheduler. SIGTERM and SIGINT shut it down
 * gracefully. `npm start` runs this file; tests call `startMiddleware` with their own environment.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { connectSystems, createOrderServices, customMetadataFor, notifierFor, startSync } from './composition.js';
import { ConfigError, loadConfig } from './config/env.js';
import { withDeadline } from './domain/deadline.js';
import { isErrorKind } from './domain/errors.js';
import type { EmbeddedSystems } from './embedded.js';
import { gettingStartedLines } from './getting-started.js';
import { apiRouter } from './http/api.js';
import { createApp } from './http/app.js';
import { openApiDocument } from './http/openapi.js';
import { listen } from './http/server.js';
import { countSageRequests, instrumentSalesforce } from './observability/instrument.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import type { Sage300Client } from './sage300/client.js';
import type { TransportOptions } from './sage300/transport.js';
import type { SalesforceClient } from './salesforce/client.js';
import { createItemsService } from './services/items.js';
import { createOperations } from './services/operations.js';
import { createReadiness, pausedFlows, withOutages } from './services/readiness.js';
import { createRevenueReport } from './services/revenue-report.js';
import type { SageOutage } from './sage300/outage.js';
import { openStore, type Store } from './store/index.js';
import { processOwner, type SyncRuntime } from './sync/runtime.js';
import type { Preview, PreviewOptions } from '../../preview/server/index.js';

export interface StartOptions {
  /** The environment to configure from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Receives the human-readable start-up lines (URLs, the development key). */
  announce?: (line: string) => void;
  /** Sage transport tuning (tests shorten retries). */
  sage300Transport?: TransportOptions;
  /**
   * Serve the package's components at `/preview` when both systems are the embedded sandboxes (and PREVIEW_ENABLED
   * allows it). `npm start` asks for it; tests that do not look at the preview leave it off and build nothing.
   */
  preview?: boolean | Pick<PreviewOptions, 'root' | 'cacheDir'>;
}

/** A running middleware and what tests and the process entry need from it. */
export interface RunningMiddleware {
  url: string;
  apiKeys: string[];
  /** The key generated for this run when none was configured (embedded mode only). */
  generatedKey?: string;
  /** The sandboxes started for the systems that are not configured; undefined when both are. */
  embedded: EmbeddedSystems | undefined;
  store: Store;
  sage: Sage300Client;
  salesforce: SalesforceClient;
  metrics: Metrics;
  sync?: SyncRuntime;
  /** The preview, when served. */
  preview?: Preview;
  /** Stops accepting requests, lets those in flight finish, stops the sync, closes everything. */
  close(): Promise<void>;
}

/** Starts the middleware; throws ConfigError (one line naming the variable) when the configuration is unusable. */
export async function startMiddleware(options: StartOptions = {}): Promise<RunningMiddleware> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const timings = config.timings;
  const fullyEmbedded = !config.sage300 && !config.salesforce;
  let apiKeys = config.apiKeys;
  let generatedKey: string | undefined;
  if (apiKeys.length === 0) {
    if (!fullyEmbedded) {
      throw new ConfigError(
        'MIDDLEWARE_API_KEYS is not set: with a real Sage 300 or Salesforce configured, set one or more keys (comma-separated)',
      );
    }
    generatedKey = `dev-${randomBytes(24).toString('base64url')}`;
    apiKeys = [generatedKey];
  }
  const logger = options.logger ?? createLogger(config.env.LOG_LEVEL);
  const announce = options.announce ?? (() => undefined);
  const owner = processOwner();
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error }, 'error while shutting down');
      }
    }
  };

  try {
    const store = await openStore(config.databaseUrl);
    closers.push(() => store.close());
    const metrics = createMetrics({ defaults: true });
    const systems = await connectSystems(config, {
      sage300Transport: {
        ...options.sage300Transport,
        onRetry: (event) =>
          logger.warn(
            { request: `${event.method} ${event.path}`, attempt: event.attempt, delayMs: event.delayMs },
            'Sage 300 retry',
          ),
        onRequest: countSageRequests(metrics),
        onOutage: recordSageOutage(store, owner, logger),
      },
    });
    closers.push(() => systems.close());
    const { sage, embedded } = systems;
    const salesforce = instrumentSalesforce(systems.salesforce, metrics);
    await checkSageAtStartUp(sage, sage.transport.settings.company, logger);

    const metadata = customMetadataFor(config, salesforce, logger);
    const { financials, provisioning, writeBacks, orders } = createOrderServices({
      config,
      store,
      sage,
      salesforce,
      metadata,
      owner,
      logger,
      onFinancialsLookup: (result) => metrics.cacheLookups.inc({ cache: 'financials', result }),
      onOrderOutcome: (outcome) => metrics.orderPushes.inc({ outcome }),
    });
    // Background work runs where the schedules do; any replica's pushes still complete pending write-backs.
    if (config.env.SCHEDULER_ENABLED) writeBacks.start();
    closers.push(() => writeBacks.stop());
    const items = createItemsService({ sage });

    const notifier = notifierFor(config, store, logger, embedded);
    if (notifier && config.env.SCHEDULER_ENABLED) {
      // Notices a channel refused wait in the failure queue; they are sent again where the schedules run.
      const requeue = setInterval(() => {
        notifier.retryDue().catch((error: unknown) => logger.warn({ err: error }, 'Re-sending queued notices failed'));
      }, 60_000);
      requeue.unref();
      closers.push(async () => clearInterval(requeue));
    }
    const sync = await startSync({
      config,
      store,
      systems: { sage, salesforce },
      logger,
      owner,
      metadata,
      schedule: config.env.SCHEDULER_ENABLED,
      orders,
      provisioning,
      ...(notifier ? { notifier } : {}),
      salesforceUsage: () => salesforce.limits(),
    });
    closers.push(() => sync.stop());
    const operations = createOperations({
      runs: store.runs,
      failures: store.failures,
      conflicts: store.conflicts,
      runtime: sync,
      writeBacks,
    });

    const reports = createRevenueReport(store.revenueReconciliation);

    const dependencies = createReadiness({
      checks: {
        store: () => store.ping(),
        sage300: () => sage.ping(),
        salesforce: () => salesforce.fetchLimits(),
      },
      cacheMs: { sage300: 15_000, salesforce: 60_000 },
      onDown: (name, error) => logger.warn({ err: error, dependency: name }, 'readiness check failed'),
    });
    const readiness = async () => ({
      ...withOutages(await dependencies(), { sage300: sage.outage() }),
      ...(await pausedFlows(store.cursors, store.clock())),
    });
    let serverUrl = '';
    // Loaded only when served, like the sandboxes: a production process never loads the preview's code.
    const preview =
      options.preview && fullyEmbedded && config.env.PREVIEW_ENABLED
        ? (await import('../../preview/server/index.js')).createPreview({
            ...(typeof options.preview === 'object' ? options.preview : {}),
            salesforce,
            middleware: { url: () => serverUrl, apiKey: apiKeys[0] ?? '' },
            logger,
          })
        : undefined;
    if (preview) closers.push(() => preview.bundle.close());
    // The flow registry's names, so the API accepts and documents exactly the flows this process runs.
    const api = { flowNames: sync.flows().map((flow) => flow.name) };
    const app = createApp({
      api: {
        keys: apiKeys,
        router: apiRouter({ financials, provisioning, orders, items, operations, reports }, api),
        rateLimitPerMinute: config.env.RATE_LIMIT_PER_MINUTE,
        openapi: openApiDocument(api),
        deadlines: { defaultMs: timings.apiDeadlineMs, routes: { 'POST /orders': timings.orderPushDeadlineMs } },
      },
      readiness,
      metrics,
      logger,
      logError: (err) => logger.error({ err }, 'request failed'),
      ...(preview ? { routes: [{ path: '/preview', router: preview.router }] } : {}),
    });
    const server = await listen(app, {
      port: config.env.PORT,
      host: config.env.HOST,
      ...(config.tls ? { tls: config.tls } : {}),
    }).catch((error: unknown) => {
      throw listenFailure(error, config.env.HOST, config.env.PORT) ?? error;
    });
    closers.push(() => server.close(timings.shutdownGraceMs));
    serverUrl = server.url;

    announce(`Sage 300 ⇄ Salesforce connector listening on ${server.url}`);
    if (embedded?.sage300) announce(`  Sage 300:   embedded sandbox at ${embedded.sage300.sandbox.apiRoot}`);
    if (embedded?.salesforce) announce(`  Salesforce: embedded sandbox at ${embedded.salesforce.sandbox.loginUrl}`);
    announce(`  Store:      ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')}`);
    if (config.unsafeMix) {
      const fake = embedded?.salesforce ? 'Salesforce' : 'Sage 300';
      const warning = `UNSAFE_MIX_REAL_AND_SANDBOX: the real ${fake === 'Salesforce' ? 'Sage 300' : 'Salesforce'} runs against the embedded ${fake} sandbox, whose data is invented; never use this in production`;
      announce(`  WARNING: ${warning}`);
      logger.warn({ embedded: fake }, warning);
    }
    if (generatedKey) announce(`  API key (development only, new each start): ${generatedKey}`);
    const previewUrl = preview ? `${server.url}/preview/` : undefined;
    if (generatedKey) {
      const noticeSink =
        embedded?.sage300 && notifier?.channels.includes('sink')
          ? `${embedded.sage300.sandbox.origin}/_sandbox/notices`
          : undefined;
      for (const line of gettingStartedLines({
        url: server.url,
        apiKey: generatedKey,
        previewUrl,
        ...(noticeSink ? { noticeSink } : {}),
      }))
        announce(line);
    }
    if (preview) {
      preview.bundle.ready().then(
        () => announce(`Preview ready: ${previewUrl}`),
        (error: unknown) => announce(`Preview unavailable: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    logger.info(
      { url: server.url, embedded: Object.keys(embedded ?? {}).filter((k) => k !== 'close') },
      'middleware started',
    );

    return {
      url: server.url,
      apiKeys,
      ...(generatedKey ? { generatedKey } : {}),
      embedded,
      store,
      sage,
      salesforce,
      metrics,
      sync,
      ...(preview ? { preview } : {}),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Start-up time allowed for the first Sage 300 answer; a Sage that is down then leaves the middleware unready. */
const SAGE_START_CHECK_MS = 10_000;

/**
 * Reads Sage 300 once at start-up. Credentials or a company Sage refuses stop the start with one line naming the
 * variables and Sage's answer, as a Salesforce login failure does; a Sage that does not answer only leaves the
 * middleware unready (`/readyz`) until it does.
 */
async function checkSageAtStartUp(sage: Sage300Client, company: string, logger: Logger): Promise<void> {
  try {
    await withDeadline(SAGE_START_CHECK_MS, () => sage.ping());
  } catch (error) {
    if (isErrorKind(error, 'permanent') && (error.status === 401 || error.status === 403)) {
      const answer = typeof error.context.sageMessage === 'string' ? `: ${error.context.sageMessage}` : '';
      throw new ConfigError(
        `SAGE300_USER / SAGE300_PASSWORD: Sage 300 refused them for company ${company} (${error.status} ${error.code}${answer})`,
      );
    }
    logger.warn({ err: error }, 'Sage 300 did not answer at start-up; /readyz reports it down until it does');
  }
}

/** The line naming HOST or PORT when the server cannot listen, or undefined for other failures. */
function listenFailure(error: unknown, host: string, port: number): ConfigError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'EADDRNOTAVAIL':
      return new ConfigError(`HOST: ${host} is not an address of this machine, so the middleware cannot listen on it`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`HOST: ${host} cannot be resolved to an address to listen on`);
    case 'EADDRINUSE':
      return new ConfigError(`PORT: ${port} is already in use on ${host}`);
    case 'EACCES':
      return new ConfigError(`PORT: this process may not listen on port ${port} (ports below 1024 need privileges)`);
    default:
      return undefined;
  }
}

/** The process entry: one line and exit code 1 for a configuration problem; graceful shutdown on signals. */
async function main(): Promise<void> {
  let running: RunningMiddleware;
  try {
    if (existsSync('.env')) process.loadEnvFile('.env');
    running = await startMiddleware({ announce: (line) => console.log(line), preview: true });
  } catch (error) {
    const message =
      error instanceof ConfigError
        ? `Configuration error: ${error.message}`
        : `The middleware could not start: ${error instanceof Error ? error.message : String(error)}`;
    console.error(message);
    process.exit(1);
  }
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal} received: finishing requests in flight and shutting down`);
      void running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();

/**
 * Keeps the store's record of a Sage outage in step with the client's, in the order the client saw it, so every
 * process and `sage-sf status` can say since when Sage is unreachable.
 */
function recordSageOutage(store: Store, owner: string, logger: Logger): (outage: SageOutage | undefined) => void {
  let writes: Promise<unknown> = Promise.resolve();
  let down = false;
  return (outage) => {
    if (outage && !down) logger.error({ since: outage.since, reason: outage.reason }, 'Sage 300 is unreachable');
    if (!outage && down) logger.info('Sage 300 answers again');
    down = outage !== undefined;
    writes = writes
      .then(() =>
        outage
          ? store.outages.report('sage300', { since: outage.since, reason: outage.reason, seenBy: owner })
          : store.outages.clear('sage300'),
      )
      .catch((error: unknown) => logger.warn({ err: error }, 'could not record the Sage 300 outage'));
  };
}
