import type { SeriesLine, SeriesResponse } from '@kube-monitoring/contract';

/** The last sample of one line. */
export interface LatestValue {
  label: string;
  key: Record<string, string>;
  /** Epoch milliseconds. */
  time: number;
  value: number;
}

/** Scale from a storage unit to the unit shown on chart axes. */
export interface DisplayScale {
  divisor: number;
  label: string;
}

const SCALES: Record<string, DisplayScale> = {
  millicores: { divisor: 1000, label: 'cores' },
  bytes: { divisor: 2 ** 30, label: 'GiB' },
  megabytes: { divisor: 1000, label: 'GB' },
  milliseconds: { divisor: 3_600_000, label: 'hours' },
  nanoseconds: { divisor: 1e9, label: 'CPU-seconds' },
  ratio: { divisor: 0.01, label: '%' },
  bytes_per_second: { divisor: 2 ** 20, label: 'MiB/s' },
  per_second: { divisor: 1, label: 'per second' },
  count: { divisor: 1, label: 'count' },
};

export function displayScale(unit: string): DisplayScale {
  return SCALES[unit] ?? { divisor: 1, label: unit };
}

function lastSample(line: SeriesLine): [number, number] | null {
  for (let i = line.points.length - 1; i >= 0; i--) {
    const [time, value] = line.points[i];
    if (value !== null && Number.isFinite(value)) return [time, value];
  }
  return null;
}

/**
 * The latest value of every line that is still reporting: a line whose last sample is more than two
 * steps older than the newest sample of the response has stopped (a finished pod) and is left out.
 * Its time is the newest sample's own (`newest_sample_at`) for the newest bucket. Sorted by value,
 * largest first.
 */
export function latestValues(series: SeriesResponse): LatestValue[] {
  const samples = series.series.map((line) => ({ line, last: lastSample(line) })).filter((s): s is { line: SeriesLine; last: [number, number] } => s.last !== null);
  if (samples.length === 0) return [];
  const newest = Math.max(...samples.map((s) => s.last[0]));
  const staleBefore = newest - 2 * Math.max(series.step_seconds, 1) * 1000;
  // The newest bucket's values are as of the newest sample itself, not of the bucket's start.
  const edge = series.newest_sample_at ? Date.parse(series.newest_sample_at) : Number.NaN;
  const timeOf = (t: number) => (t === newest && Number.isFinite(edge) && edge >= t ? edge : t);
  return samples
    .filter((s) => s.last[0] >= staleBefore)
    .map((s) => ({ label: s.line.label, key: s.line.key, time: timeOf(s.last[0]), value: s.last[1] }))
    .sort((a, b) => b.value - a.value);
}

/** Whether any line has a sample; a chart of only gaps is shown as "no data". */
export function hasData(series: SeriesResponse | null): boolean {
  return series?.series.some((line) => line.points.some(([, v]) => v !== null)) ?? false;
}

/** Sum of the latest values (e.g. cluster CPU now), or `null` without data. */
export function latestTotal(series: SeriesResponse): { total: number; time: number } | null {
  const latest = latestValues(series);
  if (latest.length === 0) return null;
  return {
    total: latest.reduce((sum, v) => sum + v.value, 0),
    time: Math.max(...latest.map((v) => v.time)),
  };
}

export interface ChartPoint {
  x: number;
  y: number | null;
}

export interface ChartLine {
  label: string;
  points: ChartPoint[];
}

function meanOf(line: SeriesLine): number {
  let sum = 0;
  let n = 0;
  for (const [, v] of line.points) {
    if (v !== null && Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Lines ready for the chart, in display units: the `maxLines - 1` largest lines (by mean) and, when
 * there are more, their remainder summed into one "Other" line so a stacked chart still shows the total.
 */
export function toChartLines(series: SeriesResponse, maxLines = 10): ChartLine[] {
  const { divisor } = displayScale(series.unit);
  const ranked = [...series.series].sort((a, b) => meanOf(b) - meanOf(a));
  const scale = (line: SeriesLine): ChartLine => ({
    label: line.label,
    points: line.points.map(([x, y]) => ({ x, y: y === null ? null : y / divisor })),
  });
  if (ranked.length <= maxLines) return ranked.map(scale);

  const kept = ranked.slice(0, maxLines - 1);
  const rest = ranked.slice(maxLines - 1);
  const sums = new Map<number, number | null>();
  for (const line of rest) {
    for (const [x, y] of line.points) {
      const previous = sums.get(x) ?? null;
      sums.set(x, y === null ? previous : (previous ?? 0) + y);
    }
  }
  const other: ChartLine = {
    label: `Other (${rest.length})`,
    points: [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([x, y]) => ({ x, y: y === null ? null : y / divisor })),
  };
  return [...kept.map(scale), other];
}

/** Colour-blind-friendly palette (Okabe–Ito, then Tableau); grey is kept for the "Other" line. */
export const CHART_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#4e79a7', '#9c755f'] as const;
export const OTHER_COLOR = '#7f7f7f';

/** A label's place in the palette: a hash of the name (FNV-1a), the same in every view and refresh. */
function paletteIndex(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % CHART_COLORS.length;
}

/**
 * A colour per line by its name, not its rank: a namespace keeps its colour between views and
 * refreshes. Two names of one chart that hash alike: the later one (in name order) takes the next
 * free colour, so the choice depends on which names are shown, never on their values.
 */
export function chartColors(labels: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<number>();
  for (const label of [...new Set(labels)].sort()) {
    if (label.startsWith('Other (')) {
      out.set(label, OTHER_COLOR);
      continue;
    }
    let i = paletteIndex(label);
    for (let probe = 0; probe < CHART_COLORS.length && taken.has(i); probe++) i = (i + 1) % CHART_COLORS.length;
    taken.add(i);
    out.set(label, CHART_COLORS[i] as string);
  }
  return out;
}
