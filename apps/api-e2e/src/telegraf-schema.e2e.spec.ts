/**
 * The same cluster stored the way Telegraf and dcgm-exporter store it today (METRICS_SCHEMA=telegraf,
 * a second database in the suite's InfluxDB, a second API): every endpoint must give the answers the
 * Heapster-schema API of the global setup gives, under the seed's field names.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { UsageReport } from '@kube-monitoring/contract';

import { expectedCpuUsage, FIXTURE_PODS, HOURS, SAMPLES } from './fixtures/cluster-fixture';
import { FIXTURE_REQUESTS, IDLE_GPU_MIB, telegrafFixtureLines } from './fixtures/telegraf-fixture';
import { ApiProcess, startApi } from './support/api-process';
import { e2eEnv, serviceHeaders } from './support/e2e-env';

const TELEGRAF_DB = 'k8s_telegraf';
const DAY = { timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-02' };
const PERIOD = { from: '2017-12-01', to: '2017-12-02' };

interface Answer {
  status: number;
  body: unknown;
  text: string;
}

async function call(base: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...serviceHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, body: json ? (JSON.parse(text) as unknown) : undefined, text };
}

/** Report fields that depend on when it was made, not on the data. */
/**
 * What pods requested: Telegraf's inventory holds the fixture's requests, the Heapster fixture none
 * (checked on their own below); the rest of a report must be the same.
 */
const REQUEST_FIGURES = ['cpu_request_core_hours', 'memory_request_gib_hours', 'cpu_efficiency', 'memory_efficiency'];

function withoutRequests(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !REQUEST_FIGURES.includes(k)));
}

function withoutClock(answer: Answer): Answer {
  if (answer.body && typeof answer.body === 'object' && 'generated_at' in answer.body) {
    const body = { ...(answer.body as Record<string, unknown>) };
    delete body['generated_at'];
    if (Array.isArray(body['rows'])) body['rows'] = (body['rows'] as Record<string, unknown>[]).map(withoutRequests);
    if (body['totals']) body['totals'] = withoutRequests(body['totals'] as Record<string, unknown>);
    return { ...answer, body, text: '' };
  }
  return { ...answer, text: '' };
}

/** A report's CSV without the request columns. */
function csvWithoutRequests(text: string): string {
  const lines = text.replace(/generated[^\n]*/g, '').split('\r\n');
  const header = (lines[0] ?? '').split(',');
  const keep = header.map((h) => !REQUEST_FIGURES.includes(h));
  return lines
    .map((line) =>
      line
        .split(',')
        .filter((_, i) => keep[i] ?? true)
        .join(','),
    )
    .join('\r\n');
}

async function seed(database: string, lines: string[]): Promise<void> {
  const influx = e2eEnv.influxUrl;
  const create = await fetch(`${influx}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE "${database}"` }) });
  if (!create.ok) throw new Error(`CREATE DATABASE failed: ${create.status}`);
  for (let i = 0; i < lines.length; i += 5000) {
    const r = await fetch(`${influx}/write?db=${database}&precision=s`, { method: 'POST', body: lines.slice(i, i + 5000).join('\n') });
    if (r.status !== 204) throw new Error(`write failed: ${r.status} ${await r.text()}`);
  }
}

function telegrafApi(schema: 'telegraf' | 'auto'): Promise<ApiProcess> {
  const port = new URL(e2eEnv.influxUrl).port;
  return startApi({
    INFLUXDB_HOST: '127.0.0.1',
    INFLUXDB_PORT: port,
    INFLUXDB_DB: TELEGRAF_DB,
    INFLUXDB_TIMEOUT_MS: '3000',
    METRICS_SCHEMA: schema,
    API_USERNAME: e2eEnv.username,
    API_PASSWORD: e2eEnv.password,
    SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'km-e2e-telegraf-')), 'users.sqlite'),
  });
}

