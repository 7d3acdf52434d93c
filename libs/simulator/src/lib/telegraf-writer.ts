/**
 * What a Telegraf DaemonSet of today writes for the same cluster (the collector of `deploy/k8s`):
 *
 * - `inputs.kubernetes` (kubelet `/stats/summary`): `kubernetes_pod_container` per container,
 *   `kubernetes_pod_network` per pod, `kubernetes_node` per node, and optionally
 *   `kubernetes_system_container`. All fields are integers; there is no pod-level series for CPU or
 *   memory (a pod is the sum of its containers) and no namespace or cluster level at all.
 * - `inputs.kube_inventory`: requests and limits as separate points of `kubernetes_pod_container`,
 *   with the inventory's own tags (`phase`, `state`, `readiness`) and without the usage fields.
 * - `inputs.kube_inventory` nodes (Telegraf 1.29+ filters them by `node_name` too): allocatable and
 *   capacity CPU and memory as `kubernetes_node` points tagged `node_name` and `version`.
 * - NVIDIA dcgm-exporter scraped by `inputs.prometheus` (metric_version = 1):
 *   `DCGM_FI_DEV_FB_USED`, field `gauge`, framebuffer memory in MiB per GPU, with the labels of
 *   the pod using it (`namespace`, `pod`, `container`). A MIG instance carries its parent GPU's
 *   `gpu` and `UUID` plus `GPU_I_PROFILE` and `GPU_I_ID`; a HAMi-shared GPU is reported per pod
 *   (dcgm-exporter's `--kubernetes-virtual-gpus`: each pod's own memory).
 * - kube-state-metrics scraped by `inputs.prometheus` (metric_version = 1), kept only for GPU
 *   resources (`resource` = `nvidia_com_*`): `kube_pod_container_resource_requests` per container,
 *   `kube_node_status_allocatable` per node, and `kube_node_labels` (GPU Feature Discovery's
 *   `nvidia.com/gpu.count`, `gpu.product`, `mig.strategy`, allowlisted) per GPU node; field `gauge`.
 *
 * Pod labels chosen by `label_include`/`label_exclude` (none by default, as the plugin's defaults and
 * `deploy/k8s` have it) are tags of the pod's `inputs.kubernetes` series, container and network.
 *
 * The agent adds `host` (the node's name in the DaemonSet) to everything. Values come from the same
 * samples as Heapster's, so the ground truth is unchanged: `cpu_usage_nanocores` = millicores × 1e6
 * exactly, bytes are bytes, GPU MiB = MB ÷ 1.048576 rounded to whole MiB as DCGM reports them.
 * Series keys are built once per entity with `Point` (its sorting and escaping), then reused.
 */
import { sanitizeResourceName } from '@kube-monitoring/contract';

import type { ContainerSpec, NodeSpec, PodSpec } from './cluster-model';
import { deviceMegabytes, gpuUuid } from './gpu-devices';
import { seriesKey } from './heapster-writer';
import type { ContainerSample, FilesystemSample, NodeSample, PodSample, SysContainerSample } from './samples';
import type { SchemaWriter } from './schema-writer';

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { floor, round } = Math;

/** Measurement names Telegraf and dcgm-exporter write (what `METRICS_SCHEMA=telegraf` reads). */
export const TELEGRAF_MEASUREMENTS = {
  podContainer: 'kubernetes_pod_container',
  podNetwork: 'kubernetes_pod_network',
  node: 'kubernetes_node',
  systemContainer: 'kubernetes_system_container',
  gpuMemoryUsed: 'DCGM_FI_DEV_FB_USED',
  podResourceRequests: 'kube_pod_container_resource_requests',
  nodeAllocatable: 'kube_node_status_allocatable',
  nodeLabels: 'kube_node_labels',
} as const;

/** GFD node labels kube-state-metrics is allowed to export (`--metric-labels-allowlist=nodes=[…]`). */
export const KSM_NODE_LABELS = ['nvidia.com/gpu.count', 'nvidia.com/gpu.product', 'nvidia.com/mig.strategy'] as const;

/** The kubelet version the inventory reports (kube-proxy's image is the same release). */
const KUBELET_VERSION = 'v1.29.2';

/** MiB in one MB: dcgm-exporter reports framebuffer memory in MiB, the catalog's `gpu/usage` is MB. */
export const MEGABYTES_PER_MEBIBYTE = 1.048576;

