import type { NamespaceFilter } from '@kube-monitoring/accounting';

import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';
import { MetricSource } from '../metric-source';
import { levelCondition, namespaceCondition, timeRange, where } from './query-filters';

/**
 * Every pod-level sample of the period, one series per (namespace, pod), for streaming
 * integration. InfluxDB returns each series in time order.
 */
export function podSamplesQuery(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date): InfluxQuery {
  const bag = new ParamBag();
  const text =
    `SELECT ${quoteIdentifier(source.field)} AS v FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, source.podLevel), namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
    `GROUP BY ${quoteIdentifier(source.tags.namespace)}, ${quoteIdentifier(source.tags.pod)}`;
  return bag.toQuery(text);
}

/** A sample of gaps between consecutive pod samples, to detect the resolution. */
export function sampleGapsQuery(source: MetricSource, from: Date, to: Date): InfluxQuery {
  const bag = new ParamBag();
  const text =
    `SELECT elapsed(${quoteIdentifier(source.field)}, 1ms) AS gap FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, source.podLevel ?? source.containerLevel), timeRange(bag, from, to))} ` +
    `GROUP BY * LIMIT ${bag.bind('n', 60)} SLIMIT ${bag.bind('s', 20)}`;
  return bag.toQuery(text);
}
