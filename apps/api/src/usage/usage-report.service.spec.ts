import { BadRequestException } from '@nestjs/common';

import { emptyFigures, MetricUsage, PodFigures, SeriesFigures } from '@kube-monitoring/accounting';

import { buildUsageReport, idlePerNode, namespacesWithoutData, reportPeriodOf, reportStepsOf } from './usage-report.service';

const HOUR = 3_600_000;
const period = { from: new Date('2024-03-20T00:00:00Z'), to: new Date('2024-03-21T00:00:00Z') };
const now = new Date('2024-03-21T06:00:00Z');

function fig(integral: number, coveredMs: number, max: number): SeriesFigures {
  return { ...emptyFigures(), integral, coveredMs, max, samples: Math.round(coveredMs / 60_000) };
}

function pod(namespace: string, name: string, f: SeriesFigures): PodFigures {
  return { namespace, pod: name, figures: f };
}

function usage(pods: PodFigures[], namespaces: [string, SeriesFigures][], total: SeriesFigures): MetricUsage {
  return { stepMs: 60_000, pods, namespaces: new Map(namespaces), total };
}

// Two pods in lab-vision (one running 12 h at 2000 mcores, one 6 h at 500 mcores), one in team-web.
const cpu = usage(
  [
    pod('lab-vision', 'train', fig(2000 * 12 * 3600, 12 * HOUR, 2400)),
    pod('lab-vision', 'notebook', fig(500 * 6 * 3600, 6 * HOUR, 900)),
    pod('team-web', 'web', fig(250 * 24 * 3600, 24 * HOUR, 300)),
  ],
  [
    ['lab-vision', fig(0, 15 * HOUR, 2900)],
    ['team-web', fig(0, 24 * HOUR, 300)],
  ],
  fig(0, 24 * HOUR, 3100),
);
const memory = usage(
  [pod('lab-vision', 'train', fig(2 ** 30 * 8 * 12 * 3600, 12 * HOUR, 2 ** 30 * 9))],
  [['lab-vision', fig(0, 12 * HOUR, 2 ** 30 * 9)]],
  fig(0, 12 * HOUR, 2 ** 30 * 9),
);
const gpu = usage([], [], emptyFigures());

describe('buildUsageReport', () => {
  it('should convert pod figures to core-hours, GiB-hours, averages over the covered time, peaks and coverage', () => {
    const report = buildUsageReport(period, 'pod', [cpu, memory, gpu], now);
    expect(report.rows.map((r) => `${r.namespace_name}/${r.pod_name}`)).toEqual(['lab-vision/notebook', 'lab-vision/train', 'team-web/web']);
    const train = report.rows[1];
    expect(train).toMatchObject({
      cpu_core_hours: 24,
      cpu_cores_average: 2,
      cpu_cores_peak: 2.4,
      memory_gib_hours: 96,
      memory_gib_average: 8,
      memory_gib_peak: 9,
      gpu_memory_gb_hours: 0,
      gpu_memory_gb_peak: 0,
      coverage: 0.5,
    });
    expect(report.rows[0]).toMatchObject({ cpu_core_hours: 3, cpu_cores_average: 0.5, memory_gib_hours: 0, coverage: 0.25 });
  });

  it('should sum pods into namespaces, with the namespace total giving coverage and peak', () => {
    const report = buildUsageReport(period, 'namespace', [cpu, memory, gpu], now);
    expect(report.rows.map((r) => r.namespace_name)).toEqual(['lab-vision', 'team-web']);
    expect(report.rows[0]).toMatchObject({ pods: 2, cpu_core_hours: 27, cpu_cores_peak: 2.9, cpu_cores_average: 1.8, coverage: 0.625 });
    expect(report.rows[1]).toMatchObject({ pods: 1, cpu_core_hours: 6, cpu_cores_average: 0.25, coverage: 1 });
  });

  it('should total the rows, with peak and coverage of everything together', () => {
    const report = buildUsageReport(period, 'namespace', [cpu, memory, gpu], now);
    expect(report.totals).toMatchObject({ cpu_core_hours: 33, cpu_cores_peak: 3.1, cpu_cores_average: 1.375, memory_gib_hours: 96, coverage: 1 });
    expect(report).toMatchObject({ from: '2024-03-20T00:00:00.000Z', to: '2024-03-21T00:00:00.000Z', step_seconds: 60, generated_at: now.toISOString() });
  });
});

