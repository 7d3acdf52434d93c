import { findMetric, MAIN_METRICS, METRIC_CATALOG } from './metric-catalog';
import { formatValue, usageUnit } from './units';

describe('METRIC_CATALOG', () => {
  it('should list the 37 metrics of the original table, each once', () => {
    expect(METRIC_CATALOG).toHaveLength(37);
    expect(new Set(METRIC_CATALOG.map((m) => m.name)).size).toBe(37);
  });

  it('should flag exactly the three accounting metrics as main', () => {
    expect(
      METRIC_CATALOG.filter((m) => m.main)
        .map((m) => m.name)
        .sort(),
    ).toEqual(['cpu/usage_rate', 'gpu/usage', 'memory/usage']);
  });

  it('should know every sidebar metric', () => {
    for (const name of MAIN_METRICS) expect(findMetric(name)).toBeDefined();
  });

  it('should mark cumulative metrics as counters', () => {
    expect(findMetric('cpu/usage')?.kind).toBe('counter');
    expect(findMetric('network/rx')?.kind).toBe('counter');
    expect(findMetric('cpu/usage_rate')?.kind).toBe('gauge');
  });
});

describe('units', () => {
  it('should name usage units per kind', () => {
    expect(usageUnit('millicores', 'gauge')).toBe('millicore-hours');
    expect(usageUnit('bytes', 'counter')).toBe('bytes');
  });

  it('should render values in human units', () => {
    expect(formatValue(2500, 'millicores')).toBe('2.5 cores');
    expect(formatValue(3 * 2 ** 30, 'bytes')).toBe('3 GiB');
    expect(formatValue(1500, 'megabytes')).toBe('1.5 GB');
    expect(formatValue(90 * 60 * 1000, 'milliseconds')).toBe('1h 30m');
    expect(formatValue(null, 'bytes')).toBe('—');
  });
});
