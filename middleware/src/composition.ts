/**
 * Assembling the sync side of a process, the same way for `main.ts` (the middleware) and `sage-sf` (the CLI): the
 * connections to Sage 300 and Salesforce (an embedded sandbox for whichever is not configured, loaded only then), the
 * Custom Metadata provider, and the sync runtime with the registry's flows.
 */
import type { Config } from './config/env.js';
import { loadMappingConfiguration } from './config/mapping.js';
import type { EmbeddedSystems } from './embedded.js';
import { randomBytes } from 'node:crypto';
import { createHealthWatch } from './notify/health.js';
import { createNotifier, emailChannel, webhookChannel, type ChannelNotifier } from './notify/index.js';
import type { NoticeChannel } from './notify/channel.js';
import { notificationsOff, type Notifier } from './notify/notifier.js';
import type { Logger } from './observability/logger.js';
import { createSage300Client, type Sage300Client } from './sage300/client.js';
import type { TransportOptions } from './sage300/transport.js';
import { createSalesforceClient, type SalesforceClient } from './salesforce/client.js';
import { createCustomerProvisioning, type CustomerProvisioning } from './services/customerProvisioning.js';
import {
  createFinancialsService,
  type FinancialsService,
  type FinancialsServiceOptions,
} from './services/financials.js';
import { createOrderPush, type OrderPushOptions, type OrderPushService } from './services/orderPush.js';
import { createOrderWriteBacks, type OrderWriteBacks } from './services/orderWriteBack.js';
import { salesforceRecords } from './services/salesforce-records.js';
import { createCustomMetadata, type CustomMetadata } from './services/settings.js';
import type { Store } from './store/index.js';
import type { FlowRegistry } from './sync/registry.js';
import { processOwner, startSyncRuntime, type SyncRuntime } from './sync/runtime.js';

export interface ConnectedSystems {
  sage: Sage300Client;
  salesforce: SalesforceClient;
  /** The sandboxes started for the systems that are not configured (none in production). */
  embedded: EmbeddedSystems | undefined;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Sage transport tuning and hooks (retries, request counting). */
  sage300Transport?: TransportOptions;
}

/**
 * Connects to Sage 300 and Salesforce as configured. A system that is not configured runs on its embedded sandbox,
 * started in this process on a free port (its data lives as long as the process), as `npm start` does. The sandbox
 * code is imported only then, so a configured (production) process never loads it.
 */
export async function connectSystems(config: Config, options: ConnectOptions = {}): Promise<ConnectedSystems> {
  const needsSandbox = !config.sage300 || !config.salesforce;
  const embedded = needsSandbox ? await (await import('./embedded.js')).startEmbeddedSystems(config) : undefined;
  const sageSettings = config.sage300 ?? embedded?.sage300?.settings;
  const salesforceSettings = config.salesforce ?? embedded?.salesforce?.settings;
  if (!sageSettings || !salesforceSettings) {
    await embedded?.close();
    throw new Error('Sage 300 and Salesforce settings are both required');
  }
  const sage = createSage300Client(sageSettings, options.sage300Transport);
  return {
    sage,
    salesforce: createSalesforceClient(salesforceSettings),
    embedded,
    async close() {
      sage.close();
      await embedded?.close();
    },
  };
}

/** The Custom Metadata provider: settings and field mappings from Salesforce over those of the configuration. */
export function customMetadataFor(
  config: Config,
  salesforce: Pick<SalesforceClient, 'queryAll'>,
  logger: Logger,
): CustomMetadata {
  return createCustomMetadata({
    query: (soql) => salesforce.queryAll(soql),
    fallback: config.settings,
    fileMappings: loadMappingConfiguration(config.env.MAPPING_FILE).file,
    refreshMs: config.timings.settingsRefreshMs,
    logger,
  });
}

/**
 * The notice channels the configuration names. With none configured, an embedded start (the Sage sandbox running in
 * this process) sends notices to the sandbox's local sink, `GET /_sandbox/notices`, so a newcomer sees what would have
 * gone out; otherwise notices are off.
 */
export function notifierFor(
  config: Config,
  store: Store,
  logger: Logger,
  embedded?: EmbeddedSystems,
): ChannelNotifier | undefined {
  const { notify } = config;
  const channels: NoticeChannel[] = [];
  if (notify.webhook) channels.push(webhookChannel(notify.webhook));
  if (notify.email) channels.push(emailChannel(notify.email));
  const sink = embedded?.sage300?.sandbox;
  if (channels.length === 0 && sink) {
    channels.push({
      ...webhookChannel({
        url: `${sink.origin}/_sandbox/notices`,
        secret: randomBytes(16).toString('hex'),
        timeoutMs: 5_000,
      }),
      name: 'sink',
    });
  }
  if (channels.length === 0) return undefined;
  return createNotifier({
    channels,
    failures: store.failures,
    throttle: store.noticeThrottle,
    healthIntervalMs: notify.healthIntervalMs,
    retry: { policy: { attempts: notify.attempts, baseDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 } },
    logger: logger.child({ component: 'notify' }),
  });
}

/** The services behind customer provisioning and the order push, shared by the API and the sync flows. */
export interface OrderServices {
  financials: FinancialsService;
  provisioning: CustomerProvisioning;
  writeBacks: OrderWriteBacks;
  orders: OrderPushService;
}