export interface TelegrafWriterOptions {
  /** Also write `kubernetes_system_container` (the deploy config drops it). Default false. */
  systemContainers?: boolean;
  /** Also write the kube_inventory points: containers' requests and limits, nodes' allocatable and capacity. Default true. */
  inventory?: boolean;
  /** Also write kube-state-metrics' GPU requests, GPU allocatable and GPU node labels. Default: as `inventory`. */
  kubeStateMetrics?: boolean;
  /** The agent (`host`) that scrapes kube-state-metrics: the node it runs on. Default `node-1`. */
  kubeStateMetricsHost?: string;
  /** Also write dcgm-exporter's `DCGM_FI_DEV_FB_USED` for GPU containers. Default true. */
  gpu?: boolean;
  /** dcgm-exporter's host label: `Hostname` until 2026-05, `hostname` since. Default `Hostname`. */
  dcgmHostLabel?: 'Hostname' | 'hostname';
  /**
   * `inputs.kubernetes`' `label_include` and `label_exclude`: globs (`*`, `?`) of the pod labels written
   * as tags. Defaults `[]` and `["*"]`, the plugin's: no label. `labelExclude: []` writes every label.
   */
  labelInclude?: readonly string[];
  labelExclude?: readonly string[];
}

/** The kubelet's names for Heapster's system containers (Heapster renamed them). */
const SYSTEM_CONTAINER_NAMES: Record<string, string> = { kubelet: 'kubelet', 'docker-daemon': 'runtime', system: 'misc' };

/** Container logs grow by this many bytes per second of uptime (only to fill `logsfs_used_bytes`). */
const LOG_BYTES_PER_SECOND = 40;

type Tags = Record<string, string>;
type Fields = [name: string, value: string][];

/** Integer field: Telegraf writes every kubelet figure as int64 (`i` in line protocol). */
function int(value: number): string {
  return `${round(value)}i`;
}

/** Millicore-seconds as nanoseconds, exact beyond 2^53 (appending zeros instead of multiplying). */
function nanos(millicoreSeconds: number): string {
  const v = round(millicoreSeconds);
  return v === 0 ? '0i' : `${v}000000i`;
}

/** `name:tag` split the way the inventory reports it (`image`, `version`); a registry port is not a tag. */
export function splitImage(image: string): { image: string; version: string | undefined } {
  const colon = image.lastIndexOf(':');
  if (colon <= image.lastIndexOf('/')) return { image, version: undefined };
  return { image: image.slice(0, colon), version: image.slice(colon + 1) };
}

