import { z } from 'zod';
import { checkCredit, creditCheckSchema, type CreditCheck } from '../domain/credit.js';
import type { AccountForCustomer } from '../domain/customers.js';
import { deadlineAt } from '../domain/deadline.js';
import { ConnectorError, isErrorKind } from '../domain/errors.js';
import {
  canonicalSalesforceId,
  describeOrderProblem,
  orderLines,
  orderProblems,
  orderTotal,
  sageOrderBody,
  syncMessage,
  type OpportunityForOrder,
  type OpportunityOrderStatus,
  type OrderKind,
  SAGE_ORDER_TYPE,
} from '../domain/orders.js';
import type { ConnectorSettings } from '../domain/settings.js';
import type { Logger } from '../observability/logger.js';
import type { OrdersApi } from '../sage300/orders.js';
import type { OeOrder } from '../sage300/types.js';
import type { OrderLedgerEntry, OrderLedgerRepository } from '../store/order-ledger.js';
import type { CustomerProvisioning } from './customerProvisioning.js';
import { ServiceError } from './errors.js';
import type { FinancialsService } from './financials.js';
import type { OrderWriteBacks } from './orderWriteBack.js';

/** An opportunity as the push reads it: header, lines with products, and its account. */
export interface OpportunityRecord extends OpportunityForOrder {
  account: AccountForCustomer | null;
  /** What the opportunity already shows (`Sage_Order_Number__c`, `Sage_Order_Status__c`, `Sage_Quote_Number__c`). */
  sageOrderNumber?: string | null;
  sageOrderStatus?: string | null;
  sageQuoteNumber?: string | null;
}

/** The fields the push writes back to the opportunity (a quote leaves the order's status alone). */
export interface OpportunityWriteBack {
  Sage_Sync_Message__c: string;
  Sage_Order_Status__c?: OpportunityOrderStatus;
  Sage_Order_Number__c?: string;
  Sage_Pushed_At__c?: string;
  Sage_Quote_Number__c?: string;
}

/** The Salesforce side of the push: one read of the opportunity, and the write-back. */
export interface OpportunityRecords {
  readOpportunity(opportunityId: string): Promise<OpportunityRecord | undefined>;
  updateOpportunity(opportunityId: string, fields: OpportunityWriteBack): Promise<void>;
}

/** What a push creates: a sales order (the default) or a quote. */
export const orderKindSchema = z
  .enum(['order', 'quote'])
  .describe(
    '`order`: a sales order (`OrderType` Active), only for a Closed Won opportunity; `quote`: a quote (`OrderType` ' +
      'Quote), for any opportunity. Each is created at most once per opportunity.',
  );

/** The answer of a push, stored in the ledger and replayed to later callers. */
export const orderPushResultSchema = z.object({
  opportunityId: z.string(),
  kind: orderKindSchema,
  orderNumber: z.string().describe('The Sage order number, or the quote number for a quote'),
  status: z.literal('Pushed'),
  replayed: z.boolean().describe('True when the order existed before this request'),
  creditCheck: creditCheckSchema.nullable(),
  customerNumber: z.string().nullable(),
  orderTotal: z.number(),
  pushedAt: z.iso.datetime(),
  message: z
    .string()
    .optional()
    .describe('Present when the order exists but the opportunity does not show it yet (it is retried)'),
});
export type OrderPushResult = z.infer<typeof orderPushResultSchema>;

