import type { SeriesLine, SeriesResponse } from '@kube-monitoring/contract';

import { CPU_SERIES } from '../../../testing/fixtures';
import { chartColors, displayScale, hasData, latestTotal, latestValues, OTHER_COLOR, toChartLines } from './series-utils';

describe('latestValues', () => {
  it("should take each line's last sample and drop lines that stopped reporting", () => {
    const latest = latestValues(CPU_SERIES);
    // prod's last sample is at +4 min; ci's at +3 min (within two steps); dev stopped at +1 min.
    expect(latest.map((v) => [v.label, v.value])).toEqual([
      ['prod', 2000],
      ['ci', 250],
    ]);
  });

  it('should sum the latest values', () => {
    expect(latestTotal(CPU_SERIES)).toEqual({ total: 2250, time: Date.parse('2024-03-01T10:04:00Z') });
    expect(latestTotal({ ...CPU_SERIES, series: [] })).toBeNull();
  });

  it("should date the newest bucket's values by the newest sample itself, not by the bucket's start", () => {
    const answer = { ...CPU_SERIES, newest_sample_at: '2024-03-01T10:04:40.000Z' };
    expect(latestTotal(answer)).toEqual({ total: 2250, time: Date.parse('2024-03-01T10:04:40Z') });
    // ci's last point is an older bucket: its own time stays.
    expect(latestValues(answer).map((v) => [v.label, new Date(v.time).toISOString()])).toEqual([
      ['prod', '2024-03-01T10:04:40.000Z'],
      ['ci', '2024-03-01T10:03:00.000Z'],
    ]);
  });
});

describe('hasData', () => {
  it('should be true when any line has a sample, false for gaps only, no lines or no answer', () => {
    expect(hasData(CPU_SERIES)).toBe(true);
    const idle: SeriesLine = {
      key: {},
      label: 'idle',
      points: [
        [0, null],
        [60_000, null],
      ],
    };
    expect(hasData({ ...CPU_SERIES, series: [idle] })).toBe(false);
    expect(hasData({ ...CPU_SERIES, series: [] })).toBe(false);
    expect(hasData(null)).toBe(false);
  });
});

describe('toChartLines', () => {
  it('should convert to display units and order by size', () => {
    const lines = toChartLines(CPU_SERIES);
    expect(lines.map((l) => l.label)).toEqual(['prod', 'dev', 'ci']);
    expect(lines[0].points[0]).toEqual({ x: Date.parse('2024-03-01T10:00:00Z'), y: 2 });
    expect(lines[1].points[2].y).toBeNull();
  });

  it('should fold the smallest lines into "Other" so stacked totals stay right', () => {
    const lines = toChartLines(CPU_SERIES, 2);
    expect(lines.map((l) => l.label)).toEqual(['prod', 'Other (2)']);
    const other = lines[1].points.map((p) => p.y);
    expect(other).toEqual([0.6, 0.5, 0.3, 0.25, null]);
  });
});

describe('displayScale', () => {
  it('should show cores, GiB and GB', () => {
    expect(displayScale('millicores')).toEqual({ divisor: 1000, label: 'cores' });
    expect(displayScale('bytes')).toEqual({ divisor: 2 ** 30, label: 'GiB' });
    expect(displayScale('megabytes')).toEqual({ divisor: 1000, label: 'GB' });
    expect(displayScale('furlongs')).toEqual({ divisor: 1, label: 'furlongs' });
  });

  it('should handle an empty response', () => {
    const empty: SeriesResponse = { ...CPU_SERIES, series: [] };
    expect(toChartLines(empty)).toEqual([]);
    expect(latestValues(empty)).toEqual([]);
  });
});

describe('chartColors', () => {
  it('should colour a line by its name, whatever its rank or the lines around it', () => {
    const views = [
      ['lab-vision', 'course-ml', 'cluster-3'],
      ['cluster-3', 'lab-vision', 'course-ml'],
    ];
    const [a, b] = views.map((v) => chartColors(v));
    for (const name of views[0] as string[]) expect(b?.get(name)).toBe(a?.get(name));
    // Alone, a name has its own colour; in company too unless another name of the chart took it first.
    expect(chartColors(['lab-vision']).get('lab-vision')).toBe(a?.get('lab-vision'));
  });

  it('should give the names of one chart distinct colours while the palette lasts, and "Other" its grey', () => {
    const names = Array.from({ length: 9 }, (_, i) => `ns-${i}`);
    const colors = chartColors([...names, 'Other (4)']);
    expect(new Set(names.map((n) => colors.get(n))).size).toBe(9);
    expect(colors.get('Other (4)')).toBe(OTHER_COLOR);
  });
});
