/**
 * Shared by the resilience suites (load, faults, property-based input): a seeded InfluxDB of their
 * own when they need to break it, an API process of their own (own SQLite user store, users created
 * with the built CLI), a mix of requests over every read endpoint, and small measurement helpers.
 * Everything listens on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InfluxHandle, noteSecret, startInfluxDb } from '@kube-monitoring/testing';

import { FIXTURE_START, fixtureLines } from '../fixtures/cluster-fixture';
import { ApiProcess, ROOT, startApi } from './api-process';
import { e2eEnv, serviceHeaders } from './e2e-env';

export const USERS_CLI = join(ROOT, 'dist/apps/api/cli/users-cli.js');

export interface TestUser {
  username: string;
  email: string;
  password: string;
  role: 'admin' | 'viewer';
  namespaces?: string[];
}

export const ADMIN: TestUser = { username: 'resilience-admin', email: 'admin@example.org', password: 'Resilience-admin-pw-1', role: 'admin' };
export const VIEWER: TestUser = {
  username: 'resilience-viewer',
  email: 'viewer@example.org',
  password: 'Resilience-viewer-pw-1',
  role: 'viewer',
  namespaces: ['default', 'cluster-3'],
};

/**
 * Load and fault suites run many heavy requests at once from the same two callers on purpose: the
 * per-caller limits (their own suite tests them) would answer 429 instead of what those suites check.
 */
export const UNLIMITED_HEAVY_REQUESTS = { HEAVY_REQUESTS_PER_CALLER: '10000', HEAVY_REQUESTS_PER_MINUTE: '0' } as const;

/** An InfluxDB of the suite's own (so it can be killed or paused), with the e2e fixture written. */
export async function startSeededInflux(): Promise<InfluxHandle> {
  const influx = await startInfluxDb();
  const create = await fetch(`${influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE "${e2eEnv.database}"` }) });
  if (!create.ok) throw new Error(`CREATE DATABASE failed: ${create.status}`);
  const lines = fixtureLines();
  for (let i = 0; i < lines.length; i += 5000) {
    const r = await fetch(`${influx.url}/write?db=${e2eEnv.database}&precision=s`, { method: 'POST', body: lines.slice(i, i + 5000).join('\n') });
    if (r.status !== 204) throw new Error(`write failed: ${r.status} ${await r.text()}`);
  }
  return influx;
}

/** `users-cli createuser … --password-stdin` (the built CLI) against a SQLite file. */
export function createUser(sqlitePath: string, user: TestUser): Promise<void> {
  if (!existsSync(USERS_CLI)) throw new Error(`${USERS_CLI} is missing: run \`npx nx build api\``);
  noteSecret(user.password);
  const args = [
    USERS_CLI,
    'createuser',
    `--username=${user.username}`,
    `--email=${user.email}`,
    `--role=${user.role}`,
    ...(user.namespaces ? [`--namespaces=${user.namespaces.join(',')}`] : []),
    '--password-stdin',
  ];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', SQLITE_PATH: sqlitePath }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`createuser ${user.username} exited with ${code}: ${out}`))));
    child.stdin.end(`${user.password}\n`);
  });
}

export interface OwnApi extends ApiProcess {
  sqlitePath: string;
}

/** The built API on the given InfluxDB port, with its own user store holding ADMIN and VIEWER. */
export async function startOwnApi(influxPort: number, extra: Record<string, string> = {}): Promise<OwnApi> {
  const sqlitePath = join(mkdtempSync(join(tmpdir(), 'km-resilience-db-')), 'users.sqlite');
  await createUser(sqlitePath, ADMIN);
  await createUser(sqlitePath, VIEWER);
  const api = await startApi({
    INFLUXDB_HOST: '127.0.0.1',
    INFLUXDB_PORT: String(influxPort),
    INFLUXDB_DB: e2eEnv.database,
    API_USERNAME: e2eEnv.username,
    API_PASSWORD: e2eEnv.password,
    JWT_SECRET: 'resilience-suite-jwt-secret-0123456789abcdef',
    SQLITE_PATH: sqlitePath,
    ...extra,
  });
  return Object.assign(api, { sqlitePath });
}

