/**
 * The metric catalog: every metric of the original system's table (37 names),
 * with its unit, its kind and whether it counts for accounting ("main").
 *
 * `kind` drives the accounting (docs/accounting.md §4): gauges and rates are
 * integrated over time, cumulative counters are reported as their increase.
 */
export type MetricKind = 'gauge' | 'counter';

/** Units as stored in InfluxDB (Heapster schema). */
export type MetricUnit = 'millicores' | 'nanoseconds' | 'bytes' | 'megabytes' | 'count' | 'per_second' | 'bytes_per_second' | 'ratio' | 'milliseconds';

/** Storage level of a series (the Heapster `type` tag). */
export type SeriesLevel = 'pod_container' | 'pod' | 'ns' | 'node' | 'sys_container' | 'cluster';

export interface MetricDefinition {
  /** Metric name as in the URL and the Heapster measurement, e.g. `cpu/usage_rate`. */
  name: string;
  description: string;
  unit: MetricUnit;
  kind: MetricKind;
  /** Main metrics count for accounting (the seed's "main metrics"). */
  main: boolean;
  /** Levels at which Heapster writes the metric. */
  levels: readonly SeriesLevel[];
  /**
   * How a chart line of several series (a namespace's pods) combines them: `sum` (usage, bytes,
   * counts), or `max` where a sum means nothing (uptimes: a namespace's is its longest-running pod's).
   */
  combine: 'sum' | 'max';
}

const CONTAINER_POD_NODE: readonly SeriesLevel[] = ['pod_container', 'pod', 'node', 'sys_container'];
const ALL_LEVELS: readonly SeriesLevel[] = ['pod_container', 'pod', 'ns', 'node', 'sys_container', 'cluster'];
const REQUEST_LEVELS: readonly SeriesLevel[] = ['pod_container', 'pod', 'ns', 'node', 'cluster'];
const NODE_ONLY: readonly SeriesLevel[] = ['node'];
const POD_NODE: readonly SeriesLevel[] = ['pod', 'node'];
const FS_LEVELS: readonly SeriesLevel[] = ['pod_container', 'pod', 'node'];

function metric(
  name: string,
  description: string,
  unit: MetricUnit,
  kind: MetricKind,
  levels: readonly SeriesLevel[],
  main = false,
  combine: 'sum' | 'max' = 'sum',
): MetricDefinition {
  return { name, description, unit, kind, main, levels, combine };
}

