/**
 * Where each catalog metric lives when Telegraf fills the database (what `deploy/k8s` collects):
 * `inputs.kubernetes` (kubelet stats), `inputs.kube_inventory` (requests and limits, in the same
 * measurement; nodes' allocatable and capacity, in `kubernetes_node` beside the kubelet's node
 * figures), and GPU memory from NVIDIA dcgm-exporter scraped by `inputs.prometheus`
 * (`metric_version = 1`) or, without pod attribution, Telegraf's `inputs.nvidia_smi`.
 *
 * Telegraf writes no pod-level CPU or memory series (a pod is the sum of its containers), network
 * per pod only, and no namespace or cluster level. A metric Telegraf does not collect has no source
 * here: the API reports it absent rather than deriving a look-alike.
 */
import { LevelSelector, MetricSource, withTag } from './metric-source';

export const TELEGRAF_MEASUREMENTS = {
  podContainer: 'kubernetes_pod_container',
  podNetwork: 'kubernetes_pod_network',
  node: 'kubernetes_node',
  dcgmMemoryUsed: 'DCGM_FI_DEV_FB_USED',
  nvidiaSmi: 'nvidia_smi',
} as const;

/** Tag names of `inputs.kubernetes` and `inputs.kube_inventory`. */
export const TELEGRAF_TAGS: MetricSource['tags'] = {
  namespace: 'namespace',
  pod: 'pod_name',
  container: 'container_name',
  node: 'node_name',
};

/** dcgm-exporter and nvidia-smi report MiB; the catalog's `gpu/usage` is MB. */
export const MEGABYTES_PER_MEBIBYTE = 1.048576;

/** How GPU memory reaches the database, detected from it (see `detectTelegrafGpu`). */
export type TelegrafGpuCollector =
  /** dcgm-exporter with its Kubernetes mapping; its host label is `Hostname` (`hostname` since 2026-05). */
  | { kind: 'dcgm'; hostTag: 'Hostname' | 'hostname' }
  /** Telegraf's nvidia_smi input: per GPU and node, with no pod labels. */
  | { kind: 'nvidia_smi' };

export const DEFAULT_TELEGRAF_GPU: TelegrafGpuCollector = { kind: 'dcgm', hostTag: 'Hostname' };

interface FieldSpec {
  field: string;
  /** Stored value × scale = catalog unit. */
  scale?: number;
}

/** `inputs.kubernetes`, per container; pods are their containers summed. */
const CONTAINER_FIELDS: Record<string, FieldSpec> = {
  'cpu/usage_rate': { field: 'cpu_usage_nanocores', scale: 1e-6 },
  'cpu/usage': { field: 'cpu_usage_core_nanoseconds' },
  'memory/usage': { field: 'memory_usage_bytes' },
  'memory/working_set': { field: 'memory_working_set_bytes' },
  'memory/rss': { field: 'memory_rss_bytes' },
  'memory/page_faults': { field: 'memory_page_faults' },
  'memory/major_page_faults': { field: 'memory_major_page_faults' },
  // Bytes the container writes to its root filesystem; a pod's figure is its containers' sum.
  'filesystem/usage': { field: 'rootfs_used_bytes' },
};

/** `inputs.kube_inventory`, per container, written only when the container sets them. */
const INVENTORY_FIELDS: Record<string, FieldSpec> = {
  'cpu/request': { field: 'resource_requests_millicpu_units' },
  'cpu/limit': { field: 'resource_limits_millicpu_units' },
  'memory/request': { field: 'resource_requests_memory_bytes' },
  'memory/limit': { field: 'resource_limits_memory_bytes' },
};

/**
 * `inputs.kube_inventory` nodes, per node (each DaemonSet agent its own: `node_name` filters nodes
 * since Telegraf 1.29), in their own `kubernetes_node` series (tag `version`) beside the kubelet's.
 */
const NODE_FIELDS: Record<string, FieldSpec> = {
  'cpu/node_capacity': { field: 'capacity_millicpu_cores' },
  'cpu/node_allocatable': { field: 'allocatable_millicpu_cores' },
  'memory/node_capacity': { field: 'capacity_memory_bytes' },
  'memory/node_allocatable': { field: 'allocatable_memory_bytes' },
};

/** `inputs.kubernetes`, per pod (the kubelet reports network per pod, as Heapster did). */
const NETWORK_FIELDS: Record<string, FieldSpec> = {
  'network/rx': { field: 'rx_bytes' },
  'network/tx': { field: 'tx_bytes' },
  'network/rx_errors': { field: 'rx_errors' },
  'network/tx_errors': { field: 'tx_errors' },
};

