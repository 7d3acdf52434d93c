import type { MetricUnit } from './metric-catalog';

/** Unit of the `usage` figure for a metric: unit·hours for gauges, the unit itself for counters. */
export function usageUnit(unit: MetricUnit, kind: 'gauge' | 'counter'): string {
  if (kind === 'counter') return unit;
  const singular: Record<MetricUnit, string> = {
    millicores: 'millicore',
    nanoseconds: 'nanosecond',
    bytes: 'byte',
    megabytes: 'megabyte',
    count: 'count',
    per_second: 'per-second',
    bytes_per_second: 'byte-per-second',
    ratio: 'ratio',
    milliseconds: 'millisecond',
  };
  return `${singular[unit]}-hours`;
}

export const BYTES_PER_GIB = 2 ** 30;

/** Human rendering of a value in its storage unit (cores, GiB, GB, durations), for tables. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'millicores':
      return `${round(value / 1000, 3)} cores`;
    case 'bytes':
      return formatBytes(value);
    case 'megabytes':
      return `${round(value / 1000, 3)} GB`;
    case 'milliseconds':
      return formatDuration(value);
    case 'nanoseconds':
      return `${round(value / 1e9, 1)} CPU-s`;
    case 'ratio':
      return `${round(value * 100, 1)} %`;
    case 'per_second':
      return `${round(value, 2)} /s`;
    case 'bytes_per_second':
      return `${formatBytes(value)}/s`;
    default:
      return `${round(value, 2)}`;
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${round(v, i === 0 ? 0 : 2)} ${units[i]}`;
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
