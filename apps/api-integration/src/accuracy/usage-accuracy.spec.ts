/**
 * Billing-grade accuracy, proven: adversarial clusters from the simulator are written to a real
 * InfluxDB, the whole API reports on them — live from the samples, and again from the usage ledger
 * once it has rolled the data — and every pod and namespace figure is compared with the
 * simulator's exact ground truth: each must lie within 0.5 % of it (docs/accounting.md §6).
 */
import { AggregationRow, UsageReport } from '@kube-monitoring/contract';
import { LoadedScenario, loadScenario, SCENARIOS, schemasOf } from '@kube-monitoring/scenarios';
import { GroundTruth, NamespaceTruth, PodTruth } from '@kube-monitoring/simulator';
import { InfluxHandle, startInfluxDb } from '@kube-monitoring/testing';

import { ApiUnderTest, startApi, waitForLedger } from './support/api-under-test';
import {
  ALLOCATION_FIGURES,
  CHECKED_FIGURES,
  compareRows,
  Comparison,
  nsKeyOfRow,
  nsKeyOfTruth,
  podKeyOfRow,
  podKeyOfTruth,
  relativeError,
  withinTolerance,
} from './support/ground-truth-compare';
import { addAllowances, EdgeAllowance, lifeEdgeAllowance, lostScrapeAllowance, MaxAllowance } from './support/life-edges';
import { lostEdgeUsage, LostUsage } from './support/lost-edges';
import { sameFigures } from './support/same-figures';
import { unseenPeaks } from './support/unseen-peaks';

/** Max relative error per figure, per scenario and level: printed at the end (the evidence). */
const summary: { scenario: string; level: string; groups: number; lostEdges: number; maxError: Record<string, number>; maxErrorComplete: Record<string, number> }[] = [];

const only = process.env['ACCURACY_SCENARIOS']?.split(',').filter(Boolean);
const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
const onlySchemas = process.env['ACCURACY_SCHEMAS']?.split(',').filter(Boolean);
/** Every scenario in each of its storage schemas, against the same truth and the same 0.5 % bound. */
const cases = scenarios.flatMap((s) =>
  schemasOf(s)
    .filter((schema) => !onlySchemas || onlySchemas.includes(schema))
    .map((schema) => ({ scenario: s, schema })),
);

jest.setTimeout(300_000);

