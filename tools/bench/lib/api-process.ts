/**
 * Starts a built API (`node <main.js>`) on a free loopback port for the bench, with its output in
 * a log file, and reads its memory from /proc. It is killed if the bench exits without stopping it
 * (children.ts).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { getFreePort, tailFile, waitUntil } from '@kube-monitoring/testing';

import { ROOT } from './build';
import { killOnExit, stopChild } from './children';

export interface BenchApi {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** Current resident set size, bytes (VmRSS). */
  rssBytes(): number;
  /** Starts tracking the peak RSS from now on; returns a function that stops and returns the peak. */
  trackPeakRss(): () => number;
  stop(): Promise<void>;
}

/** Service credentials as a billing client sends them. */
export interface ServiceCredentials {
  'x-username': string;
  'x-password': string;
}

/**
 * The API's environment for a throwaway run: InfluxDB at `influxUrl`, database `database`, the
 * service credentials, its own SQLite user file, and `extra` on top.
 */
export function throwawayApiEnv(influxUrl: string, database: string, service: ServiceCredentials, sqlitePath: string, extra: Record<string, string> = {}): Record<string, string> {
  const url = new URL(influxUrl);
  return {
    INFLUXDB_HOST: url.hostname,
    INFLUXDB_PORT: url.port,
    INFLUXDB_DB: database,
    API_USERNAME: service['x-username'],
    API_PASSWORD: service['x-password'],
    SQLITE_PATH: sqlitePath,
    // Measurements run many requests of one caller at once: the per-caller limits would refuse them.
    HEAVY_REQUESTS_PER_CALLER: '10000',
    HEAVY_REQUESTS_PER_MINUTE: '0',
    // Nothing scrapes a throwaway run; several run side by side.
    METRICS_PORT: '0',
    // The live measurements must read InfluxDB; the ledger lines turn it on themselves.
    LEDGER_ENABLED: 'false',
    ...extra,
  };
}

export interface StartApiOptions {
  name: string;
  main: string;
  env: Record<string, string>;
  logDir: string;
}

export async function startBenchApi(options: StartApiOptions): Promise<BenchApi> {
  if (!existsSync(options.main)) throw new Error(`${options.main} is missing`);
  const port = await getFreePort();
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${options.name}.out.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [options.main], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_DIR: join(options.logDir, options.name),
      LOG_LEVEL: 'info',
      WEB_DIR: '',
      NODE_ENV: 'development',
      ...options.env,
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  killOnExit(child);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    `the ${options.name} API to answer /api/health`,
    () =>
      fetch(`${url}/api/health`)
        .then((r) => r.ok)
        .catch(() => false),
    {
      timeoutMs: 60_000,
      intervalMs: 100,
      abort: () => (child.exitCode !== null ? new Error(`the ${options.name} API exited with ${child.exitCode}:\n${tailFile(logFile, 30)}`) : undefined),
    },
  );
  const pid = child.pid ?? -1;
  return {
    name: options.name,
    url,
    pid,
    logFile,
    rssBytes: () => procStatusBytes(pid, 'VmRSS'),
    trackPeakRss: () => trackPeak(pid),
    stop: () => stopChild(child),
  };
}

function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Peak RSS over a time window: the kernel's high-water mark (VmHWM) reset at the start through
 * /proc/<pid>/clear_refs, combined with polling VmRSS every 20 ms where the reset is not allowed.
 */
function trackPeak(pid: number): () => number {
  let resetOk = false;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    resetOk = true;
  } catch {
    resetOk = false;
  }
  let peak = procStatusBytes(pid, 'VmRSS');
  const timer = setInterval(() => {
    const now = procStatusBytes(pid, 'VmRSS');
    if (now > peak) peak = now;
  }, 20);
  return () => {
    clearInterval(timer);
    const hwm = resetOk ? procStatusBytes(pid, 'VmHWM') : Number.NaN;
    return Number.isFinite(hwm) ? Math.max(hwm, peak) : peak;
  };
}
