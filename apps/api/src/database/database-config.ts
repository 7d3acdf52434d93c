/**
 * The part of the configuration the user store needs. The API gets it from `AppConfig`; the users CLI
 * reads it straight from the environment, because `loadConfig` also demands settings the CLI has no use
 * for (InfluxDB, service credentials). `database-config.spec.ts` keeps both readings identical.
 */
import type { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/app-config';

export type DatabaseConfig = Pick<AppConfig, 'databaseUrl' | 'sqlitePath'>;

export function databaseConfigFromEnv(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const databaseUrl = env['DATABASE_URL'] || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// (leave it unset to use the SQLite file)');
  }
  return { databaseUrl, sqlitePath: env['SQLITE_PATH'] || 'data/kube-monitoring.sqlite' };
}

/** Where the users live, for messages: never the password inside DATABASE_URL. */
export function describeDatabase(config: DatabaseConfig): string {
  if (!config.databaseUrl) return `SQLite file ${config.sqlitePath}`;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
}