describe('buildUsageReport with requests', () => {
  // train requests 4 cores for its 12 h, notebook 1 core for its 6 h; web requests nothing. train holds 16 GiB.
  const cpuRequest = usage(
    [pod('lab-vision', 'train', fig(4000 * 12 * 3600, 12 * HOUR, 4000)), pod('lab-vision', 'notebook', fig(1000 * 6 * 3600, 6 * HOUR, 1000))],
    [],
    emptyFigures(),
  );
  const memoryRequest = usage([pod('lab-vision', 'train', fig(2 ** 30 * 16 * 12 * 3600, 12 * HOUR, 2 ** 30 * 16))], [], emptyFigures());

  it('should give request core-hours and GiB-hours, and usage ÷ request, null without a request', () => {
    const report = buildUsageReport(period, 'pod', [cpu, memory, gpu, cpuRequest, memoryRequest], now);
    const [notebook, train, web] = report.rows;
    expect(train).toMatchObject({ cpu_request_core_hours: 48, memory_request_gib_hours: 192, cpu_efficiency: 0.5, memory_efficiency: 0.5 });
    expect(notebook).toMatchObject({ cpu_request_core_hours: 6, memory_request_gib_hours: 0, cpu_efficiency: 0.5, memory_efficiency: null });
    expect(web).toMatchObject({ cpu_core_hours: 6, cpu_request_core_hours: 0, cpu_efficiency: null });
  });

  it('should sum requests over the pods of a namespace and of the totals, and count pods by their usage', () => {
    const report = buildUsageReport(period, 'namespace', [cpu, memory, gpu, cpuRequest, memoryRequest], now);
    expect(report.rows[0]).toMatchObject({ namespace_name: 'lab-vision', pods: 2, cpu_request_core_hours: 54, cpu_efficiency: 0.5, memory_request_gib_hours: 192 });
    // The totals' efficiency counts web's usage too: it is of everything together.
    expect(report.totals).toMatchObject({ cpu_request_core_hours: 54, cpu_efficiency: 0.611111, memory_efficiency: 0.5, coverage: 1 });
  });

  it('should give GPU-hours from the devices held, summed over pods', () => {
    // train holds 3/7 of a GPU (a MIG 3g slice) for its 12 h.
    const devices = usage([pod('lab-vision', 'train', fig((3 / 7) * 12 * 3600, 12 * HOUR, 3 / 7))], [], emptyFigures());
    const report = buildUsageReport(period, 'namespace', [cpu, memory, gpu, cpuRequest, memoryRequest, devices], now);
    expect(report.rows[0]).toMatchObject({ namespace_name: 'lab-vision', gpu_hours: 5.142857 });
    expect(report.rows[1]).toMatchObject({ namespace_name: 'team-web', gpu_hours: 0 });
    expect(report.totals.gpu_hours).toBe(5.142857);
  });

  it('should bill usage by default and requests with basis request, GPUs by the devices held under both', () => {
    const devices = usage([pod('lab-vision', 'train', fig((3 / 7) * 12 * 3600, 12 * HOUR, 3 / 7))], [], emptyFigures());
    const usages = [cpu, memory, gpu, cpuRequest, memoryRequest, devices];
    const byUsage = buildUsageReport(period, 'pod', usages, now);
    expect(byUsage.basis).toBe('usage');
    expect(byUsage.rows[1]).toMatchObject({ pod_name: 'train', billed_cpu_core_hours: 24, billed_memory_gib_hours: 96, billed_gpu_hours: 5.142857 });
    const byRequest = buildUsageReport(period, 'pod', usages, now, 'request');
    expect(byRequest.basis).toBe('request');
    expect(byRequest.rows[1]).toMatchObject({ pod_name: 'train', billed_cpu_core_hours: 48, billed_memory_gib_hours: 192, billed_gpu_hours: 5.142857 });
    // web requests nothing: under the request basis it bills nothing.
    expect(byRequest.rows[2]).toMatchObject({ pod_name: 'web', cpu_core_hours: 6, billed_cpu_core_hours: 0 });
    expect(byRequest.totals).toMatchObject({ billed_cpu_core_hours: 54, billed_memory_gib_hours: 192, billed_gpu_hours: 5.142857 });
  });

  it('should bill under max the per-sample maxima of each pod, summed for namespaces and totals', () => {
    const devices = usage([], [], emptyFigures());
    // train: max(request, usage) per sample gives 50 core-hours and 200 GiB-hours; web 6 core-hours (no request).
    const cpuMax = usage([pod('lab-vision', 'train', fig(50 * 3_600_000, 12 * HOUR, 4000)), pod('team-web', 'web', fig(6 * 3_600_000, 24 * HOUR, 300))], [], emptyFigures());
    const memoryMax = usage([pod('lab-vision', 'train', fig(2 ** 30 * 200 * 3600, 12 * HOUR, 2 ** 30 * 16))], [], emptyFigures());
    const usages = [cpu, memory, gpu, cpuRequest, memoryRequest, devices, cpuMax, memoryMax];
    const byPod = buildUsageReport(period, 'pod', usages, now, 'max');
    expect(byPod.basis).toBe('max');
    expect(byPod.rows.find((r) => r.pod_name === 'train')).toMatchObject({ billed_cpu_core_hours: 50, billed_memory_gib_hours: 200, cpu_core_hours: 24 });
    expect(byPod.rows.find((r) => r.pod_name === 'notebook')).toMatchObject({ billed_cpu_core_hours: 0, billed_memory_gib_hours: 0 });
    const byNamespace = buildUsageReport(period, 'namespace', usages, now, 'max');
    expect(byNamespace.rows.map((r) => [r.namespace_name, r.billed_cpu_core_hours])).toEqual([
      ['lab-vision', 50],
      ['team-web', 6],
    ]);
    expect(byNamespace.totals).toMatchObject({ billed_cpu_core_hours: 56, billed_memory_gib_hours: 200 });
  });

  it('should add the idle row after the pods, in resource units, outside the totals', () => {
    const idle = { idle: { cpu: 1000 * 3600 * 10, memory: 2 ** 30 * 3600 * 64 }, overcommit: { cpu: 0, memory: 2 ** 30 * 3600 * 2 } };
    const report = buildUsageReport(period, 'namespace', [cpu, memory, gpu], now, 'usage', { idle });
    expect(report.rows.map((r) => r.namespace_name)).toEqual(['lab-vision', 'team-web', '__idle__']);
    expect(report.rows[2]).toMatchObject({
      pods: 0,
      cpu_core_hours: 10,
      memory_gib_hours: 64,
      gpu_hours: 0,
      billed_cpu_core_hours: 10,
      overcommit_cpu_core_hours: 0,
      overcommit_memory_gib_hours: 2,
      cpu_efficiency: null,
    });
    expect(report.rows[2]).not.toHaveProperty('overcommit_gpu_hours');
    expect(report.totals.cpu_core_hours).toBe(33);
  });

  describe('by node', () => {
    // train ran on gpu-1, notebook on cpu-1, web half its samples on cpu-1 and half on cpu-2.
    const shares = new Map([
      ['lab-vision\u0000train', [{ node: 'gpu-1', share: 1 }]],
      ['lab-vision\u0000notebook', [{ node: 'cpu-1', share: 1 }]],
      [
        'team-web\u0000web',
        [
          { node: 'cpu-1', share: 0.5 },
          { node: 'cpu-2', share: 0.5 },
        ],
      ],
    ]);
    const devices = usage([pod('lab-vision', 'train', fig(2 * 12 * 3600, 12 * HOUR, 2))], [], emptyFigures());

    it("should sum what each node's pods used and held while on it, split by their samples", () => {
      const report = buildUsageReport(period, 'node', [cpu, memory, gpu, cpuRequest, memoryRequest, devices], now, 'usage', { nodes: { shares } });
      expect(report.groupBy).toBe('node');
      expect(report.rows.map((r) => [r.node_name, r.namespace_name, r.pods, r.cpu_core_hours, r.cpu_request_core_hours, r.gpu_hours])).toEqual([
        ['cpu-1', undefined, 2, 6, 6, 0],
        ['cpu-2', undefined, 1, 3, 0, 0],
        ['gpu-1', undefined, 1, 24, 48, 24],
      ]);
      expect(report.rows[2]).toMatchObject({ memory_gib_hours: 96, memory_request_gib_hours: 192, cpu_efficiency: 0.5, cpu_cores_peak: 2.4 });
      expect(report.totals).toMatchObject({ cpu_core_hours: 33, gpu_hours: 24 });
    });

    it("should bill each node its pods' per-sample maxima under max, split as their figures", () => {
      const cpuMax = usage([pod('lab-vision', 'train', fig(50 * 3_600_000, 12 * HOUR, 4000)), pod('team-web', 'web', fig(6 * 3_600_000, 24 * HOUR, 300))], [], emptyFigures());
      const memoryMax = usage([], [], emptyFigures());
      const report = buildUsageReport(period, 'node', [cpu, memory, gpu, cpuRequest, memoryRequest, devices, cpuMax, memoryMax], now, 'max', { nodes: { shares } });
      expect(report.rows.map((r) => [r.node_name, r.billed_cpu_core_hours])).toEqual([
        ['cpu-1', 3],
        ['cpu-2', 3],
        ['gpu-1', 50],
      ]);
    });

    it("should give each node's idle capacity from its allocatable and its pods' requests, after the node rows", () => {
      const offered = new Map([
        ['gpu-1', { cpu: 1000 * 3600 * 64, memory: 2 ** 30 * 3600 * 512, gpu: 8 * 24 * 3600 }],
        ['cpu-1', { cpu: 1000 * 3600 * 4, memory: 2 ** 30 * 3600 * 32 }],
      ]);
      const perNode = idlePerNode(offered, [cpuRequest, memoryRequest, devices], shares);
      expect(perNode.get('gpu-1')).toEqual({
        idle: { cpu: 1000 * 3600 * 16, memory: 2 ** 30 * 3600 * 320, gpu: 3600 * (8 * 24 - 24) },
        overcommit: { cpu: 0, memory: 0, gpu: 0 },
      });
      // notebook requested 6 core-hours on a node that offered 4.
      expect(perNode.get('cpu-1')).toEqual({ idle: { cpu: 0, memory: 2 ** 30 * 3600 * 32 }, overcommit: { cpu: 1000 * 3600 * 2, memory: 0 } });
      const report = buildUsageReport(period, 'node', [cpu, memory, gpu, cpuRequest, memoryRequest, devices], now, 'usage', { nodes: { shares, idle: perNode } });
      expect(report.rows.map((r) => `${r.node_name} ${r.namespace_name ?? ''}`)).toEqual(['cpu-1 ', 'cpu-2 ', 'gpu-1 ', 'cpu-1 __idle__', 'gpu-1 __idle__']);
      expect(report.rows[3]).toMatchObject({ cpu_core_hours: 0, overcommit_cpu_core_hours: 2, memory_gib_hours: 32 });
      expect(report.rows[4]).toMatchObject({ cpu_core_hours: 16, gpu_hours: 168, overcommit_gpu_hours: 0 });
    });

    it('should put the pods whose node the store does not tell on the node ""', () => {
      const report = buildUsageReport(period, 'node', [cpu, memory, gpu], now, 'usage', { nodes: { shares: new Map() } });
      expect(report.rows.map((r) => [r.node_name, r.pods, r.cpu_core_hours])).toEqual([['', 3, 33]]);
    });
  });

  it('should leave request figures at 0 and efficiencies null when the store holds no requests', () => {
    const report = buildUsageReport(period, 'namespace', [cpu, memory, gpu], now);
    expect(report.totals).toMatchObject({ cpu_request_core_hours: 0, memory_request_gib_hours: 0, cpu_efficiency: null, memory_efficiency: null });
  });
});

