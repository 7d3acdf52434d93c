import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { expectedNamespaceCpuUsage } from './fixtures/cluster-fixture';
import { ROOT } from './support/api-process';
import { e2eEnv, serviceHeaders } from './support/e2e-env';

/**
 * The JWT variant of every read endpoint, for a viewer restricted to `cluster-3` and for an admin:
 * same handlers as the service API, filtered to what the account may see.
 */
const PASSWORD = 'Scope-test-pass-42';
const PERIOD = { from: '2017-12-01', to: '2017-12-02' };

function createUser(username: string, args: string[]): void {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'dist/apps/api/cli/users-cli.js'), 'createuser', `--username=${username}`, `--email=${username}@example.org`, '--password-stdin', ...args],
    {
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', SQLITE_PATH: process.env['E2E_SQLITE_PATH'] ?? '' },
    },
  );
  if (r.status !== 0) throw new Error(`createuser ${username} failed: ${r.stderr}${r.stdout}`);
}

async function login(username: string): Promise<string> {
  const res = await fetch(`${e2eEnv.apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function call(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${e2eEnv.apiUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('/api/ui: the same endpoints for people, scoped to their namespaces', () => {
  let viewer: Record<string, string>;
  let admin: Record<string, string>;

  let none: Record<string, string>;
  let everything: Record<string, string>;

  beforeAll(async () => {
    createUser('scope-admin', ['--role=admin']);
    createUser('scope-viewer', ['--role=viewer', '--namespaces=cluster-3']);
    createUser('scope-none', ['--role=viewer']);
    createUser('scope-all', ['--role=viewer', '--namespaces=*']);
    viewer = { authorization: `Bearer ${await login('scope-viewer')}` };
    admin = { authorization: `Bearer ${await login('scope-admin')}` };
    none = { authorization: `Bearer ${await login('scope-none')}` };
    everything = { authorization: `Bearer ${await login('scope-all')}` };
  });

  it('should show a viewer without namespaces nothing, and one with "*" everything', async () => {
    expect((await call('GET', '/api/ui/namespaces', none)).body).toEqual({ namespaces: [] });
    const wide = (await call('GET', '/api/ui/namespaces', everything)).body as { namespaces: string[] };
    expect(wide.namespaces).toEqual(expect.arrayContaining(['cluster-3', 'default']));

    const agg = await call('POST', '/api/ui/cpu/usage_rate', none, { agg: 'all-namespace', timeBeginInterval: PERIOD.from, timeEndInterval: PERIOD.to });
    expect(agg).toEqual({ status: 200, body: { code: 200, message: 'Query returns empty set' } });
    const report = (await call('POST', '/api/ui/usage', none, PERIOD)).body as { rows: unknown[]; totals: { cpu_core_hours: number } };
    expect(report.rows).toEqual([]);
    expect(report.totals.cpu_core_hours).toBe(0);
    const series = (await call('POST', '/api/ui/series/cpu/usage_rate', none, { ...PERIOD, groupBy: 'namespace' })).body as { series: unknown[] };
    expect(series.series).toEqual([]);
    for (const [path, body] of [
      ['/api/ui/cpu/usage_rate', { namespace: 'cluster-3', timeBeginInterval: PERIOD.from, timeEndInterval: PERIOD.to }],
      ['/api/ui/usage', { ...PERIOD, namespaces: ['cluster-3'] }],
      ['/api/ui/series/cpu/usage_rate', { ...PERIOD, namespace: 'cluster-3' }],
    ] as const) {
      expect((await call('POST', path, none, body)).status).toBe(403);
    }

    const all = (await call('POST', '/api/ui/cpu/usage_rate', everything, { agg: 'all-namespace', timeBeginInterval: PERIOD.from, timeEndInterval: PERIOD.to })).body as {
      namespace_name: string;
    }[];
    expect(all.map((r) => r.namespace_name).sort()).toEqual(['cluster-3', 'default']);
  });

  it('should keep the two auth schemes apart', async () => {
    expect((await call('POST', '/api/ui/usage', serviceHeaders(), PERIOD)).status).toBe(401);
    expect((await call('POST', '/api/usage', viewer, PERIOD)).status).toBe(401);
    expect((await call('GET', '/api/metrics', viewer)).status).toBe(401);
    expect((await call('GET', '/api/ui/metrics', serviceHeaders())).status).toBe(401);
  });

  it('should list only the allowed namespaces', async () => {
    expect((await call('GET', '/api/ui/namespaces', viewer)).body).toEqual({ namespaces: ['cluster-3'] });
    const all = (await call('GET', '/api/ui/namespaces', admin)).body as { namespaces: string[] };
    expect(all.namespaces).toEqual(expect.arrayContaining(['cluster-3', 'default']));
  });

  it('should serve the catalog to any user', async () => {
    const r = await call('GET', '/api/ui/metrics', viewer);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'cpu/usage_rate', present: true })]));
  });

  it('should filter cluster-wide aggregations and refuse other namespaces on /api/ui/{metric}', async () => {
    const rows = (await call('POST', '/api/ui/cpu/usage_rate', viewer, { agg: 'all-namespace', timeBeginInterval: PERIOD.from, timeEndInterval: PERIOD.to })).body as {
      namespace_name: string;
    }[];
    expect(rows.map((r) => r.namespace_name)).toEqual(['cluster-3']);
    const pods = (await call('POST', '/api/ui/cpu/usage_rate', viewer, { agg: 'all-pod', timeBeginInterval: PERIOD.from, timeEndInterval: PERIOD.to })).body as {
      namespace_name: string;
    }[];
    expect(new Set(pods.map((r) => r.namespace_name))).toEqual(new Set(['cluster-3']));
    // Raw points without a namespace: the viewer's own (the seed's `default` is not theirs), not a 403.
    const raw = await call('POST', '/api/ui/cpu/usage_rate', viewer, { timeBeginInterval: PERIOD.from, timeEndInterval: PERIOD.to });
    expect(raw.status).toBe(200);
    const points = raw.body as unknown as { namespace_name: string }[];
    expect(points.length).toBeGreaterThan(0);
    expect(new Set(points.map((p) => p.namespace_name))).toEqual(new Set(['cluster-3']));
    expect((await call('POST', '/api/ui/cpu/usage_rate', viewer, { agg: 'pod-by-namespace', namespace: 'default', timeBeginInterval: PERIOD.from })).status).toBe(403);
  });

  it('should recompute usage totals over the allowed namespaces only', async () => {
    const report = (await call('POST', '/api/ui/usage', viewer, PERIOD)).body as { rows: { namespace_name: string }[]; totals: { cpu_core_hours: number } };
    expect(report.rows.map((r) => r.namespace_name)).toEqual(['cluster-3']);
    expect(report.totals.cpu_core_hours).toBeCloseTo(expectedNamespaceCpuUsage('cluster-3') / 1000, 6);
    const full = (await call('POST', '/api/ui/usage', admin, PERIOD)).body as { totals: { cpu_core_hours: number } };
    expect(full.totals.cpu_core_hours).toBeCloseTo((expectedNamespaceCpuUsage('cluster-3') + expectedNamespaceCpuUsage('default')) / 1000, 6);
    expect((await call('POST', '/api/ui/usage', viewer, { ...PERIOD, namespaces: ['default'] })).status).toBe(403);
    expect((await call('POST', '/api/ui/usage', viewer, { ...PERIOD, includeSystem: true })).body).toEqual(
      expect.objectContaining({ rows: [expect.objectContaining({ namespace_name: 'cluster-3' })] }),
    );
  });

  it('should filter chart series and refuse other namespaces', async () => {
    const series = (await call('POST', '/api/ui/series/cpu/usage_rate', viewer, { ...PERIOD, groupBy: 'namespace' })).body as { series: { key: Record<string, string> }[] };
    expect(series.series.map((s) => s.key['namespace_name'])).toEqual(['cluster-3']);
    expect((await call('POST', '/api/ui/series/cpu/usage_rate', viewer, { ...PERIOD, namespace: 'default' })).status).toBe(403);
    const pods = (await call('POST', '/api/ui/series/cpu/usage_rate', viewer, { ...PERIOD, groupBy: 'pod' })).body as { series: { key: Record<string, string> }[] };
    expect(new Set(pods.series.map((s) => s.key['namespace_name']))).toEqual(new Set(['cluster-3']));
  });
});
