// First: the imports below use the workspace path aliases.
import './workspace-aliases';

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startInfluxDb } from '@kube-monitoring/testing';

import { fixtureLines } from '../fixtures/cluster-fixture';
import { API_MAIN, ROOT, startApi } from './api-process';
import { e2eEnv } from './e2e-env';

const GENERATED_CLIENT = join(ROOT, 'apps/api-e2e/src/generated/api-schema.d.ts');

/** The typed client must be generated from the committed contract, or the suite proves nothing. */
function assertClientFresh(): void {
  const dir = mkdtempSync(join(tmpdir(), 'km-client-'));
  const out = join(dir, 'api-schema.d.ts');
  const r = spawnSync('npx', ['openapi-typescript', 'docs/openapi.json', '--default-non-nullable', 'false', '-o', out], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openapi-typescript failed: ${r.stderr}`);
  const fresh = readFileSync(out, 'utf8') === readFileSync(GENERATED_CLIENT, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  if (!fresh) throw new Error('apps/api-e2e/src/generated/api-schema.d.ts is stale: run `npm run openapi`');
}

/** Creates the database and writes the fixture's lines in requests of 5000. */
async function seed(url: string, lines: string[]): Promise<void> {
  const create = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE "${e2eEnv.database}"` }) });
  if (!create.ok) throw new Error(`CREATE DATABASE failed: ${create.status} ${await create.text()}`);
  for (let i = 0; i < lines.length; i += 5000) {
    const r = await fetch(`${url}/write?db=${e2eEnv.database}&precision=s`, { method: 'POST', body: lines.slice(i, i + 5000).join('\n') });
    if (r.status !== 204) throw new Error(`write failed: ${r.status} ${await r.text()}`);
  }
}

export default async function globalSetup(): Promise<void> {
  assertClientFresh();
  if (!existsSync(API_MAIN)) {
    const build = spawnSync('npx', ['nx', 'build', 'api', '--outputStyle=static'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
    if (build.status !== 0) throw new Error('building the API failed');
  }
  const influx = await startInfluxDb();
  await seed(influx.url, fixtureLines());

  const sqlitePath = join(mkdtempSync(join(tmpdir(), 'km-e2e-db-')), 'users.sqlite');
  const api = await startApi({
    INFLUXDB_HOST: '127.0.0.1',
    INFLUXDB_PORT: String(influx.port),
    INFLUXDB_DB: e2eEnv.database,
    INFLUXDB_TIMEOUT_MS: '3000',
    API_USERNAME: e2eEnv.username,
    API_PASSWORD: e2eEnv.password,
    SQLITE_PATH: sqlitePath,
  });
  process.env['E2E_SQLITE_PATH'] = sqlitePath;
  process.env['E2E_API_URL'] = api.url;
  process.env['E2E_METRICS_URL'] = api.metricsUrl;
  process.env['E2E_INFLUX_URL'] = influx.url;
  process.env['E2E_INFLUX_PORT'] = String(influx.port);
  process.env['E2E_LOG_DIR'] = api.logDir;
  (globalThis as Record<string, unknown>)['__KM_E2E__'] = { influx, api };
}
