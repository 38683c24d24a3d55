/**
 * The notifier port: what flows and the sync runtime hand over to be announced on the configured channels (a
 * Slack-compatible webhook, an SMTP digest, or the embedded sink). Every channel is optional and off unless
 * configured. A notice never blocks the work that raised it: `notify` does not throw, and a notice a channel still
 * refuses after its retries waits in the failure queue under `notices`.
 */

/** One overdue invoice, as a notice shows it. */
export interface OverdueInvoice {
  customerNumber: string;
  customerName?: string;
  /** The Salesforce Account, when linked. */
  accountId?: string;
  /** The account owner's e-mail (from Salesforce), copied on the e-mail digest when given. */
  ownerEmail?: string;
  documentNumber: string;
  amount: number;
  balance: number;
  currency?: string;
  /** `YYYY-MM-DD` */
  dueDate: string;
  daysOverdue: number;
  /** The overdue bucket crossed (its first day: 1, 31, 61, 91). */
  bucket: number;
}

/** The overdue invoices one run of a flow tasked: one digest per run, never one notice per invoice. */
export interface OverdueInvoicesNotice {
  kind: 'overdue-invoices';
  /** The flow that found them (`overdueInvoices`). */
  flow: string;
  /** The run that found them, when the flow knows it; it makes the notice's identity (one notice per run). */
  runId?: string | number;
  asOf: Date;
  invoices: readonly OverdueInvoice[];
}

/** One problem the sync health watch found for a flow. */
export type SyncHealthProblem =
  | { kind: 'failed-runs'; runs: number; lastMessage: string | null }
  | { kind: 'parked-records'; records: readonly { recordKey: string; code: string; message: string }[] }
  | { kind: 'salesforce-allowance'; used: number; max: number };

/** Sync health of one flow: sent at most once per flow per hour (the throttle is kept in the store). */
export interface SyncHealthNotice {
  kind: 'sync-health';
  flow: string;
  asOf: Date;
  problems: readonly SyncHealthProblem[];
}

export type Notice = OverdueInvoicesNotice | SyncHealthNotice;

/** What became of a notice on each configured channel. */
export interface NoticeOutcome {
  /** Channels that took the notice (`webhook`, `email`, `sink`). */
  sent: string[];
  /** Channels that refused it after their retries: the notice waits in the failure queue for each. */
  queued: string[];
  /** True when the notice was not sent because one like it went out within the throttle window. */
  throttled?: boolean;
}

/** The port flows are built with (`ports: ['notifier', …]`). */
export interface Notifier {
  /** The channels configured (empty: notices are off). */
  readonly channels: readonly string[];
  /**
   * True when a channel copies the account owners on overdue-invoice digests (`NOTIFY_EMAIL_ACCOUNT_OWNERS`, off by
   * default): the flow then reads each owner's e-mail from Salesforce with the Account (`OverdueInvoice.ownerEmail`).
   */
  readonly wantsOwnerEmails?: boolean;
  /**
   * Announces a notice on every configured channel. Never throws: a channel that still fails after its retries leaves
   * the notice in the failure queue (`notices`). An overdue-invoices notice without invoices sends nothing.
   */
  notify(notice: Notice): Promise<NoticeOutcome>;
}

/** The failure-queue name of notices that a channel refused. */
export const NOTICE_QUEUE = 'notices';

/** A notifier with no channel: notices are off. */
export const notificationsOff: Notifier = {
  channels: [],
  notify: async () => ({ sent: [], queued: [] }),
};
