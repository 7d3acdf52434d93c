import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';
import { MetricSource } from '../metric-source';
import { levelCondition, timeRange, where } from './query-filters';

/**
 * The original system's aggregation, for the comparison in docs/accounting.md only: `sum(value)` of
 * every series of the measurement per namespace, whatever its level (container, pod and namespace
 * series added together), a number with no unit.
 */
export function seedSumByNamespaceQuery(source: MetricSource, from: Date, to: Date): InfluxQuery {
  const bag = new ParamBag();
  const text =
    `SELECT sum(${quoteIdentifier(source.field)}) AS total FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(timeRange(bag, from, to))} GROUP BY ${quoteIdentifier(source.tags.namespace)}`;
  return bag.toQuery(text);
}

/**
 * The naive fix of the seed's method, for the same comparison: pod-level samples only, summed per
 * namespace (to be multiplied by the step): right units, but blind to lost scrapes, jitter and edges.
 */
export function podLevelSumByNamespaceQuery(source: MetricSource, from: Date, to: Date): InfluxQuery {
  const bag = new ParamBag();
  const text =
    `SELECT sum(${quoteIdentifier(source.field)}) AS total FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, source.podLevel), timeRange(bag, from, to))} GROUP BY ${quoteIdentifier(source.tags.namespace)}`;
  return bag.toQuery(text);
}
