/** Plain-text rendering for the CLI: tables, times, counts. */
import type { FlowStatus } from '../sync/status.js';
import type { FlowRunResult } from '../sync/engine.js';
import type { SyncConflict, SyncFailure, SyncRun, SystemOutage } from '../store/index.js';

/** `2026-05-01 12:00:05` in UTC, or `-`. */
export function when(date: Date | null | undefined): string {
  return date ? date.toISOString().replace('T', ' ').slice(0, 19) : '-';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Left-aligned columns with a header row. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function countsText(counts: {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}): string {
  return `read ${counts.read}, created ${counts.created}, updated ${counts.updated}, unchanged ${counts.unchanged}, failed ${counts.failed}`;
}

function runLine(run: SyncRun): string {
  const duration = run.finishedAt ? ` (${seconds(run.finishedAt.getTime() - run.startedAt.getTime())})` : '';
  return `#${run.id} ${run.outcome}, ${run.trigger}, started ${when(run.startedAt)}${duration} by ${run.owner}: ${countsText(run)}${
    run.message ? ` — ${run.message}` : ''
  }`;
}

/** The systems' state first in `status`: since when a system the middleware recorded as down has not answered. */
export function outagesText(outages: SystemOutage[], now: Date): string {
  const sage = outages.find((outage) => outage.system === 'sage300');
  if (!sage) return 'Sage 300: no outage recorded';
  const minutes = Math.max(0, Math.round((now.getTime() - sage.since.getTime()) / 60_000));
  return (
    `Sage 300: unreachable since ${when(sage.since)} UTC (${minutes} min): ${sage.reason}\n` +
    `  flows back off together: one probe per interval; last seen by ${sage.seenBy} at ${when(sage.seenAt)}`
  );
}

/** The `status` report; `pendingWriteBacks` counts created Sage orders their opportunities do not show yet. */
export function statusText(flows: FlowStatus[], recentRuns: SyncRun[], now: Date, pendingWriteBacks = 0): string {
  const lines: string[] = [];
  for (const flow of flows) {
    lines.push(`Flow ${flow.name} (schedule ${flow.schedule})`);
    const cursor = flow.cursor;
    if (!cursor || cursor.value === null) lines.push('  cursor: none — the next run reads every record');
    else
      lines.push(
        `  cursor: ${JSON.stringify(cursor.value)}${cursor.inProgress ? ' (checkpoint of an unfinished run)' : ''}`,
      );
    if (cursor?.pausedUntil && cursor.pausedUntil > now)
      lines.push(`  paused until ${when(cursor.pausedUntil)}: ${cursor.pauseReason ?? ''}`);
    lines.push(`  last run: ${flow.lastRun ? runLine(flow.lastRun) : 'never'}`);
    lines.push(
      `  lease: ${flow.lease?.owner && flow.lease.expiresAt && flow.lease.expiresAt > now ? `held by ${flow.lease.owner} until ${when(flow.lease.expiresAt)}` : 'free'}`,
    );
    const f = flow.failures;
    lines.push(`  failures: ${f.open} open, ${f.retrying} retrying, ${f.resolved} resolved, ${f.skipped} skipped`);
  }
  lines.push(
    '',
    pendingWriteBacks === 0
      ? 'Order write-backs: none pending'
      : `Order write-backs: ${pendingWriteBacks} pending — the Sage order exists, the opportunity does not show it yet; ` +
          'retried automatically (sage-sf failures list --flow order-write-back)',
  );
  lines.push('', 'Recent runs');
  lines.push(
    recentRuns.length === 0
      ? '  none yet'
      : table(
          ['RUN', 'FLOW', 'TRIGGER', 'OUTCOME', 'STARTED', 'READ', 'CREATED', 'UPDATED', 'UNCHANGED', 'FAILED'],
          recentRuns.map((run) => [
            `#${run.id}`,
            run.flow,
            run.trigger,
            run.outcome,
            when(run.startedAt),
            String(run.read),
            String(run.created),
            String(run.updated),
            String(run.unchanged),
            String(run.failed),
          ]),
        ),
  );
  return lines.join('\n');
}

/** The `failures list` report. */
export function failuresText(failures: SyncFailure[]): string {
  if (failures.length === 0) return 'No failures.';
  return table(
    ['ID', 'FLOW', 'RECORD', 'STATUS', 'KIND', 'CODE', 'ATTEMPTS', 'NEXT ATTEMPT', 'REASON'],
    failures.map((failure) => [
      String(failure.id),
      failure.flow,
      failure.recordKey,
      failure.status,
      failure.errorKind,
      failure.errorCode,
      String(failure.attempts),
      failure.status === 'open' ? (failure.nextAttemptAt ? when(failure.nextAttemptAt) : 'manual') : '-',
      failure.errorMessage.replace(/\s+/g, ' ').slice(0, 160),
    ]),
  );
}

/** Conflicts two-way flows settled, newest first: the field, who won, and the value that lost. */
export function conflictsText(conflicts: SyncConflict[]): string {
  if (conflicts.length === 0) return 'No conflicts.';
  const value = (text: unknown) => (text === null || text === undefined ? '(blank)' : JSON.stringify(text));
  return table(
    ['ID', 'WHEN', 'FLOW', 'RUN', 'RECORD', 'FIELD', 'WON', 'WINNING VALUE', 'LOST', 'LOSING VALUE'],
    conflicts.map((conflict) => [
      String(conflict.id),
      when(conflict.createdAt),
      conflict.flow,
      conflict.runId === null ? '-' : `#${conflict.runId}`,
      conflict.recordKey,
      conflict.field,
      conflict.master,
      value(conflict.winningValue).slice(0, 60),
      conflict.loser,
      value(conflict.losingValue).slice(0, 60),
    ]),
  );
}

/** The closing line of `run`. */
export function runSummary(result: FlowRunResult): string {
  if (result.outcome === 'skipped') return `${result.flow}: not run — ${result.message ?? result.skippedBecause ?? ''}`;
  const head = `${result.flow}: ${result.outcome} in ${seconds(result.durationMs)} (run #${result.runId ?? '?'}) — ${countsText(result)}`;
  const notes: string[] = [];
  if (result.message) notes.push(result.message);
  if (result.failed > 0) notes.push(`see them with: sage-sf failures list --flow ${result.flow}`);
  return [head, ...notes.map((note) => `  ${note}`)].join('\n');
}
