import type { NamespaceFilter } from '@kube-monitoring/accounting';

import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';
import { MetricSource } from '../metric-source';
import { levelCondition, namespaceCondition, timeRange, where } from './query-filters';

/**
 * The newest `limit` samples of a metric in a namespace, with every tag (the seed's raw query). In a
 * measurement shared by several metrics only this one's field is read: points without it (other
 * metrics', e.g. the inventory's requests beside the kubelet's usage) are left out by InfluxDB.
 * So are the series outside the metric's level there (the inventory's terminated containers).
 */
export function rawPointsQuery(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date, limit: number): InfluxQuery {
  const bag = new ParamBag();
  const columns = source.sharedMeasurement ? `${quoteIdentifier(source.field)}, *::tag` : '*';
  const levels = source.sharedMeasurement ? onlyCondition(bag, source) : undefined;
  const text =
    `SELECT ${columns} FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levels, namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
    `ORDER BY time DESC LIMIT ${bag.bind('limit', limit)}`;
  return bag.toQuery(text);
}

/** The metric's one level, when it has exactly one (a schema written at one level per measurement). */
function onlyCondition(bag: ParamBag, source: MetricSource): string | undefined {
  const levels = [source.podLevel, source.containerLevel].filter((l) => l !== undefined);
  return levels.length === 1 ? levelCondition(bag, levels[0]) : undefined;
}