describe('Usage accounting against the ground truth', () => {
  let influx: InfluxHandle;

  beforeAll(async () => {
    influx = await startInfluxDb();
  });

  afterAll(async () => {
    await influx?.stop();
    if (summary.length > 0) process.stdout.write(`\n${formatSummary()}\n`);
  });

  describe.each(cases.map((c) => [`${c.scenario.name} (${c.schema})`, c.scenario, c.schema] as const))('%s', (label, scenario, schema) => {
    let loaded: LoadedScenario;
    let api: ApiUnderTest;
    let truth: GroundTruth;
    let byPod: UsageReport;
    let byNamespace: UsageReport;
    /**
     * What the database never received, per pod and per namespace: usage lost with a life's first or
     * last scrape, and (without a namespace series) a namespace's peak at a step where a pod scrape was lost.
     */
    let lostPods: Map<string, LostUsage>;
    let lostNamespaces: Map<string, LostUsage>;
    /** Without uptime (Telegraf), what a request's samples may claim at each life edge: a step of it. */
    let edges: { pods: Map<string, EdgeAllowance & MaxAllowance>; namespaces: Map<string, EdgeAllowance & MaxAllowance> };
    /** The same reports under the basis `max`. */
    let maxPods: UsageReport;
    let maxNamespaces: UsageReport;
    /** By node with the idle capacity, live (set by its test, compared with the ledger's). */
    let byNode: UsageReport;

    beforeAll(async () => {
      loaded = await loadScenario(influx.url, scenario, { schema });
      api = await startApi(influx.url, loaded.database, { METRICS_SCHEMA: schema });
      truth = loaded.simulator.groundTruth({ from: scenario.from, to: scenario.to });
      lostPods = lostEdgeUsage(loaded.simulator, scenario.from, scenario.to);
      lostNamespaces = new Map();
      for (const [pod, lost] of lostPods) {
        const ns = pod.split('/')[0] ?? '';
        const sum = lostNamespaces.get(ns) ?? {};
        for (const [f, v] of Object.entries(lost) as [keyof LostUsage, number][]) sum[f] = (sum[f] ?? 0) + v;
        lostNamespaces.set(ns, sum);
      }
      for (const [ns, lost] of unseenPeaks(loaded.simulator, scenario.from, scenario.to, schema)) {
        lostNamespaces.set(ns, { ...lostNamespaces.get(ns), ...lost });
      }
      const lifeEdges = schema === 'telegraf' ? lifeEdgeAllowance(loaded.simulator, scenario.from, scenario.to) : { pods: new Map(), namespaces: new Map() };
      const lost = lostScrapeAllowance(loaded.simulator, scenario.from, scenario.to);
      edges = { pods: addAllowances(lifeEdges.pods, lost.pods), namespaces: addAllowances(lifeEdges.namespaces, lost.namespaces) };
      [byPod, byNamespace] = await reportsOf(api, scenario);
      [maxPods, maxNamespaces] = await reportsOf(api, scenario, 'max');
    });

    afterAll(async () => {
      await api?.close();
    });

    const allocationMismatches = (pods: UsageReport, namespaces: UsageReport, level: string) => {
      const p = compareRows(pods.rows, truth.pods, podKeyOfRow, podKeyOfTruth, edges.pods, ALLOCATION_FIGURES);
      const n = compareRows(namespaces.rows, truth.namespaces, nsKeyOfRow, nsKeyOfTruth, edges.namespaces, ALLOCATION_FIGURES);
      record(label, `pod ${level}`, p);
      record(label, `namespace ${level}`, n);
      return [...p.mismatches, ...n.mismatches];
    };

    it('should find what every pod and namespace held (requests while it ran, GPU devices) within 0.5 % of the truth', () => {
      expect(allocationMismatches(byPod, byNamespace, 'allocation')).toEqual([]);
    });

    it('should give the idle capacity of the cluster: allocatable − requested over every node, never negative', async () => {
      // The pods' figures as the other reports ask them (kube-system too), so they come from the settled-period cache.
      const res = await api.post<UsageReport>('/api/usage', { from: scenario.from, to: scenario.to, includeSystem: true, includeIdle: true });
      expect(res.status).toBe(200);
      const idle = res.body.rows.find((r) => r.namespace_name === '__idle__');
      const sum = (pick: (n: GroundTruth['nodes'][number]) => number) => truth.nodes.reduce((acc, n) => acc + pick(n), 0);
      const cpu = sum((n) => n.cpuAllocatableCoreHours) - sum((n) => n.cpuRequestCoreHours);
      const memory = sum((n) => n.memoryAllocatableGibHours) - sum((n) => n.memoryRequestGibHours);
      // Without uptime (Telegraf), the requests' samples claim up to a step more at each life edge.
      const slack = (f: keyof EdgeAllowance) => [...edges.pods.values()].reduce((acc, a) => acc + (a[f] ?? 0), 0);
      expect(cpu).toBeGreaterThan(0);
      expect(withinTolerance(idle?.cpu_core_hours ?? Number.NaN, Math.max(0, cpu), slack('cpu_request_core_hours'))).toBe(true);
      expect(withinTolerance(idle?.memory_gib_hours ?? Number.NaN, Math.max(0, memory), slack('memory_request_gib_hours'))).toBe(true);
      expect(withinTolerance(idle?.overcommit_cpu_core_hours ?? Number.NaN, Math.max(0, -cpu), slack('cpu_request_core_hours'))).toBe(true);
      // GPU devices: every labelled node's GPUs over the period, less those held.
      const gpu = sum((n) => n.gpuDeviceHours) - sum((n) => n.gpuHours);
      expect(sum((n) => n.gpuDeviceHours)).toBeGreaterThan(0);
      expect(withinTolerance(idle?.gpu_hours ?? Number.NaN, Math.max(0, gpu), slack('gpu_hours'))).toBe(true);
      // The totals stay those of the pods.
      expect(res.body.totals.cpu_core_hours).toBeCloseTo(byNamespace.totals.cpu_core_hours, 6);
    });

    it('should give per node what its pods held and its idle capacity (groupBy node)', async () => {
      const res = await api.post<UsageReport>('/api/usage', { from: scenario.from, to: scenario.to, includeSystem: true, includeIdle: true, groupBy: 'node' });
      expect(res.status).toBe(200);
      byNode = res.body;
      const nodeRow = (node: string) => res.body.rows.find((r) => r.node_name === node && r.namespace_name === undefined);
      const idleRow = (node: string) => res.body.rows.find((r) => r.node_name === node && r.namespace_name === '__idle__');
      // Pods are not placed in the truth: each node gets the whole cluster's life-edge allowance.
      const slack = (f: keyof EdgeAllowance) => [...edges.pods.values()].reduce((acc, a) => acc + (a[f] ?? 0), 0);
      const bad: string[] = [];
      const near = (what: string, ours: number | undefined, truthValue: number, allowance: number) => {
        if (!withinTolerance(ours ?? 0, truthValue, allowance)) bad.push(`${what}: ${ours} vs ${truthValue.toFixed(6)}`);
      };
      for (const n of truth.nodes) {
        const row = nodeRow(n.node);
        const idle = idleRow(n.node);
        near(`${n.node} cpu_request_core_hours`, row?.cpu_request_core_hours, n.cpuRequestCoreHours, slack('cpu_request_core_hours'));
        near(`${n.node} memory_request_gib_hours`, row?.memory_request_gib_hours, n.memoryRequestGibHours, slack('memory_request_gib_hours'));
        near(`${n.node} gpu_hours`, row?.gpu_hours, n.gpuHours, slack('gpu_hours'));
        near(`${n.node} idle cpu`, idle?.cpu_core_hours, Math.max(0, n.cpuAllocatableCoreHours - n.cpuRequestCoreHours), slack('cpu_request_core_hours'));
        near(`${n.node} idle memory`, idle?.memory_gib_hours, Math.max(0, n.memoryAllocatableGibHours - n.memoryRequestGibHours), slack('memory_request_gib_hours'));
        if (n.gpuDevices > 0) near(`${n.node} idle gpu`, idle?.gpu_hours, Math.max(0, n.gpuDeviceHours - n.gpuHours), slack('gpu_hours'));
      }
      expect(bad).toEqual([]);
      // Every pod is on a node: the node rows add up to the totals.
      const nodes = res.body.rows.filter((r) => r.namespace_name === undefined);
      expect(nodes.map((r) => r.node_name)).not.toContain('');
      for (const f of ['cpu_core_hours', 'memory_gib_hours', 'cpu_request_core_hours', 'gpu_hours'] as const) {
        expect(Math.abs(nodes.reduce((s, r) => s + r[f], 0) - res.body.totals[f])).toBeLessThanOrEqual(nodes.length * 1e-6 + 1e-9 * res.body.totals[f]);
      }
    });

    it('should bill under basis max the per-sample max(request, usage) of every pod and namespace within 0.5 % of the truth', () => {
      const bad: { group: string; figure: string; ours: number; truth: number }[] = [];
      const check = (
        rows: UsageReport['rows'],
        truths: readonly (PodTruth | NamespaceTruth)[],
        key: (t: PodTruth | NamespaceTruth) => string,
        rowKey: (r: UsageReport['rows'][number]) => string,
        lost: Map<string, LostUsage>,
        edge: Map<string, EdgeAllowance & MaxAllowance>,
      ) => {
        const ours = new Map(rows.map((r) => [rowKey(r), r]));
        for (const t of truths) {
          const row = ours.get(key(t));
          const k = key(t);
          // What the database never received (a lost edge scrape), and without uptime a step of the request per life edge.
          const cpuSlack = (lost.get(k)?.cpu_core_hours ?? 0) + (edge.get(k)?.cpu_request_core_hours ?? 0) + (edge.get(k)?.billed_cpu_core_hours ?? 0);
          const memorySlack = (lost.get(k)?.memory_gib_hours ?? 0) + (edge.get(k)?.memory_request_gib_hours ?? 0) + (edge.get(k)?.billed_memory_gib_hours ?? 0);
          if (!withinTolerance(row?.billed_cpu_core_hours ?? 0, t.cpuMaxCoreHours, cpuSlack))
            bad.push({ group: k, figure: 'billed_cpu_core_hours', ours: row?.billed_cpu_core_hours ?? 0, truth: t.cpuMaxCoreHours });
          if (!withinTolerance(row?.billed_memory_gib_hours ?? 0, t.memoryMaxGibHours, memorySlack))
            bad.push({ group: k, figure: 'billed_memory_gib_hours', ours: row?.billed_memory_gib_hours ?? 0, truth: t.memoryMaxGibHours });
        }
      };
      expect(maxPods.basis).toBe('max');
      check(maxPods.rows, truth.pods, podKeyOfTruth, podKeyOfRow, lostPods, edges.pods);
      check(maxNamespaces.rows, truth.namespaces, nsKeyOfTruth, nsKeyOfRow, lostNamespaces, edges.namespaces);
      expect(bad).toEqual([]);
    });

    describe('from the usage ledger', () => {
      let ledgerApi: ApiUnderTest;
      let ledgerPods: UsageReport;
      let ledgerNamespaces: UsageReport;
      let ledgerMaxPods: UsageReport;
      let ledgerMaxNamespaces: UsageReport;

      beforeAll(async () => {
        // The same database, a second API with the ledger on, its rolls started at the period's first hour.
        ledgerApi = await startApi(influx.url, loaded.database, {
          METRICS_SCHEMA: schema,
          LEDGER_ENABLED: 'true',
          LEDGER_POLL_INTERVAL: '1s',
          LEDGER_BACKFILL_FROM: new Date(Math.floor(Date.parse(scenario.from) / 3_600_000) * 3_600_000).toISOString(),
        });
        await waitForLedger(ledgerApi);
        [ledgerPods, ledgerNamespaces] = await reportsOf(ledgerApi, scenario);
        [ledgerMaxPods, ledgerMaxNamespaces] = await reportsOf(ledgerApi, scenario, 'max');
      });

      it('should give the live figures by node, idle capacity included', async () => {
        const res = await ledgerApi.post<UsageReport>('/api/usage', { from: scenario.from, to: scenario.to, includeSystem: true, includeIdle: true, groupBy: 'node' });
        expect(res.status).toBe(200);
        expect(sameFigures(res.body, byNode)).toEqual([]);
      });

      it('should bill under basis max what the live computation bills', () => {
        expect(sameFigures(ledgerMaxPods, maxPods)).toEqual([]);
        expect(sameFigures(ledgerMaxNamespaces, maxNamespaces)).toEqual([]);
      });

      afterAll(async () => {
        await ledgerApi?.close();
      });

      it('should read every whole hour of the period from the ledger', () => {
        const whole = ledgerPods.sources.filter((s) => s.source === 'ledger');
        expect(whole).toHaveLength(1);
        expect(Date.parse(whole[0]?.from ?? '')).toBe(Math.ceil(Date.parse(scenario.from) / 3_600_000) * 3_600_000);
        expect(Date.parse(whole[0]?.to ?? '')).toBe(Math.floor(Date.parse(scenario.to) / 3_600_000) * 3_600_000);
        expect(byPod.sources).toEqual([{ from: byPod.from, to: byPod.to, source: 'live' }]);
      });

      it('should give the live figures, every pod and namespace', () => {
        expect(sameFigures(ledgerPods, byPod)).toEqual([]);
        expect(sameFigures(ledgerNamespaces, byNamespace)).toEqual([]);
      });

      it('should find every pod and namespace figure within 0.5 % of the truth', () => {
        expect(compareRows(ledgerPods.rows, truth.pods, podKeyOfRow, podKeyOfTruth, lostPods).mismatches).toEqual([]);
        expect(compareRows(ledgerNamespaces.rows, truth.namespaces, nsKeyOfRow, nsKeyOfTruth, lostNamespaces).mismatches).toEqual([]);
        expect(allocationMismatches(ledgerPods, ledgerNamespaces, 'allocation, ledger')).toEqual([]);
      });
    });

    it('should report exactly the pods and namespaces of the truth', () => {
      const pods = compareRows(byPod.rows, truth.pods, podKeyOfRow, podKeyOfTruth);
      const namespaces = compareRows(byNamespace.rows, truth.namespaces, nsKeyOfRow, nsKeyOfTruth);
      expect({ missing: pods.missing, extra: pods.extra }).toEqual({ missing: [], extra: [] });
      expect({ missing: namespaces.missing, extra: namespaces.extra }).toEqual({ missing: [], extra: [] });
      // Same pod name in two namespaces stays two rows.
      expect(byPod.rows.length).toBe(truth.pods.length);
    });

    it('should find every pod figure within 0.5 % of the truth (plus any usage whose scrapes never arrived)', () => {
      const result = compareRows(byPod.rows, truth.pods, podKeyOfRow, podKeyOfTruth, lostPods);
      record(label, 'pod', result);
      expect(result.mismatches).toEqual([]);
    });

    it('should find every namespace figure within 0.5 % of the truth (plus any usage whose scrapes never arrived)', () => {
      const result = compareRows(byNamespace.rows, truth.namespaces, nsKeyOfRow, nsKeyOfTruth, lostNamespaces);
      record(label, 'namespace', result);
      expect(result.mismatches).toEqual([]);
    });

    it('should detect the resolution from the data', () => {
      expect(byPod.step_seconds).toBe(truth.stepSeconds);
    });

    it('should give totals that are the sums of the rows, whichever the grouping', () => {
      for (const f of ['cpu_core_hours', 'memory_gib_hours', 'gpu_memory_gb_hours'] as const) {
        const sumPods = byPod.rows.reduce((s, r) => s + r[f], 0);
        const sumNamespaces = byNamespace.rows.reduce((s, r) => s + r[f], 0);
        expect(Math.abs(byPod.totals[f] - sumPods)).toBeLessThan(1e-6 * byPod.rows.length + 1e-6);
        expect(Math.abs(byNamespace.totals[f] - sumNamespaces)).toBeLessThan(1e-6 * byNamespace.rows.length + 1e-6);
        expect(Math.abs(byPod.totals[f] - byNamespace.totals[f])).toBeLessThan(1e-6);
      }
    });

    it("should give the seed's aggregations the same usage (agg all-pod and all-namespace)", async () => {
      const body = { agg: 'all-pod', timeBeginInterval: scenario.from, timeEndInterval: scenario.to };
      const pods = await api.post<AggregationRow[]>('/api/cpu/usage_rate', body);
      expect(pods.status).toBe(200);
      const reportPods = new Map(byPod.rows.filter((r) => r.namespace_name !== 'kube-system').map((r) => [`${r.namespace_name}/${r.pod_name}`, r]));
      expect(pods.body).toHaveLength(reportPods.size);
      for (const row of pods.body) {
        const reported = reportPods.get(`${row.namespace_name}/${row.pod_name}`);
        expect(row.usage_unit).toBe('millicore-hours');
        expect(Math.abs(row.usage / 1000 - (reported?.cpu_core_hours ?? Number.NaN))).toBeLessThan(1e-6);
      }
      const namespaces = await api.post<AggregationRow[]>('/api/memory/usage', { ...body, agg: 'all-namespace' });
      expect(namespaces.status).toBe(200);
      for (const row of namespaces.body) {
        const reported = byNamespace.rows.find((r) => r.namespace_name === row.namespace_name);
        expect(Math.abs(row.usage / 2 ** 30 - (reported?.memory_gib_hours ?? Number.NaN))).toBeLessThan(1e-5);
        expect(Math.abs(row.max / 2 ** 30 - (reported?.memory_gib_peak ?? Number.NaN))).toBeLessThan(1e-5);
      }
    });

    it('should count the CPU counter (cpu/usage) as its increase, restarts included, within 0.5 %', async () => {
      const res = await api.post<AggregationRow[]>('/api/cpu/usage', { agg: 'all-pod', timeBeginInterval: scenario.from, timeEndInterval: scenario.to });
      expect(res.status).toBe(200);
      const increases = new Map(res.body.map((r) => [`${r.namespace_name}/${r.pod_name}`, r.usage]));
      const bad: { pod: string; ours: number; truth: number; relative: number }[] = [];
      let max = 0;
      let maxComplete = 0;
      let pods = 0;
      for (const t of truth.pods) {
        if (t.namespace_name === 'kube-system') continue;
        pods++;
        const key = `${t.namespace_name}/${t.pod_name}`;
        const expected = Number(t.counters.cpuUsageNanoseconds);
        const ours = increases.get(key) ?? 0;
        const error = relativeError(ours, expected);
        max = Math.max(max, error);
        const lostNs = (lostPods.get(key)?.cpu_core_hours ?? 0) * 3600 * 1e9;
        if (lostNs === 0) maxComplete = Math.max(maxComplete, error);
        if (!withinTolerance(ours, expected, lostNs)) bad.push({ pod: key, ours, truth: expected, relative: error });
      }
      const lostEdges = [...lostPods.keys()].filter((k) => !k.startsWith('kube-system/')).length;
      summary.push({
        scenario: label,
        level: 'pod counter',
        groups: pods,
        lostEdges,
        maxError: { cpu_usage_increase: max },
        maxErrorComplete: { cpu_usage_increase: maxComplete },
      });
      expect(bad).toEqual([]);
    });
  });
});

