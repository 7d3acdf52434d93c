/**
 * Runs Debian's InfluxDB 1.6 (`/usr/bin/influxd`) for tests and the demo: loopback only, free ports,
 * a throwaway data directory, reporting disabled.
 *
 * In-process:  const influx = await startInfluxDb(); … await influx.stop();
 * CLI:         tools/services/influxdb.ts (start, stop, status of a detached one)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { getFreePort, getFreePorts, isPortFree, LOOPBACK, tailFile, waitUntil } from './service-utils';

export const INFLUXD_BINARY = '/usr/bin/influxd';
const DEFAULT_START_TIMEOUT_MS = 30_000;
/** How long a stop waits for influxd to exit after SIGTERM before it sends SIGKILL. */
export const STOP_GRACE_MS = 10_000;

export interface StartInfluxOptions {
  /** Data directory (meta, data, wal go under it). Default: a fresh temporary directory, removed by stop(). */
  dataDir?: string;
  /** HTTP port on 127.0.0.1. Default: a free port. */
  port?: number;
  /** Receives progress messages (install, start, stop). Default: silent. */
  log?: (message: string) => void;
  /** How long to wait for `GET /ping` to answer 204. */
  startTimeoutMs?: number;
  /** Run influxd in its own process group and keep it running when this process exits (the CLI uses this). */
  detached?: boolean;
}

export interface InfluxHandle {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Process id of the current influxd (changes on restart()). */
  readonly pid: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** Graceful stop (SIGTERM, then SIGKILL after a grace period); removes the data directory when it was created here. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** SIGKILL, keeping the data directory: simulates a crash. */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its socket but answers nothing (slow/hung-server tests). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Starts influxd again on the same port and data directory (stopping it first if it still runs). */
  restart(): Promise<void>;
}

interface Layout {
  dataDir: string;
  configFile: string;
  logFile: string;
}

/** Handles started in this process, killed if the process exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
/** Throwaway data directories created in this process, removed if it exits without stop(). */
const ownedDataDirs = new Set<string>();
let exitHooksInstalled = false;

export async function startInfluxDb(options: StartInfluxOptions = {}): Promise<InfluxHandle> {
  const log = options.log ?? (() => undefined);
  ensureInfluxdInstalled(log);

  const ownsDataDir = options.dataDir === undefined;
  const dataDir = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), 'kube-monitoring-influxdb-')));
  mkdirSync(dataDir, { recursive: true });
  if (ownsDataDir && !options.detached) ownedDataDirs.add(dataDir);
  const port = options.port ?? (await getFreePort());
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const url = `http://${LOOPBACK}:${port}`;

  let child: ChildProcess;
  try {
    child = await launch(dataDir, port, { detached: options.detached ?? false, timeoutMs, log });
  } catch (error) {
    // The error already carries the log tail, so the throwaway directory has nothing left to tell.
    if (ownsDataDir) {
      rmSync(dataDir, { recursive: true, force: true });
      ownedDataDirs.delete(dataDir);
    }
    throw error;
  }

  const handle: InfluxHandle = {
    url,
    host: LOOPBACK,
    port,
    get pid() {
      return child.pid ?? -1;
    },
    dataDir,
    logFile: layoutOf(dataDir).logFile,
    async stop(stopOptions = {}) {
      await terminate(child, 'SIGTERM');
      if (ownsDataDir && !stopOptions.keepData) {
        rmSync(dataDir, { recursive: true, force: true });
        ownedDataDirs.delete(dataDir);
      }
      log(`influxd on ${url} stopped`);
    },
    async kill() {
      await terminate(child, 'SIGKILL');
    },
    // A process that has already exited (killed or stopped by the test) has nothing to pause or resume.
    pause() {
      if (isRunning(child)) process.kill(child.pid as number, 'SIGSTOP');
    },
    resume() {
      if (isRunning(child)) process.kill(child.pid as number, 'SIGCONT');
    },
    async restart() {
      if (isRunning(child)) await terminate(child, 'SIGTERM');
      mkdirSync(dataDir, { recursive: true });
      child = await launch(dataDir, port, { detached: options.detached ?? false, timeoutMs, log });
    },
  };
  return handle;
}

