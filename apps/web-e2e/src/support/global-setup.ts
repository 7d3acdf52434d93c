/**
 * Starts the real stack once for every browser suite: Debian's InfluxDB seeded with the simulator's
 * demo cluster, the built API serving the built SPA at /web (WEB_DIR), an admin and a viewer limited
 * to one namespace (created with the built users CLI), and one login per user whose session the
 * suites put into the browser's localStorage (login is throttled per client: only the login suites
 * sign in through the form).
 */
// First: the imports below use the workspace path aliases.
import './workspace-aliases';

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startInfluxDb, type InfluxHandle } from '@kube-monitoring/testing';

import { DATABASE, ENV, service, SESSION_STORAGE_KEY, users, type StoredSession } from './e2e-env';
import { API_MAIN, createUser, ROOT, startApi, USERS_CLI, WEB_DIR, type ApiProcess } from './processes';
import type { SeedInfo } from './seed-info';

export interface WebE2eServices {
  influx?: InfluxHandle;
  api?: ApiProcess;
  workDir?: string;
}

export const SERVICES_KEY = '__KM_WEB_E2E__';
const SEED_DAYS = 2;

function log(message: string): void {
  process.stderr.write(`[web-e2e] ${message}\n`);
}

function installPrerequisites(): void {
  if (existsSync('/usr/bin/chromium') && existsSync('/usr/sbin/nginx')) return;
  log('installing Debian packages chromium and nginx (tools/test/install-prerequisites.sh)');
  execFileSync('bash', [join(ROOT, 'tools/test/install-prerequisites.sh'), 'chromium', 'nginx'], { cwd: ROOT, stdio: 'inherit' });
}

function buildIfMissing(): void {
  const missing = [...(!existsSync(API_MAIN) || !existsSync(USERS_CLI) ? ['api'] : []), ...(!existsSync(join(WEB_DIR, 'index.html')) ? ['web'] : [])];
  if (missing.length === 0) return;
  log(`building ${missing.join(', ')} (dist/ lacks them)`);
  const r = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...missing, '--outputStyle=static'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (r.status !== 0) throw new Error(`building ${missing.join(', ')} failed`);
}

/** Seeds in a tsx child process (seed-cluster.ts), which prints its SeedInfo as its last line. */
function seed(influxUrl: string): SeedInfo {
  const r = spawnSync(
    join(ROOT, 'node_modules/.bin/tsx'),
    [
      '--tsconfig',
      join(ROOT, 'apps/web-e2e/tsconfig.json'),
      join(ROOT, 'apps/web-e2e/src/support/seed-cluster.ts'),
      '--url',
      influxUrl,
      '--db',
      DATABASE,
      '--days',
      String(SEED_DAYS),
    ],
    { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } },
  );
  if (r.status !== 0) throw new Error(`seeding InfluxDB failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as SeedInfo;
}

async function login(apiUrl: string, username: string, password: string): Promise<StoredSession> {
  const r = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!r.ok) throw new Error(`login of ${username} answered ${r.status}: ${await r.text()}`);
  const body = (await r.json()) as { accessToken: string; expiresIn: number; user: StoredSession['user'] };
  return { accessToken: body.accessToken, expiresAt: Date.now() + body.expiresIn * 1000, user: body.user };
}

export async function stopServices(services: WebE2eServices): Promise<void> {
  await services.api?.stop();
  await services.influx?.stop();
  if (services.workDir) rmSync(services.workDir, { recursive: true, force: true });
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  installPrerequisites();
  buildIfMissing();
  mkdirSync(join(ROOT, 'test-artifacts/screenshots'), { recursive: true });

  const services: WebE2eServices = { workDir: mkdtempSync(join(tmpdir(), 'km-web-e2e-')) };
  (globalThis as Record<string, unknown>)[SERVICES_KEY] = services;
  try {
    services.influx = await startInfluxDb();
    const seeded = seed(services.influx.url);
    log(`seeded ${seeded.lines} points (${seeded.from} … ${seeded.to}) in ${seeded.seconds.toFixed(1)} s`);

    const sqlitePath = join(services.workDir as string, 'users.sqlite');
    await createUser(sqlitePath, { ...users.admin, role: 'admin' });
    await createUser(sqlitePath, { ...users.viewer, role: 'viewer', namespaces: [users.viewer.namespace] });
    await createUser(sqlitePath, { ...users.leaver, role: 'viewer', namespaces: [users.leaver.namespace] });

    services.api = await startApi({
      INFLUXDB_HOST: '127.0.0.1',
      INFLUXDB_PORT: String(services.influx.port),
      INFLUXDB_DB: DATABASE,
      INFLUXDB_TIMEOUT_MS: '10000',
      API_USERNAME: service.username,
      API_PASSWORD: service.password,
      SQLITE_PATH: sqlitePath,
      JWT_SECRET: 'web-e2e-jwt-secret-0123456789abcdef0123456789',
      LOG_DIR: join(services.workDir as string, 'logs'),
      WEB_DIR,
      // Figures on the pages must not depend on how far a background backfill got.
      LEDGER_ENABLED: 'false',
    });
    const adminSession = await login(services.api.url, users.admin.username, users.admin.password);
    const viewerSession = await login(services.api.url, users.viewer.username, users.viewer.password);

    process.env[ENV.apiUrl] = services.api.url;
    process.env[ENV.influxUrl] = services.influx.url;
    process.env[ENV.seed] = JSON.stringify(seeded);
    process.env[ENV.adminSession] = JSON.stringify(adminSession);
    process.env[ENV.viewerSession] = JSON.stringify(viewerSession);
    log(
      `API ${services.api.url} (web at /web/), InfluxDB ${services.influx.url}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s; sessions in localStorage["${SESSION_STORAGE_KEY}"]`,
    );
  } catch (error) {
    await stopServices(services);
    throw error;
  }
}
