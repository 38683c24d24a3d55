/**
 * The e-mail digest through SMTP (nodemailer): finance's addresses, and the account owners copied when the settings
 * ask for it. SMTP's own codes decide a retry: 4xx and connection failures may pass, 5xx will not.
 */
import nodemailer from 'nodemailer';
import { deliveryError, type NoticeChannel } from './channel.js';
import type { RenderedNotice } from './render.js';

export interface EmailOptions {
  smtpUrl: string;
  from: string;
  to: readonly string[];
  copyAccountOwners: boolean;
  timeoutMs?: number;
}

interface SmtpFailure {
  message?: string;
  code?: string;
  responseCode?: number;
}

/** The e-mail channel; `close()` ends its pooled connections. */
export function emailChannel(options: EmailOptions): NoticeChannel & { close(): void } {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport(options.smtpUrl, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    name: 'email',
    copiesAccountOwners: options.copyAccountOwners,
    async deliver(notice: RenderedNotice) {
      const copy = options.copyAccountOwners ? notice.copy.filter((address) => !options.to.includes(address)) : [];
      try {
        await transport.sendMail({
          from: options.from,
          to: [...options.to],
          ...(copy.length > 0 ? { cc: copy } : {}),
          subject: notice.subject,
          text: notice.text,
          headers: { 'X-Notice-Id': notice.id },
        });
      } catch (error) {
        const failure = error as SmtpFailure;
        const permanent = typeof failure.responseCode === 'number' && failure.responseCode >= 500;
        throw deliveryError(
          `The SMTP server refused the digest: ${failure.message ?? String(error)}`,
          failure.responseCode ? `SMTP_${failure.responseCode}` : `SMTP_${failure.code ?? 'FAILED'}`,
          !permanent,
        );
      }
    },
    close: () => transport.close(),
  };
}
