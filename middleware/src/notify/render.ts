/**
 * What a notice says: a one-line summary, Slack-compatible blocks for the webhook, and a subject and text for the
 * e-mail digest. Pure: the same notice always reads the same.
 */
import type { Notice, OverdueInvoice, SyncHealthProblem } from './notifier.js';

/** A notice as the channels send it. */
export interface RenderedNotice {
  /** Identifies the notice (one per run, or per flow and time for health): the failure queue's record key. */
  id: string;
  kind: Notice['kind'];
  summary: string;
  blocks: Record<string, unknown>[];
  subject: string;
  text: string;
  /** Addresses copied on the e-mail (the account owners), when the notice names any. */
  copy: string[];
}

/** Slack refuses messages of more than 50 blocks; a digest lists this many lines and counts the rest. */
const MAX_LINES = 40;

function money(amount: number, currency?: string): string {
  const figure = amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency ? `${figure} ${currency}` : figure;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function invoiceLine(invoice: OverdueInvoice): string {
  const customer = invoice.customerName
    ? `${invoice.customerName} (${invoice.customerNumber})`
    : invoice.customerNumber;
  return (
    `${customer} ${invoice.documentNumber}: balance ${money(invoice.balance, invoice.currency)} of ` +
    `${money(invoice.amount, invoice.currency)}, due ${invoice.dueDate}, ${invoice.daysOverdue} days overdue`
  );
}

function problemLine(problem: SyncHealthProblem): string {
  switch (problem.kind) {
    case 'failed-runs':
      return `failed ${problem.runs} runs in a row${problem.lastMessage ? `; last: ${problem.lastMessage}` : ''}`;
    case 'parked-records':
      return `${problem.records.length} record(s) parked in the failure queue: ${problem.records
        .slice(0, 10)
        .map((record) => `${record.recordKey} (${record.code})`)
        .join(', ')}${problem.records.length > 10 ? ', …' : ''}`;
    case 'salesforce-allowance':
      return `Salesforce daily API allowance ${Math.round((problem.used / problem.max) * 100)} % used (${problem.used} of ${problem.max})`;
  }
}

function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Renders a notice for the channels. */
export function renderNotice(notice: Notice): RenderedNotice {
  if (notice.kind === 'overdue-invoices') {
    const count = notice.invoices.length;
    const total = notice.invoices.reduce((sum, invoice) => sum + invoice.balance, 0);
    const currencies = new Set(notice.invoices.map((invoice) => invoice.currency).filter(Boolean));
    const currency = currencies.size === 1 ? [...currencies][0] : undefined;
    const summary = `${count} invoice${count === 1 ? '' : 's'} newly overdue, ${money(total, currency)} outstanding (as of ${day(notice.asOf)})`;
    const lines = notice.invoices.slice(0, MAX_LINES).map(invoiceLine);
    const more = count > MAX_LINES ? [`… and ${count - MAX_LINES} more`] : [];
    return {
      id: `${notice.flow}|${notice.runId ?? notice.asOf.toISOString()}`,
      kind: notice.kind,
      summary,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Overdue invoices' } },
        section(summary),
        ...[...lines, ...more].map((line) => section(`• ${line}`)),
      ],
      subject: `Overdue invoices: ${count} (as of ${day(notice.asOf)})`,
      text: [summary, '', ...notice.invoices.map((invoice) => `- ${invoiceLine(invoice)}`), ''].join('\n'),
      copy: [...new Set(notice.invoices.flatMap((invoice) => (invoice.ownerEmail ? [invoice.ownerEmail] : [])))],
    };
  }
  const lines = notice.problems.map(problemLine);
  const summary = `Sync health: the ${notice.flow} flow needs attention (${lines.join('; ')})`;
  return {
    id: `health|${notice.flow}|${notice.asOf.toISOString()}`,
    kind: notice.kind,
    summary,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `Sync health: ${notice.flow}` } },
      ...lines.map((line) => section(`• ${line}`)),
    ],
    subject: `Sync health: ${notice.flow} needs attention`,
    text: [
      `The ${notice.flow} flow needs attention (as of ${notice.asOf.toISOString()}):`,
      '',
      ...lines.map((line) => `- ${line}`),
      '',
    ].join('\n'),
    copy: [],
  };
}
