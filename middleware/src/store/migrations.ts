/**
 * Schema migrations, one list for both engines. Kysely's migrator records applied migrations in `kysely_migration`
 * and serialises concurrent starts, so several replicas can start at once.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

function initial(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sync_cursors')
        .addColumn('flow', 'text', (col) => col.primaryKey())
        .addColumn('value', 'text')
        .addColumn('in_progress', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('paused_until', 'text')
        .addColumn('pause_reason', 'text')
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('sync_links')
        .addColumn('entity', 'text', (col) => col.notNull())
        .addColumn('sage_key', 'text', (col) => col.notNull())
        .addColumn('salesforce_id', 'text')
        .addColumn('sage_hash', 'text')
        .addColumn('salesforce_hash', 'text')
        .addColumn('last_synced_at', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('sync_links_pk', ['entity', 'sage_key'])
        .execute();
      await db.schema
        .createIndex('sync_links_salesforce_id')
        .on('sync_links')
        .columns(['entity', 'salesforce_id'])
        .execute();

      await db.schema
        .createTable('order_ledger')
        .addColumn('opportunity_id', 'text', (col) => col.primaryKey())
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('owner', 'text')
        .addColumn('claimed_until', 'text')
        .addColumn('sage_order_number', 'text')
        .addColumn('sage_order_uniquifier', 'text')
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('last_error_code', 'text')
        .addColumn('last_error_message', 'text')
        .addColumn('result_json', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('sync_failures')
        .addColumn('id', engine === 'postgres' ? 'serial' : 'integer', (col) =>
          engine === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement(),
        )
        .addColumn('flow', 'text', (col) => col.notNull())
        .addColumn('record_key', 'text', (col) => col.notNull())
        .addColumn('payload', 'text')
        .addColumn('error_kind', 'text', (col) => col.notNull())
        .addColumn('error_code', 'text', (col) => col.notNull())
        .addColumn('error_message', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('next_attempt_at', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addColumn('resolved_at', 'text')
        .execute();
      await db.schema
        .createIndex('sync_failures_flow_key')
        .on('sync_failures')
        .columns(['flow', 'record_key', 'status'])
        .execute();
      await db.schema
        .createIndex('sync_failures_due')
        .on('sync_failures')
        .columns(['status', 'next_attempt_at'])
        .execute();

      await db.schema
        .createTable('sync_runs')
        .addColumn('id', engine === 'postgres' ? 'serial' : 'integer', (col) =>
          engine === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement(),
        )
        .addColumn('flow', 'text', (col) => col.notNull())
        .addColumn('trigger', 'text', (col) => col.notNull())
        .addColumn('owner', 'text', (col) => col.notNull())
        .addColumn('scheduled_for', 'text')
        .addColumn('started_at', 'text', (col) => col.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('outcome', 'text', (col) => col.notNull())
        .addColumn('read_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('updated_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('unchanged_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('failed_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('message', 'text')
        .execute();
      await db.schema.createIndex('sync_runs_flow_started').on('sync_runs').columns(['flow', 'started_at']).execute();

      await db.schema
        .createTable('sync_leases')
        .addColumn('name', 'text', (col) => col.primaryKey())
        .addColumn('owner', 'text')
        .addColumn('acquired_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('last_slot', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['sync_leases', 'sync_runs', 'sync_failures', 'order_ledger', 'sync_links', 'sync_cursors']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

/** Whether the opportunity shows a created order yet: `pending` until Salesforce took the write-back, then `done`. */
const orderWriteBack: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('order_ledger').addColumn('write_back', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('order_ledger').dropColumn('write_back').execute();
  },
};

/**
 * Links are found from either side: flows that read Salesforce look a record up by its Salesforce Id, so that Id
 * names one link per entity. Where an older link still held an Id a newer one has, the older lets go of it.
 */
