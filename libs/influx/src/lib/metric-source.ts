/**
 * Where a catalog metric is stored: measurement, field, the tags that carry the pod identity and
 * how to select a level. The API speaks the seed's names (`namespace_name`, `pod_name`, …) whatever
 * the storage schema; this mapping is the one place that knows the storage names.
 */
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
   * How to select pod-level and container-level series: a tag and its value (Heapster's `type`),
   * or `undefined` when the measurement holds one level only.
   */
  podLevel?: { tag: string; value: string };
  containerLevel?: { tag: string; value: string };
  nodeLevel?: { tag: string; value: string };
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
