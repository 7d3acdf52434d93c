/**
 * A throwaway PostgreSQL cluster for tests and local runs, built from Debian's server binaries:
 * `initdb` into a temporary directory, a server on a free 127.0.0.1 port with its unix socket inside
 * that directory, one database owned by a password-authenticated role.
 *
 * Library use: `const pg = await startPostgres(); … pg.url …; await pg.stop();`
 * CLI use:     tools/services/postgres.ts (a cluster that outlives the command: `startPostgresCluster`).
 *
 * PostgreSQL refuses to run as root, so under root the cluster belongs to the `postgres` OS user
 * (created by Debian's package) or, failing that, to `nobody`; the temp directory is handed over to it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Client } from 'pg';

import { getFreePort } from './service-utils';

const execFileAsync = promisify(execFile);

export interface PostgresHandle {
  /** `postgres://user:password@127.0.0.1:port/database` */
  url: string;
  port: number;
  database: string;
  /** Temporary directory holding the data directory, the socket and the server log. */
  baseDir: string;
  /** Fast shutdown, then delete the cluster. */
  stop(): Promise<void>;
  /** SIGKILL the server (a crash), then delete the cluster. */
  kill(): Promise<void>;
  /** Stop the server but keep the cluster (outage tests); `resume()` starts it again on the same port. */
  pause(): Promise<void>;
  /** SIGKILL the server but keep the cluster (a crash mid-transaction); `resume()` starts it again, with crash recovery. */
  crash(): Promise<void>;
  resume(): Promise<void>;
  /** Another empty database owned by the same role (a fresh schema per suite); returns its URL. */
  createDatabase(name: string): Promise<string>;
}

