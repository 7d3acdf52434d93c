import type { NamespaceFilter, PodNodeSamples } from '@kube-monitoring/accounting';

import { quoteIdentifier } from '../identifiers';
import { ParamBag } from '../influx-query';
import { MetricSource } from '../metric-source';
import { levelCondition, namespaceCondition, timeRange, where } from '../queries/query-filters';
import { InfluxReads } from './influx-reads';

/** Which node each pod ran on: its samples per node over a period. */
export interface PodNodesReader {
  podNodes(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date): Promise<PodNodeSamples[]>;
}

/**
 * One count per (namespace, pod, node) series of a usage metric (its container series where the
 * schema has them: every schema tags those with the node): one point per series, however long the period.
 */
export class InfluxPodNodesReader implements PodNodesReader {
  constructor(private readonly influx: InfluxReads) {}

  async podNodes(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date): Promise<PodNodeSamples[]> {
    const bag = new ParamBag();
    const { namespace, pod, node } = source.tags;
    const text =
      `SELECT count(${quoteIdentifier(source.field)}) AS n FROM ${quoteIdentifier(source.measurement)} ` +
      `${where(levelCondition(bag, source.containerLevel ?? source.podLevel), namespaceCondition(bag, source, ns), timeRange(bag, from, to))} ` +
      `GROUP BY ${quoteIdentifier(namespace)}, ${quoteIdentifier(pod)}, ${quoteIdentifier(node)}`;
    const out: PodNodeSamples[] = [];
    for (const series of await this.influx.query(bag.toQuery(text))) {
      const tags = series.tags ?? {};
      const samples = Number(series.values?.[0]?.[1] ?? 0);
      const name = tags[node];
      if (tags[namespace] && tags[pod] && name && samples > 0) out.push({ namespace: tags[namespace], pod: tags[pod], node: name, samples });
    }
    return out;
  }
}
