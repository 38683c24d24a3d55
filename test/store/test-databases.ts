// Databases for tests: a fresh SQLite file and a fresh PostgreSQL schema per call, so parallel Jest workers never collide.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  engine: 'sqlite' | 'postgres';
  url: string;
  /** Removes the file or drops the schema. */
  drop(): Promise<void>;
}

let counter = 0;

function uniqueName(label: string): string {
  counter += 1;
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  return `t_${safe}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

export function sqliteDatabase(label: string): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), `sage-sf-${label.replace(/[^a-z0-9]+/gi, '-')}-`));
  return {
    engine: 'sqlite',
    url: `sqlite://${join(dir, 'connector.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function postgresDatabase(label: string): TestDatabase {
  const schema = uniqueName(label);
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', schema);
  return {
    engine: 'postgres',
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Both engines, for contract tests that must hold on each. */
export const engines = [
  ['SQLite', sqliteDatabase],
  ['PostgreSQL', postgresDatabase],
] as const;
