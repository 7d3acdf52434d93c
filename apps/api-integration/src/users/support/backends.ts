/**
 * The two user stores every suite runs against: a SQLite file (the default) and a real PostgreSQL
 * cluster started from Debian's binaries for the suite (startPostgres of @kube-monitoring/testing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PostgresHandle, startPostgres } from '@kube-monitoring/testing';

import type { DatabaseConfig } from '../../../../api/src/database/database-config';

export type BackendKind = 'sqlite' | 'postgres';
export const BACKENDS: BackendKind[] = ['sqlite', 'postgres'];

export interface Store {
  config: DatabaseConfig;
  /** The same store as environment variables (for the CLI and `loadConfig`). */
  env: Record<string, string>;
}

export interface Backend {
  kind: BackendKind;
  /** Present for PostgreSQL: lets outage suites pause and resume the server. */
  postgres?: PostgresHandle;
  /** A new, empty store (no tables yet). */
  freshStore(): Promise<Store>;
  dispose(): Promise<void>;
}

export async function startBackend(kind: BackendKind): Promise<Backend> {
  let counter = 0;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'km-sqlite-'));
    return {
      kind,
      freshStore: async () => {
        // A directory that does not exist yet: the store must create it.
        const sqlitePath = join(dir, `store-${++counter}`, 'users.sqlite');
        return { config: { databaseUrl: undefined, sqlitePath }, env: { SQLITE_PATH: sqlitePath } };
      },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const postgres = await startPostgres();
  return {
    kind,
    postgres,
    freshStore: async () => {
      const url = await postgres.createDatabase(`suite_${++counter}`);
      return { config: { databaseUrl: url, sqlitePath: 'unused.sqlite' }, env: { DATABASE_URL: url } };
    },
    dispose: () => postgres.stop(),
  };
}
