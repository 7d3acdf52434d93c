import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import type { DataSourceOptions } from 'typeorm';

import type { DatabaseConfig } from './database-config';
import { MIGRATIONS } from './migrations';
import { UserEntity } from './user.entity';

export const ENTITIES = [UserEntity];
export const MIGRATIONS_TABLE = 'typeorm_migrations';

export interface DataSourceExtras {
  /** Errors of idle pooled PostgreSQL connections (server restarts); they must not crash the process. */
  onPoolError?: (err: Error) => void;
}

/**
 * TypeORM options for the user store: a SQLite file by default, PostgreSQL when `DATABASE_URL` is set.
 * Migrations are run by `UserDatabase` (under a lock), never by `synchronize`.
 */
export function buildDataSourceOptions(config: DatabaseConfig, extras: DataSourceExtras = {}): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: false,
  } as const;
  if (config.databaseUrl) {
    return {
      ...common,
      type: 'postgres',
      url: config.databaseUrl,
      applicationName: 'kube-monitoring',
      // Fail fast when the server is away, so login can answer 503 instead of hanging.
      connectTimeoutMS: 5000,
      poolSize: 10,
      extra: { query_timeout: 10_000, idleTimeoutMillis: 30_000 },
      poolErrorHandler: extras.onPoolError ?? (() => undefined),
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.sqlitePath === ':memory:' ? ':memory:' : resolve(config.sqlitePath),
    // WAL lets the CLI write while the API reads; the busy timeout covers short write overlaps.
    enableWAL: true,
    timeout: 5000,
  };
}

/** better-sqlite3 creates the file but not its directory. */
export function prepareSqliteDirectory(config: DatabaseConfig): void {
  if (config.databaseUrl || config.sqlitePath === ':memory:') return;
  mkdirSync(dirname(resolve(config.sqlitePath)), { recursive: true });
}
