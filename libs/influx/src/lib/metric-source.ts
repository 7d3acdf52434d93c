/**
 * Where a catalog metric is stored: measurement, field, the tags that carry the pod identity and
 * how to select a level. The API speaks the seed's names (`namespace_name`, `pod_name`, …) whatever
 * the storage schema; this mapping is the one place that knows the storage names.
 */
/**
 * A level's series: those whose tag equals a value (Heapster's `type`), or, with `op: '!='` and an
 * empty value, every series that carries the tag (a measurement written at one level only, e.g.
 * Telegraf's `kubernetes_pod_container`, where it also leaves out dcgm-exporter's idle GPUs).
 */
export interface LevelSelector {
  tag: string;
  value: string;
  /** Default `=`. */
  op?: '=' | '!=';
}

export interface MetricSource {
  /** Catalog name, e.g. `cpu/usage_rate`. */
  metric: string;
  measurement: string;
  field: string;
  /** Stored value × scale = value in the catalog unit (e.g. bytes → MB is 1e-6). */
  scale: number;
  tags: {
    namespace: string;
    pod: string;
    container: string;
    node: string;
  };
  /**
   * How to select pod-level, container-level and node-level series (Heapster: the `type` tag);
   * `undefined` when the schema has no series at that level (Telegraf: pods are the sum of their
   * containers, network is written per pod only).
   */
  podLevel?: LevelSelector;
  containerLevel?: LevelSelector;
  nodeLevel?: LevelSelector;
  /**
   * The measurement also holds other metrics' fields (Telegraf's `kubernetes_pod_container`): points
   * without this field belong to other metrics, so raw reads select the field and the tags only.
   */
  sharedMeasurement?: boolean;
}

/** Series carrying `tag` (`"tag" != ''` in InfluxQL: an index lookup). */
export function withTag(tag: string): LevelSelector {
  return { tag, value: '', op: '!=' };
}

export const HEAPSTER_TAGS: MetricSource['tags'] = {
  namespace: 'namespace_name',
  pod: 'pod_name',
  container: 'container_name',
  node: 'nodename',
};

/** A catalog metric stored the Heapster way: measurement = metric name, field `value`, tag `type`. */
export function heapsterSource(metric: string, measurement = metric, scale = 1): MetricSource {
  return {
    metric,
    measurement,
    field: 'value',
    scale,
    tags: HEAPSTER_TAGS,
    podLevel: { tag: 'type', value: 'pod' },
    containerLevel: { tag: 'type', value: 'pod_container' },
    nodeLevel: { tag: 'type', value: 'node' },
  };
}
