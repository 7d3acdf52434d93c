import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';
import { MetricSource } from '../metric-source';
import { NamespaceFilter, levelCondition, namespaceCondition, timeRange, where } from './query-filters';

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

/**
 * Pod-level samples built inside InfluxDB by summing a pod's containers per step, for pods that
 * have no pod-level series. The buckets are offset by half a step so scrape jitter around the grid
 * never splits or merges windows.
 */
export function containerSumSamplesQuery(
  source: MetricSource,
  ns: NamespaceFilter,
  from: Date,
  to: Date,
  stepMs: number,
  pods?: readonly { namespace: string; pod: string }[],
): InfluxQuery {
  const bag = new ParamBag();
  const nsTag = quoteIdentifier(source.tags.namespace);
  const podTag = quoteIdentifier(source.tags.pod);
  const podCondition = pods
    ? `(${(pods.length ? pods : [{ namespace: '', pod: '' }])
        .map((p) => `(${nsTag} = ${bag.bind('pns', p.namespace)} AND ${podTag} = ${bag.bind('pod', p.pod)})`)
        .join(' OR ')})`
    : undefined;
  const stepS = Math.max(1, Math.round(stepMs / 1000));
  const offsetS = Math.floor(stepS / 2);
  const text =
    `SELECT sum(${quoteIdentifier(source.field)}) AS v FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, source.containerLevel), namespaceCondition(bag, source, ns), podCondition, timeRange(bag, from, to))} ` +
    `GROUP BY time(${stepS}s, ${offsetS}s), ${nsTag}, ${podTag} fill(none)`;
  return bag.toQuery(text);
}

/** Which (namespace, pod) pairs have series at a level in the period: one row per pod. */
export function podsAtLevelQuery(
  source: MetricSource,
  level: 'pod' | 'container',
  ns: NamespaceFilter,
  from: Date,
  to: Date,
): InfluxQuery {
  const bag = new ParamBag();
  const lvl = level === 'pod' ? source.podLevel : source.containerLevel;
  const text =
    `SELECT count(${quoteIdentifier(source.field)}) FROM ${quoteIdentifier(source.measurement)} ` +
    `${where(levelCondition(bag, lvl), namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
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

/** Series keys of a level (index lookup, no time range): used to find pods with containers only. */
export function seriesKeysQuery(source: MetricSource, level: 'pod' | 'container', ns: NamespaceFilter): InfluxQuery {
  const bag = new ParamBag();
  const lvl = level === 'pod' ? source.podLevel : source.containerLevel;
  const text = `SHOW SERIES FROM ${quoteIdentifier(source.measurement)} ${where(levelCondition(bag, lvl), namespaceCondition(bag, source, ns))}`;
  return bag.toQuery(text);
}
