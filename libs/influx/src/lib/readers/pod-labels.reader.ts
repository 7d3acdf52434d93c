/**
 * Pods' Kubernetes labels as the collectors store them beside the samples:
 *
 * - Heapster: the `labels` tag of pod and container series, `key:value` pairs joined by `,` (its
 *   default `--label_separator`). Keys hold no `:`; a value is the rest of the pair, `:` and all.
 * - Telegraf `inputs.kubernetes`: each label chosen by `label_include`/`label_exclude` as a tag of its
 *   own on the pod's container series. Every tag of such a series that is not one the plugin or the
 *   agent sets is a label, so a global tag of the agent (`[global_tags]`) would read as one too.
 *
 * One point per series either way (`last()` without `GROUP BY time`), however long the period.
 */
import type { NamespaceFilter, PodLabelObservation } from '@kube-monitoring/accounting';

import { quoteIdentifier } from '../identifiers';
import { ParamBag } from '../influx-query';
import { MetricSource, withTag } from '../metric-source';
import { levelCondition, namespaceCondition, timeRange, where } from '../queries/query-filters';
import { StorageSchema } from '../storage-schema';
import { InfluxReads } from './influx-reads';

/** Heapster's tag holding a pod's labels. */
export const HEAPSTER_LABELS_TAG = 'labels';

/**
 * The tags of Telegraf's container series that are not pod labels, besides the identity tags of the
 * source: the pod spec's `image` and `version` (Telegraf 1.27+) and the agent's `host`.
 */
export const TELEGRAF_NON_LABEL_TAGS: readonly string[] = ['host', 'image', 'version'];

/** A Heapster `labels` tag as a label set: split at `,`, each pair at its first `:`; pairs without a key are left out. */
export function parseHeapsterLabels(text: string): Record<string, string> {
  const entries: [string, string][] = [];
  for (const pair of text.split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) entries.push([pair.slice(0, colon), pair.slice(colon + 1)]);
  }
  // fromEntries: a key such as `__proto__` is a label like any other.
  return Object.fromEntries(entries);
}

/** The labels among a Telegraf series' tags: those neither the source's identity tags nor the agent's; empty values are absent tags. */
export function telegrafLabelsOf(tags: Readonly<Record<string, string>>, source: MetricSource): Record<string, string> {
  const known = new Set([...Object.values(source.tags), ...TELEGRAF_NON_LABEL_TAGS]);
  return Object.fromEntries(Object.entries(tags).filter(([key, value]) => value !== '' && !known.has(key)));
}

/** Which labels each pod had over a period. */
export interface PodLabelsReader {
  /**
   * Per series of the pods of `source` (a usage metric's; `cpu/usage_rate` is what the ledger rolls)
   * in [from, to), its labels and the time of its last sample. Series without labels are left out.
   */
  podLabels(schema: StorageSchema, source: MetricSource, ns: NamespaceFilter, from: Date, to: Date): Promise<PodLabelObservation[]>;
}

export class InfluxPodLabelsReader implements PodLabelsReader {
  constructor(private readonly influx: InfluxReads) {}

  async podLabels(schema: StorageSchema, source: MetricSource, ns: NamespaceFilter, from: Date, to: Date): Promise<PodLabelObservation[]> {
    const bag = new ParamBag();
    const { namespace, pod } = source.tags;
    // Every series of a pod (Heapster's `type=pod` and `type=pod_container` both carry the labels), none of a namespace or node.
    const conditions = where(levelCondition(bag, withTag(pod)), namespaceCondition(bag, source, ns), timeRange(bag, from, to));
    // Telegraf: GROUP BY * gives each series with all its tags (the labels among them); the inventory's
    // series of the same measurement lack the usage field and give no row.
    const groupBy = schema === 'heapster' ? [namespace, pod, HEAPSTER_LABELS_TAG].map(quoteIdentifier).join(', ') : '*';
    const text = `SELECT last(${quoteIdentifier(source.field)}) AS v FROM ${quoteIdentifier(source.measurement)} ${conditions} GROUP BY ${groupBy}`;
    const out: PodLabelObservation[] = [];
    for (const series of await this.influx.query(bag.toQuery(text))) {
      const tags = series.tags ?? {};
      const row = series.values?.[0];
      const atMs = Number(row?.[0]);
      if (!tags[namespace] || !tags[pod] || row?.[1] === null || row?.[1] === undefined || !Number.isFinite(atMs)) continue;
      const labels = schema === 'heapster' ? parseHeapsterLabels(tags[HEAPSTER_LABELS_TAG] ?? '') : telegrafLabelsOf(tags, source);
      if (Object.keys(labels).length > 0) out.push({ namespace: tags[namespace], pod: tags[pod], labels, atMs });
    }
    return out;
  }
}