describe('reportPeriodOf', () => {
  const now = new Date('2026-12-03T10:15:00Z');
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(BadRequestException);
      return (e as BadRequestException).message;
    }
    throw new Error('not refused');
  };
  const d = (iso: string) => new Date(iso);

  it('should take from and to, or a window in the billing time zone', () => {
    expect(reportPeriodOf({ from: d('2026-11-01'), to: d('2026-12-01') }, now, 'UTC')).toEqual({ from: d('2026-11-01'), to: d('2026-12-01') });
    expect(reportPeriodOf({ window: 'lastmonth' }, now, 'Europe/Paris')).toEqual({ from: d('2026-10-31T23:00:00Z'), to: d('2026-11-30T23:00:00Z') });
    expect(reportPeriodOf({ window: '30d' }, now, 'UTC')).toEqual({ from: d('2026-11-03T10:15:00Z'), to: now });
  });

  it('should refuse a missing, conflicting, bad, empty or too long period, naming the field', () => {
    expect(message(() => reportPeriodOf({ to: d('2018-01-01') }, now, 'UTC'))).toBe('from: is required (inclusive start, e.g. 2017-12-01) unless a window is given');
    expect(message(() => reportPeriodOf({ from: d('2017-12-01') }, now, 'UTC'))).toBe('to: is required (exclusive end, e.g. 2018-01-01) unless a window is given');
    expect(message(() => reportPeriodOf({ window: 'month', from: d('2017-12-01') }, now, 'UTC'))).toBe('window: give either a window or from and to, not both');
    expect(message(() => reportPeriodOf({ window: 'lastyear' }, now, 'UTC'))).toMatch(/^window: must be one of today, yesterday, week, lastweek, month, lastmonth/);
    expect(message(() => reportPeriodOf({ window: 'today' }, d('2026-12-03T00:00:00Z'), 'UTC'))).toMatch(/^window: "today" is empty/);
    expect(message(() => reportPeriodOf({ window: '2026-12-01,2026-11-01' }, now, 'UTC'))).toMatch(/^window: .* is empty or ends before it starts/);
    expect(message(() => reportPeriodOf({ window: '400d' }, now, 'UTC'))).toBe('window: the period may cover at most 366 days');
    expect(message(() => reportPeriodOf({ window: '2026-02-30,2026-03-01' }, now, 'UTC'))).toMatch(/^window: its first instant must be an ISO-8601 date/);
  });
});

