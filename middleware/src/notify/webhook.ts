/**
 * The Slack-compatible webhook: a JSON body with the summary (`text`) and `blocks`, signed so the receiver can trust
 * it: `X-Timestamp` (Unix seconds) and `X-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
 */
import { createHmac } from 'node:crypto';
import { deliveryError, type NoticeChannel } from './channel.js';
import type { RenderedNotice } from './render.js';

export interface WebhookOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  now?: () => Date;
}

/** The signature of a body sent at `timestamp` (Unix seconds, as text). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The webhook channel. */
export function webhookChannel(options: WebhookOptions): NoticeChannel {
  const now = options.now ?? (() => new Date());
  return {
    name: 'webhook',
    async deliver(notice: RenderedNotice) {
      const body = JSON.stringify({
        text: notice.summary,
        blocks: notice.blocks,
        notice: { id: notice.id, kind: notice.kind },
      });
      const timestamp = String(Math.floor(now().getTime() / 1000));
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Timestamp': timestamp,
            'X-Signature': webhookSignature(options.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        throw deliveryError(
          timedOut
            ? `The webhook did not answer within ${options.timeoutMs} ms`
            : `The webhook could not be reached: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`,
          timedOut ? 'WEBHOOK_TIMEOUT' : 'WEBHOOK_UNREACHABLE',
          true,
        );
      }
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      const retryable = response.status === 429 || response.status >= 500;
      throw deliveryError(
        `The webhook answered ${response.status}`,
        `WEBHOOK_${response.status}`,
        retryable,
        retryAfterMs(response.headers.get('retry-after')),
      );
    },
  };
}
