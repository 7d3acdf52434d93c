import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';
import { MetricSource } from '../metric-source';
import { NamespaceFilter, levelCondition, namespaceCondition, timeRange, where } from './query-filters';

/**
 * Per namespace, computed inside InfluxDB: the peak of the namespace total (pods summed per step)
 * and the number of steps with data (for coverage).
 */
export function namespacePeakQuery(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date, stepMs: number): InfluxQuery {
  const bag = new ParamBag();
  const nsTag = quoteIdentifier(source.tags.namespace);
  const stepS = Math.max(1, Math.round(stepMs / 1000));
  const offsetS = Math.floor(stepS / 2);
  const inner =
    `SELECT sum(${quoteIdentifier(source.field)}) AS total FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, source.podLevel ?? source.containerLevel), namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
    `GROUP BY time(${stepS}s, ${offsetS}s), ${nsTag} fill(none)`;
  const text = `SELECT max(total) AS peak, count(total) AS steps FROM (${inner}) GROUP BY ${nsTag}`;
  return bag.toQuery(text);
}
