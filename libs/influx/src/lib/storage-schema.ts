/**
 * The storage schemas the API reads, and which one a database holds. The API's answers keep the
 * seed's names whatever the schema: only the `MetricSource` of a metric changes.
 */
import { HEAPSTER_GPU_METRIC } from '@kube-monitoring/contract';

import { heapsterSource, MetricSource } from './metric-source';
import { TELEGRAF_MEASUREMENTS, TelegrafGpuCollector, telegrafSource } from './telegraf-sources';

export const STORAGE_SCHEMAS = ['heapster', 'telegraf'] as const;
export type StorageSchema = (typeof STORAGE_SCHEMAS)[number];

/** Measurements that only Heapster writes (its main metrics). */
const HEAPSTER_MARKERS = ['cpu/usage_rate', 'memory/usage'];

/**
 * Heapster when its measurements are there, Telegraf when only the kubelet input's are, Heapster
 * for an empty database (nothing to read either way; the original deployment's schema).
 */
export function detectStorageSchema(measurements: ReadonlySet<string>): StorageSchema {
  if (HEAPSTER_MARKERS.some((m) => measurements.has(m))) return 'heapster';
  if (measurements.has(TELEGRAF_MEASUREMENTS.podContainer)) return 'telegraf';
  return 'heapster';
}

/**
 * A metric stored the Heapster way. `gpu/usage` (MB, the original site's metric) is read from
 * Heapster's `accelerator/memory_used` (bytes) when only that one is stored.
 */
export function heapsterSourceFor(metric: string, measurements: ReadonlySet<string>): MetricSource {
  if (metric === 'gpu/usage' && !measurements.has(metric) && measurements.has(HEAPSTER_GPU_METRIC)) {
    return heapsterSource(metric, HEAPSTER_GPU_METRIC, 1e-6);
  }
  return heapsterSource(metric);
}

/** What a schema needs to know about the database to map a metric. */
export interface SchemaContext {
  measurements: ReadonlySet<string>;
  gpu: TelegrafGpuCollector;
}

/** The source of a catalog metric in a schema; undefined when that schema's collector does not gather it. */
export function metricSourceFor(schema: StorageSchema, metric: string, context: SchemaContext): MetricSource | undefined {
  return schema === 'heapster' ? heapsterSourceFor(metric, context.measurements) : telegrafSource(metric, context.gpu);
}
