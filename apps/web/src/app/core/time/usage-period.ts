/**
 * Billing periods of the usage report, kept in the URL: `?period=last-month` or
 * `?from=2017-12-01&to=2018-01-01`; none: this month so far (a new cluster, or the demo, has data
 * now, not last month).
 */

export type UsagePeriodKind = 'last-month' | 'this-month' | 'custom';

export interface UsagePeriod {
  kind: UsagePeriodKind;
  /** Inclusive start, `YYYY-MM-DD` (00:00 UTC). */
  from: string;
  /** Exclusive end, `YYYY-MM-DD` (00:00 UTC). */
  to: string;
}

export const USAGE_PERIOD_OPTIONS: readonly { kind: UsagePeriodKind; label: string }[] = [
  { kind: 'this-month', label: 'This month (so far)' },
  { kind: 'last-month', label: 'Last month' },
  { kind: 'custom', label: 'Custom dates' },
];

const DAY_MS = 86_400_000;

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function monthStart(year: number, month: number): Date {
  return new Date(Date.UTC(year, month, 1));
}

export function lastMonth(now: Date): UsagePeriod {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return { kind: 'last-month', from: isoDay(monthStart(y, m - 1)), to: isoDay(monthStart(y, m)) };
}

/** From the first of the month to tomorrow 00:00 UTC, so today's data is included. */
export function thisMonth(now: Date): UsagePeriod {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const tomorrow = new Date(Date.UTC(y, m, now.getUTCDate()) + DAY_MS);
  return { kind: 'this-month', from: isoDay(monthStart(y, m)), to: isoDay(tomorrow) };
}

function validDay(value: string | null | undefined): string | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDay(date) === value ? value : null;
}

/** Reads `period`, `from`, `to`; invalid or inverted custom dates fall back to this month. */
export function parseUsagePeriod(params: { period?: string | null; from?: string | null; to?: string | null }, now: Date = new Date()): UsagePeriod {
  if (params.period === 'last-month') return lastMonth(now);
  const from = validDay(params.from);
  const to = validDay(params.to);
  if ((params.period === 'custom' || !params.period) && from && to && from < to) {
    return { kind: 'custom', from, to };
  }
  return thisMonth(now);
}

export function usagePeriodToParams(period: UsagePeriod): Record<string, string | null> {
  if (period.kind === 'custom') return { period: 'custom', from: period.from, to: period.to };
  return { period: period.kind === 'this-month' ? null : period.kind, from: null, to: null };
}

/** Number of whole days in the period. */
export function periodDays(period: UsagePeriod): number {
  return Math.round((Date.parse(`${period.to}T00:00:00Z`) - Date.parse(`${period.from}T00:00:00Z`)) / DAY_MS);
}