/** Installs Debian's influxdb package when the binary is missing (needs root, as in CI containers). */
export function ensureInfluxdInstalled(log: (message: string) => void = console.error): void {
  if (existsSync(INFLUXD_BINARY)) return;
  log(`${INFLUXD_BINARY} not found: installing Debian package "influxdb" (apt-get update && apt-get install -y influxdb)…`);
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  const run = (args: string[]) => {
    const [command, ...rest] = [...prefix, ...args];
    execFileSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  try {
    run(['apt-get', 'update']);
    run(['apt-get', 'install', '-y', 'influxdb']);
  } catch (error) {
    throw new Error(
      `could not install InfluxDB: "apt-get install -y influxdb" failed (${(error as Error).message}). ` + `Install the Debian package "influxdb" (1.6) by hand, as root.`,
    );
  }
  if (!existsSync(INFLUXD_BINARY)) {
    throw new Error(`the "influxdb" package was installed but ${INFLUXD_BINARY} is still missing`);
  }
}

function layoutOf(dataDir: string): Layout {
  return { dataDir, configFile: join(dataDir, 'influxdb.conf'), logFile: join(dataDir, 'influxd.log') };
}

/** The whole configuration, so nothing from /etc/influxdb leaks in (influxd reads only the file given). */
function renderConfig(dataDir: string, httpPort: number, rpcPort: number): string {
  const dir = (name: string) => JSON.stringify(join(dataDir, name));
  return `reporting-disabled = true
bind-address = "${LOOPBACK}:${rpcPort}"

[meta]
  dir = ${dir('meta')}

[data]
  dir = ${dir('data')}
  wal-dir = ${dir('wal')}
  # Throwaway data: group WAL fsyncs instead of one per write request (a killed process loses nothing,
  # only a machine crash could).
  wal-fsync-delay = "100ms"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "${LOOPBACK}:${httpPort}"
  log-enabled = false
  pprof-enabled = false

[logging]
  format = "logfmt"
  level = "info"
  suppress-logo = true
`;
}

interface LaunchOptions {
  detached: boolean;
  timeoutMs: number;
  log: (message: string) => void;
}

async function launch(dataDir: string, httpPort: number, options: LaunchOptions): Promise<ChildProcess> {
  if (!(await isPortFree(httpPort))) throw new Error(`cannot start influxd: port ${httpPort} on ${LOOPBACK} is in use`);
  const rpcPort = (await getFreePorts(2)).find((p) => p !== httpPort) ?? (await getFreePort());
  const layout = layoutOf(dataDir);
  writeFileSync(layout.configFile, renderConfig(dataDir, httpPort, rpcPort));

  const logFd = openSync(layout.logFile, 'a');
  const child = spawn(INFLUXD_BINARY, ['run', '-config', layout.configFile], {
    detached: options.detached,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);

  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  if (options.detached) child.unref();
  else track(child);

  const url = `http://${LOOPBACK}:${httpPort}`;
  options.log(`starting influxd on ${url} (data ${dataDir})`);
  try {
    await waitUntil(`influxd to answer GET ${url}/ping with 204`, () => pingStatus(url).then((s) => s === 204), {
      timeoutMs: options.timeoutMs,
      abort: () => spawnError ?? (child.exitCode !== null || child.signalCode !== null ? new Error(`influxd exited early (${child.exitCode ?? child.signalCode})`) : undefined),
    });
  } catch (error) {
    await terminate(child, 'SIGKILL');
    const tail = tailFile(layout.logFile, 25);
    throw new Error(`InfluxDB did not start: ${(error as Error).message}\n--- last lines of ${layout.logFile} ---\n${tail || '(empty)'}`);
  }
  options.log(`influxd ready on ${url} (pid ${child.pid})`);
  return child;
}

/** Status code of GET /ping; rejects when nothing answers within a second. */
export function pingStatus(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolvePing, reject) => {
    const req = request(`${url}/ping`, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolvePing(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy(new Error('no answer to /ping')));
    req.once('error', reject);
    req.end();
  });
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
}

/** Sends the signal and waits for the exit; escalates to SIGKILL when SIGTERM is not obeyed in time. */
async function terminate(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (!isRunning(child)) {
    liveChildren.delete(child);
    return;
  }
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // A paused (SIGSTOP) process would hold SIGTERM until continued.
  if (signal === 'SIGTERM') child.kill('SIGCONT');
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<false>((done) => {
    timer = setTimeout(() => done(false), STOP_GRACE_MS);
  });
  const inTime = await Promise.race([exited.then(() => true as const), graceOver]);
  // No timer may outlive the stop: test runners wait for pending timers.
  clearTimeout(timer);
  if (!inTime) {
    child.kill('SIGKILL');
    await exited;
  }
  liveChildren.delete(child);
}

/** Makes sure no influxd outlives this process when it exits, is interrupted or terminated. */
function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.once('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAllChildren();
      // Keep the usual meaning of the signal when nobody else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once(signal, onSignal);
  }
}

function killAllChildren(): void {
  for (const child of liveChildren) {
    if (child.pid && isRunning(child)) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  liveChildren.clear();
  for (const dir of ownedDataDirs) rmSync(dir, { recursive: true, force: true });
  ownedDataDirs.clear();
}
