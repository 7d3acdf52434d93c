/**
 * The whole product on one machine: a throwaway InfluxDB seeded with a realistic demo cluster,
 * the built API + dashboard on port 8000, a live writer adding samples every 60 s, and demo users.
 * Ctrl-C stops everything and removes the throwaway data.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { SingleBar } from 'cli-progress';
import { Command } from 'commander';

import { InfluxHandle, isPortFree, startInfluxDb, waitUntil } from '@kube-monitoring/testing';

import { API_INPUTS, isStale, WEB_INPUTS } from '../lib/build-freshness';
import { SchemaName, seedDemo, startLiveWriter, SUPPORTED_SCHEMAS } from '../seed-demo';
import { seedDemoBilling } from './demo-billing';

const ROOT = resolve(__dirname, '../..');
const API_MAIN = join(ROOT, 'dist/apps/api/main.js');
const USERS_CLI = join(ROOT, 'dist/apps/api/cli/users-cli.js');
const WEB_INDEX = join(ROOT, 'dist/apps/web/browser/index.html');

interface DemoOptions {
  port: number;
  days: number;
  schema: SchemaName;
  rebuild: boolean;
}

function parseArgs(argv: string[]): DemoOptions {
  const program = new Command('demo')
    .description('Run kube-monitoring with a simulated cluster')
    .option('--port <n>', 'port of the API and dashboard', (v) => Number(v), 8000)
    .option('--days <n>', 'days of history to seed', (v) => Number(v), 1)
    .option('--schema <name>', `storage schema (${SUPPORTED_SCHEMAS.join(', ')})`, 'heapster')
    .option('--rebuild', 'build the API and the dashboard even if they are built', false)
    .parse(argv);
  const o = program.opts<{ port: number; days: number; schema: string; rebuild: boolean }>();
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) fail(`--port must be a port number, got ${o.port}`);
  if (!(o.days > 0 && o.days <= 90)) fail(`--days must be more than 0 and at most 90 (e.g. 2, or 0.25 for six hours), got ${o.days}`);
  if (!(SUPPORTED_SCHEMAS as readonly string[]).includes(o.schema)) fail(`--schema must be one of ${SUPPORTED_SCHEMAS.join(', ')}, got ${o.schema}`);
  return { port: o.port, days: o.days, schema: o.schema as SchemaName, rebuild: o.rebuild };
}

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(2);
}

function step(message: string): void {
  process.stdout.write(`\n==> ${message}\n`);
}

function build(rebuild: boolean): void {
  // Built again when missing or older than its sources (after a pull): the demo shows the tree's code.
  const apiStale = rebuild ? 'asked with --rebuild' : !existsSync(USERS_CLI) ? 'the users CLI is missing' : isStale(API_MAIN, API_INPUTS);
  const webStale = rebuild ? 'asked with --rebuild' : isStale(WEB_INDEX, WEB_INPUTS);
  const projects = [...(apiStale ? ['api'] : []), ...(webStale ? ['web'] : [])];
  if (projects.length === 0) return;
  step(`building ${projects.join(' and ')}: ${[apiStale, webStale].filter((x) => x).join('; ')}`);
  const r = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...projects, '--outputStyle=static'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (r.status !== 0) fail('the build failed (see above)');
}

function createUser(sqlitePath: string, username: string, password: string, extra: string[]): void {
  const r = spawnSync(process.execPath, [USERS_CLI, 'createuser', `--username=${username}`, `--email=${username}@demo.invalid`, '--password-stdin', ...extra], {
    cwd: ROOT,
    input: `${password}\n`,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', SQLITE_PATH: sqlitePath },
  });
  if (r.status !== 0) fail(`could not create the demo user ${username}: ${r.stderr || r.stdout}`);
}

/** A readable random password that passes the strength rule. */
function demoPassword(): string {
  return `Demo-${randomBytes(6).toString('hex')}`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv);
  if (!(await isPortFree(options.port, '0.0.0.0'))) fail(`port ${options.port} is in use: stop what runs there or pass --port <n>`);
  build(options.rebuild);

  const workDir = mkdtempSync(join(tmpdir(), 'kube-monitoring-demo-'));
  // The API's logs outlive the demo (its data does not): what happened can be read after Ctrl-C.
  const logDir = join(ROOT, 'logs', `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(logDir, { recursive: true });
  let influx: InfluxHandle | undefined;
  let api: ChildProcess | undefined;
  let stopLive: (() => Promise<void>) | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\n==> stopping the demo\n');
    await stopLive?.().catch(() => undefined);
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api?.once('exit', r));
      api.kill('SIGTERM');
      await exited;
    }
    await influx?.stop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
    process.stdout.write(`stopped; throwaway data removed, the API's logs kept in ${logDir}\n`);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    step('starting InfluxDB (Debian influxd, throwaway data directory)');
    influx = await startInfluxDb({ dataDir: join(workDir, 'influxdb') });
    process.stdout.write(`InfluxDB at ${influx.url}\n`);

    step(`seeding ${options.days} day(s) of a simulated cluster (${options.schema} schema)`);
    // Without a terminal (CI, a pipe), a plain line every few seconds instead of a redrawn bar.
    const bar = new SingleBar({ format: '  {bar} {percentage}% | {lines} lines | {eta}s left', hideCursor: true, noTTYOutput: true, notTTYSchedule: 3000 });
    bar.start(100, 0, { lines: 0 });
    const seeded = await seedDemo({ url: influx.url, db: 'k8s', days: options.days, schema: options.schema }, (p) =>
      bar.update(Math.round(p.fraction * 100), { lines: p.lines.toLocaleString('en') }),
    );
    bar.stop();
    process.stdout.write(`  ${seeded.lines.toLocaleString('en')} lines in ${seeded.seconds.toFixed(1)} s\n`);

    step('creating demo users');
    const sqlitePath = join(workDir, 'users.sqlite');
    const adminPassword = demoPassword();
    const viewerPassword = demoPassword();
    createUser(sqlitePath, 'admin', adminPassword, ['--role=admin']);
    createUser(sqlitePath, 'viewer', viewerPassword, ['--role=viewer', '--namespaces=cluster-3']);

    step('starting the API and the dashboard');
    const apiUsername = 'billing';
    const apiPassword = demoPassword();
    api = spawn(process.execPath, [API_MAIN], {
      cwd: ROOT,
      // Its log lines go to LOG_DIR's files and to stdout: stdout into a file of its own beside them.
      stdio: ['ignore', openSync(join(logDir, 'stdout.log'), 'a'), 'inherit'],
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: String(options.port),
        // No Prometheus in the demo: no metrics listener (and no second port to find free).
        METRICS_PORT: '0',
        INFLUXDB_HOST: '127.0.0.1',
        INFLUXDB_PORT: String(influx.port),
        INFLUXDB_DB: 'k8s',
        METRICS_SCHEMA: options.schema,
        API_USERNAME: apiUsername,
        API_PASSWORD: apiPassword,
        SQLITE_PATH: sqlitePath,
        JWT_SECRET: randomBytes(32).toString('hex'),
        LOG_DIR: logDir,
        WEB_DIR: join(ROOT, 'dist/apps/web/browser'),
      },
    });
    api.once('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`the API exited unexpectedly (code ${code}); its logs are in ${logDir}\n`);
        void shutdown(1);
      }
    });
    const base = `http://localhost:${options.port}`;
    await waitUntil(
      'the API to answer /api/health/ready',
      () =>
        fetch(`${base}/api/health/ready`)
          .then((r) => r.ok)
          .catch(() => false),
      {
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );

    step('writing billing terms (tariffs, cost centres, assignments) through the API');
    const billing = await seedDemoBilling(base, { 'x-username': apiUsername, 'x-password': apiPassword }, seeded.from);
    process.stdout.write(`  ${billing.costCentres} cost centres, ${billing.assignments} assignments; invoices of ${billing.period}\n`);

    stopLive = startLiveWriter(influx.url, 'k8s', 60_000, { schema: options.schema, since: seeded.to, onError: (e) => process.stderr.write(`live writer: ${String(e)}\n`) });

    process.stdout.write(
      [
        '',
        'kube-monitoring demo is running.',
        '',
        `  Dashboard      ${base}/web            admin / ${adminPassword}   (viewer / ${viewerPassword}: only cluster-3)`,
        `  Usage report   ${base}/web/usage?period=custom&from=${seeded.from.toISOString().slice(0, 10)}&to=${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}`,
        `  API docs       ${base}/api/docs`,
        `  Invoices       curl ${base}/api/billing/periods/${billing.period} -H 'x-username: ${apiUsername}' -H 'x-password: ${apiPassword}'`,
        `                 (…/invoices.csv?format=focus, …/invoices/F4521-INFO.pdf; docs/billing.md)`,
        `  Service API    X-USERNAME: ${apiUsername}   X-PASSWORD: ${apiPassword}`,
        `  Add a user     SQLITE_PATH=${sqlitePath} npm run createuser -- --username=alice --email=alice@example.org`,
        `                 (the demo's own user file; \`npm run createuser\` alone writes data/kube-monitoring.sqlite, which the demo does not read)`,
        `  Logs           ${logDir}`,
        '',
        '  Try the original example:',
        `    curl -X POST ${base}/api/cpu/usage_rate -H 'x-username: ${apiUsername}' -H 'x-password: ${apiPassword}' \\`,
        `      -d '{"agg":"all-namespace"}'`,
        '',
        '  New samples are written every 60 s. Press Ctrl-C to stop everything.',
        '',
      ].join('\n'),
    );
  } catch (e) {
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
    await shutdown(1);
  }
}

void main();
