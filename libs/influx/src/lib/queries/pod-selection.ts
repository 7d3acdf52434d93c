import type { ContainerPodSelection, NamespaceFilter } from '@kube-monitoring/accounting';

import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';
import { MetricSource } from '../metric-source';
import { levelCondition, namespaceCondition, timeRange, where } from './query-filters';

/** Tag condition selecting the pods of a selection (an index lookup in InfluxDB, not a data scan). */
export function podSelectionCondition(bag: ParamBag, source: MetricSource, selection: ContainerPodSelection): string | undefined {
  const nsTag = quoteIdentifier(source.tags.namespace);
  const podTag = quoteIdentifier(source.tags.pod);
  if (selection.mode === 'include') {
    // An empty list selects nothing; a pair that can never match keeps it a valid query.
    const pods = selection.pods.length > 0 ? selection.pods : [{ namespace: '', pod: '' }];
    return `(${pods.map((p) => `(${nsTag} = ${bag.bind('ins', p.namespace)} AND ${podTag} = ${bag.bind('ipod', p.pod)})`).join(' OR ')})`;
  }
  if (selection.pods.length === 0) return undefined;
  return selection.pods.map((p) => `(${nsTag} != ${bag.bind('xns', p.namespace)} OR ${podTag} != ${bag.bind('xpod', p.pod)})`).join(' AND ');
}

/**
 * Series that count each pod once: its pod-level series, or (for the selected pods) its containers
 * and never its pod-level series too — a selected pod's own series may still have samples next to the
 * period (it stopped just before), and summed with its containers they would count it twice at that step.
 */
export function countedSeriesCondition(bag: ParamBag, source: MetricSource, selection: ContainerPodSelection | undefined): string | undefined {
  let pod = levelCondition(bag, source.podLevel);
  let containers: string | undefined;
  if (selection && source.containerLevel) {
    const level = levelCondition(bag, source.containerLevel);
    const pods = podSelectionCondition(bag, source, selection);
    containers = pods ? `(${level} AND ${pods})` : level;
    const others = podSelectionCondition(bag, source, { mode: selection.mode === 'include' ? 'exclude' : 'include', pods: selection.pods });
    if (pod && others) pod = `(${pod} AND ${others})`;
  }
  if (pod && containers) return `(${pod} OR ${containers})`;
  return pod ?? containers;
}

/**
 * Series keys of one level that have data in shards overlapping [from, to): an index lookup that
 * leaves out pods of long ago, unlike a plain SHOW SERIES.
 */
export function levelSeriesKeysQuery(source: MetricSource, level: { tag: string; value: string }, ns: NamespaceFilter, from: Date, to: Date): InfluxQuery {
  const bag = new ParamBag();
  const text = `SHOW SERIES FROM ${quoteIdentifier(source.measurement)} ${where(levelCondition(bag, level), namespaceCondition(bag, source, ns), timeRange(bag, from, to))}`;
  return bag.toQuery(text);
}