/** The scenario's period reported per pod and per namespace, `kube-system` included. */
async function reportsOf(api: ApiUnderTest, scenario: { from: string; to: string }, basis?: 'max'): Promise<[UsageReport, UsageReport]> {
  const period = { from: scenario.from, to: scenario.to, includeSystem: true, ...(basis ? { basis } : {}) };
  const [pods, namespaces] = await Promise.all([
    api.post<UsageReport>('/api/usage', { ...period, groupBy: 'pod' }),
    api.post<UsageReport>('/api/usage', { ...period, groupBy: 'namespace' }),
  ]);
  expect(pods.status).toBe(200);
  expect(namespaces.status).toBe(200);
  return [pods.body, namespaces.body];
}

function record(label: string, level: string, result: Comparison): void {
  summary.push({
    scenario: label,
    level,
    groups: result.groups,
    lostEdges: result.withLostEdges.length,
    maxError: result.maxError,
    maxErrorComplete: result.maxErrorComplete,
  });
}

function percent(fraction: number): string {
  if (fraction === 0) return '0 (exact)';
  return `${(fraction * 100).toPrecision(3)} %`;
}

function formatSummary(): string {
  const figures = [...CHECKED_FIGURES, 'cpu_usage_increase', ...ALLOCATION_FIGURES];
  const header = `| scenario | level | groups (with unreceived data) | ${figures.join(' | ')} |`;
  const rule = `|${'---|'.repeat(figures.length + 3)}`;
  const cell = (s: (typeof summary)[number], f: string) => {
    if (!(f in s.maxError)) return '';
    const all = percent(s.maxError[f] ?? 0);
    return s.lostEdges > 0 ? `${percent(s.maxErrorComplete[f] ?? 0)} (${all} all)` : all;
  };
  const lines = summary.map((s) => `| ${s.scenario} | ${s.level} | ${s.groups} (${s.lostEdges}) | ${figures.map((f) => cell(s, f)).join(' | ')} |`);
  return [
    'Largest relative error per figure vs the exact ground truth. Where groups lost what the database never received (a',
    "pod life's first or last scrape; without a namespace series, a pod scrape at the namespace's busiest step), the first",
    'figure leaves those groups out and "all" includes them.',
    header,
    rule,
    ...lines,
  ].join('\n');
}