/** A Telegraf filter glob (gobwas/glob without separators: `*` any run, `?` one character) as a test. */
function globTest(patterns: readonly string[]): ((name: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const escape = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const alternatives = patterns.map((p) => escape(p).replace(/\*/g, '.*').replace(/\?/g, '.'));
  const re = new RegExp(`^(?:${alternatives.join('|')})$`, 's');
  return (name) => re.test(name);
}

/**
 * Telegraf's `filter.NewIncludeExcludeFilter`: with an include list a name must match it, with an
 * exclude list it must not match that one (an empty list passes everything).
 */
export function labelFilter(include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const included = globTest(include);
  const excluded = globTest(exclude);
  return (name) => (included ? included(name) : true) && !(excluded ? excluded(name) : false);
}

/** Fields sorted by name (as Telegraf's serializer and `Point` write them), joined. */
function fieldSet(fields: Fields): string {
  return fields
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join(',');
}

function usageFields(s: ContainerSample | SysContainerSample | NodeSample): Fields {
  return [
    ['cpu_usage_core_nanoseconds', nanos(s.cpuUsageMillicoreSeconds)],
    ['cpu_usage_nanocores', s.cpuMillicores === 0 ? '0i' : `${round(s.cpuMillicores)}000000i`],
    ['memory_major_page_faults', int(s.majorPageFaults)],
    ['memory_page_faults', int(s.pageFaults)],
    ['memory_rss_bytes', int(s.rssBytes)],
    ['memory_usage_bytes', int(s.memoryBytes)],
    ['memory_working_set_bytes', int(s.workingSetBytes)],
  ];
}

function rootfsFields(fs: FilesystemSample, withUsed: boolean): Fields {
  const fields: Fields = [
    ['rootfs_available_bytes', int(fs.availableBytes)],
    ['rootfs_capacity_bytes', int(fs.capacityBytes)],
  ];
  if (withUsed) fields.push(['rootfs_used_bytes', int(fs.usageBytes)]);
  return fields;
}

/** Logs live on the node's filesystem, like the rootfs: same capacity and free space (as in the plugin's example). */
function logsFields(fs: FilesystemSample, usedBytes: number | undefined): Fields {
  const fields: Fields = [
    ['logsfs_available_bytes', int(fs.availableBytes)],
    ['logsfs_capacity_bytes', int(fs.capacityBytes)],
  ];
  if (usedBytes !== undefined) fields.push(['logsfs_used_bytes', int(usedBytes)]);
  return fields;
}

interface ContainerKeys {
  usage: string;
  inventory: string;
  /** One `DCGM_FI_DEV_FB_USED` series key per GPU device of the container. */
  gpus: string[];
  /** `kube_pod_container_resource_requests` series keys and values (GPU resources the container requests). */
  requests: Array<[key: string, value: number]>;
}

interface NodeKeys {
  usage: string;
  inventory: string;
  /** kube-state-metrics lines without their timestamp (they do not change). */
  kubeStateMetrics: string[];
}

export class TelegrafWriter implements SchemaWriter {
  readonly schema = 'telegraf';
  readonly precision = 's' as const;
  readonly writesNodes = true;
  private readonly systemContainers: boolean;
  private readonly inventory: boolean;
  private readonly kubeStateMetrics: boolean;
  private readonly kubeStateMetricsHost: string;
  private readonly gpu: boolean;
  private readonly dcgmHostLabel: 'Hostname' | 'hostname';
  private readonly keepsLabel: (name: string) => boolean;
  private readonly containerKeys = new WeakMap<ContainerSpec, ContainerKeys>();
  private readonly networkKeys = new WeakMap<PodSpec, string>();
  private readonly nodeKeys = new WeakMap<NodeSpec, NodeKeys>();
  private readonly sysKeys = new WeakMap<ContainerSpec, string>();

  constructor(options: TelegrafWriterOptions = {}) {
    this.systemContainers = options.systemContainers ?? false;
    this.inventory = options.inventory ?? true;
    this.kubeStateMetrics = options.kubeStateMetrics ?? this.inventory;
    this.kubeStateMetricsHost = options.kubeStateMetricsHost ?? 'node-1';
    this.gpu = options.gpu ?? true;
    this.dcgmHostLabel = options.dcgmHostLabel ?? 'Hostname';
    this.keepsLabel = labelFilter(options.labelInclude ?? [], options.labelExclude ?? ['*']);
  }

  writePod(sample: PodSample, out: string[]): void {
    const pod = sample.pod;
    const ts = ` ${sample.time}`;
    for (const container of sample.containers) {
      const keys = this.keysOf(pod, container.spec);
      out.push(
        `${keys.usage} ${fieldSet([
          ...usageFields(container),
          ...rootfsFields(container.rootfs, true),
          ...logsFields(container.rootfs, floor(container.uptimeMs / 1000) * LOG_BYTES_PER_SECOND),
        ])}${ts}`,
      );
      if (this.inventory) out.push(`${keys.inventory} ${fieldSet(inventoryFields(container))}${ts}`);
      if (this.gpu) writeGpuMemory(keys.gpus, container, ts, out);
      if (this.kubeStateMetrics) for (const [key, value] of keys.requests) out.push(`${key} gauge=${value}${ts}`);
    }
    let network = this.networkKeys.get(pod);
    if (network === undefined) {
      network = seriesKey(TELEGRAF_MEASUREMENTS.podNetwork, {
        host: pod.node.name,
        namespace: pod.namespace,
        node_name: pod.node.name,
        pod_name: pod.name,
        ...this.labelTags(pod),
      });
      this.networkKeys.set(pod, network);
    }
    const n = sample.network;
    out.push(
      `${network} ${fieldSet([
        ['rx_bytes', int(n.rxBytes)],
        ['rx_errors', int(n.rxErrors)],
        ['tx_bytes', int(n.txBytes)],
        ['tx_errors', int(n.txErrors)],
      ])}${ts}`,
    );
  }

  writeNode(sample: NodeSample, out: string[]): void {
    const node = sample.node;
    const ts = ` ${sample.time}`;
    let keys = this.nodeKeys.get(node);
    if (keys === undefined) {
      keys = {
        usage: seriesKey(TELEGRAF_MEASUREMENTS.node, { host: node.name, node_name: node.name }),
        inventory: seriesKey(TELEGRAF_MEASUREMENTS.node, { host: node.name, node_name: node.name, version: KUBELET_VERSION }),
        kubeStateMetrics: kubeStateMetricsNodeLines(node, this.kubeStateMetricsHost),
      };
      this.nodeKeys.set(node, keys);
    }
    const fs = sample.rootfs;
    const n = sample.network;
    out.push(
      `${keys.usage} ${fieldSet([
        ...usageFields(sample),
        // The kubelet's "available": capacity minus working set (what eviction looks at).
        ['memory_available_bytes', int(Math.max(0, sample.node.memoryCapacityBytes - sample.workingSetBytes))],
        ['network_rx_bytes', int(n.rxBytes)],
        ['network_rx_errors', int(n.rxErrors)],
        ['network_tx_bytes', int(n.txBytes)],
        ['network_tx_errors', int(n.txErrors)],
        ['fs_available_bytes', int(fs.availableBytes)],
        ['fs_capacity_bytes', int(fs.capacityBytes)],
        ['fs_used_bytes', int(fs.usageBytes)],
        // Images share the node's filesystem; the simulator counts them in its base usage.
        ['runtime_image_fs_available_bytes', int(fs.availableBytes)],
        ['runtime_image_fs_capacity_bytes', int(fs.capacityBytes)],
        ['runtime_image_fs_used_bytes', int(node.fsBaseUsedBytes)],
      ])}${ts}`,
    );
    if (this.inventory) {
      // Only the fields the deploy config keeps (its fieldinclude); cores are truncated, as the plugin's int64(cores).
      out.push(
        `${keys.inventory} ${fieldSet([
          ['allocatable_cpu_cores', int(floor(sample.cpuAllocatableMillicores / 1000))],
          ['allocatable_millicpu_cores', int(sample.cpuAllocatableMillicores)],
          ['allocatable_memory_bytes', int(sample.memoryAllocatableBytes)],
          ['capacity_cpu_cores', int(floor(sample.cpuCapacityMillicores / 1000))],
          ['capacity_millicpu_cores', int(sample.cpuCapacityMillicores)],
          ['capacity_memory_bytes', int(sample.memoryCapacityBytes)],
        ])}${ts}`,
      );
    }
    if (this.kubeStateMetrics) for (const line of keys.kubeStateMetrics) out.push(`${line}${ts}`);
    if (!this.systemContainers) return;
    for (const sys of sample.sysContainers) {
      let sysKey = this.sysKeys.get(sys.spec);
      if (sysKey === undefined) {
        sysKey = seriesKey(TELEGRAF_MEASUREMENTS.systemContainer, {
          container_name: SYSTEM_CONTAINER_NAMES[sys.spec.name] ?? sys.spec.name,
          host: node.name,
          node_name: node.name,
        });
        this.sysKeys.set(sys.spec, sysKey);
      }
      // The plugin writes no used bytes for system containers (its code, not its README).
      out.push(`${sysKey} ${fieldSet([...usageFields(sys), ...rootfsFields(fs, false), ...logsFields(fs, undefined)])}${ts}`);
    }
  }

  /** Telegraf has no namespace level (namespaces are the sum of their pods): nothing to write. */
  writeNamespace(): void {
    return;
  }

  /** Nor a cluster level. */
  writeCluster(): void {
    return;
  }

  /** The pod's labels the filter keeps, as tags; set after the plugin's own tags, as the plugin does (a label may overwrite one). */
  private labelTags(pod: PodSpec): Tags {
    const tags: Tags = {};
    for (const [key, value] of labelsOf(pod.labels)) if (value !== '' && this.keepsLabel(key)) tags[key] = value;
    return tags;
  }

  private keysOf(pod: PodSpec, spec: ContainerSpec): ContainerKeys {
    let keys = this.containerKeys.get(spec);
    if (keys) return keys;
    const { image, version } = splitImage(spec.image);
    const identity = { container_name: spec.name, host: pod.node.name, namespace: pod.namespace, node_name: pod.node.name, pod_name: pod.name };
    const withImage: Tags = { ...identity, image, ...(version === undefined ? {} : { version }) };
    // The kubelet input's series only: kube_inventory writes no pod labels.
    const withLabels: Tags = { ...withImage, ...this.labelTags(pod) };
    const gpu = spec.gpu;
    const ksm = { container: spec.name, host: this.kubeStateMetricsHost, namespace: pod.namespace, node: pod.node.name, pod: pod.name, unit: 'integer' };
    keys = {
      usage: seriesKey(TELEGRAF_MEASUREMENTS.podContainer, withLabels),
      // The inventory's own tags: a running, ready container (the simulator's pods are never pending).
      inventory: seriesKey(TELEGRAF_MEASUREMENTS.podContainer, { ...withImage, phase: 'Running', readiness: 'ready', state: 'running' }),
      gpus: gpu
        ? Array.from({ length: gpu.devices }, (_, device) => {
            const placed = gpu.placement?.[device];
            return seriesKey(TELEGRAF_MEASUREMENTS.gpuMemoryUsed, {
              [this.dcgmHostLabel]: pod.node.name,
              // A MIG instance: its parent GPU's index and UUID, and the instance (dcgm-exporter's labels).
              UUID: placed ? placed.uuid : gpuUuid(spec.id, device),
              ...(placed?.mig ? { GPU_I_ID: String(placed.mig.instanceId), GPU_I_PROFILE: placed.mig.profile } : {}),
              container: spec.name,
              gpu: String(placed ? placed.index : device),
              host: pod.node.name,
              modelName: gpu.model,
              namespace: pod.namespace,
              pod: pod.name,
            });
          })
        : [],
      // kube-state-metrics' sanitised resource names; the deploy config keeps only the GPU ones.
      requests: Object.entries(spec.extendedRequests ?? {})
        .filter(([resource]) => isNvidiaResource(resource))
        .map(([resource, value]) => [seriesKey(TELEGRAF_MEASUREMENTS.podResourceRequests, { ...ksm, resource: sanitizeResourceName(resource) }), value]),
    };
    this.containerKeys.set(spec, keys);
    return keys;
  }
}

/** What the deploy config's `tagpass` on `resource` keeps: `nvidia_com_*`. */
function isNvidiaResource(resource: string): boolean {
  return sanitizeResourceName(resource).startsWith('nvidia_com_');
}

/** A node's or pod's `key:value,…` labels (Heapster's `labels` tag) as a map. */
function labelsOf(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const pair of text.split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) labels.set(pair.slice(0, colon), pair.slice(colon + 1));
  }
  return labels;
}