export const METRIC_CATALOG: readonly MetricDefinition[] = [
  metric('cpu/limit', 'CPU hard limit in millicores.', 'millicores', 'gauge', REQUEST_LEVELS),
  metric('cpu/node_capacity', 'Cpu capacity of a node.', 'millicores', 'gauge', NODE_ONLY),
  metric('cpu/node_allocatable', 'Cpu allocatable of a node.', 'millicores', 'gauge', NODE_ONLY),
  metric('cpu/node_reservation', 'Share of cpu that is reserved on the node allocatable.', 'ratio', 'gauge', NODE_ONLY),
  metric('cpu/node_utilization', 'CPU utilization as a share of node allocatable.', 'ratio', 'gauge', NODE_ONLY),
  metric('cpu/request', 'CPU request (the guaranteed amount of resources) in millicores.', 'millicores', 'gauge', REQUEST_LEVELS),
  metric('cpu/usage', 'Cumulative CPU usage on all cores.', 'nanoseconds', 'counter', CONTAINER_POD_NODE),
  metric('cpu/usage_rate', 'CPU usage on all cores in millicores.', 'millicores', 'gauge', ALL_LEVELS, true),
  metric('filesystem/usage', 'Total number of bytes consumed on a filesystem.', 'bytes', 'gauge', FS_LEVELS),
  metric('filesystem/limit', 'The total size of filesystem in bytes.', 'bytes', 'gauge', FS_LEVELS),
  metric('filesystem/available', 'The number of available bytes remaining in a the filesystem', 'bytes', 'gauge', FS_LEVELS),
  metric('filesystem/inodes', 'The number of available inodes in a the filesystem', 'count', 'gauge', FS_LEVELS),
  metric('filesystem/inodes_free', 'The number of free inodes remaining in a the filesystem', 'count', 'gauge', FS_LEVELS),
  metric('gpu/usage', 'The usage of all gpus in megabytes.', 'megabytes', 'gauge', ['pod_container', 'pod', 'node'], true),
  metric('memory/limit', 'Memory hard limit in bytes.', 'bytes', 'gauge', REQUEST_LEVELS),
  metric('memory/major_page_faults', 'Number of major page faults.', 'count', 'counter', ['pod_container', 'pod', 'node']),
  metric('memory/major_page_faults_rate', 'Number of major page faults per second.', 'per_second', 'gauge', ['pod_container', 'pod', 'node']),
  metric('memory/node_capacity', 'Memory capacity of a node.', 'bytes', 'gauge', NODE_ONLY),
  metric('memory/node_allocatable', 'Memory allocatable of a node.', 'bytes', 'gauge', NODE_ONLY),
  metric('memory/node_reservation', 'Share of memory that is reserved on the node allocatable.', 'ratio', 'gauge', NODE_ONLY),
  metric('memory/node_utilization', 'Memory utilization as a share of memory allocatable.', 'ratio', 'gauge', NODE_ONLY),
  metric('memory/page_faults', 'Number of page faults.', 'count', 'counter', ['pod_container', 'pod', 'node']),
  metric('memory/page_faults_rate', 'Number of page faults per second.', 'per_second', 'gauge', ['pod_container', 'pod', 'node']),
  metric('memory/request', 'Memory request (the guaranteed amount of resources) in bytes.', 'bytes', 'gauge', REQUEST_LEVELS),
  metric('memory/usage', 'Total memory usage in bytes.', 'bytes', 'gauge', ALL_LEVELS, true),
  metric('memory/cache', 'Cache memory usage.', 'bytes', 'gauge', CONTAINER_POD_NODE),
  metric('memory/rss', 'RSS memory usage.', 'bytes', 'gauge', CONTAINER_POD_NODE),
  metric('memory/working_set', 'Total working set usage. Working set is the memory being used and not easily dropped by the kernel.', 'bytes', 'gauge', CONTAINER_POD_NODE),
  metric('network/rx', 'Cumulative number of bytes received over the network.', 'bytes', 'counter', POD_NODE),
  metric('network/rx_errors', 'Cumulative number of errors while receiving over the network.', 'count', 'counter', POD_NODE),
  metric('network/rx_errors_rate', 'Number of errors while receiving over the network per second.', 'per_second', 'gauge', POD_NODE),
  metric('network/rx_rate', 'Number of bytes received over the network per second.', 'bytes_per_second', 'gauge', POD_NODE),
  metric('network/tx', 'Cumulative number of bytes sent over the network', 'bytes', 'counter', POD_NODE),
  metric('network/tx_errors', 'Cumulative number of errors while sending over the network', 'count', 'counter', POD_NODE),
  metric('network/tx_errors_rate', 'Number of errors while sending over the network per second.', 'per_second', 'gauge', POD_NODE),
  metric('network/tx_rate', 'Number of bytes sent over the network per second.', 'bytes_per_second', 'gauge', POD_NODE),
  metric('uptime', 'Number of milliseconds since the container was started.', 'milliseconds', 'counter', ['pod_container', 'pod', 'node'], false, 'max'),
];

/** The seed's main metrics, in the order the sidebar shows them. */
export const MAIN_METRICS: readonly string[] = ['cpu/usage_rate', 'gpu/usage', 'memory/usage', 'uptime'];

const BY_NAME = new Map(METRIC_CATALOG.map((m) => [m.name, m]));

export function findMetric(name: string): MetricDefinition | undefined {
  return BY_NAME.get(name);
}

/**
 * Heapster's own GPU metric, in bytes. `gpu/usage` (MB) is the original site's metric;
 * when only `accelerator/memory_used` is stored, `gpu/usage` is read from it (÷ 1e6).
 */
export const HEAPSTER_GPU_METRIC = 'accelerator/memory_used';
