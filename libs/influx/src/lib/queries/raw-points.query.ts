import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';
import { MetricSource } from '../metric-source';
import { NamespaceFilter, namespaceCondition, timeRange, where } from './query-filters';

/** The newest `limit` samples of a metric in a namespace, with every tag (the seed's raw query). */
export function rawPointsQuery(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date, limit: number): InfluxQuery {
  const bag = new ParamBag();
  const text =
    `SELECT * FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
    `ORDER BY time DESC LIMIT ${bag.bind('limit', limit)}`;
  return bag.toQuery(text);
}