/**
 * kube-state-metrics' GPU lines of a node, without timestamp: `kube_node_status_allocatable` per GPU
 * resource the device plugin advertises, and `kube_node_labels` with the allowlisted GFD labels
 * (`label_` + sanitised key). Nodes without GPUs have neither (the deploy config's tagpass drops them).
 */
function kubeStateMetricsNodeLines(node: NodeSpec, host: string): string[] {
  const lines = Object.entries(node.gpuAllocatable)
    .filter(([resource]) => isNvidiaResource(resource))
    .map(
      ([resource, value]) =>
        `${seriesKey(TELEGRAF_MEASUREMENTS.nodeAllocatable, { host, node: node.name, resource: sanitizeResourceName(resource), unit: 'integer' })} gauge=${value}`,
    );
  const labels = labelsOf(node.labels);
  const tags: Tags = {};
  for (const key of KSM_NODE_LABELS) {
    const value = labels.get(key);
    if (value !== undefined) tags[`label_${sanitizeResourceName(key)}`] = value;
  }
  if (Object.keys(tags).length > 0) lines.push(`${seriesKey(TELEGRAF_MEASUREMENTS.nodeLabels, { ...tags, host, node: node.name })} gauge=1`);
  return lines;
}

/** kube_inventory writes a request or limit only when the container sets it (the simulator's 0 = unset). */
function inventoryFields(container: ContainerSample): Fields {
  const fields: Fields = [
    ['restarts_total', '0i'],
    ['state_code', '0i'],
  ];
  const add = (name: string, value: number) => {
    if (value > 0) fields.push([name, int(value)]);
  };
  add('resource_requests_millicpu_units', container.cpuRequestMillicores);
  add('resource_requests_memory_bytes', container.memoryRequestBytes);
  add('resource_limits_millicpu_units', container.cpuLimitMillicores);
  add('resource_limits_memory_bytes', container.memoryLimitBytes);
  return fields;
}

/**
 * One `DCGM_FI_DEV_FB_USED` point per GPU device, in whole MiB written as a float (Prometheus values
 * are float64). The container's MB are split over its devices exactly as for Heapster's
 * `accelerator/memory_used`, then each device's share is converted.
 */
function writeGpuMemory(keys: readonly string[], container: ContainerSample, ts: string, out: string[]): void {
  const total = container.gpuMegabytes;
  if (keys.length === 0 || total === undefined) return;
  keys.forEach((key, device) => {
    out.push(`${key} gauge=${round(deviceMegabytes(total, keys.length, device) / MEGABYTES_PER_MEBIBYTE)}${ts}`);
  });
}
