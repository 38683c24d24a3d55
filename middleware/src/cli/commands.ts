/** The `sage-sf` commands. */
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../config/env.js';
import { ORDER_WRITE_BACK_QUEUE, createOrderWriteBacks } from '../services/orderWriteBack.js';
import { salesforceRecords } from '../services/salesforce-records.js';
import type { FailureStatus } from '../store/index.js';
import { builtInFlows } from '../sync/flows/index.js';
import { resetCursor as forgetCursor, skipFailure } from '../sync/operations.js';
import type { FlowRegistry } from '../sync/registry.js';
import { flowStatuses } from '../sync/status.js';
import { openContext } from './context.js';
import { conflictsText, failuresText, outagesText, runSummary, statusText } from './format.js';
import type { CliRuntime } from './runtime-context.js';

function parseDay(value: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError('must be a date such as 2026-05-01');
  }
  return new Date(`${value}T00:00:00Z`);
}

function parseId(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError('must be a failure id (a number from `sage-sf failures list`)');
  return Number(value);
}

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive number');
  return Number(value);
}

const out = (text: string) => process.stdout.write(`${text}\n`);

/** Exit code of a run: 0 when everything was written, 1 otherwise. */
function exitCodeOf(outcome: string): number {
  return outcome === 'succeeded' ? 0 : 1;
}

async function status(registry: FlowRegistry): Promise<void> {
  const context = await openContext(registry);
  try {
    // Without Salesforce, the schedules shown are those of the environment and the package defaults.
    const flows = registry.schedules({
      environment: context.config.sync.schedules,
      connector: context.config.settings.schedules,
    });
    const known = new Set(flows.map((flow) => flow.name));
    for (const cursor of await context.store.cursors.list()) {
      if (!known.has(cursor.flow)) flows.push({ name: cursor.flow, schedule: '-' });
    }
    const statuses = await flowStatuses(context.store, flows);
    const runs = await context.store.runs.list({ limit: 10 });
    const pendingWriteBacks = await context.store.orderLedger.countPendingWriteBacks();
    out(outagesText(await context.store.outages.list(), context.store.clock()));
    out(statusText(statuses, runs, context.store.clock(), pendingWriteBacks));
  } finally {
    await context.close();
  }
}

async function run(
  registry: FlowRegistry,
  flow: string,
  options: { full?: boolean; since?: Date; repair?: boolean },
): Promise<void> {
  if (options.full && options.since) throw new ConfigError('Use either --full or --since, not both');
  const context = await (await import('./runtime-context.js')).openRuntime(registry);
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${flow} [{bar}] {value}/{total} records | created {created} updated {updated} unchanged {unchanged} failed {failed}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const stop = () => void context.runtime.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    // An operator's run: it runs a flow even when its setting turns it off (the automatic order push).
    const result = await context.runtime.runFlowNow(flow, {
      operatorRequested: true,
      ...(options.full ? { full: true } : {}),
      ...(options.since ? { since: options.since } : {}),
      ...(options.repair ? { repair: true } : {}),
      onProgress: (progress) => {
        const payload = {
          created: progress.created,
          updated: progress.updated,
          unchanged: progress.unchanged,
          failed: progress.failed,
        };
        const total = Math.max(progress.total ?? 0, progress.read);
        if (!started) {
          bar.start(total, progress.read, payload);
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(progress.read, payload);
        }
      },
    });
    if (started) bar.stop();
    out(runSummary(result));
    process.exitCode = exitCodeOf(result.outcome);
  } finally {
    if (started) bar.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await context.close();
  }
}

async function listFailures(
  registry: FlowRegistry,
  options: {
    flow?: string;
    status: FailureStatus | 'active' | 'all';
    limit: number;
  },
): Promise<void> {
  const context = await openContext(registry);
  try {
    const failures = await context.store.failures.list({
      ...(options.flow ? { flow: options.flow } : {}),
      ...(options.status === 'all' ? {} : { status: options.status }),
      limit: options.limit,
    });
    out(failuresText(failures));
  } finally {
    await context.close();
  }
}

async function listConflicts(registry: FlowRegistry, options: { flow?: string; limit: number }): Promise<void> {
  const context = await openContext(registry);
  try {
    out(
      conflictsText(
        await context.store.conflicts.list({ ...(options.flow ? { flow: options.flow } : {}), limit: options.limit }),
      ),
    );
  } finally {
    await context.close();
  }
}

async function retryFailure(registry: FlowRegistry, id: number): Promise<void> {
  const context = await (await import('./runtime-context.js')).openRuntime(registry);
  try {
    if ((await context.store.failures.get(id))?.flow === ORDER_WRITE_BACK_QUEUE) {
      await retryWriteBack(context, id);
      return;
    }
    const { failure, run: result } = await context.runtime.retryFailure(id);
    out(
      failure.status === 'resolved'
        ? `Failure ${id} (${failure.flow} ${failure.recordKey}) is resolved: the record was written.`
        : `Failure ${id} (${failure.flow} ${failure.recordKey}) failed again: ${failure.errorCode}: ${failure.errorMessage}`,
    );
    if (result.outcome === 'skipped') out(`  not retried now: ${result.message ?? ''}`);
    process.exitCode = failure.status === 'resolved' ? 0 : 1;
  } finally {
    await context.close();
  }
}

