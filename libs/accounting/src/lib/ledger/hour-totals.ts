import { addDisjointFigures, emptyFigures, SeriesFigures } from '../figures';
import { compareNames } from '../pod-key';
import { SeriesAccumulator } from '../series-accumulator';
import { StepSeries } from '../usage-engine';
import { HOUR_MS, StoredNamespaceHour } from './ledger-records';

/**
 * The figures of the total over some namespaces in one hour, from their stored per-step series, the
 * way the live path computes them: where every namespace with pods has a collector total, the
 * collector totals are summed per step; otherwise the counted pods are. The sum per step goes through
 * the same gap rule, so the coverage is the time any of them ran and the peak that of the sum.
 */
export function totalOfHour(hour: readonly StoredNamespaceHour[]): SeriesFigures {
  const first = hour[0];
  if (!first) return emptyFigures();
  const collector = hour.every((n) => n.pods === 0 || n.steps?.source === 'collector');
  const series: StepSeries[] = [];
  // In the one name order, so that the sums per step, to the last bit, never depend on the rows' order.
  for (const n of [...hour].sort((a, b) => compareNames(a.namespace, b.namespace))) {
    const steps = n.steps;
    if (!steps) throw new Error(`namespace-hour ${n.namespace} read without its step series`);
    if (collector) {
      if (steps.source === 'collector') series.push(steps.steps);
    } else if (steps.source === 'pods') {
      series.push(steps.steps);
    } else if (steps.podSteps) {
      series.push(steps.podSteps);
    }
  }
  const acc = new SeriesAccumulator({ fromMs: first.hourMs, toMs: first.hourMs + HOUR_MS, stepMs: first.stepMs });
  const merged = sumPerTime(series);
  for (let i = 0; i < merged.times.length; i++) acc.add(merged.times[i] as number, (merged.values[i] as number) * first.scale);
  return acc.result();
}

/**
 * The figures of the total over the namespaces of some namespace-hours, hour by hour (`totalOfHour`
 * of each hour's rows), summed over the hours: what a report over those hours bills as its total.
 */
export function totalOfHours(rows: readonly StoredNamespaceHour[]): SeriesFigures {
  const hours = new Map<number, StoredNamespaceHour[]>();
  for (const r of rows) {
    const list = hours.get(r.hourMs);
    if (list) list.push(r);
    else hours.set(r.hourMs, [r]);
  }
  let total = emptyFigures();
  for (const hour of hours.values()) total = addDisjointFigures(total, totalOfHour(hour));
  return total;
}

/** Series summed at equal times (they are stamped on one grid), ascending. */
export function sumPerTime(series: readonly StepSeries[]): StepSeries {
  if (series.length === 1) return series[0] as StepSeries;
  const sums = new Map<number, number>();
  for (const s of series) {
    for (let i = 0; i < s.times.length; i++) {
      const t = s.times[i] as number;
      sums.set(t, (sums.get(t) ?? 0) + (s.values[i] as number));
    }
  }
  const times = [...sums.keys()].sort((a, b) => a - b);
  return { times, values: times.map((t) => sums.get(t) as number) };
}
