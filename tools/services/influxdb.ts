/**
 * A throwaway InfluxDB 1.6 (Debian's influxd, loopback, free port) that outlives this command, for
 * the demo and for trying things by hand; in-process use is `startInfluxDb()` of
 * `@kube-monitoring/testing`.
 *
 *   tsx tools/services/influxdb.ts start [--port N] [--data DIR]   (detached; state in .services/influxdb.json)
 *   tsx tools/services/influxdb.ts stop | status
 */
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { Command } from 'commander';

import { isProcessAlive, pingStatus, startInfluxDb, STOP_GRACE_MS, waitForExit } from '@kube-monitoring/testing';

const STATE_FILE = resolve(__dirname, '..', '..', '.services', 'influxdb.json');

interface ServiceState {
  pid: number;
  url: string;
  host: string;
  port: number;
  dataDir: string;
  ownsDataDir: boolean;
  logFile: string;
  startedAt: string;
}

function readState(): ServiceState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ServiceState;
}

async function cliStart(flags: { port?: string; data?: string }): Promise<void> {
  const existing = readState();
  if (existing && isProcessAlive(existing.pid) && (await pingStatus(existing.url).catch(() => 0)) === 204) {
    console.log(existing.url);
    console.error(`influxd already running (pid ${existing.pid}, state ${STATE_FILE})`);
    return;
  }
  const port = flags.port === undefined ? undefined : parsePort(flags.port);
  const handle = await startInfluxDb({
    port,
    dataDir: flags.data,
    detached: true,
    log: (message) => console.error(message),
  });
  const state: ServiceState = {
    pid: handle.pid,
    url: handle.url,
    host: handle.host,
    port: handle.port,
    dataDir: handle.dataDir,
    ownsDataDir: flags.data === undefined,
    logFile: handle.logFile,
    startedAt: new Date().toISOString(),
  };
  mkdirSync(dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2) + '\n');
  console.log(handle.url);
}

async function cliStop(): Promise<void> {
  const state = readState();
  if (!state) {
    console.error(`no ${STATE_FILE}: nothing to stop`);
    return;
  }
  if (isProcessAlive(state.pid)) {
    process.kill(state.pid, 'SIGCONT');
    process.kill(state.pid, 'SIGTERM');
    if (!(await waitForExit(state.pid, STOP_GRACE_MS))) {
      process.kill(state.pid, 'SIGKILL');
      await waitForExit(state.pid, STOP_GRACE_MS);
    }
    console.error(`influxd (pid ${state.pid}) on ${state.url} stopped`);
  } else {
    console.error(`influxd (pid ${state.pid}) was not running`);
  }
  if (state.ownsDataDir) rmSync(state.dataDir, { recursive: true, force: true });
  unlinkSync(STATE_FILE);
}

async function cliStatus(): Promise<void> {
  const state = readState();
  const up = state && isProcessAlive(state.pid) && (await pingStatus(state.url).catch(() => 0)) === 204;
  if (!state || !up) {
    console.error('influxd is not running');
    process.exitCode = 1;
    return;
  }
  console.log(state.url);
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be 1..65535, got "${text}"`);
  return port;
}

function main(argv: string[]): Promise<void> {
  const program = new Command().name('influxdb').description('Run a throwaway InfluxDB 1.6 on a loopback port for tests and the demo.');
  program
    .command('start')
    .description('start influxd detached; prints its URL and writes .services/influxdb.json')
    .option('--port <port>', 'HTTP port on 127.0.0.1 (default: a free one)')
    .option('--data <dir>', 'data directory to use and keep (default: a temporary one, removed by stop)')
    .action(cliStart);
  program.command('stop').description('stop the influxd started by "start"').action(cliStop);
  program.command('status').description('print the URL when influxd runs; exit 1 otherwise').action(cliStatus);
  return program.parseAsync(argv).then(() => undefined);
}

main(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
