/**
 * Closed Won opportunities → Sage 300 orders, Salesforce → Sage, through the same order push as the Opportunity page's
 * button (`POST /api/v1/orders`): one ledger, so the button and this flow racing on one opportunity create one order.
 *
 * It runs while `Auto_Push_Closed_Won__c` is on; `sage-sf run closedWonOrders` (or the API's run) runs it even when the
 * setting is off, an operator's run being the operator's decision. It reads won opportunities without a Sage order
 * number in `(SystemModstamp, Id)` order, one SOQL query per page, and pushes each. When `Closed_Won_Creates__c` says
 * Quote, it sends each as a Sage quote instead (those without a quote number), a ledger entry apart from any order.
 *
 * An opportunity the push refuses (the credit policy blocks it, a product has no Sage item number, Sage refuses the
 * order) shows the reason on the opportunity (`Sage_Order_Status__c` Blocked or Failed, `Sage_Sync_Message__c`) and
 * goes to the failure queue with the fields it was refused at. Writing that status back moves the opportunity's
 * SystemModstamp, so the next run reads it again, but the engine sees the same fields as the parked failure and leaves
 * it waiting: it is not pushed again on every run, only when a user changes one of those fields (stage, amount,
 * account, close date, price book) or when the failure queue's own retry, or an operator's, comes due.
 */
import { ConnectorError } from '../../domain/errors.js';
import type { OrderKind } from '../../domain/orders.js';
import { defaultSettings } from '../../domain/settings.js';
import { soqlFields, soqlIn } from '../../salesforce/soql.js';
import { ServiceError } from '../../services/errors.js';
import type { OrderPushService } from '../../services/orderPush.js';
import type { SyncFlow, WriteOutcome } from '../flow.js';
import { salesforceChanges, type ChangedRecord, type SalesforceChangeCursor } from '../parts/salesforce-changes.js';
import { defineFlow } from '../registry.js';
import type { SalesforceReader } from '../systems.js';

/** A won opportunity as the flow reads it. */
export interface WonOpportunity extends ChangedRecord {
  Name: string;
  StageName: string;
  IsWon: boolean | null;
  Amount: number | null;
  AccountId: string | null;
  CloseDate: string | null;
  Pricebook2Id: string | null;
  Sage_Order_Number__c: string | null;
  Sage_Quote_Number__c: string | null;
}

/**
 * What a push depends on that a user changes on the opportunity; its hash is what a refused push is remembered at.
 * The push's own write-back (status, message, order number) is not part of it.
 */
export interface OrderRequest {
  opportunityId: string;
  kind: OrderKind;
  stage: string;
  amount: number | null;
  accountId: string | null;
  closeDate: string | null;
  pricebookId: string | null;
  /** The number of that kind (or the order's) the opportunity already shows: then nothing is pushed. */
  orderNumber: string | null;
}

const FIELDS = [
  'Name',
  'StageName',
  'IsWon',
  'Amount',
  'AccountId',
  'CloseDate',
  'Pricebook2Id',
  'Sage_Order_Number__c',
  'Sage_Quote_Number__c',
] as const;

/** The field that shows a pushed opportunity's number, by kind. */
const NUMBER_FIELD = { order: 'Sage_Order_Number__c', quote: 'Sage_Quote_Number__c' } as const;

export interface ClosedWonOrdersFlowOptions {
  salesforce: SalesforceReader;
  orders: Pick<OrderPushService, 'push'>;
  /** Whether Closed Won opportunities are pushed on the schedule (`Auto_Push_Closed_Won__c`). */
  autoPush: () => boolean;
  /** What a Closed Won opportunity becomes in Sage (`Closed_Won_Creates__c`): an order, or a quote. */
  creates: () => OrderKind;
  pageSize?: number;
  lookBackMs: number;
}