/** The ledger entry as the API shows it, with the order as Sage has it when asked for. */
export const orderLedgerViewSchema = z.object({
  opportunityId: z.string(),
  kind: orderKindSchema,
  state: z.enum(['pending', 'creating', 'in_doubt', 'created', 'failed']),
  writeBack: z
    .enum(['pending', 'done'])
    .nullable()
    .describe(
      'For a created order: `pending` until the opportunity shows the order number, status and time (retried in ' +
        'the background, listed under the `order-write-back` failures), then `done`; null before an order exists',
    ),
  orderNumber: z.string().nullable(),
  attempts: z.int().min(0),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  result: orderPushResultSchema.nullable(),
  sageOrder: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe('The order as Sage 300 has it now (header fields), when it exists'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type OrderLedgerView = z.infer<typeof orderLedgerViewSchema>;

export interface OrderPushService {
  /**
   * Pushes an opportunity as an order (default) or a quote; `created` is true only for the call that created the Sage
   * order or quote.
   */
  push(opportunityId: string, options?: { kind?: OrderKind }): Promise<{ result: OrderPushResult; created: boolean }>;
  /**
   * The ledger entry of an opportunity's order or quote (and the Sage document when `withSageOrder`); undefined when
   * never pushed.
   */
  entry(
    opportunityId: string,
    options?: { withSageOrder?: boolean; kind?: OrderKind },
  ): Promise<OrderLedgerView | undefined>;
}

export interface OrderPushOptions {
  ledger: OrderLedgerRepository;
  sage: { orders: Pick<OrdersApi, 'create' | 'findByReference' | 'findByNumber'> };
  salesforce: OpportunityRecords;
  /** Writes a created order back to its opportunity, queueing it for retry when Salesforce does not take it. */
  writeBacks: Pick<OrderWriteBacks, 'complete'>;
  customers: Pick<CustomerProvisioning, 'ensureCustomer'>;
  financials: Pick<FinancialsService, 'financials'>;
  settings: () => Promise<ConnectorSettings>;
  /** This process's name in ledger claims (unique per replica). */
  owner: string;
  /**
   * How long a claim holds without renewal before another replica may take over (default 10 s). The holder renews it
   * every third of that while it works, so this is how soon a replica that died mid-push is noticed.
   */
  claimMs?: number;
  /** Pause between an unconfirmed order POST and the lookup that decides whether to post again (default 2 s). */
  settleMs?: number;
  /**
   * How often a caller waiting on another replica's claim polls the ledger (default 250 ms). An API caller waits until
   * its deadline at most and is then told the push is in progress; callers without one wait for a lease and a bit.
   */
  pollMs?: number;
  now?: () => Date;
  logger?: Logger;
  onOutcome?: (outcome: 'created' | 'replayed' | 'blocked' | 'rejected') => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Another caller's push of the opportunity is under way: ask again after `retryAfterMs`. */
function inProgress(opportunityId: string, retryAfterMs: number): ServiceError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ServiceError(
    'conflict',
    'PUSH_IN_PROGRESS',
    `Another push of this opportunity is under way. Check again in ${seconds} seconds: it shows the order once ` +
      'Sage 300 has it, and never creates a second one.',
    { opportunityId, retryAfterSeconds: seconds },
    { retryAfterMs: seconds * 1000 },
  );
}

/**
 * The order push: at most one Sage order per opportunity, however many callers, replicas and failures.
 *
 * 1. Callers in this process for one opportunity share one attempt.
 * 2. A `created` ledger entry is final: its stored answer is replayed.
 * 3. The ledger claim lets one replica work while the others wait for its outcome.
 * 4. Every order carries `OrderReference` = the opportunity id; whenever an earlier attempt may have reached Sage
 *    (the ledger counted an attempt, or the POST's answer was lost) the order is looked up by that reference before
 *    anything is posted again.
 */
export function createOrderPush(options: OrderPushOptions): OrderPushService {
  const claimMs = options.claimMs ?? 10_000;
  const settleMs = options.settleMs ?? 2_000;
  const pollMs = options.pollMs ?? 250;
  const now = options.now ?? (() => new Date());
  const inFlight = new Map<string, Promise<OrderPushResult>>();
  const { ledger } = options;

  function replay(entry: OrderLedgerEntry): OrderPushResult {
    const stored = entry.result as OrderPushResult | null;
    // Answers stored before the ledger kept quotes have no kind: they are orders.
    if (stored && typeof stored === 'object' && stored.orderNumber)
      return { ...stored, kind: entry.kind, replayed: true };
    return {
      opportunityId: entry.opportunityId,
      kind: entry.kind,
      orderNumber: entry.sageOrderNumber ?? '',
      status: 'Pushed',
      replayed: true,
      creditCheck: null,
      customerNumber: null,
      orderTotal: 0,
      pushedAt: entry.updatedAt.toISOString(),
    };
  }

  const notShownYet =
    'The order exists in Sage 300, but the opportunity does not show it yet; the connector keeps trying.';

  /**
   * The stored answer of a created order; when the opportunity does not show the order yet (its write-back failed, or
   * the entry predates the ledger knowing), the write-back is completed first, or the answer says it is pending.
   */
  async function replayCreated(entry: OrderLedgerEntry): Promise<OrderPushResult> {
    const result = replay(entry);
    if (entry.writeBack !== 'done' && result.orderNumber) {
      const stored = { ...result, replayed: false };
      if (!(await options.writeBacks.complete(stored))) result.message = notShownYet;
    }
    options.onOutcome?.('replayed');
    return result;
  }

  /** Writes the outcome to the opportunity; a failed write is logged, never allowed to hide the outcome. */
  async function writeBack(opportunityId: string, fields: OpportunityWriteBack): Promise<boolean> {
    try {
      await options.salesforce.updateOpportunity(opportunityId, {
        ...fields,
        Sage_Sync_Message__c: syncMessage(fields.Sage_Sync_Message__c),
      });
      return true;
    } catch (error) {
      options.logger?.warn({ err: error, opportunityId }, 'Could not write the push outcome to the opportunity');
      return false;
    }
  }

  async function readOpportunity(opportunityId: string): Promise<OpportunityRecord> {
    const opportunity = await options.salesforce.readOpportunity(opportunityId);
    if (!opportunity) {
      throw new ServiceError('not-found', 'OPPORTUNITY_NOT_FOUND', `Salesforce has no opportunity ${opportunityId}`, {
        opportunityId,
      });
    }
    return opportunity;
  }

  /** Shows the refusal on the opportunity: an order's with its status, a quote's in the message only. */
  async function refuse(
    opportunity: OpportunityRecord,
    kind: OrderKind,
    error: ServiceError,
    status: OpportunityOrderStatus,
    outcome: 'blocked' | 'rejected',
  ): Promise<never> {
    options.onOutcome?.(outcome);
    await writeBack(
      opportunity.Id,
      kind === 'order'
        ? { Sage_Order_Status__c: status, Sage_Sync_Message__c: error.message }
        : { Sage_Sync_Message__c: `Quote not sent: ${error.message}` },
    );
    throw error;
  }

  /** Records an order found in Sage (created now or earlier) as the ledger's final answer and reports it. */
  async function settle(
    opportunity: OpportunityRecord,
    kind: OrderKind,
    order: OeOrder,
    details: { creditCheck: CreditCheck | null; customerNumber: string | null; total: number; replayed: boolean },
  ): Promise<OrderPushResult> {
    const pushedAt = now().toISOString();
    const result: OrderPushResult = {
      opportunityId: opportunity.Id,
      kind,
      orderNumber: order.OrderNumber,
      status: 'Pushed',
      replayed: details.replayed,
      creditCheck: details.creditCheck,
      customerNumber: order.CustomerNumber || details.customerNumber,
      orderTotal: details.total,
      pushedAt,
    };
    // The ledger says the write-back is pending before it is tried, so a crash in between still leaves it to do.
    await ledger.recordCreated(
      opportunity.Id,
      { orderNumber: order.OrderNumber, uniquifier: order.OrderUniquifier, result: { ...result, replayed: false } },
      kind,
    );
    if (!(await options.writeBacks.complete({ ...result, replayed: false }))) result.message = notShownYet;
    options.onOutcome?.(details.replayed ? 'replayed' : 'created');
    return result;
  }

  /** The opportunity's order (or quote) in Sage: its reference, of the kind's `OrderType`. */
  async function findExisting(opportunityId: string, kind: OrderKind): Promise<OeOrder | undefined> {
    const type = SAGE_ORDER_TYPE[kind];
    // A quote Sage has turned into an order is the opportunity's order now; every other type is an order too.
    const found = (await options.sage.orders.findByReference(opportunityId)).filter((order) =>
      kind === 'quote' ? order.OrderType === type : order.OrderType !== SAGE_ORDER_TYPE.quote,
    );
    if (found.length > 1) {
      options.logger?.error(
        { opportunityId, kind, orders: found.map((order) => order.OrderNumber) },
        `Sage 300 holds several ${kind}s for one opportunity`,
      );
    }
    return found.sort((a, b) => a.OrderUniquifier - b.OrderUniquifier)[0];
  }

  function sageRefusal(opportunity: OpportunityRecord, kind: OrderKind, error: ConnectorError): ServiceError {
    // Sage's own words are what a rep should read; our whole message when Sage sent none.
    const sageMessage = typeof error.context.sageMessage === 'string' ? error.context.sageMessage : error.message;
    return new ServiceError(
      'rejected',
      'SAGE_REJECTED',
      `Sage 300 refused the ${kind}: ${sageMessage} (${error.code})`,
      { sageCode: error.code, sageMessage, opportunityId: opportunity.Id },
      { cause: error },
    );
  }

  /** Posts the order, verifying by OrderReference after an unconfirmed POST; at most two POSTs per claim. */
  async function createOnce(
    opportunity: OpportunityRecord,
    kind: OrderKind,
    owner: string,
    body: ReturnType<typeof sageOrderBody>,
  ): Promise<OeOrder> {
    for (let attempt = 1; ; attempt += 1) {
      if (!(await ledger.markCreating(opportunity.Id, owner, kind))) throw inProgress(opportunity.Id, claimMs);
      try {
        return await options.sage.orders.create(body);
      } catch (error) {
        if (isErrorKind(error, 'permanent')) {
          await ledger.recordFailure(opportunity.Id, 'failed', error.code, error.message, kind);
          throw sageRefusal(opportunity, kind, error);
        }
        const code = error instanceof ConnectorError ? error.code : 'UNKNOWN';
        const message = error instanceof Error ? error.message : String(error);
        await ledger.recordFailure(opportunity.Id, 'in_doubt', code, message, kind);
        options.logger?.warn({ err: error, opportunityId: opportunity.Id }, 'Order POST unconfirmed; verifying');
        const unknown = () =>
          new ServiceError(
            'in-doubt',
            'ORDER_OUTCOME_UNKNOWN',
            `Sage 300 did not confirm the ${kind} and it cannot be found yet. Push again in a minute: the ${kind} is ` +
              'looked up first and never created twice.',
            { opportunityId: opportunity.Id, cause: code },
            { cause: error },
          );
        let found: OeOrder | undefined;
        try {
          found =
            (await findExisting(opportunity.Id, kind)) ??
            (await sleep(settleMs), await findExisting(opportunity.Id, kind));
        } catch {
          // The lookup failed too (Sage down, or the caller's time is up): never post again without knowing.
          throw unknown();
        }
        if (found) return found;
        if (attempt >= 2 || isErrorKind(error, 'quota')) throw unknown();
      }
    }
  }

  async function pushWithClaim(
    opportunity: OpportunityRecord,
    kind: OrderKind,
    entry: OrderLedgerEntry,
  ): Promise<OrderPushResult> {
    // An earlier attempt may have reached Sage (its process died, or its answer was lost), or the opportunity says it
    // was pushed before this ledger knew it: look the order up before posting.
    const shown =
      kind === 'quote'
        ? Boolean(opportunity.sageQuoteNumber)
        : Boolean(opportunity.sageOrderNumber) || opportunity.sageOrderStatus === 'Pushing';
    if (entry.attempts > 0 || shown) {
      const existing = await findExisting(opportunity.Id, kind);
      if (existing) {
        return settle(opportunity, kind, existing, {
          creditCheck: null,
          customerNumber: existing.CustomerNumber,
          total: existing.OrderTotal,
          replayed: true,
        });
      }
    }
    if (!opportunity.account) {
      throw new ServiceError('rejected', 'NO_ACCOUNT', describeOrderProblem({ code: 'NO_ACCOUNT' }));
    }
    const lines = orderLines(opportunity);
    const total = orderTotal(lines);
    const customer = await options.customers.ensureCustomer(opportunity.account);
    if (kind === 'quote') {
      // A quote commits neither stock nor credit: the credit policy applies when it becomes an order.
      const order = await createOrRefuse(
        opportunity,
        kind,
        sageOrderBody(opportunity, customer.customerNumber, lines, now(), kind),
      );
      return settle(opportunity, kind, order, {
        creditCheck: null,
        customerNumber: customer.customerNumber,
        total,
        replayed: false,
      });
    }
    // Credit is checked on live figures: a fresh snapshot, built on the customer record ensureCustomer has just read
    // in this push when it read one, so the customer is not read twice.
    const [settings, figures] = await Promise.all([
      options.settings(),
      options.financials.financials(customer.customerNumber, { fresh: true, customer: customer.customer }),
    ]);
    const creditCheck = checkCredit({
      policy: settings.creditPolicy,
      balance: figures.balance,
      creditLimit: figures.creditLimit,
      orderTotal: total,
      onHold: figures.onHold,
      currency: figures.currency,
    });
    if (creditCheck.outcome === 'blocked') {
      await ledger.recordFailure(opportunity.Id, 'failed', 'CREDIT_BLOCKED', creditCheck.message, kind);
      return refuse(
        opportunity,
        kind,
        new ServiceError('conflict', 'CREDIT_BLOCKED', `Blocked by the credit policy: ${creditCheck.message}`, {
          creditCheck,
        }),
        'Blocked',
        'blocked',
      );
    }
    const order = await createOrRefuse(
      opportunity,
      kind,
      sageOrderBody(opportunity, customer.customerNumber, lines, now(), kind),
    );
    return settle(opportunity, kind, order, {
      creditCheck,
      customerNumber: customer.customerNumber,
      total,
      replayed: false,
    });
  }

  /** Creates the order or quote once, showing Sage's refusal or an unconfirmed outcome on the opportunity. */
  async function createOrRefuse(
    opportunity: OpportunityRecord,
    kind: OrderKind,
    body: ReturnType<typeof sageOrderBody>,
  ): Promise<OeOrder> {
    try {
      return await createOnce(opportunity, kind, options.owner, body);
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'SAGE_REJECTED') {
        return refuse(opportunity, kind, error, 'Failed', 'rejected');
      }
      if (error instanceof ServiceError && error.reason === 'in-doubt') {
        await writeBack(
          opportunity.Id,
          kind === 'order'
            ? { Sage_Order_Status__c: 'Pushing', Sage_Sync_Message__c: error.message }
            : { Sage_Sync_Message__c: error.message },
        );
      }
      throw error;
    }
  }

  async function attempt(opportunityId: string, kind: OrderKind): Promise<OrderPushResult> {
    const before = await ledger.get(opportunityId, kind);
    if (before?.state === 'created') return replayCreated(before);
    const opportunity = await readOpportunity(opportunityId);
    const problems = orderProblems(opportunity, kind);
    const [problem] = problems;
    if (problem?.code === 'NOT_CLOSED_WON') {
      throw new ServiceError('conflict', 'NOT_CLOSED_WON', describeOrderProblem(problem), { stage: problem.stage });
    }
    if (problem) {
      const message = problems.map(describeOrderProblem).join(' ');
      const products = problems.flatMap((p) => ('products' in p ? p.products : []));
      return refuse(
        opportunity,
        kind,
        new ServiceError('rejected', problem.code, message, { problems, products }),
        'Failed',
        'rejected',
      );
    }
    // An API caller waits for another replica's push until its own deadline; others for a lease and a bit.
    const waitUntil = deadlineAt() ?? Date.now() + claimMs + 5_000;
    for (;;) {
      const { claimed, entry } = await ledger.claim(opportunity.Id, options.owner, claimMs, kind);
      if (entry.state === 'created') return replayCreated(entry);
      if (claimed) {
        try {
          return await holdingClaim(opportunity.Id, kind, () => pushWithClaim(opportunity, kind, entry));
        } finally {
          await ledger.release(opportunity.Id, options.owner, kind);
        }
      }
      // Another replica holds the claim: wait for its outcome, or for its claim to lapse (it renews while alive).
      const left = waitUntil - Date.now();
      if (left < pollMs) {
        const claimLeft = (entry.claimedUntil?.getTime() ?? Date.now()) - Date.now();
        throw inProgress(opportunity.Id, Math.min(claimMs, Math.max(1_000, claimLeft)));
      }
      await sleep(pollMs);
    }
  }

  /** Works under the claim, renewing it every third of its length until the work ends. */
  async function holdingClaim<T>(opportunityId: string, kind: OrderKind, work: () => Promise<T>): Promise<T> {
    const renewal = setInterval(
      () => {
        ledger.renew(opportunityId, options.owner, claimMs, kind).then(
          (kept) => {
            if (!kept) options.logger?.warn({ opportunityId }, 'Lost the order claim to another replica');
          },
          (error: unknown) => options.logger?.warn({ err: error, opportunityId }, 'Could not renew the order claim'),
        );
      },
      Math.max(100, Math.floor(claimMs / 3)),
    );
    try {
      return await work();
    } finally {
      clearInterval(renewal);
    }
  }

  function toView(entry: OrderLedgerEntry): OrderLedgerView {
    return {
      opportunityId: entry.opportunityId,
      kind: entry.kind,
      state: entry.state,
      writeBack: entry.writeBack,
      orderNumber: entry.sageOrderNumber,
      attempts: entry.attempts,
      lastError:
        entry.lastErrorCode === null
          ? null
          : { code: entry.lastErrorCode, message: entry.lastErrorMessage ?? entry.lastErrorCode },
      result: entry.state === 'created' ? replay(entry) : null,
      createdAt: entry.createdAt.toISOString(),
      updatedAt: entry.updatedAt.toISOString(),
    };
  }

  return {
    async push(rawId, { kind = 'order' } = {}) {
      const opportunityId = canonicalSalesforceId(rawId);
      const flight = `${opportunityId}|${kind}`;
      const pending = inFlight.get(flight);
      if (pending) {
        const shared = await pending;
        options.onOutcome?.('replayed');
        return { result: { ...shared, replayed: true }, created: false };
      }
      const started = attempt(opportunityId, kind).finally(() => inFlight.delete(flight));
      inFlight.set(flight, started);
      const result = await started;
      return { result, created: !result.replayed };
    },

    async entry(rawId, { withSageOrder = false, kind = 'order' } = {}) {
      const entry = await ledger.get(canonicalSalesforceId(rawId), kind);
      if (!entry) return undefined;
      const view = toView(entry);
      if (withSageOrder) {
        const order = entry.sageOrderNumber ? await options.sage.orders.findByNumber(entry.sageOrderNumber) : undefined;
        view.sageOrder = order
          ? {
              OrderNumber: order.OrderNumber,
              OrderUniquifier: order.OrderUniquifier,
              CustomerNumber: order.CustomerNumber,
              OrderDate: order.OrderDate,
              OrderReference: order.OrderReference,
              OrderTotal: order.OrderTotal,
              OnHold: order.OnHold,
              Lines: order.OrderDetails?.length ?? 0,
            }
          : null;
      }
      return view;
    },
  };
}