describe('reportStepsOf', () => {
  it('should cut the period in the billing time zone, and refuse more than 1000 steps naming step', () => {
    const steps = reportStepsOf({ from: new Date('2026-11-30T23:00:00Z'), to: new Date('2026-12-03T10:00:00Z') }, '1d', 'Europe/Paris');
    expect(steps.map((s) => s.from.toISOString())).toEqual(['2026-11-30T23:00:00.000Z', '2026-12-01T23:00:00.000Z', '2026-12-02T23:00:00.000Z']);
    expect(() => reportStepsOf({ from: new Date('2026-01-01'), to: new Date('2026-03-01') }, '1h', 'UTC')).toThrow('step: 1h gives more than 1000 steps');
  });
});

describe('namespacesWithoutData', () => {
  const figures = { integral: 1, increase: 0, coveredMs: 1, samples: 1, sum: 1, max: 1 };
  const usage = (pods: [string, string][]) => ({ stepMs: 60_000, pods: pods.map(([namespace, pod]) => ({ namespace, pod, figures })), namespaces: new Map(), total: undefined });

  it('should name the namespaces asked for that no metric saw a pod in: a typo is said, not billed as zero', () => {
    const usages = [usage([['lab-vision', 'a']]), usage([['course-ml', 'b']]), undefined];
    expect(namespacesWithoutData(['lab-visoin', 'lab-vision', 'course-ml', 'zeta', 'lab-visoin'], usages as never)).toEqual(['lab-visoin', 'zeta']);
    expect(namespacesWithoutData(['lab-vision'], usages as never)).toEqual([]);
  });
});