/** A refusal of the order push as the engine files it: its kind decides whether and when it is tried again. */
export function pushFailure(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof ServiceError) {
    const kind =
      error.reason === 'in-doubt'
        ? 'in-doubt'
        : error.reason === 'unavailable' || error.code === 'PUSH_IN_PROGRESS'
          ? 'transient'
          : 'permanent';
    return new ConnectorError(kind, error.message, {
      code: error.code,
      system: 'connector',
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      context: { details: error.details ?? null },
      cause: error,
    });
  }
  return new ConnectorError('permanent', error instanceof Error ? error.message : String(error), {
    code: 'ORDER_PUSH_FAILED',
    system: 'connector',
  });
}

/** The closedWonOrders flow. */
export function closedWonOrdersFlow(
  options: ClosedWonOrdersFlowOptions,
): SyncFlow<WonOpportunity, OrderRequest, SalesforceChangeCursor> {
  const pageSize = options.pageSize ?? 50;
  const changes = salesforceChanges<WonOpportunity>({
    reader: options.salesforce,
    object: 'Opportunity',
    fields: () => FIELDS,
    // An opportunity that has its order needs no quote any more.
    where: () =>
      options.creates() === 'quote'
        ? 'IsWon = true AND Sage_Quote_Number__c = null AND Sage_Order_Number__c = null'
        : 'IsWon = true AND Sage_Order_Number__c = null',
    pageSize,
    lookBackMs: options.lookBackMs,
  });

  return {
    name: 'closedWonOrders',
    entity: 'order',
    source: 'salesforce',
    cursor: changes.cursor,
    pageSize,
    // The ledger makes a push exactly-once: sending one again replays the order it created.
    idempotentWrites: true,
    enabled: () => options.autoPush(),

    startCursor: (saved, runOptions) => changes.start(saved, runOptions),
    read: (cursor, signal) => changes.read(cursor, signal),
    advance: (cursor, record) => changes.advance(cursor, record),
    finish: (cursor) => changes.finish(cursor),
    keyOf: (record) => record.Id,

    map(record): OrderRequest {
      // A failure-queue retry reads the opportunity by Id: it may have left the stage since it was parked.
      if (record.IsWon !== true) {
        throw new ConnectorError(
          'permanent',
          `Opportunity ${record.Name} is no longer Closed Won (stage ${record.StageName}); nothing is pushed`,
          { code: 'NOT_CLOSED_WON', system: 'connector', context: { opportunityId: record.Id } },
        );
      }
      const kind = options.creates();
      return {
        opportunityId: record.Id,
        kind,
        stage: record.StageName,
        amount: record.Amount,
        accountId: record.AccountId,
        closeDate: record.CloseDate,
        pricebookId: record.Pricebook2Id,
        orderNumber: record[NUMBER_FIELD[kind]]?.trim() || record.Sage_Order_Number__c?.trim() || null,
      };
    },

    async write(records) {
      const outcomes: WriteOutcome[] = [];
      for (const { key, target } of records) {
        if (target.orderNumber) {
          outcomes.push({ key, ok: true, created: false, targetKey: target.orderNumber });
          continue;
        }
        try {
          const { result, created } = await options.orders.push(target.opportunityId, { kind: target.kind });
          outcomes.push({ key, ok: true, created, targetKey: result.orderNumber });
        } catch (error) {
          outcomes.push({ key, ok: false, error: pushFailure(error) });
        }
      }
      return outcomes;
    },

    async fetch(keys) {
      if (keys.length === 0) return [];
      return options.salesforce.queryAll<WonOpportunity>(
        `SELECT ${soqlFields(['Id', 'SystemModstamp', ...FIELDS])} FROM Opportunity WHERE Id IN ${soqlIn(keys)}`,
      );
    },
  };
}

/** The closedWonOrders flow in the registry (on the order schedule, `Order_Sync_Schedule__c`). */
export const closedWonOrders = defineFlow({
  name: 'closedWonOrders',
  scheduleSetting: 'orders',
  defaultSchedule: defaultSettings.schedules.orders,
  ports: ['salesforce', 'orders'],
  build: ({ salesforce, orders }, context) =>
    closedWonOrdersFlow({
      salesforce,
      orders,
      autoPush: () => context.settings().autoPushClosedWon,
      creates: () => context.settings().closedWonCreates,
      lookBackMs: context.salesforceLookBackMs,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
