/**
 * A throwaway PostgreSQL cluster (Debian's server binaries, loopback, free port) that outlives this
 * command, for trying things by hand; in-process use is `startPostgres()` of `@kube-monitoring/testing`.
 *
 *   tsx tools/services/postgres.ts start|stop|status   (state in .services/postgres.json)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { isPostgresRunning, postgresHandle, startPostgresCluster, type PostgresCluster } from '@kube-monitoring/testing';

const STATE_FILE = resolve(__dirname, '..', '..', '.services', 'postgres.json');

function readState(): PostgresCluster | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as PostgresCluster;
}

async function cli(command: string | undefined): Promise<number> {
  const existing = readState();
  switch (command) {
    case 'start': {
      if (existing && isPostgresRunning(existing)) {
        process.stdout.write(`${existing.url}\n`);
        return 0;
      }
      if (existing) rmSync(existing.baseDir, { recursive: true, force: true });
      const state = await startPostgresCluster({ verbose: true });
      mkdirSync(dirname(STATE_FILE), { recursive: true });
      writeFileSync(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
      process.stdout.write(`${state.url}\n`);
      return 0;
    }
    case 'stop': {
      if (!existing) {
        process.stderr.write('postgres: not started (no .services/postgres.json)\n');
        return 0;
      }
      await postgresHandle(existing).stop();
      rmSync(STATE_FILE, { force: true });
      process.stderr.write('postgres: stopped and removed\n');
      return 0;
    }
    case 'status': {
      if (existing && isPostgresRunning(existing)) {
        process.stdout.write(`running ${existing.url}\n`);
        return 0;
      }
      process.stdout.write('stopped\n');
      return 3;
    }
    default:
      process.stderr.write('usage: tsx tools/services/postgres.ts start|stop|status\n');
      return 2;
  }
}

cli(process.argv[2]).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`postgres: ${err.message}\n`);
    process.exit(1);
  },
);