export async function login(apiUrl: string, user: TestUser): Promise<string> {
  const r = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  if (r.status !== 200) throw new Error(`login ${user.username}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { accessToken: string }).accessToken;
}

export interface MixRequest {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface MixEntry {
  name: string;
  /** The operation's path in the OpenAPI document: the entry is used only when the API serves it. */
  route: string;
  /** Whether answering needs InfluxDB (the catalog may answer from its cache). */
  influx: boolean;
  make: (i: number, token: string) => MixRequest;
}

const HOUR_MS = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();

/**
 * Every read endpoint of both mounts. Periods start `i` milliseconds after the fixture's start, so
 * requests differ from each other and none can be answered from a cache of past periods.
 */
const MIX: MixEntry[] = (() => {
  const window = (i: number) => {
    const from = FIXTURE_START + i;
    return { timeBeginInterval: iso(from), timeEndInterval: iso(from + HOUR_MS) };
  };
  const period = (i: number) => {
    const from = FIXTURE_START + i;
    return { from: iso(from), to: iso(from + 2 * HOUR_MS) };
  };
  const service = (): Record<string, string> => ({ ...serviceHeaders(), 'content-type': 'application/json' });
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const post = (name: string, path: string, headers: Record<string, string>, body: unknown): MixRequest => ({ name, method: 'POST', path, headers, body: JSON.stringify(body) });
  return [
    { name: 'raw', route: '/api/{metric}', influx: true, make: (i) => post('raw', '/api/cpu/usage_rate', service(), { ...window(i), namespace: 'cluster-3', limit: 50 }) },
    {
      name: 'pod-by-namespace',
      route: '/api/{metric}',
      influx: true,
      make: (i) => post('pod-by-namespace', '/api/cpu/usage_rate', service(), { ...window(i), agg: 'pod-by-namespace' }),
    },
    { name: 'all-namespace', route: '/api/{metric}', influx: true, make: (i) => post('all-namespace', '/api/memory/usage', service(), { ...window(i), agg: 'all-namespace' }) },
    { name: 'all-pod', route: '/api/{metric}', influx: true, make: (i) => post('all-pod', '/api/cpu/usage_rate', service(), { ...window(i), agg: 'all-pod' }) },
    { name: 'usage json', route: '/api/usage', influx: true, make: (i) => post('usage json', '/api/usage', service(), period(i)) },
    { name: 'usage csv', route: '/api/usage', influx: true, make: (i) => post('usage csv', '/api/usage', { ...service(), accept: 'text/csv' }, { ...period(i), groupBy: 'pod' }) },
    { name: 'series', route: '/api/series/{metric}', influx: true, make: (i) => post('series', '/api/series/cpu/usage_rate', service(), { ...period(i), groupBy: 'namespace' }) },
    { name: 'metrics', route: '/api/metrics', influx: false, make: () => ({ name: 'metrics', method: 'GET', path: '/api/metrics', headers: service() }) },
    { name: 'namespaces', route: '/api/namespaces', influx: false, make: () => ({ name: 'namespaces', method: 'GET', path: '/api/namespaces', headers: service() }) },
    {
      name: 'ui raw',
      route: '/api/ui/{metric}',
      influx: true,
      make: (i, t) => post('ui raw', '/api/ui/cpu/usage_rate', bearer(t), { ...window(i), namespace: 'cluster-3', limit: 20 }),
    },
    { name: 'ui usage', route: '/api/ui/usage', influx: true, make: (i, t) => post('ui usage', '/api/ui/usage', bearer(t), period(i)) },
    {
      name: 'ui series',
      route: '/api/ui/series/{metric}',
      influx: true,
      make: (i, t) => post('ui series', '/api/ui/series/cpu/usage_rate', bearer(t), { ...period(i), namespace: 'cluster-3' }),
    },
    { name: 'ui me', route: '/api/auth/me', influx: false, make: (_i, t) => ({ name: 'ui me', method: 'GET', path: '/api/auth/me', headers: bearer(t) }) },
  ];
})();

export interface Mix {
  /** Names of the entries in use, in order. */
  names: string[];
  /** Request `i` of the mix. */
  request(i: number): MixRequest;
  /** Whether a request of the mix must reach InfluxDB to answer. */
  needsInflux(r: MixRequest): boolean;
}

/** The mix over the endpoints the running API documents (GET /api/docs-json), JWT requests as `token`. */
export async function requestMix(apiUrl: string, token: string): Promise<Mix> {
  const doc = (await (await fetch(`${apiUrl}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
  const entries = MIX.filter((e) => e.route in doc.paths);
  const influx = new Set(entries.filter((e) => e.influx).map((e) => e.name));
  return {
    names: entries.map((e) => e.name),
    request: (i) => (entries[i % entries.length] as MixEntry).make(Math.floor(i / entries.length), token),
    needsInflux: (r) => influx.has(r.name),
  };
}

export interface Answer {
  status: number;
  ms: number;
  text: string;
  headers?: Record<string, string | string[] | undefined>;
  /** Set when no answer came before the deadline or the connection failed. */
  error?: string;
}

/** One request with Node's http client and a hard deadline (a hang becomes an error, not a stuck test). */
export function send(baseUrl: string, r: { method: string; path: string; headers?: Record<string, string>; body?: string }, deadlineMs: number): Promise<Answer> {
  const started = Date.now();
  const body = r.body === undefined ? undefined : Buffer.from(r.body, 'utf8');
  return new Promise((resolve) => {
    let settled = false;
    const finish = (a: Omit<Answer, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...a, ms: Date.now() - started });
    };
    const req = request(`${baseUrl}${r.path}`, { method: r.method, headers: { ...(r.headers ?? {}), ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', (e) => finish({ status: 0, text: '', error: e.message }));
    });
    const timer = setTimeout(() => {
      finish({ status: 0, text: '', error: `no answer within ${deadlineMs} ms` });
      req.destroy();
    }, deadlineMs);
    req.on('error', (e) => finish({ status: 0, text: '', error: e.message }));
    req.end(body);
  });
}

