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

/** A server that never answers must not hold start-up forever. */
const CONNECT_TIMEOUT_MS = 10_000;

async function openPostgres(connectionString: string, schema: string | undefined): Promise<Kysely<Database>> {
  if (schema) {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
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
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
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

interface NetworkFailure {
  code?: string;
  address?: string;
  port?: number;
  hostname?: string;
  message?: string;
  errors?: NetworkFailure[];
}

const postgresAnswers: Record<string, string> = {
  '28P01': 'PostgreSQL refused the user name or password',
  '28000': 'PostgreSQL refused the connection for this user',
  '3D000': 'the database does not exist',
  '42501': 'the user may not create the schema or its tables',
};

/**
 * The one line an operator needs when the database cannot be reached or used at start-up (`DATABASE_URL: connection
 * refused at 127.0.0.1:5432`), or undefined when the failure is not about reaching it.
 */
export function databaseFailure(error: unknown, location: DatabaseLocation): ConfigError | undefined {
  if (location.engine === 'sqlite') {
    const failure = error as NetworkFailure;
    if (
      typeof failure.code === 'string' &&
      /^(SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_NOTADB|EACCES|EROFS)/.test(failure.code)
    ) {
      return new ConfigError(`DATABASE_URL: cannot open the SQLite file ${location.path} (${failure.code})`);
    }
    return undefined;
  }
  // A host name with several addresses fails with one error per address: the first says enough.
  const failure = ((error as NetworkFailure).errors?.[0] ?? error) as NetworkFailure;
  const url = new URL(location.connectionString);
  const where = failure.address
    ? `${failure.address}:${failure.port ?? url.port}`
    : `${url.hostname}:${url.port || 5432}`;
  const known = failure.code === undefined ? undefined : postgresAnswers[failure.code];
  if (known) return new ConfigError(`DATABASE_URL: ${known} (${url.hostname}, database ${url.pathname.slice(1)})`);
  switch (failure.code) {
    case 'ECONNREFUSED':
      return new ConfigError(`DATABASE_URL: connection refused at ${where}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`DATABASE_URL: the host ${url.hostname} cannot be found`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConfigError(`DATABASE_URL: no answer from ${where} (${failure.code})`);
    default:
      if (/timeout/i.test(failure.message ?? ''))
        return new ConfigError(`DATABASE_URL: no answer from ${where} in time`);
      return undefined;
  }
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
