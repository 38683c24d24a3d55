/**
 * Opens the state store named by `DATABASE_URL`:
 * - `sqlite://./data/connector.db` (the default; a path relative to the working directory),
 * - `sqlite:///var/lib/connector/state.db` (an absolute path), `sqlite::memory:` (nothing kept),
 * - `postgres://user:password@host:5432/db` (several replicas share it); `?schema=name` keeps the tables in that schema.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import pg from 'pg';
import { ConfigError } from '../config/env.js';
import { migrateToLatest, type Engine } from './migrations.js';
import type { Database } from './schema.js';

export type DatabaseLocation =
  { engine: 'sqlite'; path: string } | { engine: 'postgres'; connectionString: string; schema: string | undefined };

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads a DATABASE_URL into an engine and a location; throws a ConfigError saying what to set. */
export function parseDatabaseUrl(databaseUrl: string): DatabaseLocation {
  const value = databaseUrl.trim();
  if (value === 'sqlite::memory:' || value === 'sqlite://:memory:') return { engine: 'sqlite', path: ':memory:' };
  if (value.startsWith('sqlite://')) {
    const path = decodeURIComponent(value.slice('sqlite://'.length));
    if (path === '')
      throw new ConfigError(
        'DATABASE_URL names no SQLite file: use sqlite://./data/connector.db or sqlite:///abs/path.db',
      );
    return { engine: 'sqlite', path: resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(
        'DATABASE_URL is not a valid postgres:// URL: use postgres://user:password@host:5432/database',
      );
    }
    const schema = url.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !schemaName.test(schema)) {
      throw new ConfigError('DATABASE_URL has an invalid schema parameter: use lower-case letters, digits and _');
    }
    url.searchParams.delete('schema');
    return { engine: 'postgres', connectionString: url.toString(), schema };
  }
  throw new ConfigError(
    'DATABASE_URL must start with sqlite:// (a file) or postgres:// (a server), e.g. sqlite://./data/connector.db',
  );
}

/** SQLite transactions take the write lock up front, so two processes on one file wait for each other instead of failing. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: BetterSqlite3.Database;
  constructor(database: BetterSqlite3.Database) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path, { timeout: 10_000 });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect(database) });
}

function isDuplicateObject(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '23505' || code === '42P06';
}

async function openPostgres(connectionString: string, schema: string | undefined): Promise<Kysely<Database>> {
  if (schema) {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${schema}"`);
    } catch (error) {
      // Replicas starting together race inside "if not exists"; losing that race means the schema is there.
      if (!isDuplicateObject(error)) throw error;
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle connection dropped by the server must not crash the process; the next query opens a new one.
  pool.on('error', () => undefined);
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: schema
        ? async (connection) => {
            await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
          }
        : undefined,
    }),
  });
}

/** Connects to the database at the location; does not migrate. */
export async function connect(location: DatabaseLocation): Promise<{ db: Kysely<Database>; engine: Engine }> {
  if (location.engine === 'sqlite') return { db: openSqlite(location.path), engine: 'sqlite' };
  return { db: await openPostgres(location.connectionString, location.schema), engine: 'postgres' };
}

/** Applies pending migrations to an open database. */
export function migrate(db: Kysely<Database>, engine: Engine): Promise<string[]> {
  return migrateToLatest(db as unknown as Kysely<unknown>, engine);
}
