/**
 * Writing a created Sage order back to its opportunity (order number, status, time), until Salesforce has it. The
 * ledger says whether the write-back is done; a write-back that failed waits in the failure queue under
 * `order-write-back`, where the operations API, `sage-sf` and the Sync Console show it, and is retried in the
 * background with growing pauses, by the next push of the opportunity, or by an operator, whichever comes first.
 */
import { ConnectorError } from '../domain/errors.js';
import { syncMessage, type OrderKind } from '../domain/orders.js';
import type { Logger } from '../observability/logger.js';
import type { FailureRepository, FailureStatus } from '../store/failures.js';
import type { OrderLedgerRepository } from '../store/order-ledger.js';
import { ServiceError } from './errors.js';
import type { OpportunityRecords, OpportunityWriteBack, OrderPushResult } from './orderPush.js';

/** The failure-queue name of write-backs that wait for a retry. */
export const ORDER_WRITE_BACK_QUEUE = 'order-write-back';

/** What the opportunity shows once its order (or its quote) exists. */
export function pushedWriteBack(result: OrderPushResult): OpportunityWriteBack {
  if (result.kind === 'quote') {
    return {
      Sage_Quote_Number__c: result.orderNumber,
      Sage_Sync_Message__c: syncMessage(
        `Sage 300 quote ${result.orderNumber} for customer ${result.customerNumber ?? ''}.`,
      ),
    };
  }
  const warning = result.creditCheck?.outcome === 'warned' ? ` Credit warning: ${result.creditCheck.message}` : '';
  return {
    Sage_Order_Number__c: result.orderNumber,
    Sage_Order_Status__c: 'Pushed',
    Sage_Sync_Message__c: syncMessage(
      `Sage 300 order ${result.orderNumber} for customer ${result.customerNumber ?? ''}.${warning}`,
    ),
    Sage_Pushed_At__c: result.pushedAt,
  };
}

export interface OrderWriteBacks {
  /** Writes the order to its opportunity; a failure is queued for retry. True when Salesforce has it now. */
  complete(result: OrderPushResult): Promise<boolean>;
  /** Retries the queued write-backs that are due; answers how many were tried. */
  retryDue(): Promise<number>;
  /** Retries one queued write-back now (an operator asked); answers its queue status afterwards. */
  retry(failureId: number): Promise<{ id: number; status: FailureStatus }>;
  /** Retries due write-backs every `pollMs` until `stop()`. */
  start(): void;
  stop(): Promise<void>;
}

export interface OrderWriteBackOptions {
  ledger: Pick<OrderLedgerRepository, 'get' | 'recordWrittenBack'>;
  failures: Pick<FailureRepository, 'record' | 'resolve' | 'claimDue' | 'get' | 'requestRetry' | 'reopenStale'>;
  salesforce: Pick<OpportunityRecords, 'updateOpportunity'>;
  /** The pause before the first retry, doubling after each failure up to an hour (default one minute). */
  retryMs?: number;
  /** How often the queue is checked for due write-backs (default: the retry pause, at most 30 s). */
  pollMs?: number;
  now?: () => Date;
  logger?: Logger;
}

const MAX_PAUSE_MS = 3_600_000;

/** A write-back's key in its queue: the opportunity id for an order, with `|quote` for a quote. */
export function writeBackKey(opportunityId: string, kind: OrderKind): string {
  return kind === 'order' ? opportunityId : `${opportunityId}|${kind}`;
}

function fromWriteBackKey(key: string): { opportunityId: string; kind: OrderKind } {
  const [opportunityId = key, kind] = key.split('|');
  return { opportunityId, kind: kind === 'quote' ? 'quote' : 'order' };
}

/** The write-backs of created orders, with their retry queue. */
export function createOrderWriteBacks(options: OrderWriteBackOptions): OrderWriteBacks {
  const { ledger, failures } = options;
  const retryMs = options.retryMs ?? 60_000;
  const pollMs = options.pollMs ?? Math.min(retryMs, 30_000);
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function write(opportunityId: string, kind: OrderKind, fields: OpportunityWriteBack): Promise<boolean> {
    const key = writeBackKey(opportunityId, kind);
    try {
      await options.salesforce.updateOpportunity(opportunityId, fields);
    } catch (error) {
      const errorKind = error instanceof ConnectorError ? error.kind : 'transient';
      const code = error instanceof ServiceError || error instanceof ConnectorError ? error.code : 'WRITE_BACK_FAILED';
      const reason = error instanceof Error ? error.message : String(error);
      options.logger?.warn({ err: error, opportunityId }, 'The opportunity does not show its Sage order yet');
      // Never given up automatically: the order exists, so the opportunity must show it in the end.
      await failures.record(ORDER_WRITE_BACK_QUEUE, {
        recordKey: key,
        payload: fields,
        kind: errorKind,
        code,
        message: `Sage 300 ${kind} ${fields.Sage_Order_Number__c ?? fields.Sage_Quote_Number__c ?? ''} exists, but the opportunity does not show it yet: ${reason}`,
        nextAttemptAt: (attempts) =>
          new Date(now().getTime() + Math.min(MAX_PAUSE_MS, retryMs * 2 ** Math.max(0, attempts - 1))),
      });
      return false;
    }
    await ledger.recordWrittenBack(opportunityId, kind);
    await failures.resolve(ORDER_WRITE_BACK_QUEUE, [key]);
    return true;
  }

  /** Completes one queued write-back from what the ledger holds; true when none is left to do. */
  async function completeFromLedger(key: string): Promise<boolean> {
    const { opportunityId, kind } = fromWriteBackKey(key);
    const entry = await ledger.get(opportunityId, kind);
    const result = entry?.result as OrderPushResult | null | undefined;
    if (!entry || entry.state !== 'created' || entry.writeBack === 'done' || !result?.orderNumber) {
      await failures.resolve(ORDER_WRITE_BACK_QUEUE, [key]);
      return true;
    }
    // Answers stored before the ledger kept quotes have no kind: the entry's is the one.
    return write(opportunityId, kind, pushedWriteBack({ ...result, kind }));
  }

  async function retryDue(): Promise<number> {
    let tried = 0;
    for (;;) {
      const due = await failures.claimDue(ORDER_WRITE_BACK_QUEUE, 50);
      if (due.length === 0) return tried;
      for (const failure of due) await completeFromLedger(failure.recordKey);
      tried += due.length;
    }
  }

  return {
    complete: (result) => write(result.opportunityId, result.kind, pushedWriteBack(result)),

    retryDue,

    async retry(failureId) {
      const failure = await failures.get(failureId);
      if (!failure || failure.flow !== ORDER_WRITE_BACK_QUEUE) {
        throw new ServiceError('not-found', 'FAILURE_NOT_FOUND', `There is no order write-back ${failureId}`);
      }
      if (!(await failures.requestRetry(failureId))) {
        throw new ServiceError(
          'conflict',
          'FAILURE_CLOSED',
          `Failure ${failureId} is ${failure.status}; only open failures can be retried`,
        );
      }
      await completeFromLedger(failure.recordKey);
      const after = await failures.get(failureId);
      return { id: failureId, status: after?.status ?? 'resolved' };
    },

    start() {
      if (timer) return;
      // Entries a stopped process left half-retried go back to the queue.
      running = failures.reopenStale(ORDER_WRITE_BACK_QUEUE).catch(() => undefined);
      timer = setInterval(() => {
        running = running
          .then(retryDue)
          .catch((error: unknown) => options.logger?.warn({ err: error }, 'Retrying order write-backs failed'));
      }, pollMs);
      timer.unref();
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