const linksFromEitherSide: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      update sync_links set salesforce_id = null
      where salesforce_id is not null and exists (
        select 1 from sync_links newer
        where newer.entity = sync_links.entity and newer.salesforce_id = sync_links.salesforce_id
          and (newer.last_synced_at > sync_links.last_synced_at
            or (newer.last_synced_at = sync_links.last_synced_at and newer.sage_key > sync_links.sage_key)))
    `.execute(db);
    await db.schema.dropIndex('sync_links_salesforce_id').ifExists().execute();
    await db.schema
      .createIndex('sync_links_salesforce_key')
      .on('sync_links')
      .columns(['entity', 'salesforce_id'])
      .unique()
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('sync_links_salesforce_key').ifExists().execute();
    await db.schema
      .createIndex('sync_links_salesforce_id')
      .on('sync_links')
      .columns(['entity', 'salesforce_id'])
      .execute();
  },
};

/**
 * Two-way flows merge field by field: a link keeps what both sides held after the last sync (`synced_state`, per-field
 * hashes, so no field value is stored), and the conflicts the field's master settled are kept for operators.
 */
function twoWayState(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('sync_links').addColumn('synced_state', 'text').execute();
      await db.schema
        .createTable('sync_conflicts')
        .addColumn('id', engine === 'postgres' ? 'serial' : 'integer', (col) =>
          engine === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement(),
        )
        .addColumn('run_id', 'integer')
        .addColumn('flow', 'text', (col) => col.notNull())
        .addColumn('record_key', 'text', (col) => col.notNull())
        .addColumn('salesforce_id', 'text')
        .addColumn('field', 'text', (col) => col.notNull())
        .addColumn('master', 'text', (col) => col.notNull())
        .addColumn('winning_value', 'text')
        .addColumn('losing_value', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('sync_conflicts_flow_created')
        .on('sync_conflicts')
        .columns(['flow', 'created_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sync_conflicts').ifExists().execute();
      await db.schema.alterTable('sync_links').dropColumn('synced_state').execute();
    },
  };
}

/**
 * A failure can wait for another record to be linked (an invoice for its customer's Account): the entry names that
 * record, and the link releases it. Drift repair keeps its own checkpoint per flow beside the flow's cursor.
 */
const waitingFailuresAndRepairs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sync_failures').addColumn('waits_for_entity', 'text').execute();
    await db.schema.alterTable('sync_failures').addColumn('waits_for_key', 'text').execute();
    await db.schema
      .createIndex('sync_failures_waits_for')
      .on('sync_failures')
      .columns(['waits_for_entity', 'waits_for_key', 'status'])
      .execute();
    await db.schema.createIndex('order_ledger_order_number').on('order_ledger').column('sage_order_number').execute();
    await db.schema
      .createTable('sync_repairs')
      .addColumn('flow', 'text', (col) => col.primaryKey())
      .addColumn('value', 'text')
      .addColumn('in_progress', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('repaired', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('sync_repairs').ifExists().execute();
    await db.schema.dropIndex('order_ledger_order_number').ifExists().execute();
    await db.schema.dropIndex('sync_failures_waits_for').ifExists().execute();
    await db.schema.alterTable('sync_failures').dropColumn('waits_for_key').execute();
    await db.schema.alterTable('sync_failures').dropColumn('waits_for_entity').execute();
  },
};
/** Notices sent at most once per window across replicas, and the stored revenue reconciliation with its "as of". */
function noticesAndReconciliation(engine: Engine): Migration {
  const money = engine === 'postgres' ? 'double precision' : 'real';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('notice_throttle')
        .addColumn('topic', 'text', (col) => col.primaryKey())
        .addColumn('last_sent_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('revenue_reconciliation')
        .addColumn('month', 'text', (col) => col.notNull())
        .addColumn('account_key', 'text', (col) => col.notNull())
        .addColumn('account_id', 'text')
        .addColumn('account_name', 'text')
        .addColumn('customer_number', 'text')
        .addColumn('closed_won', money, (col) => col.notNull().defaultTo(0))
        .addColumn('ordered', money, (col) => col.notNull().defaultTo(0))
        .addColumn('invoiced', money, (col) => col.notNull().defaultTo(0))
        .addColumn('collected', money, (col) => col.notNull().defaultTo(0))
        .addColumn('won_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('late_json', 'text', (col) => col.notNull())
        .addColumn('computed_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('revenue_reconciliation_pk', ['month', 'account_key'])
        .execute();
      await db.schema
        .createIndex('revenue_reconciliation_account')
        .on('revenue_reconciliation')
        .columns(['account_id', 'month'])
        .execute();
      await db.schema
        .createTable('report_snapshots')
        .addColumn('report', 'text', (col) => col.primaryKey())
        .addColumn('as_of', 'text', (col) => col.notNull())
        .addColumn('from_month', 'text', (col) => col.notNull())
        .addColumn('to_month', 'text', (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['report_snapshots', 'revenue_reconciliation', 'notice_throttle']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

/** Systems that stopped answering, so every process (and `sage-sf status`) can say since when. */
const systemOutages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('system_outages')
      .addColumn('system', 'text', (col) => col.primaryKey())
      .addColumn('since', 'text', (col) => col.notNull())
      .addColumn('reason', 'text', (col) => col.notNull())
      .addColumn('seen_by', 'text', (col) => col.notNull())
      .addColumn('seen_at', 'text', (col) => col.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('system_outages').ifExists().execute();
  },
};

/** The ledger's columns besides its key, as the kinds migration copies them. */
const LEDGER_COLUMNS = [
  'state',
  'owner',
  'claimed_until',
  'sage_order_number',
  'sage_order_uniquifier',
  'attempts',
  'last_error_code',
  'last_error_message',
  'result_json',
  'write_back',
  'created_at',
  'updated_at',
].join(', ');

/** SQLite cannot change a primary key: the ledger is copied into a table keyed as asked, which then takes its name. */
async function rebuildSqliteLedger(db: Kysely<unknown>, withKind: boolean): Promise<void> {
  await sql
    .raw(
      `create table order_ledger_rebuilt (opportunity_id text not null, ${withKind ? "kind text not null default 'order', " : ''}` +
        'state text not null, owner text, claimed_until text, sage_order_number text, sage_order_uniquifier text, ' +
        'attempts integer not null default 0, last_error_code text, last_error_message text, result_json text, ' +
        'write_back text, created_at text not null, updated_at text not null, ' +
        `primary key (${withKind ? 'opportunity_id, kind' : 'opportunity_id'}))`,
    )
    .execute(db);
  await sql
    .raw(
      `insert into order_ledger_rebuilt (opportunity_id, ${withKind ? 'kind, ' : ''}${LEDGER_COLUMNS}) ` +
        `select opportunity_id, ${withKind ? "'order', " : ''}${LEDGER_COLUMNS} from order_ledger`,
    )
    .execute(db);
  await sql`drop table order_ledger`.execute(db);
  await sql`alter table order_ledger_rebuilt rename to order_ledger`.execute(db);
  await sql`create index order_ledger_order_number on order_ledger (sage_order_number)`.execute(db);
}

/**
 * The ledger keeps one entry per opportunity and kind (`order`, `quote`): an opportunity's quote and its later order
 * are two exactly-once entries. Existing entries are orders.
 */
function ledgerKinds(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (engine === 'sqlite') return rebuildSqliteLedger(db, true);
      await sql`alter table order_ledger add column if not exists kind text not null default 'order'`.execute(db);
      await sql`alter table order_ledger drop constraint if exists order_ledger_pkey`.execute(db);
      await sql`alter table order_ledger add constraint order_ledger_pkey primary key (opportunity_id, kind)`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await sql`delete from order_ledger where kind <> 'order'`.execute(db);
      if (engine === 'sqlite') return rebuildSqliteLedger(db, false);
      await sql`alter table order_ledger drop constraint if exists order_ledger_pkey`.execute(db);
      await sql`alter table order_ledger drop column kind`.execute(db);
      await sql`alter table order_ledger add constraint order_ledger_pkey primary key (opportunity_id)`.execute(db);
    },
  };
}

/** Customer provisioning claims, so replicas racing on one account create one Sage customer. */
const customerClaims: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('customer_claims')
      .addColumn('account_id', 'text', (col) => col.primaryKey())
      .addColumn('owner', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('customer_number', 'text')
      .addColumn('outcome', 'text')
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('customer_claims').ifExists().execute();
  },
};

/** The migrations in the order they apply; names sort chronologically. */
function migrationsFor(engine: Engine): Record<string, Migration> {
  return {
    '2026-11-25-001-sync-state': initial(engine),
    '2026-12-01-002-order-write-back': orderWriteBack,
    '2026-12-02-003-links-from-either-side': linksFromEitherSide,
    '2026-12-03-004-two-way-state': twoWayState(engine),
    '2026-12-04-005-waiting-failures-and-repairs': waitingFailuresAndRepairs,
    '2026-12-05-006-system-outages': systemOutages,
    '2026-12-10-007-notices-and-reconciliation': noticesAndReconciliation(engine),
    '2026-12-11-008-ledger-kinds': ledgerKinds(engine),
    '2026-12-12-009-customer-claims': customerClaims,
  };
}

/**
 * Applies every pending migration; returns the names applied now. Throws when one fails.
 * On PostgreSQL, replicas that start together would race to create the migrator's own bookkeeping tables, so the
 * whole migration runs on one connection holding an advisory lock for the store's schema. The migrator is told that
 * schema by name: otherwise it looks for its bookkeeping tables in every schema of the database, finds another
 * connector's (`?schema=a` beside `?schema=b`) and never creates its own.
 */
export async function migrateToLatest(db: Kysely<unknown>, engine: Engine): Promise<string[]> {
  if (engine === 'sqlite') return migrateSqlite(db);
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(connection);
    const schema = rows[0]?.schema;
    if (!schema) throw new Error('PostgreSQL names no current schema: check the search_path of the database user');
    const key = sql`hashtext('sage300-salesforce-connector:migrations:' || ${schema})`;
    await sql`select pg_advisory_lock(${key})`.execute(connection);
    try {
      return await runMigrator(connection, engine, schema);
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(connection);
    }
  });
}

/** SQLite migrations in this process wait for each other here; other processes wait on SQLite's write lock. */
let sqliteMigrations: Promise<unknown> = Promise.resolve();

function migrateSqlite(db: Kysely<unknown>): Promise<string[]> {
  const run = sqliteMigrations.then(() =>
    db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const applied = await runMigrator(connection, 'sqlite');
        await sql`commit`.execute(connection);
        return applied;
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    }),
  );
  sqliteMigrations = run.catch(() => undefined);
  return run;
}

async function runMigrator(db: Kysely<unknown>, engine: Engine, schema?: string): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(engine) };
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  // Without results the migrator never reached the database (connection refused, bad credentials): say that as is.
  if (error && !results) throw error;
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