/** Resident set size of a process, bytes. */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** Runs `workers` request loops until `stop()` says so; every answer is kept. */
export async function loadUntil(workers: number, next: (i: number) => Promise<Answer & { request: MixRequest; startedAt: number }>, stop: () => boolean) {
  const answers: (Answer & { request: MixRequest; startedAt: number })[] = [];
  let i = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!stop()) answers.push(await next(i++));
    }),
  );
  return answers;
}

/** What a stack trace or an internal path looks like in a response. */
export const STACK_TRACE = /\n\s+at\s|\bat\s+\S+\s+\(\S+:\d+:\d+\)|node_modules|\/work\/|\.ts:\d+|webpack:/;

/** Measurements, series and points per measurement: what "the database is unchanged" compares. */
export async function influxSnapshot(influxUrl: string, database: string): Promise<Record<string, { series: number; points: number }>> {
  const q = async (text: string) => {
    const r = await fetch(`${influxUrl}/query`, { method: 'POST', body: new URLSearchParams({ db: database, q: text }) });
    const doc = (await r.json()) as { results: { series?: { name: string; columns: string[]; values: unknown[][] }[]; error?: string }[] };
    const first = doc.results[0];
    if (first?.error) throw new Error(`${text}: ${first.error}`);
    return first?.series ?? [];
  };
  const out: Record<string, { series: number; points: number }> = {};
  const dbs = await q('SHOW DATABASES');
  out['(databases)'] = { series: dbs[0]?.values.length ?? 0, points: 0 };
  for (const s of await q('SHOW MEASUREMENTS')) {
    for (const row of s.values) {
      const m = String(row[0]);
      const quoted = `"${m.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      const series = (await q(`SHOW SERIES FROM ${quoted}`)).reduce((a, x) => a + x.values.length, 0);
      const counted = await q(`SELECT count(*) FROM ${quoted}`);
      const points = (counted[0]?.values[0] ?? []).slice(1).reduce<number>((a, v) => a + Number(v ?? 0), 0);
      out[m] = { series, points };
    }
  }
  return out;
}

/** The API's user table as the admin sees it. */
export async function usersSnapshot(apiUrl: string, token: string): Promise<unknown> {
  const r = await fetch(`${apiUrl}/api/users`, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`GET /api/users: ${r.status}`);
  return r.json();
}

export type { InfluxHandle };
