import { resolve } from 'node:path';
import { ConfigError } from '../../middleware/src/config/env.js';
import { parseDatabaseUrl } from '../../middleware/src/store/index.js';

describe('DATABASE_URL', () => {
  it('reads relative and absolute SQLite files and in-memory SQLite', () => {
    expect(parseDatabaseUrl('sqlite://./data/connector.db')).toEqual({
      engine: 'sqlite',
      path: resolve('data/connector.db'),
    });
    expect(parseDatabaseUrl('sqlite:///var/lib/connector/state.db')).toEqual({
      engine: 'sqlite',
      path: '/var/lib/connector/state.db',
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ engine: 'sqlite', path: ':memory:' });
  });

  it('reads a PostgreSQL URL and takes the schema parameter out of it', () => {
    expect(parseDatabaseUrl('postgres://app:secret@db.internal:5432/connector?schema=sage_sf&sslmode=require')).toEqual(
      {
        engine: 'postgres',
        connectionString: 'postgres://app:secret@db.internal:5432/connector?sslmode=require',
        schema: 'sage_sf',
      },
    );
  });

  it('refuses other schemes and bad schema names with one line that does not repeat the password', () => {
    expect(() => parseDatabaseUrl('mysql://root:hunter2@localhost/db')).toThrow(ConfigError);
    expect(() => parseDatabaseUrl('mysql://root:hunter2@localhost/db')).toThrow(
      /^DATABASE_URL must start with sqlite:\/\//,
    );
    expect(() => parseDatabaseUrl('postgres://u:hunter2@h/db?schema=a;drop')).toThrow(/invalid schema parameter/);
    expect(() => parseDatabaseUrl('sqlite://')).toThrow(/names no SQLite file/);
    try {
      parseDatabaseUrl('mysql://root:hunter2@localhost/db');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
