/**
 * The usage report, chart series and catalog endpoints on a real InfluxDB holding a simulated cluster:
 * formats (JSON, CSV), namespace selection and scopes, validation, and consistency between the
 * chart series and the billed figures.
 */
import { parse } from 'csv-parse/sync';

import { MetricInfo, NamespacesResponse, SeriesResponse, UsageReport } from '@kube-monitoring/contract';
import { LoadedScenario, loadScenario, SCENARIOS } from '@kube-monitoring/scenarios';
import { InfluxHandle, startInfluxDb } from '@kube-monitoring/testing';

import { SERVICE_SCOPE } from '../../../api/src/access/access-scope';
import { CatalogService } from '../../../api/src/catalog/catalog.service';
import { UsageReportService } from '../../../api/src/usage/usage-report.service';
import { ApiUnderTest, startApi } from './support/api-under-test';

jest.setTimeout(180_000);

const scenario = SCENARIOS.find((s) => s.name === 'churn');
if (!scenario) throw new Error('the churn scenario is missing');
const period = { from: scenario.from, to: scenario.to };

describe('Usage, series and catalog endpoints', () => {
  let influx: InfluxHandle;
  let loaded: LoadedScenario;
  let api: ApiUnderTest;
  let report: UsageReport;

  beforeAll(async () => {
    influx = await startInfluxDb();
    loaded = await loadScenario(influx.url, scenario);
    api = await startApi(influx.url, loaded.database);
    const res = await api.post<UsageReport>('/api/usage', period);
    expect(res.status).toBe(200);
    report = res.body;
  });

  afterAll(async () => {
    await api?.close();
    await influx?.stop();
  });

  describe('POST /api/usage', () => {
    it('should leave kube-system out unless asked for, and recompute the totals', async () => {
      expect(report.rows.map((r) => r.namespace_name)).not.toContain('kube-system');
      const withSystem = await api.post<UsageReport>('/api/usage', { ...period, includeSystem: true });
      const system = withSystem.body.rows.find((r) => r.namespace_name === 'kube-system');
      expect(system?.cpu_core_hours).toBeGreaterThan(0);
      expect(withSystem.body.totals.cpu_core_hours).toBeCloseTo(report.totals.cpu_core_hours + (system?.cpu_core_hours ?? 0), 5);
    });

    it('should limit a pod report to the namespaces named', async () => {
      const res = await api.post<UsageReport>('/api/usage', { ...period, groupBy: 'pod', namespaces: ['lab-vision', 'course-ml'] });
      expect(res.status).toBe(200);
      expect(new Set(res.body.rows.map((r) => r.namespace_name))).toEqual(new Set(['lab-vision', 'course-ml']));
      expect(res.body.rows.every((r) => typeof r.pod_name === 'string')).toBe(true);
      const nsRows = report.rows.filter((r) => r.namespace_name === 'lab-vision' || r.namespace_name === 'course-ml');
      expect(res.body.totals.cpu_core_hours).toBeCloseTo(
        nsRows.reduce((s, r) => s + r.cpu_core_hours, 0),
        4,
      );
    });

    it('should answer one set of rows per step, tiling the period and adding up to it, in JSON and in CSV', async () => {
      const res = await api.post<UsageReport>('/api/usage', { ...period, step: '1d' });
      expect(res.status).toBe(200);
      const steps = res.body.steps ?? [];
      // The period runs from 05:17 on one day to 07:41 the next: two steps, cut at midnight UTC.
      const midnight = `${period.to.slice(0, 10)}T00:00:00.000Z`;
      expect(steps.map((s) => [s.from, s.to])).toEqual([
        [new Date(period.from).toISOString(), midnight],
        [midnight, new Date(period.to).toISOString()],
      ]);
      expect(res.body.rows).toEqual(report.rows);
      for (const figure of ['cpu_core_hours', 'memory_gib_hours', 'gpu_memory_gb_hours'] as const) {
        const summed = steps.reduce((sum, s) => sum + s.totals[figure], 0);
        expect(Math.abs(summed - report.totals[figure])).toBeLessThanOrEqual(1e-5 * steps.length + 1e-9 * report.totals[figure]);
      }
      const csv = await api.post<unknown>('/api/usage', { ...period, step: '1d' }, { accept: 'text/csv' });
      const rows = parse(csv.text) as string[][];
      expect(rows.length - 1).toBe(steps.reduce((n, s) => n + s.rows.length, 0));
      expect(rows[1]?.slice(0, 2)).toEqual([steps[0]?.from, steps[0]?.to]);
    });

    it('should take the period as a window, and refuse a window with from or to, naming it', async () => {
      const res = await api.post<UsageReport>('/api/usage', { window: `${period.from},${period.to}` });
      expect(res.status).toBe(200);
      expect({ ...res.body, generated_at: '' }).toEqual({ ...report, generated_at: '' });
      const both = await api.post<{ message: string }>('/api/usage', { ...period, window: '7d' });
      expect([both.status, both.body.message]).toEqual([400, 'window: give either a window or from and to, not both']);
      const bad = await api.post<{ message: string }>('/api/usage', { window: 'last-month' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/^window: must be one of today, yesterday, week, lastweek, month, lastmonth/);
    });

    it('should send the same report as RFC 4180 CSV for Accept: text/csv', async () => {
      const res = await api.post<never>('/api/usage', period, { accept: 'text/csv' });
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^text\/csv/);
      expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="usage-by-namespace-.*\.csv"$/);
      expect(res.text.endsWith('\r\n')).toBe(true);
      const records = parse(res.text, { columns: true }) as Record<string, string>[];
      expect(records).toHaveLength(report.rows.length);
      for (const [i, row] of report.rows.entries()) {
        const record = records[i] as Record<string, string>;
        expect(record['namespace']).toBe(row.namespace_name);
        expect(Number(record['cpu_core_hours'])).toBeCloseTo(row.cpu_core_hours, 6);
        expect(Number(record['memory_gib_hours'])).toBeCloseTo(row.memory_gib_hours, 6);
        expect(Number(record['gpu_memory_gb_hours'])).toBeCloseTo(row.gpu_memory_gb_hours, 6);
        expect(Number(record['coverage_fraction'])).toBeCloseTo(row.coverage, 6);
        expect(record['period_from_utc']).toBe(report.from);
      }
    });

    it('should answer JSON when JSON is preferred', async () => {
      const res = await api.post<UsageReport>('/api/usage', period, { accept: 'application/json, text/csv;q=0.5' });
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
      expect(res.body.rows).toHaveLength(report.rows.length);
    });

    it.each([
      [{ to: '2024-03-21' }, 'from: is required'],
      [{ from: '2024-03-21', to: '2024-03-20' }, 'to: must be later than from'],
      [{ from: '2024-03-20', to: '2024-03-21', groupBy: 'container' }, 'groupBy: must be "namespace", "pod" or "node"'],
      [{ from: '2024-03-20', to: '2024-03-21', namespaces: ['Bad_NS'] }, 'namespaces: each entry must be a Kubernetes namespace name'],
      [{ from: '2024-03-20', to: '2024-03-21', namespaces: 'lab-vision' }, 'namespaces: must be an array'],
      [{ from: '2023-01-01', to: '2024-03-21' }, 'to: the period may cover at most 366 days'],
      [{ from: '2024-03-20', to: '2024-03-21', includeSystem: 'yes' }, 'includeSystem: must be true or false'],
      [{ from: '2024-03-20', to: '2024-03-21', currency: 'CHF' }, 'currency'],
    ])('should reject %j with 400 naming the field', async (body, message) => {
      const res = await api.post<{ code: number; message: string }>('/api/usage', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(400);
      expect(res.body.message).toContain(message);
    });

    it('should need the service credentials', async () => {
      const res = await api.post<{ message: string }>('/api/usage', period, { 'x-username': '', 'x-password': '' });
      expect(res.status).toBe(401);
    });

    it('should show a restricted caller only their namespaces, totals included, and refuse others (403)', async () => {
      const service = api.app.get(UsageReportService);
      const scope = { kind: 'user' as const, username: 'alice', namespaces: ['lab-vision'] };
      // The service takes the body as validation left it: instants, not text.
      const instants = { from: new Date(period.from), to: new Date(period.to) };
      const own = await service.report(instants, scope);
      expect(own.rows.map((r) => r.namespace_name)).toEqual(['lab-vision']);
      const labVision = report.rows.find((r) => r.namespace_name === 'lab-vision');
      expect(own.totals.cpu_core_hours).toBeCloseTo(labVision?.cpu_core_hours ?? Number.NaN, 6);
      await expect(service.report({ ...instants, namespaces: ['team-web'] }, scope)).rejects.toMatchObject({ status: 403 });
    });
  });

  describe('POST /api/series/{metric}', () => {
    it('should choose a step giving at most 500 points and agree with the billed core-hours', async () => {
      const res = await api.post<SeriesResponse>('/api/series/cpu/usage_rate', { ...period, groupBy: 'namespace' });
      expect(res.status).toBe(200);
      const body = res.body;
      expect(body.unit).toBe('millicores');
      const spanS = (Date.parse(period.to) - Date.parse(period.from)) / 1000;
      expect(Math.ceil(spanS / body.step_seconds)).toBeLessThanOrEqual(500);
      expect(body.step_seconds % 60).toBe(0);
      for (const line of body.series) {
        expect(line.points).toHaveLength(Math.ceil(spanS / body.step_seconds));
        const billed = report.rows.find((r) => r.namespace_name === line.key['namespace_name']);
        // Each point is the time average over its step: Σ value × step is the integral.
        const lastStart = line.points[line.points.length - 1]?.[0] ?? 0;
        const charted = line.points.reduce((s, [t, v]) => s + (v ?? 0) * Math.min(body.step_seconds, (Date.parse(period.to) - t) / 1000), 0) / 1000 / 3600;
        expect(lastStart).toBeLessThan(Date.parse(period.to));
        expect(Math.abs(charted - (billed?.cpu_core_hours ?? 0))).toBeLessThanOrEqual(0.01 * (billed?.cpu_core_hours ?? 0));
      }
    });

    it('should group by pod, container and node', async () => {
      const base = { ...period, namespace: 'lab-vision', step: 3600 };
      const pods = await api.post<SeriesResponse>('/api/series/memory/usage', { ...base, groupBy: 'pod' });
      expect(pods.status).toBe(200);
      expect(pods.body.step_seconds).toBe(3600);
      expect(pods.body.series.length).toBeGreaterThan(0);
      expect(pods.body.series.every((l) => l.key['namespace_name'] === 'lab-vision' && l.label === `lab-vision/${l.key['pod_name']}`)).toBe(true);
      const containers = await api.post<SeriesResponse>('/api/series/memory/usage', { ...base, groupBy: 'container' });
      expect(containers.body.series.every((l) => l.key['container_name'])).toBe(true);
      expect(containers.body.series.length).toBeGreaterThanOrEqual(pods.body.series.length);
      const nodes = await api.post<SeriesResponse>('/api/series/memory/usage', { ...base, groupBy: 'node' });
      expect(nodes.body.series.length).toBeGreaterThan(0);
      expect(nodes.body.series.every((l) => Object.keys(l.key).join() === 'nodename')).toBe(true);
    });

    it("should chart a counter as each series' last value, summed per line", async () => {
      const res = await api.post<SeriesResponse>('/api/series/cpu/usage', { ...period, groupBy: 'pod', namespace: 'cluster-3', step: 3600 });
      expect(res.status).toBe(200);
      expect(res.body.unit).toBe('nanoseconds');
      const longest = [...res.body.series].sort((a, b) => b.points.filter((p) => p[1] !== null).length - a.points.filter((p) => p[1] !== null).length)[0];
      const values = (longest?.points ?? []).map((p) => p[1]).filter((v): v is number => v !== null);
      expect(values.length).toBeGreaterThan(10);
      // A cumulative counter of one life only grows.
      const drops = values.filter((v, i) => i > 0 && v < (values[i - 1] as number)).length;
      expect(drops).toBeLessThanOrEqual(2);
    });

    it('should reject a step giving more than 10000 points, an unknown metric, and other methods', async () => {
      const tooFine = await api.post<{ message: string }>('/api/series/cpu/usage_rate', { ...period, step: 1 });
      expect(tooFine.status).toBe(400);
      expect(tooFine.body.message).toMatch(/^step: /);
      const unknown = await api.post<{ message: string }>('/api/series/cpu/nope', period);
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toMatch(/^metric: /);
    });
  });

  describe('GET /api/metrics and /api/namespaces', () => {
    it('should list the catalog and tell which metrics the database holds', async () => {
      const res = await api.get<MetricInfo[]>('/api/metrics');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(37);
      const byName = new Map(res.body.map((m) => [m.name, m]));
      expect(byName.get('cpu/usage_rate')).toMatchObject({ unit: 'millicores', kind: 'gauge', main: true, present: true });
      expect(byName.get('cpu/usage')).toMatchObject({ kind: 'counter', present: true });
      expect(byName.get('filesystem/usage')?.present).toBe(false);
    });

    it('should list the namespaces, limited to the caller’s', async () => {
      const res = await api.get<NamespacesResponse>('/api/namespaces');
      expect(res.status).toBe(200);
      expect(res.body.namespaces).toEqual([...res.body.namespaces].sort());
      expect(res.body.namespaces).toEqual(expect.arrayContaining(['kube-system', 'lab-vision', 'course-ml', 'default']));
      const catalog = api.app.get(CatalogService);
      expect((await catalog.namespaces({ kind: 'user', username: 'bob', namespaces: ['lab-vision', 'nowhere'] })).namespaces).toEqual(['lab-vision']);
      expect((await catalog.namespaces(SERVICE_SCOPE)).namespaces).toEqual(res.body.namespaces);
    });
  });
});
