import { MetricSamples, NodeSamples, SampleCounts, UsageSampleStore } from '@kube-monitoring/accounting';
import { MetricSource } from '@kube-monitoring/influx';

/** Injection tokens of the readers the services read the metrics database through. */
export const RAW_POINTS_READER = Symbol('RAW_POINTS_READER');
export const CATALOG_READER = Symbol('CATALOG_READER');
export const NAMESPACES_READER = Symbol('NAMESPACES_READER');
export const CHART_SERIES_READER = Symbol('CHART_SERIES_READER');
export const USAGE_SAMPLES = Symbol('USAGE_SAMPLES');
export const STORE_PING = Symbol('STORE_PING');

/** The usage computation's samples: by catalog name, or for a metric already resolved. */
export interface SourceSampleStore extends UsageSampleStore {
  forSource(source: MetricSource): MetricSamples & SampleCounts & NodeSamples;
}

/** Whether the metrics database answers. */
export interface StorePing {
  ping(): Promise<boolean>;
}

/** How many GPUs each node has (GPU Feature Discovery's labels). */
export const NODE_GPUS_READER = Symbol('NODE_GPUS_READER');

/** Which node each pod ran on (its samples per node). */
export const POD_NODES_READER = Symbol('POD_NODES_READER');

/** Which labels each pod had (Heapster's `labels` tag, Telegraf's label tags). */
export const POD_LABELS_READER = Symbol('POD_LABELS_READER');
