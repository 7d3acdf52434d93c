import { compareNames, HOUR_MS, NamespaceFilter, SeriesFigures, StoredNamespaceHour, totalOfHour } from '@kube-monitoring/accounting';

/** A UTC day, the unit of the ledger's rollups. */
export const DAY_MS = 24 * HOUR_MS;

/**
 * The selections of namespaces whose total is kept per hour and day, each as "every namespace but
 * these": everything, and everything but `kube-system` (what cluster-wide reports ask for by
 * default). A report over any other selection computes its total from the step series.
 */
export const KEPT_TOTALS: readonly (readonly string[])[] = [[], ['kube-system']];

/**
 * The rollups an hour is written with (`ledger_hours.rollup`): its kept totals, and its day's rows
 * once the day is whole. Hours of an older version are brought up to it by `addMissingRollups`;
 * a change of KEPT_TOTALS takes a new version, since a missing kept total would read as zero.
 */
export const ROLLUP_VERSION = 1;

/** The key of a kept selection in `ledger_total_*.excluded`: its names in the one order, comma-separated. */
export function excludedKey(excluded: readonly string[]): string {
  return [...new Set(excluded)].sort(compareNames).join(',');
}

const KEPT_KEYS = KEPT_TOTALS.map(excludedKey);

/** The key of the kept total over every namespace, whose rows are also those of the hours with data. */
export const EVERYTHING = excludedKey([]);

/** The key of the kept selection a filter asks for, or undefined when it is none of them. */
export function keptSelectionOf(ns: NamespaceFilter): string | undefined {
  if (ns.only) return undefined;
  const key = excludedKey(ns.exclude ?? []);
  return KEPT_KEYS.includes(key) ? key : undefined;
}

/**
 * The kept totals of one metric's hour, from its namespace-hours (every namespace of the hour, with
 * their step series), computed as a report over the hour computes them; none for an hour without
 * namespaces, which holds no data.
 */
export function keptTotalsOfHour(hour: readonly StoredNamespaceHour[]): { excluded: string; figures: SeriesFigures }[] {
  if (hour.length === 0) return [];
  return KEPT_TOTALS.map((excluded) => ({ excluded: excludedKey(excluded), figures: totalOfHour(hour.filter((n) => !excluded.includes(n.namespace))) }));
}

/** `from` inclusive, `to` exclusive, epoch ms. */
export type Range = readonly [number, number];

/** How a range of hours is read: its rolled-up days from the daily tables, every other hour from the hourly ones. */
export interface ReadPlan {
  days: Range[];
  hours: Range[];
}

/**
 * Splits the hour starts in [fromMs, toMs) between the rolled-up days that lie wholly inside it
 * (`days`: their starts, ascending) and the hours around and between them. Runs of consecutive days
 * are one range; so that a statement stays small, at most `maxRanges` runs are read as days, the
 * shortest others hour by hour (the same figures, read from more rows).
 */
export function planRanges(fromMs: number, toMs: number, days: readonly number[], maxRanges = 32): ReadPlan {
  let runs: [number, number][] = [];
  for (const day of days) {
    if (day < fromMs || day + DAY_MS - HOUR_MS >= toMs) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === day) last[1] = day + DAY_MS;
    else runs.push([day, day + DAY_MS]);
  }
  if (runs.length > maxRanges) {
    const kept = new Set([...runs].sort((a, b) => b[1] - b[0] - (a[1] - a[0]) || a[0] - b[0]).slice(0, maxRanges));
    runs = runs.filter((r) => kept.has(r));
  }
  const hours: Range[] = [];
  let at = fromMs;
  for (const [start, end] of runs) {
    if (at < start) hours.push([at, start]);
    at = end;
  }
  if (at < toMs) hours.push([at, toMs]);
  return { days: runs, hours };
}