export interface StartPostgresOptions {
  database?: string;
  /** Also print progress to stderr (CLI). */
  verbose?: boolean;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** All there is to know about a running cluster: what the CLI persists so `stop` can find it later. */
export interface PostgresCluster {
  url: string;
  password: string;
  port: number;
  database: string;
  baseDir: string;
  binDir: string;
  runAs: RunAs | null;
}

const ROLE = 'kube_monitoring';
const SERVER_SETTINGS = [
  // Throwaway data: durability costs time and buys nothing here.
  '-c fsync=off',
  '-c synchronous_commit=off',
  '-c full_page_writes=off',
  '-c max_connections=60',
  '-c shared_buffers=16MB',
];

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresHandle> {
  return postgresHandle(await startPostgresCluster(options));
}

export async function startPostgresCluster(options: StartPostgresOptions): Promise<PostgresCluster> {
  const database = options.database ?? 'kube_monitoring';
  const log = (msg: string) => options.verbose && process.stderr.write(`postgres: ${msg}\n`);
  const binDir = await findBinDir(log);
  const runAs = serverUser();

  const baseDir = mkdtempSync(join(tmpdir(), 'km-postgres-'));
  try {
    if (runAs) chownSync(baseDir, runAs.uid, runAs.gid);
    const superPassword = randomBytes(16).toString('hex');
    const pwFile = join(baseDir, 'superuser.pw');
    writeFileSync(pwFile, `${superPassword}\n`, { mode: 0o600 });
    if (runAs) chownSync(pwFile, runAs.uid, runAs.gid);

    log(`initdb in ${baseDir}`);
    await run(binDir, 'initdb', runAs, baseDir, [
      '-D',
      join(baseDir, 'data'),
      '-U',
      'postgres',
      `--pwfile=${pwFile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    rmSync(pwFile);

    const port = await startOnFreePort(binDir, runAs, baseDir, log);
    const password = randomBytes(16).toString('hex');
    await createRole(baseDir, port, password);
    await createDatabase(baseDir, port, database);
    const state: PostgresCluster = {
      url: urlFor(password, port, database),
      password,
      port,
      database,
      baseDir,
      binDir,
      runAs,
    };
    log(`ready on 127.0.0.1:${port}`);
    return state;
  } catch (err) {
    await forceStop(baseDir);
    rmSync(baseDir, { recursive: true, force: true });
    throw err;
  }
}

/** Controls a cluster started here or by an earlier process. */
export function postgresHandle(state: PostgresCluster): PostgresHandle {
  return {
    url: state.url,
    port: state.port,
    database: state.database,
    baseDir: state.baseDir,
    stop: () => destroy(state, 'fast'),
    kill: () => destroy(state, 'kill'),
    pause: () => pgCtlStop(state),
    crash: () => forceStop(state.baseDir),
    resume: async () => {
      await pgCtlStart(state.binDir, state.runAs, state.baseDir, state.port);
    },
    createDatabase: async (name) => {
      await createDatabase(state.baseDir, state.port, name);
      return urlFor(state.password, state.port, name);
    },
  };
}

async function destroy(state: PostgresCluster, how: 'fast' | 'kill'): Promise<void> {
  if (how === 'kill') await forceStop(state.baseDir);
  else await pgCtlStop(state).catch(() => forceStop(state.baseDir));
  rmSync(state.baseDir, { recursive: true, force: true });
}

/** Newest Debian server binaries; installs Debian's `postgresql` package when none are present and we may. */
async function findBinDir(log: (msg: string) => void): Promise<string> {
  const fromEnv = process.env['PG_BIN_DIR'];
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'initdb'))) throw new Error(`PG_BIN_DIR=${fromEnv} has no initdb`);
    return fromEnv;
  }
  const found = debianBinDir();
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    log('no PostgreSQL server binaries: installing Debian package postgresql');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await execFileAsync('apt-get', ['update'], { env });
    await execFileAsync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env });
    const installed = debianBinDir();
    if (installed) return installed;
  }
  throw new Error('PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: install Debian package postgresql (apt-get install postgresql) or set PG_BIN_DIR');
}

function debianBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'))[0];
}

/** The OS user the server runs as when we are root (PostgreSQL will not run as root). */
function serverUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (uid > 0) return { uid, gid };
    } catch {
      // No such user: try the next one.
    }
  }
  throw new Error('running as root but neither the postgres nor the nobody OS user exists to own the cluster');
}

async function run(binDir: string, tool: string, runAs: RunAs | null, cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(join(binDir, tool), args, {
      cwd,
      // A minimal environment: the server user may not read root's home, locale comes from initdb.
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd, LC_ALL: 'C' },
      ...(runAs ?? {}),
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${tool} failed: ${(e.stderr || e.message).trim()}`);
  }
}

async function startOnFreePort(binDir: string, runAs: RunAs | null, baseDir: string, log: (m: string) => void): Promise<number> {
  // The port is free when we look; another process may take it before the server binds, so retry.
  for (let attempt = 1; ; attempt++) {
    const port = await getFreePort();
    try {
      await pgCtlStart(binDir, runAs, baseDir, port);
      return port;
    } catch (err) {
      const serverLog = readLog(baseDir);
      if (attempt < 5 && /could not bind|address already in use/i.test(serverLog)) {
        log(`port ${port} was taken, retrying`);
        continue;
      }
      throw new Error(`${(err as Error).message}\n${serverLog.slice(-2000)}`);
    }
  }
}

async function pgCtlStart(binDir: string, runAs: RunAs | null, baseDir: string, port: number): Promise<void> {
  const serverOptions = [`-p ${port}`, `-k ${join(baseDir)}`, "-c listen_addresses='127.0.0.1'", ...SERVER_SETTINGS].join(' ');
  await run(binDir, 'pg_ctl', runAs, baseDir, ['-D', join(baseDir, 'data'), '-l', join(baseDir, 'postgres.log'), '-o', serverOptions, '-w', '-t', '60', 'start']);
}

async function pgCtlStop(state: Pick<PostgresCluster, 'binDir' | 'runAs' | 'baseDir'>): Promise<void> {
  await run(state.binDir, 'pg_ctl', state.runAs, state.baseDir, ['-D', join(state.baseDir, 'data'), '-m', 'fast', '-w', '-t', '60', 'stop']);
}

/** SIGKILL the postmaster's whole process group (pg_ctl starts it in its own session). */
async function forceStop(baseDir: string): Promise<void> {
  const pidFile = join(baseDir, 'data', 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 1) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

/** Whether the cluster's postmaster still runs. */
export function isPostgresRunning(state: PostgresCluster): boolean {
  const pidFile = join(state.baseDir, 'data', 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  return alive(Number(readFileSync(pidFile, 'utf8').split('\n')[0]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readLog(baseDir: string): string {
  const file = join(baseDir, 'postgres.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function urlFor(password: string, port: number, database: string): string {
  return `postgres://${ROLE}:${password}@127.0.0.1:${port}/${database}`;
}

/** Runs statements as the superuser over the unix socket (trusted; TCP connections need a password). */
async function asSuperuser(baseDir: string, port: number, statements: string[]): Promise<void> {
  const admin = new Client({ host: baseDir, port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    for (const sql of statements) await admin.query(sql);
  } finally {
    await admin.end();
  }
}

function createRole(baseDir: string, port: number, password: string): Promise<void> {
  // DDL takes no bind parameters; the password is our own hex string.
  return asSuperuser(baseDir, port, [`CREATE ROLE ${ROLE} LOGIN PASSWORD '${password}'`]);
}

function createDatabase(baseDir: string, port: number, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`database name must be a plain identifier, got "${database}"`);
  return asSuperuser(baseDir, port, [`CREATE DATABASE ${database} OWNER ${ROLE}`]);
}
