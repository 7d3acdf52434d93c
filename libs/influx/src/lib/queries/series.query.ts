import type { ContainerPodSelection, NamespaceFilter } from '@kube-monitoring/accounting';

import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag, timeParam } from '../influx-query';
import { MetricSource } from '../metric-source';
import { countedSeriesCondition } from './pod-selection';
import { levelCondition, namespaceCondition, where } from './query-filters';
import { stepBuckets, timeBucketClause } from './step-buckets';

export type ChartGrouping = 'namespace' | 'pod' | 'container' | 'node';

/** Which series a chart reads: pods counted once, containers, or the nodes' own series. */
export type ChartLevel = 'counted' | 'container' | 'node';

export interface ChartSeriesRequest {
  source: MetricSource;
  ns: NamespaceFilter;
  from: Date;
  to: Date;
  /** Chart bucket width, seconds. */
  widthS: number;
  /** Sample resolution, ms: buckets are shifted by half of it so scrape jitter never splits them. */
  sampleStepMs: number;
  grouping: ChartGrouping;
  level: ChartLevel;
  /** Pods counted from their containers (level `counted`). */
  selection?: ContainerPodSelection;
  /** Gauges are summed per bucket; counters keep each series' last value, then combine the series. */
  kind: 'gauge' | 'counter';
  /** How a counter line combines its series' last values: added up, or the largest (uptimes). Default `sum`. */
  combine?: 'sum' | 'max';
  /** At most this many series (InfluxDB SLIMIT). */
  maxSeries: number;
}

/**
 * Where chart buckets lie. Bucket i holds the samples stamped in
 * [from + half + i·width, from + half + (i+1)·width): the scrapes whose windows fall in
 * (from + i·width, from + (i+1)·width], give or take jitter. Its point is labelled `from + i·width`.
 */
export function chartBucketLayout(from: Date, to: Date, widthS: number, sampleStepMs: number): { halfMs: number; offsetS: number; readFrom: Date; readTo: Date } {
  const halfMs = stepBuckets(sampleStepMs).offsetS * 1000;
  const startS = Math.floor((from.getTime() + halfMs) / 1000);
  const offsetS = ((startS % widthS) + widthS) % widthS;
  return { halfMs, offsetS, readFrom: new Date(from.getTime() + halfMs), readTo: new Date(to.getTime() + halfMs) };
}

/** The tags that identify one chart line for a grouping. */
export function chartGroupTags(source: MetricSource, grouping: ChartGrouping): string[] {
  switch (grouping) {
    case 'namespace':
      return [source.tags.namespace];
    case 'pod':
      return [source.tags.namespace, source.tags.pod];
    case 'container':
      return [source.tags.namespace, source.tags.pod, source.tags.container];
    case 'node':
      return [source.tags.node];
  }
}

/**
 * A chart's lines, downsampled inside InfluxDB. Gauges: the sum of the samples per bucket and line
 * (the service turns it into the bucket's time average). Counters: each series' last value per bucket,
 * summed per line. Empty buckets come back as null.
 */
export function chartSeriesQuery(r: ChartSeriesRequest): InfluxQuery {
  const bag = new ParamBag();
  const { offsetS, readFrom, readTo } = chartBucketLayout(r.from, r.to, r.widthS, r.sampleStepMs);
  const bucket = timeBucketClause(r.widthS, offsetS);
  const field = quoteIdentifier(r.source.field);
  const measurement = quoteIdentifier(r.source.measurement);
  const levels =
    r.level === 'counted' ? countedSeriesCondition(bag, r.source, r.selection) : levelCondition(bag, r.level === 'container' ? r.source.containerLevel : r.source.nodeLevel);
  const time = `time >= ${bag.bind('from', timeParam(readFrom))} AND time < ${bag.bind('to', timeParam(readTo))}`;
  const filters = where(levels, namespaceCondition(bag, r.source, r.ns), time);
  const groupTags = chartGroupTags(r.source, r.grouping).map(quoteIdentifier).join(', ');
  const slimit = `SLIMIT ${bag.bind('slimit', r.maxSeries)}`;
  if (r.kind === 'gauge') {
    return bag.toQuery(`SELECT sum(${field}) AS v FROM ${measurement} ${filters} GROUP BY ${bucket}, ${groupTags} fill(null) ${slimit}`);
  }
  const t = r.source.tags;
  const identity = [t.namespace, t.pod, t.container, t.node].map(quoteIdentifier).join(', ');
  const inner = `SELECT last(${field}) AS v FROM ${measurement} ${filters} GROUP BY ${bucket}, ${identity} fill(none)`;
  const outerTime = `time >= ${bag.bind('ofrom', timeParam(readFrom))} AND time < ${bag.bind('oto', timeParam(readTo))}`;
  const combine = r.combine === 'max' ? 'max' : 'sum';
  return bag.toQuery(`SELECT ${combine}(v) AS v FROM (${inner}) WHERE ${outerTime} GROUP BY ${bucket}, ${groupTags} fill(null) ${slimit}`);
}

/**
 * The newest sample a chart's lines hold (the scrape frontier): its time is where the data ends, so
 * the last bucket is the mean of what it holds rather than counting time not yet scraped as zero.
 * The same series and time range as the chart, one point.
 */
export function chartNewestSampleQuery(r: ChartSeriesRequest): InfluxQuery {
  const bag = new ParamBag();
  const { readFrom, readTo } = chartBucketLayout(r.from, r.to, r.widthS, r.sampleStepMs);
  const field = quoteIdentifier(r.source.field);
  const measurement = quoteIdentifier(r.source.measurement);
  const levels =
    r.level === 'counted' ? countedSeriesCondition(bag, r.source, r.selection) : levelCondition(bag, r.level === 'container' ? r.source.containerLevel : r.source.nodeLevel);
  const time = `time >= ${bag.bind('from', timeParam(readFrom))} AND time < ${bag.bind('to', timeParam(readTo))}`;
  return bag.toQuery(`SELECT last(${field}) AS v FROM ${measurement} ${where(levels, namespaceCondition(bag, r.source, r.ns), time)}`);
}
