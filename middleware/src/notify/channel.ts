/**
 * A notice channel, and how a delivery is retried: through the middleware's one retry loop (`domain/retry.ts`), so a
 * delivery that fails transiently (429, 5xx, a timeout, a refused connection) is tried again after an exponential
 * backoff with full jitter, honouring `Retry-After`; a permanent refusal, or the last try, is the channel's answer.
 */
import { ConnectorError } from '../domain/errors.js';
import { withRetries, type RetryPolicy } from '../domain/retry.js';
import type { RenderedNotice } from './render.js';

export interface NoticeChannel {
  /** `webhook`, `email` */
  name: string;
  /** Delivers once; throws a ConnectorError (transient or permanent) when it could not. */
  deliver(notice: RenderedNotice): Promise<void>;
  /** True when the channel copies the account owners (their e-mail from Salesforce) on overdue-invoice digests. */
  readonly copiesAccountOwners?: boolean;
}

/** A failed delivery, with the kind that decides whether trying again may help. */
export function deliveryError(
  message: string,
  code: string,
  retryable: boolean,
  retryAfterMs?: number,
): ConnectorError {
  return new ConnectorError(retryable ? 'transient' : 'permanent', message, {
    code,
    system: 'connector',
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export interface DeliveryRetries {
  policy: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** Delivers through the channel, retrying transient failures under the policy; throws the last ConnectorError. */
export async function deliverWithRetries(
  channel: NoticeChannel,
  notice: RenderedNotice,
  retries: DeliveryRetries,
): Promise<void> {
  await withRetries(
    retries.policy,
    async () => {
      try {
        await channel.deliver(notice);
      } catch (error) {
        if (error instanceof ConnectorError) throw error;
        throw deliveryError(error instanceof Error ? error.message : String(error), 'DELIVERY_FAILED', true);
      }
    },
    retries.sleep ? { sleep: retries.sleep } : {},
  );
}