export interface OrderServicesOptions {
  config: Config;
  store: Store;
  sage: Sage300Client;
  salesforce: Pick<SalesforceClient, 'queryAll' | 'update'>;
  metadata: CustomMetadata;
  /** This process's name in order-ledger and customer claims. */
  owner: string;
  logger: Logger;
  onFinancialsLookup?: FinancialsServiceOptions['onLookup'];
  onOrderOutcome?: OrderPushOptions['onOutcome'];
}

/** Builds the order push with what it stands on: financials, customer provisioning and the write-backs. */
export function createOrderServices(options: OrderServicesOptions): OrderServices {
  const { config, store, sage, logger } = options;
  const { timings } = config;
  const current = () => options.metadata.current();
  const financials = createFinancialsService({
    sage,
    settings: current,
    ttlMs: config.env.FINANCIALS_CACHE_TTL_SECONDS * 1000,
    ...(options.onFinancialsLookup ? { onLookup: options.onFinancialsLookup } : {}),
  });
  const records = salesforceRecords(options.salesforce);
  // Claims in the store: the button, the flows and the order push on any replica make one customer per account.
  const provisioning = createCustomerProvisioning({
    sage,
    salesforce: records,
    settings: current,
    claims: store.customerClaims,
    owner: options.owner,
    claimMs: timings.orderClaimMs,
  });
  const writeBacks = createOrderWriteBacks({
    ledger: store.orderLedger,
    failures: store.failures,
    salesforce: records,
    retryMs: timings.orderWriteBackRetryMs,
    logger,
  });
  const orders = createOrderPush({
    ledger: store.orderLedger,
    sage,
    salesforce: records,
    writeBacks,
    customers: provisioning,
    financials,
    settings: current,
    owner: options.owner,
    claimMs: timings.orderClaimMs,
    settleMs: timings.orderVerifyDelayMs,
    logger,
    ...(options.onOrderOutcome ? { onOutcome: options.onOrderOutcome } : {}),
  });
  return { financials, provisioning, writeBacks, orders };
}

export interface SyncOptions {
  config: Config;
  store: Store;
  systems: { sage: Sage300Client; salesforce: Pick<SalesforceClient, 'upsert' | 'queryAll' | 'create' | 'update'> };
  logger: Logger;
  /** Tick the schedules (the middleware, when `SCHEDULER_ENABLED`), or run flows on demand only (the CLI). */
  schedule: boolean;
  /** Shared with the API services when the process has them; otherwise one is made for the sync. */
  metadata?: CustomMetadata;
  /** The flows (default: the built-in registry). */
  registry?: FlowRegistry;
  owner?: string;
  /** Where flows send notices (default: the configured channels, the embedded sink, or none). */
  notifier?: Notifier;
  /** The sandboxes of an embedded start, whose Sage sandbox holds the local notice sink. */
  embedded?: EmbeddedSystems;
  /** The Salesforce daily allowance as last seen, for the sync-health watch. */
  salesforceUsage?: () => { used: number; max: number } | undefined;
  /** The order push the API uses, so the closedWonOrders flow goes through the same one; made here when absent. */
  orders?: Pick<OrderPushService, 'push'>;
  /** Customer provisioning the API uses (`POST /customers`), so the accounts and convertedLeads flows share it. */
  provisioning?: Pick<CustomerProvisioning, 'provision'>;
}

/** Starts the sync runtime over connected systems. */
export function startSync(options: SyncOptions): Promise<SyncRuntime> {
  const { config, logger } = options;
  const notifier = options.notifier ?? notifierFor(config, options.store, logger, options.embedded) ?? notificationsOff;
  const notify = config.notify;
  const metadata = options.metadata ?? customMetadataFor(config, options.systems.salesforce, logger);
  const health = createHealthWatch({
    runs: options.store.runs,
    failures: options.store.failures,
    notifier,
    thresholds: () => metadata.settingsNow().syncHealth,
    windowMs: notify.healthIntervalMs,
    logger,
    ...(options.salesforceUsage ? { salesforceUsage: options.salesforceUsage } : {}),
  });
  const owner = options.owner ?? processOwner();
  let made: OrderServices | undefined;
  const services = () =>
    (made ??= createOrderServices({
      config,
      store: options.store,
      sage: options.systems.sage,
      salesforce: options.systems.salesforce,
      metadata,
      owner,
      logger,
    }));
  const orders = options.orders ?? services().orders;
  const provisioning = options.provisioning ?? services().provisioning;
  return startSyncRuntime({
    store: options.store,
    systems: {
      sage300: options.systems.sage,
      salesforce: options.systems.salesforce,
      notifier,
      orderLedger: options.store.orderLedger,
      reports: options.store,
      orders,
      customerProvisioning: provisioning,
    },
    afterRun: (flow) => (notifier.channels.length > 0 ? health.afterRun(flow) : Promise.resolve()),
    metadata,
    settings: config.sync,
    logger,
    schedule: options.schedule,
    metadataRefreshMs: config.timings.settingsRefreshMs,
    ...(options.registry ? { registry: options.registry } : {}),
    owner,
  });
}