/** Why the other catalog metrics have no Telegraf source (shown by the API's 404). */
export const TELEGRAF_ABSENT_REASONS: Readonly<Record<string, string>> = {
  'cpu/node_reservation': 'a ratio of requests to node allocatable, which Telegraf does not write',
  'cpu/node_utilization': 'a ratio of usage to node allocatable, which Telegraf does not write',
  'memory/node_reservation': 'a ratio of requests to node allocatable, which Telegraf does not write',
  'memory/node_utilization': 'a ratio of usage to node allocatable, which Telegraf does not write',
  'memory/cache': 'the kubelet stats Telegraf reads have no page-cache figure',
  'memory/page_faults_rate': 'Telegraf writes the cumulative page faults (memory/page_faults), not a rate',
  'memory/major_page_faults_rate': 'Telegraf writes the cumulative major page faults (memory/major_page_faults), not a rate',
  'network/rx_rate': 'Telegraf writes the cumulative bytes (network/rx), not a rate',
  'network/tx_rate': 'Telegraf writes the cumulative bytes (network/tx), not a rate',
  'network/rx_errors_rate': 'Telegraf writes the cumulative errors (network/rx_errors), not a rate',
  'network/tx_errors_rate': 'Telegraf writes the cumulative errors (network/tx_errors), not a rate',
  'filesystem/limit': "Telegraf's per-container rootfs capacity is the node's disk, which a per-pod sum would count once per container",
  'filesystem/available': "Telegraf's per-container rootfs free space is the node's disk, which a per-pod sum would count once per container",
  'filesystem/inodes': 'the kubelet stats Telegraf writes have no inode figures',
  'filesystem/inodes_free': 'the kubelet stats Telegraf writes have no inode figures',
  uptime: 'Telegraf writes no container start time',
};

function kubeletSource(metric: string, measurement: string, spec: FieldSpec, level: 'pod' | 'container', selector: LevelSelector): MetricSource {
  return {
    metric,
    measurement,
    field: spec.field,
    scale: spec.scale ?? 1,
    tags: TELEGRAF_TAGS,
    ...(level === 'pod' ? { podLevel: selector } : { containerLevel: selector }),
    // Every kubelet metric shares its measurement with others (one field each).
    sharedMeasurement: true,
  };
}

function gpuSource(gpu: TelegrafGpuCollector): MetricSource {
  if (gpu.kind === 'nvidia_smi') {
    // Per GPU and node only: usage per pod or namespace needs dcgm-exporter's pod mapping.
    return {
      metric: 'gpu/usage',
      measurement: TELEGRAF_MEASUREMENTS.nvidiaSmi,
      field: 'memory_used',
      scale: MEGABYTES_PER_MEBIBYTE,
      tags: { namespace: 'namespace', pod: 'pod', container: 'container', node: 'host' },
      nodeLevel: withTag('host'),
      sharedMeasurement: true,
    };
  }
  return {
    metric: 'gpu/usage',
    measurement: TELEGRAF_MEASUREMENTS.dcgmMemoryUsed,
    field: 'gauge',
    scale: MEGABYTES_PER_MEBIBYTE,
    tags: { namespace: 'namespace', pod: 'pod', container: 'container', node: gpu.hostTag },
    // A GPU in use carries the pod's labels; idle ones have none and belong to no pod.
    containerLevel: withTag('pod'),
    nodeLevel: withTag(gpu.hostTag),
  };
}

/** The Telegraf source of a catalog metric, or undefined when Telegraf does not collect it. */
export function telegrafSource(metric: string, gpu: TelegrafGpuCollector = DEFAULT_TELEGRAF_GPU): MetricSource | undefined {
  const container = CONTAINER_FIELDS[metric];
  if (container) return kubeletSource(metric, TELEGRAF_MEASUREMENTS.podContainer, container, 'container', withTag(TELEGRAF_TAGS.pod));
  const inventory = INVENTORY_FIELDS[metric];
  // A terminated container (a finished job's pod, still listed) reserves nothing: Heapster never saw it.
  if (inventory) return kubeletSource(metric, TELEGRAF_MEASUREMENTS.podContainer, inventory, 'container', { tag: 'state', value: 'terminated', op: '!=' });
  const network = NETWORK_FIELDS[metric];
  if (network) return kubeletSource(metric, TELEGRAF_MEASUREMENTS.podNetwork, network, 'pod', withTag(TELEGRAF_TAGS.pod));
  const node = NODE_FIELDS[metric];
  if (node) {
    // Node series only; the kubelet's series of the same measurement lack the field and are not read.
    return { metric, measurement: TELEGRAF_MEASUREMENTS.node, field: node.field, scale: 1, tags: TELEGRAF_TAGS, nodeLevel: withTag(TELEGRAF_TAGS.node), sharedMeasurement: true };
  }
  if (metric === 'gpu/usage') return gpuSource(gpu);
  return undefined;
}

/**
 * Which GPU collector the database holds: dcgm-exporter when its measurement is there (host label
 * by its tag keys), else nvidia-smi when that one is, else dcgm-exporter (what `deploy/k8s` sets up).
 */
export function detectTelegrafGpu(measurements: ReadonlySet<string>, dcgmTagKeys: ReadonlySet<string>): TelegrafGpuCollector {
  if (measurements.has(TELEGRAF_MEASUREMENTS.dcgmMemoryUsed)) {
    return { kind: 'dcgm', hostTag: !dcgmTagKeys.has('Hostname') && dcgmTagKeys.has('hostname') ? 'hostname' : 'Hostname' };
  }
  if (measurements.has(TELEGRAF_MEASUREMENTS.nvidiaSmi)) return { kind: 'nvidia_smi' };
  return DEFAULT_TELEGRAF_GPU;
}
