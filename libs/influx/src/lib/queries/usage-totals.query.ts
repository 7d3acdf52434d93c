import type { ContainerPodSelection, NamespaceFilter, TotalsGrouping } from '@kube-monitoring/accounting';

import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';
import { LevelSelector, MetricSource } from '../metric-source';
import { countedSeriesCondition, podSelectionCondition } from './pod-selection';
import { levelCondition, namespaceCondition, timeRange, where } from './query-filters';
import { stepBuckets, timeBucketClause } from './step-buckets';

/**
 * Container samples of the pods counted from their containers, one series per pod in which InfluxDB
 * merges its containers' rows in time order, each row naming its container: the API adds up the rows
 * of one scrape at their own timestamp (a sum per time bucket would move jittered samples to the grid
 * and a period edge could then cut the wrong side of them).
 */
export function containerRowsByPodQuery(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date, selection: ContainerPodSelection): InfluxQuery {
  const bag = new ParamBag();
  const t = source.tags;
  const text =
    `SELECT ${quoteIdentifier(source.field)} AS v, ${quoteIdentifier(t.container)} FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, source.containerLevel), podSelectionCondition(bag, source, selection), namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
    `GROUP BY ${quoteIdentifier(t.namespace)}, ${quoteIdentifier(t.pod)}`;
  return bag.toQuery(text);
}

/**
 * The total of the counted pods (pod-level series, plus the containers of the selected pods) per
 * step, computed inside InfluxDB: one series per namespace, or one overall. Streamed through the same
 * gap rule as a pod, it gives the group's coverage and the peak of its total.
 */
export function podTotalsPerStepQuery(
  source: MetricSource,
  ns: NamespaceFilter,
  from: Date,
  to: Date,
  stepMs: number,
  selection: ContainerPodSelection | undefined,
  grouping: TotalsGrouping,
): InfluxQuery {
  const bag = new ParamBag();
  return sumPerStepQuery(bag, source, countedSeriesCondition(bag, source, selection), ns, from, to, stepMs, grouping);
}

/**
 * The collector's own namespace series (Heapster's `type=ns`, the sum of a namespace's pods at each
 * scrape) per step: per namespace, or summed over the selected namespaces. A handful of series, so
 * this is cheap whatever the number of pods.
 */
export function namespaceSeriesPerStepQuery(
  source: MetricSource,
  level: { tag: string; value: string },
  ns: NamespaceFilter,
  from: Date,
  to: Date,
  stepMs: number,
  grouping: TotalsGrouping,
): InfluxQuery {
  const bag = new ParamBag();
  return sumPerStepQuery(bag, source, levelCondition(bag, level), ns, from, to, stepMs, grouping);
}

/** The sum of the series matching `seriesCondition` per step, per namespace or overall. */
function sumPerStepQuery(
  bag: ParamBag,
  source: MetricSource,
  seriesCondition: string | undefined,
  ns: NamespaceFilter,
  from: Date,
  to: Date,
  stepMs: number,
  grouping: TotalsGrouping,
): InfluxQuery {
  const { stepS, offsetS } = stepBuckets(stepMs);
  const groupTag = grouping === 'namespace' ? `, ${quoteIdentifier(source.tags.namespace)}` : '';
  const text =
    `SELECT sum(${quoteIdentifier(source.field)}) AS total FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(seriesCondition, namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
    `GROUP BY ${timeBucketClause(stepS, offsetS)}${groupTag} fill(none)`;
  return bag.toQuery(text);
}

/**
 * Samples per container and coarse time bucket, counted inside InfluxDB (a few rows per container):
 * compared with a pod's own samples per bucket, it shows which pods have container data at times
 * their pod-level series does not cover.
 */
export function containerCountsQuery(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date, widthS: number): InfluxQuery {
  const bag = new ParamBag();
  const t = source.tags;
  const text =
    `SELECT count(${quoteIdentifier(source.field)}) AS n FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, source.containerLevel), namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
    `GROUP BY ${timeBucketClause(widthS, 0)}, ${[t.namespace, t.pod, t.container].map(quoteIdentifier).join(', ')} fill(none)`;
  return bag.toQuery(text);
}

/**
 * Container-level samples, one series per container, for the pods counted from their containers:
 * a cumulative counter must be followed per container (one container restarting resets its own
 * counter only), never summed across containers first.
 */
export function containerSamplesQuery(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date, selection: ContainerPodSelection): InfluxQuery {
  const bag = new ParamBag();
  const t = source.tags;
  const text =
    `SELECT ${quoteIdentifier(source.field)} AS v FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, source.containerLevel), podSelectionCondition(bag, source, selection), namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
    `GROUP BY ${[t.namespace, t.pod, t.container].map(quoteIdentifier).join(', ')}`;
  return bag.toQuery(text);
}

/**
 * Every sample of a measurement counted per time bucket, all series together: one row per bucket,
 * for the ledger's check of samples that landed after their hour was rolled.
 */
export function sampleCountsQuery(source: MetricSource, from: Date, to: Date, widthS: number): InfluxQuery {
  const bag = new ParamBag();
  const text =
    `SELECT count(${quoteIdentifier(source.field)}) AS n FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(timeRange(bag, from, to))} GROUP BY ${timeBucketClause(widthS, 0)} fill(none)`;
  return bag.toQuery(text);
}

/** The oldest sample of a measurement (InfluxDB answers its time with the value). */
export function firstSampleQuery(source: MetricSource): InfluxQuery {
  const bag = new ParamBag();
  const text = `SELECT first(${quoteIdentifier(source.field)}) AS v FROM ${quoteIdentifier(source.measurement)} ${where(timeRange(bag, new Date(0), new Date(Date.UTC(2262, 0, 1))))}`;
  return bag.toQuery(text);
}

/** Every node-level sample of a measurement in the period, one series per node. */
export function nodeSamplesQuery(source: MetricSource, nodeLevel: LevelSelector, from: Date, to: Date): InfluxQuery {
  const bag = new ParamBag();
  const text =
    `SELECT ${quoteIdentifier(source.field)} AS v FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, nodeLevel), timeRange(bag, from, to))} GROUP BY ${quoteIdentifier(source.tags.node)}`;
  return bag.toQuery(text);
}
