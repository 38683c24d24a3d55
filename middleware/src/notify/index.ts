/**
 * The notifier: renders a notice once and hands it to every configured channel. A channel that still fails after its
 * retries leaves the notice in the failure queue under `notices` (one entry per channel and notice), where operators
 * see it and where `retryDue` sends it again later; the caller's work goes on either way. Sync-health notices pass a
 * throttle kept in the store: at most one per flow per window, across replicas and restarts.
 */
import type { Logger } from 'pino';
import type { FailureRepository } from '../store/failures.js';
import type { NoticeThrottleRepository } from '../store/notice-throttle.js';
import { ConnectorError } from '../domain/errors.js';
import { deliverWithRetries, deliveryError, type DeliveryRetries, type NoticeChannel } from './channel.js';
import { NOTICE_QUEUE, type Notice, type NoticeOutcome, type Notifier } from './notifier.js';
import { renderNotice, type RenderedNotice } from './render.js';

export interface NotifierOptions {
  channels: readonly NoticeChannel[];
  failures: Pick<FailureRepository, 'record' | 'resolve' | 'claimDue'>;
  throttle: Pick<NoticeThrottleRepository, 'claim'>;
  /** At most one sync-health notice per flow in this window. */
  healthIntervalMs: number;
  /** Tries per notice and channel, and the pauses between them. */
  retry: DeliveryRetries;
  /** The pause before a queued notice is tried again, doubling up to six hours (default 15 minutes). */
  requeueMs?: number;
  /** Automatic re-sends of a queued notice before it waits for an operator (default 5). */
  requeueAttempts?: number;
  logger?: Logger;
  now?: () => Date;
}

export interface ChannelNotifier extends Notifier {
  /** Sends the queued notices that are due again; answers how many were tried. */
  retryDue(): Promise<number>;
}

const MAX_REQUEUE_MS = 6 * 3_600_000;

/** A notifier over these channels. */
export function createNotifier(options: NotifierOptions): ChannelNotifier {
  const now = options.now ?? (() => new Date());
  const requeueMs = options.requeueMs ?? 15 * 60_000;
  const requeueAttempts = options.requeueAttempts ?? 5;
  const byName = new Map(options.channels.map((channel) => [channel.name, channel]));

  /** Delivers on one channel; a failure is queued. True when the channel took it. */
  async function send(channel: NoticeChannel, notice: RenderedNotice): Promise<boolean> {
    const recordKey = `${channel.name}|${notice.id}`;
    try {
      await deliverWithRetries(channel, notice, options.retry);
    } catch (error) {
      const failure = error instanceof ConnectorError ? error : deliveryError(String(error), 'DELIVERY_FAILED', true);
      options.logger?.warn(
        { channel: channel.name, notice: notice.id, code: failure.code },
        'A notice waits in the failure queue',
      );
      await options.failures
        .record(NOTICE_QUEUE, {
          recordKey,
          payload: notice,
          kind: failure.kind === 'permanent' ? 'permanent' : 'transient',
          code: failure.code,
          message: `The ${channel.name} notice "${notice.summary}" was not delivered: ${failure.message}`,
          nextAttemptAt: (attempts) =>
            failure.kind !== 'permanent' && attempts <= requeueAttempts
              ? new Date(now().getTime() + Math.min(MAX_REQUEUE_MS, requeueMs * 2 ** (attempts - 1)))
              : null,
        })
        .catch((queueError: unknown) =>
          options.logger?.error({ err: queueError, notice: notice.id }, 'A failed notice could not be queued'),
        );
      return false;
    }
    await options.failures.resolve(NOTICE_QUEUE, [recordKey]).catch(() => 0);
    return true;
  }

  return {
    channels: options.channels.map((channel) => channel.name),
    wantsOwnerEmails: options.channels.some((channel) => channel.copiesAccountOwners === true),

    async notify(notice: Notice): Promise<NoticeOutcome> {
      const outcome: NoticeOutcome = { sent: [], queued: [] };
      if (options.channels.length === 0) return outcome;
      if (notice.kind === 'overdue-invoices' && notice.invoices.length === 0) return outcome;
      if (notice.kind === 'sync-health' && notice.problems.length === 0) return outcome;
      try {
        if (
          notice.kind === 'sync-health' &&
          !(await options.throttle.claim(`health:${notice.flow}`, options.healthIntervalMs))
        ) {
          return { ...outcome, throttled: true };
        }
        const rendered = renderNotice(notice);
        for (const channel of options.channels) {
          const delivered = await send(channel, rendered);
          (delivered ? outcome.sent : outcome.queued).push(channel.name);
        }
      } catch (error) {
        options.logger?.error({ err: error, notice: notice.kind }, 'A notice could not be sent');
      }
      return outcome;
    },

    async retryDue() {
      let tried = 0;
      for (;;) {
        const due = await options.failures.claimDue(NOTICE_QUEUE, 50, now());
        if (due.length === 0) return tried;
        for (const entry of due) {
          const channel = byName.get(entry.recordKey.slice(0, entry.recordKey.indexOf('|')));
          if (channel) {
            await send(channel, entry.payload as RenderedNotice);
          } else {
            // The channel is no longer configured: the notice waits for an operator.
            await options.failures.record(NOTICE_QUEUE, {
              recordKey: entry.recordKey,
              payload: entry.payload,
              kind: 'permanent',
              code: 'CHANNEL_NOT_CONFIGURED',
              message: `${entry.errorMessage} (its channel is no longer configured)`,
              nextAttemptAt: null,
            });
          }
        }
        tried += due.length;
      }
    },
  };
}

export { NOTICE_QUEUE, notificationsOff } from './notifier.js';
export type {
  Notice,
  NoticeOutcome,
  Notifier,
  OverdueInvoice,
  OverdueInvoicesNotice,
  SyncHealthNotice,
} from './notifier.js';
export { webhookChannel, webhookSignature } from './webhook.js';
export { emailChannel } from './email.js';