/** Requests whose answers must not depend on the storage schema. */
const SAME_ANSWERS: { what: string; path: string; body?: unknown; headers?: Record<string, string> }[] = [
  { what: 'the README example (pod-by-namespace)', path: '/api/cpu/usage_rate', body: { agg: 'pod-by-namespace', timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-31' } },
  { what: 'CPU per namespace', path: '/api/cpu/usage_rate', body: { ...DAY, agg: 'all-namespace' } },
  { what: 'CPU per pod', path: '/api/cpu/usage_rate', body: { ...DAY, agg: 'all-pod' } },
  { what: 'CPU of kube-system', path: '/api/cpu/usage_rate', body: { ...DAY, agg: 'pod-by-namespace', namespace: 'kube-system' } },
  { what: 'memory per pod', path: '/api/memory/usage', body: { ...DAY, agg: 'all-pod' } },
  { what: 'memory per namespace', path: '/api/memory/usage', body: { ...DAY, agg: 'all-namespace' } },
  { what: 'GPU per namespace', path: '/api/gpu/usage', body: { ...DAY, agg: 'all-namespace' } },
  { what: 'GPU per pod', path: '/api/gpu/usage', body: { ...DAY, agg: 'pod-by-namespace', namespace: 'cluster-3' } },
  { what: 'an empty period', path: '/api/cpu/usage_rate', body: { timeBeginInterval: '2016-01-01', timeEndInterval: '2016-01-02' } },
  { what: 'the usage report per namespace', path: '/api/usage', body: PERIOD },
  { what: 'the usage report per pod', path: '/api/usage', body: { ...PERIOD, groupBy: 'pod', includeSystem: true } },
  { what: 'the usage report as CSV', path: '/api/usage', body: { ...PERIOD, groupBy: 'pod' }, headers: { accept: 'text/csv' } },
  { what: 'CPU chart per namespace', path: '/api/series/cpu/usage_rate', body: { ...PERIOD, groupBy: 'namespace' } },
  { what: 'CPU chart per pod, 10 min steps', path: '/api/series/cpu/usage_rate', body: { from: '2017-12-01T00:00:00Z', to: '2017-12-01T03:00:00Z', groupBy: 'pod', step: 600 } },
  {
    what: 'CPU chart per container',
    path: '/api/series/cpu/usage_rate',
    body: { from: '2017-12-01T00:00:00Z', to: '2017-12-01T03:00:00Z', groupBy: 'container', namespace: 'default' },
  },
  { what: 'CPU chart per node', path: '/api/series/cpu/usage_rate', body: { from: '2017-12-01T00:00:00Z', to: '2017-12-01T03:00:00Z', groupBy: 'node' } },
  {
    what: 'memory chart of one namespace per pod',
    path: '/api/series/memory/usage',
    body: { from: '2017-12-01T00:00:00Z', to: '2017-12-01T03:00:00Z', groupBy: 'pod', namespace: 'cluster-3' },
  },
  { what: 'GPU chart per namespace', path: '/api/series/gpu/usage', body: { from: '2017-12-01T00:00:00Z', to: '2017-12-01T03:00:00Z', groupBy: 'namespace' } },
];

describe('Telegraf schema (METRICS_SCHEMA=telegraf): the same answers as on Heapster', () => {
  let telegraf: ApiProcess;

  beforeAll(async () => {
    await seed(TELEGRAF_DB, telegrafFixtureLines());
    telegraf = await telegrafApi('telegraf');
  });

  afterAll(async () => {
    await telegraf?.stop();
  });

  it.each(SAME_ANSWERS)('should answer $what as the Heapster-schema API does', async ({ path, body, headers }) => {
    const [fromTelegraf, fromHeapster] = await Promise.all([call(telegraf.url, path, body, headers), call(e2eEnv.apiUrl, path, body, headers)]);
    expect(fromHeapster.status).toBe(200);
    if (headers?.['accept'] === 'text/csv') expect(csvWithoutRequests(fromTelegraf.text)).toBe(csvWithoutRequests(fromHeapster.text));
    else expect(withoutClock(fromTelegraf)).toEqual(withoutClock(fromHeapster));
  });

  it('should give the README example the known figures (containers summed: Telegraf has no pod series)', async () => {
    const rows = (await call(telegraf.url, '/api/cpu/usage_rate', { agg: 'pod-by-namespace', timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-31' })).body as {
      pod_name: string;
      usage: number;
      sum: number;
      max: number;
      samples: number;
    }[];
    const web = rows.find((r) => r.pod_name === 'web-1');
    expect(web).toEqual(expect.objectContaining({ usage: expectedCpuUsage('default', 'web-1'), sum: 250 * SAMPLES, max: 250, samples: SAMPLES }));
  });

  it("should return raw points under the seed's names, the value in the catalog's unit", async () => {
    const r = await call(telegraf.url, '/api/cpu/usage_rate', { ...DAY, namespace: 'cluster-3', limit: 4 });
    const points = r.body as Record<string, unknown>[];
    expect(points).toHaveLength(4);
    expect(points[0]).toEqual(
      expect.objectContaining({ time: '2017-12-01T02:00:00.000Z', namespace_name: 'cluster-3', nodename: expect.any(String), container_name: expect.any(String) }),
    );
    for (const p of points) {
      expect(p).not.toHaveProperty('namespace');
      expect(p).not.toHaveProperty('node_name');
      // Millicores, not the stored nanocores; the inventory's points (no usage field) are not points of this metric.
      expect([1000, 2000]).toContain(p['value']);
    }
    const gpu = (await call(telegraf.url, '/api/gpu/usage', { ...DAY, namespace: 'cluster-3', limit: 2 })).body as Record<string, unknown>[];
    expect(gpu).toEqual([
      expect.objectContaining({ namespace_name: 'cluster-3', pod_name: 'train-1', container_name: 'trainer', nodename: 'gpu-node-1', value: 2000 }),
      expect.objectContaining({ namespace_name: 'cluster-3', pod_name: 'train-1', container_name: 'trainer', nodename: 'gpu-node-1', value: 2000 }),
    ]);
  });

  it("should leave dcgm-exporter's idle GPU (no pod labels) out of every pod and namespace", async () => {
    const report = (await call(telegraf.url, '/api/usage', { ...PERIOD, includeSystem: true })).body as { totals: { gpu_memory_gb_hours: number } };
    expect(report.totals.gpu_memory_gb_hours).toBeCloseTo((4000 / 1000) * HOURS, 9);
    expect(IDLE_GPU_MIB).toBeGreaterThan(0);
  });

  it("should report what each pod requested from the inventory's points, while it ran", async () => {
    const report = (await call(telegraf.url, '/api/usage', { ...PERIOD, groupBy: 'pod', includeSystem: true })).body as UsageReport;
    expect(report.rows.length).toBeGreaterThan(0);
    for (const row of report.rows) {
      const pod = FIXTURE_PODS.find((p) => p.namespace === row.namespace_name && p.pod === row.pod_name);
      // Every container requests the same: containers × request × the hours the pod's samples cover.
      const coveredHours = row.cpu_cores_average > 0 ? row.cpu_core_hours / row.cpu_cores_average : 0;
      const cores = (FIXTURE_REQUESTS.cpuMillicores / 1000) * (pod?.containers.length ?? 0);
      expect(row.cpu_request_core_hours).toBeCloseTo(cores * coveredHours, 5);
      expect(row.cpu_efficiency).toBeCloseTo(row.cpu_core_hours / row.cpu_request_core_hours, 5);
    }
  });

  it("should read requests and limits from the inventory's points and network from the pods' series", async () => {
    const requests = (await call(telegraf.url, '/api/cpu/request', { ...DAY, agg: 'all-pod' })).body as { namespace_name: string; pod_name: string; average: number }[];
    const web = FIXTURE_PODS.find((p) => p.namespace === 'default' && p.pod === 'web-1');
    expect(requests.find((r) => r.namespace_name === 'default' && r.pod_name === 'web-1')?.average).toBe(FIXTURE_REQUESTS.cpuMillicores * (web?.containers.length ?? 0));
    const rx = (await call(telegraf.url, '/api/network/rx', { ...DAY, agg: 'all-pod' })).body as { pod_name: string; namespace_name: string; usage: number }[];
    // A counter from zero at the pod's start, inside the period: 1000 bytes per sample, all counted.
    expect(rx.find((r) => r.namespace_name === 'cluster-3' && r.pod_name === 'web-1')?.usage).toBe(1000 * SAMPLES);
  });

  it('should list the namespaces, with the documentation example namespace too', async () => {
    const [fromTelegraf, fromHeapster] = await Promise.all([call(telegraf.url, '/api/namespaces'), call(e2eEnv.apiUrl, '/api/namespaces')]);
    const heapster = (fromHeapster.body as { namespaces: string[] }).namespaces;
    expect((fromTelegraf.body as { namespaces: string[] }).namespaces).toEqual([...heapster, 'deis'].sort());
  });

  it('should mark what Telegraf collects present and what it does not absent, and 404 the latter with the reason', async () => {
    const catalog = (await call(telegraf.url, '/api/metrics')).body as { name: string; present: boolean }[];
    const present = Object.fromEntries(catalog.map((m) => [m.name, m.present]));
    expect(present).toEqual(
      expect.objectContaining({
        'cpu/usage_rate': true,
        'memory/usage': true,
        'gpu/usage': true,
        'cpu/request': true,
        'network/rx': true,
        uptime: false,
        'cpu/node_utilization': false,
      }),
    );
    const uptime = await call(telegraf.url, '/api/uptime', DAY);
    expect(uptime.status).toBe(404);
    expect(uptime.body).toEqual({ code: 404, message: expect.stringMatching(/"uptime" is not collected in the telegraf schema/) });
    expect((await call(telegraf.url, '/api/series/uptime', PERIOD)).status).toBe(404);
  });

  it("should read the Telegraf documentation's example lines", async () => {
    const period = { timeBeginInterval: '2016-10-14T20:38:00Z', timeEndInterval: '2016-10-14T20:39:00Z', namespace: 'deis' };
    const memory = (await call(telegraf.url, '/api/memory/page_faults', period)).body;
    expect(memory).toEqual([
      expect.objectContaining({
        time: '2016-10-14T20:38:50.000Z',
        value: 175,
        namespace_name: 'deis',
        pod_name: 'deis-controller-3058870187-xazsr',
        container_name: 'deis-controller',
        nodename: 'ip-10-0-0-0.ec2.internal',
      }),
    ]);
    const network = (await call(telegraf.url, '/api/network/tx', period)).body;
    expect(network).toEqual([expect.objectContaining({ value: 102451983, pod_name: 'deis-controller-3058870187-xazsr', nodename: 'ip-10-0-0-0.ec2.internal' })]);
  });

  it('should detect the schema from the measurements with METRICS_SCHEMA=auto', async () => {
    const auto = await telegrafApi('auto');
    try {
      const body = { ...DAY, agg: 'all-pod' };
      const [fromAuto, fromHeapster] = await Promise.all([call(auto.url, '/api/memory/usage', body), call(e2eEnv.apiUrl, '/api/memory/usage', body)]);
      expect(fromAuto).toEqual(fromHeapster);
    } finally {
      await auto.stop();
    }
  });
});