/** An order write-back waits in the failure queue without being a flow: it is retried by writing the opportunity. */
async function retryWriteBack(context: CliRuntime, id: number): Promise<void> {
  const writeBacks = createOrderWriteBacks({
    ledger: context.store.orderLedger,
    failures: context.store.failures,
    salesforce: salesforceRecords(context.systems.salesforce),
  });
  const { status: after } = await writeBacks.retry(id);
  const failure = await context.store.failures.get(id);
  out(
    after === 'resolved'
      ? `Failure ${id} (order write-back ${failure?.recordKey ?? ''}) is resolved: the opportunity shows its order.`
      : `Failure ${id} (order write-back ${failure?.recordKey ?? ''}) failed again: ${failure?.errorCode ?? ''}: ${failure?.errorMessage ?? ''}`,
  );
  process.exitCode = after === 'resolved' ? 0 : 1;
}

async function skip(registry: FlowRegistry, id: number): Promise<void> {
  const context = await openContext(registry);
  try {
    const failure = await skipFailure(context.store, id);
    out(`Failure ${id} (${failure.flow} ${failure.recordKey}) is skipped; it will not be retried.`);
  } finally {
    await context.close();
  }
}

async function resetCursor(registry: FlowRegistry, flow: string): Promise<void> {
  const context = await openContext(registry);
  try {
    const before = await forgetCursor(context.store, registry, flow);
    out(`${flow}: cursor reset (was ${before ? JSON.stringify(before) : 'empty'}); the next run reads every record.`);
  } finally {
    await context.close();
  }
}

async function migrate(registry: FlowRegistry): Promise<void> {
  const context = await openContext(registry, { migrate: false });
  try {
    const applied = await context.store.migrate();
    out(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : `The ${context.store.engine} database is up to date.`,
    );
  } finally {
    await context.close();
  }
}

/** Builds the command line program over a flow registry (the built-in flows unless given another). */
export function buildProgram(registry: FlowRegistry = builtInFlows): Command {
  const flowExample = `the flow: ${registry.names.join(', ')}`;
  const program = new Command('sage-sf')
    .description('Operate the Sage 300 ⇄ Salesforce connector: flows, runs, failures, cursors and the database.')
    .showHelpAfterError('(run sage-sf --help for usage)');

  program
    .command('status')
    .description('flows with their schedule, cursor, last run and counts, lease and failures; recent runs')
    .action(() => status(registry));

  program
    .command('run')
    .description('run a flow now (with a progress bar and a closing summary)')
    .argument('<flow>', flowExample)
    .option('--full', 'ignore the cursor and read every record')
    .option('--since <date>', 'read what changed since this day (YYYY-MM-DD)', parseDay)
    .option('--repair', 'then run a drift-repair pass: rewrite what Salesforce holds differently from the mapping')
    .action((flow: string, options: { full?: boolean; since?: Date; repair?: boolean }) =>
      run(registry, flow, options),
    );

  const failures = program.command('failures').description('the failure queue');
  failures
    .command('list')
    .description('failed records with their reason')
    .option('--flow <flow>', 'only this flow')
    .addOption(
      new Option('--status <status>', 'which entries')
        .choices(['active', 'open', 'retrying', 'resolved', 'skipped', 'all'])
        .default('active'),
    )
    .option('--limit <n>', 'at most this many', parseLimit, 100)
    .action((options: { flow?: string; status: FailureStatus | 'active' | 'all'; limit: number }) =>
      listFailures(registry, options),
    );
  failures
    .command('retry')
    .description('retry one failed record now')
    .argument('<id>', 'the failure id', parseId)
    .action((id: number) => retryFailure(registry, id));
  failures
    .command('skip')
    .description('give up on one failed record')
    .argument('<id>', 'the failure id', parseId)
    .action((id: number) => skip(registry, id));

  program
    .command('conflicts')
    .description('fields both systems changed between syncs: which won (the master) and the value that was overwritten')
    .option('--flow <flow>', 'only this flow')
    .option('--limit <n>', 'at most this many', parseLimit, 50)
    .action((options: { flow?: string; limit: number }) => listConflicts(registry, options));

  program
    .command('reset-cursor')
    .description("forget a flow's cursor: its next run reads every record")
    .argument('<flow>', flowExample)
    .action((flow: string) => resetCursor(registry, flow));

  program
    .command('db')
    .description('the state database')
    .command('migrate')
    .description('apply pending migrations')
    .action(() => migrate(registry));
  return program;
}
